//! The sections of a drafted text, so that one can be re-drafted without touching the others.
//!
//! A draft is Markdown. A section starts at a heading line and runs to the next one: `## ...`
//! (or deeper) as a postmortem uses, or a line that is bold as a whole (`**Condition**`) as a
//! CAN status update uses, except on the text's first line, which is the title. A section's
//! key is its heading in lower case, up to any `:`, words joined by `-`: `## Contributing
//! factors` is `contributing-factors`, `**Next update: 10:30 UTC**` is `next-update`. A section
//! asked for by name is read the same way ([`key_for`]), so the heading as a person reads it
//! (`Impact`, `Contributing factors`) names the same section as its key, in any case.
//!
//! ```
//! use rhyme_server::sections::{keys, splice};
//! let mine = "# PM\n\n## Summary\n\n- my words\n\n## Impact\n\n- old impact\n";
//! let fresh = "# PM\n\n## Summary\n\n- plugin words\n\n## Impact\n\n- new impact [#7]\n";
//! assert_eq!(keys(mine), ["summary", "impact"]);
//! let spliced = splice(mine, fresh, "impact").unwrap();
//! assert_eq!(spliced, "# PM\n\n## Summary\n\n- my words\n\n## Impact\n\n- new impact [#7]\n");
//! ```

use serde::Serialize;

/// A section heading as found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRef {
    /// The heading in lower case up to any `:`, words joined by `-` (`next-update`).
    pub key: String,
    /// The heading's text as written, without its `##` or `**` markers.
    pub heading: String,
}

/// Why a section could not be spliced.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SpliceError {
    /// The working text has no section with this key.
    #[error(
        "the text has no section `{key}`; its sections are: {} (a heading in any case, such as `Impact`, names its section too)",
        list(.found)
    )]
    NotInText {
        /// The section key asked for.
        key: String,
        /// The keys the working text does have.
        found: Vec<String>,
    },
    /// The freshly drafted text has no section with this key.
    #[error("the new draft has no section `{key}`; it has: {}", list(.found))]
    NotInDraft {
        /// The section key asked for.
        key: String,
        /// The keys the new draft does have.
        found: Vec<String>,
    },
}

fn list(keys: &[String]) -> String {
    if keys.is_empty() {
        "none".to_string()
    } else {
        keys.join(", ")
    }
}

/// The text's sections, in order.
pub fn sections(text: &str) -> Vec<SectionRef> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| heading(i, line))
        .collect()
}

/// The key of the section a person names: a key (`next-update`) or a heading as written or
/// in any case (`Impact`, `CONTRIBUTING FACTORS`, `Next update: 10:30 UTC`).
///
/// ```
/// use rhyme_server::sections::key_for;
/// assert_eq!(key_for("Impact"), "impact");
/// assert_eq!(key_for("Contributing factors"), "contributing-factors");
/// assert_eq!(key_for("next-update"), "next-update");
/// ```
pub fn key_for(name: &str) -> String {
    key_of(name)
}

/// The sections' keys, in order.
pub fn keys(text: &str) -> Vec<String> {
    sections(text).into_iter().map(|s| s.key).collect()
}

/// `working` with its section `key` replaced by the same section of `fresh`; every other
/// line of `working` (the reviewer's edits included) is kept as it is.
pub fn splice(working: &str, fresh: &str, key: &str) -> Result<String, SpliceError> {
    let mine: Vec<&str> = working.split_inclusive('\n').collect();
    let theirs: Vec<&str> = fresh.split_inclusive('\n').collect();
    let (start, end) = span(&mine, key).ok_or_else(|| SpliceError::NotInText {
        key: key.into(),
        found: keys(working),
    })?;
    let (from, to) = span(&theirs, key).ok_or_else(|| SpliceError::NotInDraft {
        key: key.into(),
        found: keys(fresh),
    })?;
    let mut out: String = mine[..start].concat();
    let mut replacement = theirs[from..to].concat();
    if end < mine.len() && !replacement.ends_with('\n') {
        replacement.push('\n');
    }
    out.push_str(&replacement);
    out.push_str(&mine[end..].concat());
    Ok(out)
}

/// Lines `[start, end)` of the section `key`: its heading and body, without the blank lines
/// that separate it from the next section.
fn span(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let start = lines
        .iter()
        .enumerate()
        .position(|(i, l)| heading(i, l).is_some_and(|h| h.key == key))?;
    let next = (start + 1..lines.len())
        .find(|&i| heading(i, lines[i]).is_some())
        .unwrap_or(lines.len());
    let mut end = next;
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    Some((start, end))
}

/// The heading on line `index` (0-based), if that line is one.
fn heading(index: usize, line: &str) -> Option<SectionRef> {
    let line = line.trim();
    let text = if let Some(rest) = line.strip_prefix("##") {
        rest.trim_start_matches('#').strip_prefix(' ')?.trim()
    } else if index > 0 && line.len() > 4 && line.starts_with("**") && line.ends_with("**") {
        line[2..line.len() - 2].trim()
    } else {
        return None;
    };
    let key = key_of(text);
    (!key.is_empty()).then(|| SectionRef {
        key,
        heading: text.to_string(),
    })
}

/// `Next update: 10:30 UTC` → `next-update`.
fn key_of(heading: &str) -> String {
    let name = heading.split(':').next().unwrap_or(heading).to_lowercase();
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAN: &str = "**[SEV1] Checkout down**\nStatus at 10:05 UTC\n\n**Condition**\n- errors [#1]\n\n**Action**\n- rolled back [#2]\n\n**Need**\n- nothing\n\n**Next update: 10:35 UTC**\n";

    #[test]
    fn a_status_update_has_its_three_parts_and_the_next_update_but_not_its_title() {
        assert_eq!(keys(CAN), ["condition", "action", "need", "next-update"]);
    }

    #[test]
    fn edits_to_other_sections_survive_a_regenerated_one() {
        let mine = CAN
            .replace("- errors [#1]", "- checkout errors for EU buyers [#1]")
            .replace("- nothing", "- DB team: confirm pool size");
        let fresh = CAN.replace(
            "- rolled back [#2]",
            "- rolled back [#2]\n- cache flushed [#4]",
        );
        let out = splice(&mine, &fresh, "action").unwrap();
        assert!(out.contains("- checkout errors for EU buyers [#1]\n"));
        assert!(out.contains("- DB team: confirm pool size\n"));
        assert!(out.contains("**Action**\n- rolled back [#2]\n- cache flushed [#4]\n\n**Need**"));
    }

    #[test]
    fn the_last_section_is_replaced_to_the_end() {
        let fresh = CAN.replace("10:35 UTC**", "11:05 UTC**");
        let out = splice(CAN, &fresh, "next-update").unwrap();
        assert!(out.ends_with("**Next update: 11:05 UTC**\n"));
        assert_eq!(out.matches("Next update").count(), 1);
    }

    #[test]
    fn a_missing_section_is_named_with_those_there_are() {
        let err = splice(CAN, CAN, "impact").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the text has no section `impact`; its sections are: condition, action, need, next-update (a heading in any case, such as `Impact`, names its section too)"
        );
        let err = splice(CAN, "**Title**\n\n**Condition**\n- x\n", "need").unwrap_err();
        assert!(matches!(err, SpliceError::NotInDraft { .. }));
    }

    #[test]
    fn a_bold_word_inside_a_line_is_not_a_heading() {
        assert!(keys("# T\n\n## Summary\n- the **real** cause\n**Note** that\n").eq(&["summary"]));
    }
}
