//! Labelled sentences kept by reference: `{"id","source","sha256","blame","why"}`, where the
//! sentence is the one of corpus postmortem `source` whose text hashes to `sha256`. The
//! project labels corpus sentences this way so that it never copies the corpus' text; the
//! sentence is recovered from the corpus beside it when the set is read.
//!
//! Action items are kept the same way (`{"id","source","sha256","elements"}`, the item being a
//! list entry of the postmortem's text; see [`list_entries`]).
//!
//! A postmortem's `text` is cut into sentences as the labels were made: lines that start with
//! a lower-case letter continue the line before (hard-wrapped paragraphs); inside a block, a
//! sentence ends at `.`, `!` or `?` followed by white space and then an upper-case letter, a
//! digit, `"` or `@`; white space runs become one space.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::lint::{ActionItem, BlameItem, Elements, Error, Result};

/// One line of a reference file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    id: String,
    source: String,
    sha256: String,
    blame: bool,
    why: String,
}

/// The corpus the references point into, read once for every reference file.
pub struct Corpus {
    path: PathBuf,
    /// Each postmortem's id and text.
    texts: Vec<(String, String)>,
}

impl Corpus {
    /// Reads `corpus.jsonl`.
    pub fn load(path: &Path) -> Result<Corpus> {
        let postmortems = rhyme_core::postmortem::load_corpus(path).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: 0,
            message: e.to_string(),
        })?;
        Ok(Corpus {
            path: path.to_path_buf(),
            texts: postmortems
                .into_iter()
                .map(|p| (p.id, p.text.unwrap_or_default()))
                .collect(),
        })
    }

    /// Reads a reference file and recovers each sentence from the corpus; a reference that
    /// matches no sentence of its postmortem is an error naming its line.
    pub fn read_blame_references(&self, labels: &Path) -> Result<Vec<BlameItem>> {
        let found: Vec<(Reference, String)> = self.resolve(labels, "sentence", sentences)?;
        Ok(found
            .into_iter()
            .map(|(r, sentence)| BlameItem {
                id: r.id,
                text: sentence,
                blame: r.blame,
                why: r.why,
                reframe: None,
                source: r.source,
            })
            .collect())
    }

    /// Reads an action-item reference file and recovers each item from the corpus; a
    /// reference that matches no list entry of its postmortem is an error naming its line.
    pub fn read_action_item_references(&self, labels: &Path) -> Result<Vec<ActionItem>> {
        let found: Vec<(ItemReference, String)> =
            self.resolve(labels, "list entry", list_entries)?;
        Ok(found
            .into_iter()
            .map(|(r, item)| ActionItem {
                id: r.id,
                text: item,
                elements: r.elements,
                source: r.source,
            })
            .collect())
    }

    /// Every sentence of every postmortem text, cut as [`sentences`] cuts them, with its
    /// postmortem's id: what the rules are run on to count how often they fire on real text.
    pub fn sentences(&self) -> Vec<(String, String)> {
        self.texts
            .iter()
            .flat_map(|(id, text)| sentences(text).into_iter().map(|s| (id.clone(), s)))
            .collect()
    }

    /// Each reference of `labels` with the piece of its postmortem's text it points at: the
    /// piece (`pieces` cuts a text into them; `what` names one in errors) whose sha256 is the
    /// reference's.
    fn resolve<R: serde::de::DeserializeOwned + Pointer>(
        &self,
        labels: &Path,
        what: &str,
        pieces: fn(&str) -> Vec<String>,
    ) -> Result<Vec<(R, String)>> {
        let texts: HashMap<&str, &str> = self
            .texts
            .iter()
            .map(|(id, text)| (id.as_str(), text.as_str()))
            .collect();
        let text = std::fs::read_to_string(labels).map_err(|source| Error::Read {
            path: labels.to_path_buf(),
            source,
        })?;
        let mut found = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let bad = |message: String| Error::Parse {
                path: labels.to_path_buf(),
                line: n + 1,
                message,
            };
            let r: R = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let (source, sha256) = r.points_at();
            let body = texts
                .get(source)
                .ok_or_else(|| bad(format!("source {source} is not in {}", self.path.display())))?;
            let piece = pieces(body)
                .into_iter()
                .find(|s| hex::encode(Sha256::digest(s.as_bytes())) == sha256)
                .ok_or_else(|| bad(format!("no {what} of {source} hashes to {sha256}")))?;
            found.push((r, piece));
        }
        Ok(found)
    }
}

/// One line of an action-item reference file: the item is the list entry of postmortem
/// `source` whose text (bullet marker removed, white space runs as one space) hashes to
/// `sha256`, labelled per element as `lint/action_items.jsonl` is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemReference {
    id: String,
    source: String,
    sha256: String,
    elements: Elements,
}

/// A reference line: which postmortem, and the sha256 of the piece of its text.
trait Pointer {
    fn points_at(&self) -> (&str, &str);
}

impl Pointer for Reference {
    fn points_at(&self) -> (&str, &str) {
        (&self.source, &self.sha256)
    }
}

impl Pointer for ItemReference {
    fn points_at(&self) -> (&str, &str) {
        (&self.source, &self.sha256)
    }
}

/// The list entries of a postmortem's text: blocks (a line and the lower-case lines that
/// continue it) that open with `-`, `*`, `+` or `1.` / `1)` and a space, with that marker
/// removed and white space runs made one space.
pub fn list_entries(text: &str) -> Vec<String> {
    blocks(text)
        .iter()
        .filter_map(|b| {
            let t = b.split_whitespace().collect::<Vec<_>>().join(" ");
            let rest = t
                .strip_prefix("- ")
                .or_else(|| t.strip_prefix("* "))
                .or_else(|| t.strip_prefix("+ "))
                .map(str::to_string)
                .or_else(|| {
                    let digits = t.chars().take_while(char::is_ascii_digit).count();
                    let after = &t[digits..];
                    (digits > 0)
                        .then(|| {
                            after
                                .strip_prefix(". ")
                                .or_else(|| after.strip_prefix(") "))
                        })
                        .flatten()
                        .map(str::to_string)
                })?;
            (!rest.is_empty()).then_some(rest)
        })
        .collect()
}

/// Which half of a reference file an id falls in: `"tune"`, the half whose misses may be read
/// while changing rules, or `"held_out"`, the half kept for measurement only. Ids `t-NNN` and
/// `h-NNN` name their half (the split was drawn by hash when the set was made); other ids
/// (`c-NNN`) split by parity, even ids being the tune half.
pub fn half_of(id: &str) -> &'static str {
    match id.split_once('-') {
        Some(("t", _)) => "tune",
        Some(("h", _)) => "held_out",
        _ => {
            let even = id
                .rsplit('-')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n % 2 == 0);
            if even { "tune" } else { "held_out" }
        }
    }
}

/// The sentences of a postmortem's text, cut as the module's documentation says.
pub fn sentences(text: &str) -> Vec<String> {
    blocks(text).iter().flat_map(|b| split_block(b)).collect()
}

/// Lines, each with the lines that continue it (those that start with a lower-case letter).
fn blocks(text: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let continues = line
            .trim_start_matches([' ', '\t'])
            .starts_with(|c: char| c.is_ascii_lowercase());
        match blocks.last_mut() {
            Some(block) if continues => {
                block.push(' ');
                block.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
    }
    blocks
}

fn split_block(block: &str) -> Vec<String> {
    let chars: Vec<char> = block.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '.' | '!' | '?')
            && chars.get(i + 1).is_some_and(|c| c.is_whitespace())
        {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            if chars.get(j).is_some_and(|&c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || c == '"' || c == '@'
            }) {
                pieces.push(chars[start..=i].iter().collect::<String>());
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(chars[start..].iter().collect());
    pieces
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_a_stop_before_a_capital_and_wrapped_lines_join() {
        let text = "The disk filled. Then the\nlogs stopped at v1.2 and e.g. this.\n\n- A list item? 3 more";
        assert_eq!(
            sentences(text),
            [
                "The disk filled.",
                "Then the logs stopped at v1.2 and e.g. this.",
                "- A list item?",
                "3 more"
            ]
        );
    }

    #[test]
    fn list_entries_lose_their_marker_and_keep_their_continuation() {
        let text = "Intro line.\n- Add an alert\n  for disk usage\n* Pin the image\n12. Rotate keys\nNot an item";
        assert_eq!(
            list_entries(text),
            [
                "Add an alert for disk usage",
                "Pin the image",
                "Rotate keys"
            ]
        );
    }

    #[test]
    fn halves_follow_the_id_prefix_or_else_parity() {
        assert_eq!(half_of("t-007"), "tune");
        assert_eq!(half_of("h-002"), "held_out");
        assert_eq!(half_of("c-002"), "tune");
        assert_eq!(half_of("c-003"), "held_out");
    }

    #[test]
    fn a_reference_that_matches_nothing_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus.jsonl");
        std::fs::write(
            &corpus,
            r#"{"id":"pm-1","text":"Ops forgot the flag. It broke."}"#,
        )
        .unwrap();
        let hash = hex::encode(Sha256::digest(b"Ops forgot the flag."));
        let labels = dir.path().join("labels.jsonl");
        let good =
            format!(r#"{{"id":"c-1","source":"pm-1","sha256":"{hash}","blame":true,"why":"w"}}"#);
        std::fs::write(&labels, format!("{good}\n")).unwrap();
        let corpus = Corpus::load(&corpus).unwrap();
        let items = corpus.read_blame_references(&labels).unwrap();
        assert_eq!(items[0].text, "Ops forgot the flag.");
        let bad = good.replace(&hash, &"0".repeat(64));
        std::fs::write(&labels, format!("{good}\n{bad}\n")).unwrap();
        let error = corpus
            .read_blame_references(&labels)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("labels.jsonl:2") && error.contains("pm-1"),
            "{error}"
        );
    }
}
