//! A past incident write-up as the plugin receives it (the fields of the corpus format).

use serde::{Deserialize, Serialize};

/// One postmortem. Only `id` is required; everything else helps matching or explaining.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Postmortem {
    pub id: String,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// `YYYY-MM-DD` when known.
    #[serde(default)]
    pub date: Option<String>,
    /// A short account of the incident.
    #[serde(default)]
    pub summary: Option<String>,
    /// The full write-up, when there is one.
    #[serde(default)]
    pub text: Option<String>,
    /// A second short account from another source.
    #[serde(default)]
    pub alt_summary: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl Postmortem {
    /// Title, summaries and full text joined: everything lexical matching reads.
    pub fn all_text(&self) -> String {
        [&self.title, &self.summary, &self.alt_summary, &self.text]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The body when it says more than the summary does.
    pub fn extra_text(&self) -> Option<&str> {
        self.text
            .as_deref()
            .filter(|t| Some(*t) != self.summary.as_deref() && !t.trim().is_empty())
    }
}
