//! The review pass over a whole document (a draft, or a reviewer's edit of it): blame language with a blameless
//! rewording, and action items checked against the five-element spec.
//!
//! ```
//! let text = "## Action items\n- Add an alert on all data volumes\n\nOps should have checked the disk.";
//! let notes = review_lint::document::lint(text);
//! assert!(notes.iter().any(|n| n.kind == review_lint::document::LintKind::Blame && n.line == 4));
//! assert!(notes.iter().any(|n| n.kind == review_lint::document::LintKind::ActionItem && n.line == 2));
//! ```

use crate::action_item::{self, Element};
use crate::blame;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintKind {
    /// Blame language; `suggestion` is a blameless rewording.
    Blame,
    /// An action item missing some of owner, verb, outcome, ticket, deadline.
    ActionItem,
}

/// One thing a reviewer should fix, on a 1-based line of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintNote {
    pub line: usize,
    pub kind: LintKind,
    /// The words at fault: the blame phrase, or the action item.
    pub excerpt: String,
    /// What is wrong, in a sentence.
    pub message: String,
    /// How to fix it.
    pub suggestion: String,
    /// For action items, the elements of the spec it lacks (in spec order).
    pub missing: Vec<Element>,
}

/// Lints a draft (Markdown or plain text).
pub fn lint(text: &str) -> Vec<LintNote> {
    lint_with(text, &|_| None)
}

/// Lints a draft with the sentence classifier too, for every sentence whose embedding
/// `vector_of` gives (the sentences are those of [`sentences_to_embed`]).
///
/// ```
/// let text = "Dana ran the migration.";
/// let blameless = review_lint::document::lint_with(text, &|_| None);
/// assert!(blameless.is_empty());
/// assert_eq!(review_lint::document::sentences_to_embed(text), vec!["Dana ran the migration."]);
/// ```
pub fn lint_with(text: &str, vector_of: &dyn Fn(&str) -> Option<Vec<f32>>) -> Vec<LintNote> {
    let mut notes = Vec::new();
    for line in lines(text) {
        notes.extend(blame_notes(line.number, &line.body, vector_of));
        if let Some(item) = action_item_text(&line.body, line.in_action_items) {
            notes.extend(action_item_note(line.number, item));
        }
    }
    notes
}

/// The action items of a document, each with its 1-based line: list entries under an
/// action items heading, and lines labelled as one (`Action item:`, `TODO:`), with the
/// drafter's `[#id]` citations removed. The same lines [`lint`] checks.
pub fn action_items(text: &str) -> Vec<(usize, String)> {
    lines(text)
        .filter_map(|line| {
            action_item_text(&line.body, line.in_action_items)
                .map(|item| (line.number, item.to_string()))
        })
        .collect()
}

/// One line of a document as the lint reads it.
struct Line {
    /// 1-based line number.
    number: usize,
    /// The line trimmed, without the drafter's `[#id]` citations.
    body: String,
    /// Whether the line is under an action items heading (a heading line itself included).
    in_action_items: bool,
}

/// The lines of a document, each knowing whether it stands under an action items heading:
/// [`lint`] and [`action_items`] must agree on where that section is.
fn lines(text: &str) -> impl Iterator<Item = Line> + '_ {
    let mut in_action_items = false;
    text.lines().enumerate().map(move |(i, line)| {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            in_action_items = trimmed.to_ascii_lowercase().contains("action item");
        }
        Line {
            number: i + 1,
            body: without_citations(trimmed),
            in_action_items,
        }
    })
}

/// The sentences the classifier would read ([`blame::needs_classifier`]), in order: what a
/// caller embeds for [`lint_with`].
pub fn sentences_to_embed(text: &str) -> Vec<String> {
    lines(text)
        .flat_map(|line| {
            crate::text::sentences(&line.body)
                .into_iter()
                .filter(|(_, s)| blame::needs_classifier(s))
                .map(|(_, s)| s.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn blame_notes(
    line: usize,
    body: &str,
    vector_of: &dyn Fn(&str) -> Option<Vec<f32>>,
) -> Vec<LintNote> {
    crate::text::sentences(body)
        .into_iter()
        .filter_map(|(_, s)| match vector_of(s) {
            // The model is read only when a caller embeds: the plugins lint without vectors.
            Some(v) => blame::judge(s, Some(&v), blame::classifier::Classifier::shipped()),
            None => blame::detect(s),
        })
        .map(|f| LintNote {
            line,
            kind: LintKind::Blame,
            excerpt: f.phrase,
            message: format!("blame language: {}", f.reason),
            suggestion: f.rewording,
            missing: Vec::new(),
        })
        .collect()
}

fn action_item_note(line: usize, item: &str) -> Option<LintNote> {
    let missing = action_item::check(item).missing();
    if missing.is_empty() {
        return None;
    }
    let names: Vec<&str> = missing.iter().map(|e| e.name()).collect();
    let hints: Vec<&str> = missing.iter().map(|e| e.hint()).collect();
    Some(LintNote {
        line,
        kind: LintKind::ActionItem,
        excerpt: item.to_string(),
        message: format!("action item lacks: {}", names.join(", ")),
        suggestion: hints.join("; "),
        missing,
    })
}

/// The item text when the line is an action item: a list entry under an action items heading,
/// or a line labelled as one.
fn action_item_text(body: &str, in_section: bool) -> Option<&str> {
    let lower = body.to_ascii_lowercase();
    for label in ["action item:", "todo:", "ai:"] {
        if lower.starts_with(label) {
            return Some(body[label.len()..].trim()).filter(|s| !s.is_empty());
        }
    }
    if !in_section {
        return None;
    }
    let item = strip_list_marker(body)?;
    let item = item
        .strip_prefix("[ ]")
        .or(item.strip_prefix("[x]"))
        .unwrap_or(item)
        .trim();
    (!item.is_empty()).then_some(item)
}

fn strip_list_marker(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("- ").or(line.strip_prefix("* ")) {
        return Some(rest);
    }
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    (digits > 0).then(|| {
        line[digits..]
            .strip_prefix(". ")
            .or(line[digits..].strip_prefix(") "))
    })?
}

/// The line without the drafter's `[#id]` citations, which would otherwise read as tickets.
fn without_citations(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("[#") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_items_are_found_with_their_lines() {
        let text =
            "## Impact\n- slow pages\n## Action items\n- Add an alert [#4]\n1. Pin the image\n";
        assert_eq!(
            action_items(text),
            vec![
                (4, "Add an alert".to_string()),
                (5, "Pin the image".to_string())
            ]
        );
    }

    #[test]
    fn citations_are_not_tickets() {
        let notes = lint("## Action items\n- Add an alert on all data volumes [#12]");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].missing.contains(&Element::Ticket));
    }

    #[test]
    fn a_complete_item_outside_the_section_is_quiet() {
        assert!(lint("- Add an alert on all data volumes").is_empty());
        let full = "Action item: Priya Shah to cap bulk deletes at 100 objects per call, verified by the e2e suite (OPS-77), due 2027-03-12.";
        assert!(lint(full).is_empty(), "{:?}", lint(full));
    }

    #[test]
    fn blame_gets_a_rewording() {
        let notes = lint("The root cause was human error.");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].kind, LintKind::Blame);
        assert!(!notes[0].suggestion.is_empty());
    }
}
