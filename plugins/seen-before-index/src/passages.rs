//! Cutting a postmortem into passages short enough for a sentence-embedding model (which
//! reads only the first ~256 tokens of a text): a head passage (title and summary), the
//! alternative summary, then the body in chunks of whole paragraphs or sentences.
//!
//! Passage ids are `DOC_ID#N`; the host stores one vector per passage and returns dense
//! hits under those ids.

use serde::{Deserialize, Serialize};

use crate::postmortem::Postmortem;
use crate::text::sentences;

/// Words per body chunk: about 160 tokens, inside the model's window with room to spare.
pub const CHUNK_WORDS: usize = 120;
/// Paragraphs shorter than this (headings, dates, lone links) are not worth a vector.
const MIN_PARAGRAPH_WORDS: usize = 4;

/// One embeddable piece of a postmortem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// `DOC_ID#N`, N counting from 0 (the head passage).
    pub id: String,
    pub doc_id: String,
    pub text: String,
}

/// The document id a passage id (or a plain document id) belongs to.
pub fn doc_id_of(passage_id: &str) -> &str {
    passage_id
        .split_once('#')
        .map_or(passage_id, |(doc, _)| doc)
}

/// True for the head passage (title and summary) of a document.
pub(crate) fn is_head(passage_id: &str) -> bool {
    passage_id.ends_with("#0")
}

/// The passages of one postmortem, head first.
pub fn passages(doc: &Postmortem) -> Vec<Passage> {
    let mut texts = vec![head_text(doc)];
    texts.extend(doc.alt_summary.clone().filter(|s| !s.trim().is_empty()));
    if let Some(body) = doc.extra_text() {
        texts.extend(chunks(body, CHUNK_WORDS));
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(n, text)| Passage {
            id: format!("{}#{n}", doc.id),
            doc_id: doc.id.clone(),
            text,
        })
        .collect()
}

fn head_text(doc: &Postmortem) -> String {
    let parts: Vec<&str> = [&doc.title, &doc.summary]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        doc.company.clone().unwrap_or_default()
    } else {
        parts.join(". ")
    }
}

/// Packs paragraphs (split into sentences when too long) into chunks of at most `max_words`.
fn chunks(body: &str, max_words: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut words = 0;
    for piece in pieces(body, max_words) {
        let n = piece.split_whitespace().count();
        if !current.is_empty() && words + n > max_words {
            out.push(current.join(" "));
            current.clear();
            words = 0;
        }
        current.push(piece);
        words += n;
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn pieces(body: &str, max_words: usize) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in paragraphs(body) {
        if paragraph.split_whitespace().count() > max_words {
            out.extend(sentences(&paragraph).into_iter().map(str::to_string));
        } else {
            out.push(paragraph);
        }
    }
    out
}

/// Blank-line separated paragraphs with their whitespace collapsed.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in body.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            let joined = lines
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if joined.split_whitespace().count() >= MIN_PARAGRAPH_WORDS {
                out.push(joined);
            }
            lines.clear();
        } else {
            lines.push(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Postmortem {
        Postmortem {
            id: "pm-1".into(),
            title: Some("Database outage".into()),
            summary: Some("Replica lag broke failover.".into()),
            text: Some(text.into()),
            ..Postmortem::default()
        }
    }

    #[test]
    fn head_comes_first_then_body_chunks() {
        let body =
            "First paragraph has enough words here.\n\n# Title\n\nSecond paragraph also has words.";
        let ps = passages(&doc(body));
        assert_eq!(ps[0].id, "pm-1#0");
        assert_eq!(ps[0].text, "Database outage. Replica lag broke failover.");
        assert_eq!(
            ps.len(),
            2,
            "short paragraphs pack into one chunk, the heading is dropped"
        );
        assert!(ps[1].text.starts_with("First paragraph") && ps[1].text.ends_with("words."));
    }

    #[test]
    fn long_bodies_split_within_the_word_budget() {
        let sentence = "The cache node restarted and every request went to the database. ";
        let ps = passages(&doc(&sentence.repeat(40)));
        assert!(ps.len() > 3);
        assert!(
            ps[1..]
                .iter()
                .all(|p| p.text.split_whitespace().count() <= CHUNK_WORDS)
        );
    }

    #[test]
    fn passage_ids_map_back_to_documents() {
        assert_eq!(doc_id_of("pm-0042#3"), "pm-0042");
        assert_eq!(doc_id_of("pm-0042"), "pm-0042");
        assert!(is_head("pm-0042#0") && !is_head("pm-0042#10"));
    }
}
