//! Past incidents' write-ups (WIT `postmortem`).

use serde::{Deserialize, Serialize};

/// A postmortem in the corpus. It is identified by its id, and also by its URL when it has
/// one: the same write-up imported twice under two ids is still one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postmortem {
    /// The entry's id in the corpus.
    pub id: String,
    /// The write-up's title; must not be empty.
    pub title: String,
    /// The organisation the incident happened to; empty when unknown.
    #[serde(default)]
    pub company: String,
    /// A short summary, often one or two sentences.
    #[serde(default)]
    pub summary: String,
    /// The full text, Markdown allowed; may be empty.
    #[serde(default)]
    pub body: String,
    /// Free-form tags for what went wrong (`dns`, `migration`, ...).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Where the write-up is published; a second key, so the same URL is never stored twice.
    #[serde(default)]
    pub url: Option<String>,
}
