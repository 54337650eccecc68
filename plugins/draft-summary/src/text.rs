//! Turning a timeline line into draft text: keep whole sentences, drop the ones that carry
//! blame, cut to a length a tired reader takes in at a glance.

use review_lint::blame;

/// The longest statement text, in characters; longer sources are cut at a word boundary.
pub(crate) const MAX_CHARS: usize = 140;

pub(crate) use rhyme_core::sentences::sentences;

/// Words that mark blame whoever their subject is. The review lint weighs who the subject is
/// and so misses people it does not recognise as people (a bare first name, a quoted draft);
/// a draft would rather leave out a blameless sentence than print a blaming one.
const BLAME_MARKERS: &[&str] = &[
    "human error",
    "operator error",
    "should have",
    "should've",
    "shouldn't have",
    "forgot",
    "careless",
    "mistake",
    "fault",
    "to blame",
    "negligen",
    "sloppy",
    "if only",
];

/// Whether a sentence is, or may be, blame language.
fn blames(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    blame::detect(sentence).is_some() || BLAME_MARKERS.iter().any(|m| lower.contains(m))
}

/// Whether any sentence of `text` is, or may be, blame language.
pub(crate) fn has_blame(text: &str) -> bool {
    sentences(text).iter().any(|s| blames(s))
}

/// `text` without its blaming sentences, condensed; `None` when nothing blameless is left.
///
/// Blame is dropped rather than rewritten because a draft may only say what the timeline
/// says: the cited event still shows the reviewer the original line.
pub(crate) fn condense(text: &str) -> Option<String> {
    let kept: Vec<&str> = sentences(strip_channel(text))
        .into_iter()
        .filter(|s| !blames(s))
        .collect();
    let mut out = String::new();
    for s in kept {
        if !out.is_empty() && out.chars().count() + s.chars().count() + 1 > MAX_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s);
    }
    let out = cut(&out, MAX_CHARS);
    (!out.is_empty() && !has_blame(&out)).then_some(out)
}

/// Drops a leading `#channel:` marker that chat-posted updates carry.
fn strip_channel(text: &str) -> &str {
    let t = text.trim();
    match t.split_once(':') {
        Some((head, rest)) if head.starts_with('#') && !head.contains(' ') => rest.trim(),
        _ => t,
    }
}

/// At most `max` characters, cut at a word boundary with `…` marking the cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let head = match head.rfind(' ') {
        Some(i) if i > max / 2 => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}

/// The part of a CAN-form status update after `label` (`condition`, `action`, `need`), up to
/// the next label; `None` when the update is not written in that form.
pub(crate) fn can_part<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let start = label_at(&lower, label)? + label.len() + 1;
    let end = ["condition", "action", "need", "next update"]
        .iter()
        .filter_map(|l| label_at(&lower[start..], l).map(|i| start + i))
        .min()
        .unwrap_or(text.len());
    let part = text[start..end].trim().trim_end_matches('.').trim();
    (!part.is_empty()).then_some(part)
}

/// Byte offset of `label:` as a label (at the start or after a sentence end) in `lower`.
fn label_at(lower: &str, label: &str) -> Option<usize> {
    let needle = format!("{label}:");
    lower.match_indices(&needle).map(|(i, _)| i).find(|&i| {
        let before = lower[..i].trim_end();
        before.is_empty() || before.ends_with(['.', ';', '\n', '|'])
    })
}

/// Whether a CAN part says there is nothing to do ("nothing", "none", "n/a").
pub(crate) fn says_nothing(part: &str) -> bool {
    let p = part.trim().trim_end_matches('.').to_ascii_lowercase();
    matches!(
        p.as_str(),
        "nothing" | "none" | "n/a" | "no" | "nothing needed" | "-"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_without_breaking_numbers() {
        assert_eq!(
            sentences("Latency 2.5s. Errors up! Why?"),
            ["Latency 2.5s.", "Errors up!", "Why?"]
        );
    }

    #[test]
    fn condense_drops_blaming_sentences_and_cuts_long_text() {
        let out = condense("Disk full on db-2. The DBA forgot to rotate the logs.").unwrap();
        assert_eq!(out, "Disk full on db-2.");
        assert!(condense("Ops should have checked the disk usage first.").is_none());
        // A first name the review lint does not know as a person is still left out.
        assert!(
            condense("Notes: Priyanka should have checked the file before deploying.").is_none()
        );
        let long = "word ".repeat(60);
        assert!(condense(&long).unwrap().chars().count() <= MAX_CHARS);
    }

    #[test]
    fn reads_can_parts() {
        let t = "Condition: Slow writes. Action: Moving volumes. Need: nothing. Next update: 15:33 UTC.";
        assert_eq!(can_part(t, "condition"), Some("Slow writes"));
        assert_eq!(can_part(t, "action"), Some("Moving volumes"));
        assert!(says_nothing(can_part(t, "need").unwrap()));
        assert_eq!(can_part("all good, next 12:09", "need"), None);
    }

    #[test]
    fn strips_channel_markers() {
        assert_eq!(
            condense("#data-status: data delayed").unwrap(),
            "data delayed"
        );
    }
}
