//! Past postmortems as files: `corpus.jsonl`, one postmortem per line (format in
//! `postmortems/README.md` of the data sets; the host's `rhyme corpus import` also reads
//! Markdown folders).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::jsonl::{self, JsonlError};

/// One postmortem of the corpus.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Postmortem {
    pub id: String,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// `YYYY-MM-DD` when known.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// Full body, where the source has one.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub alt_summary: Option<String>,
    #[serde(default)]
    pub alt_urls: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// Reads `corpus.jsonl`: one postmortem per non-empty line, ids unique.
pub fn load_corpus(path: &Path) -> Result<Vec<Postmortem>, JsonlError> {
    let items: Vec<(usize, Postmortem)> = jsonl::read(path)?;
    jsonl::check_unique(path, items.iter().map(|(line, p)| (*line, p.id.as_str())))?;
    Ok(items.into_iter().map(|(_, p)| p).collect())
}
