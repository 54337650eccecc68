//! Cutting prose into sentences the simple way: after `.`, `!` or `?` followed by whitespace.
//! The drafter cuts one event's text; the seen-before index cuts each line of a postmortem.

/// The sentences of `text`, trimmed and without empty ones: cut after `.`, `!` or `?` when
/// whitespace follows (a line break counts as whitespace, but a line without a full stop
/// runs on into the next).
///
/// ```
/// assert_eq!(
///     rhyme_core::sentences::sentences("Pods restarted. Lag is 0!  Next update 10:40"),
///     ["Pods restarted.", "Lag is 0!", "Next update 10:40"]
/// );
/// ```
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = matches!(b, b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace());
        if ends {
            push_trimmed(&mut out, &text[start..=i]);
            start = i + 1;
        }
    }
    push_trimmed(&mut out, &text[start..]);
    out
}

/// The sentences of every line of `text`: as [`sentences`], and a line break always ends one
/// (a postmortem's headings and list items have no full stop).
///
/// ```
/// assert_eq!(
///     rhyme_core::sentences::sentences_by_line("Impact\nOrders failed. Refunds sent."),
///     ["Impact", "Orders failed.", "Refunds sent."]
/// );
/// ```
pub fn sentences_by_line(text: &str) -> Vec<&str> {
    text.lines().flat_map(sentences).collect()
}

fn push_trimmed<'a>(out: &mut Vec<&'a str>, piece: &'a str) {
    let piece = piece.trim();
    if !piece.is_empty() {
        out.push(piece);
    }
}
