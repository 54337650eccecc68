//! Past postmortems as files: `corpus.jsonl`, one postmortem per line (format in
//! `postmortems/README.md` of the data sets; the host's `rhyme corpus import` also reads
//! Markdown folders).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::jsonl::{self, JsonlError};

/// One postmortem of the corpus.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Postmortem {
    /// Stable corpus id (`pm-NNNN`), unique within the file.
    pub id: String,
    /// The company whose incident this was, when known.
    #[serde(default)]
    pub company: Option<String>,
    /// Title of the write-up, when it has one.
    #[serde(default)]
    pub title: Option<String>,
    /// `YYYY-MM-DD` when known.
    #[serde(default)]
    pub date: Option<String>,
    /// A short account of the incident, taken from the source.
    #[serde(default)]
    pub summary: Option<String>,
    /// Full body, where the source has one (`body` in some exports).
    #[serde(default, alias = "body")]
    pub text: Option<String>,
    /// Category labels (e.g. `dns`, `config-error`); heuristic hints, not ground truth.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Link to the published write-up.
    #[serde(default)]
    pub url: Option<String>,
    /// A second short account from another source, when it differs from `summary`.
    #[serde(default)]
    pub alt_summary: Option<String>,
    /// Other URLs for the same incident.
    #[serde(default)]
    pub alt_urls: Vec<String>,
    /// The primary source list the entry came from (e.g. `danluu/post-mortems`).
    #[serde(default)]
    pub source: Option<String>,
    /// The id of the incident this write-up is about, when the team's own store holds it
    /// (front matter `incident:` of a Markdown postmortem): how a postmortem in the corpus is
    /// linked to the action items kept when that incident's postmortem draft was approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
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

/// Reads `corpus.jsonl`: one postmortem per non-empty line, ids unique.
pub fn load_corpus(path: &Path) -> Result<Vec<Postmortem>, JsonlError> {
    check_corpus(jsonl::read(path)?, path)
}

/// Parses corpus text as [`load_corpus`] does; `path` only names the file in errors.
pub fn parse_corpus(text: &str, path: &Path) -> Result<Vec<Postmortem>, JsonlError> {
    check_corpus(jsonl::parse(text, path)?, path)
}

fn check_corpus(
    items: Vec<(usize, Postmortem)>,
    path: &Path,
) -> Result<Vec<Postmortem>, JsonlError> {
    jsonl::check_unique(path, items.iter().map(|(line, p)| (*line, p.id.as_str())))?;
    Ok(items.into_iter().map(|(_, p)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::Postmortem;

    #[test]
    fn a_body_field_is_read_as_the_text() {
        let doc: Postmortem =
            serde_json::from_str(r#"{"id": "x", "title": "t", "body": "Action items: one"}"#)
                .unwrap();
        assert_eq!(doc.text.as_deref(), Some("Action items: one"));
    }
}
