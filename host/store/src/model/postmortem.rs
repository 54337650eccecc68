//! Past incidents' write-ups (WIT `postmortem`).

use serde::{Deserialize, Serialize};

/// A postmortem in the corpus. It is identified by its id, and also by its URL when it has
/// one: the same write-up imported twice under two ids is still one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postmortem {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
}
