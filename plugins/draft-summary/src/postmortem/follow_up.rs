//! Action items as the timeline states them: the list after a "follow-up:" or "action items:"
//! marker, one statement per item. The review lint then names what each item lacks.

use super::Ctx;
use crate::cues;
use crate::model::{Event, Statement};
use crate::select::{from_part, push_unique};

/// Markers after which a list of follow-up work usually comes.
const MARKERS: &[&str] = &[
    "follow-up:",
    "follow up:",
    "followup:",
    "f/u:",
    "action items:",
    "action item:",
    "todo:",
];

pub(super) fn action_items(ctx: &Ctx) -> Vec<Statement> {
    let mut out = Vec::new();
    for e in ctx
        .events
        .iter()
        .filter(|e| !cues::is_system(e) && cues::names_follow_up(&e.text))
    {
        for item in items(e) {
            push_unique(&mut out, from_part(e, item, ""));
        }
    }
    out
}

/// The items an event lists: the text after its marker (or the whole text), split on `;`,
/// or on `,` when there is no `;`.
fn items(e: &Event) -> Vec<&str> {
    let lower = e.text.to_ascii_lowercase();
    let list = MARKERS
        .iter()
        .find_map(|m| lower.find(m).map(|i| &e.text[i + m.len()..]))
        .unwrap_or(&e.text);
    let sep = if list.contains(';') { ';' } else { ',' };
    list.split(sep)
        .map(|s| s.trim().trim_end_matches('.').trim())
        .filter(|s| s.split_whitespace().count() >= 2)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_follow_up_list() {
        let e = Event {
            id: "9".into(),
            at: 0,
            actor: None,
            role: Some("ic".into()),
            kind: "resolution".into(),
            text: "Resolved. Follow-up: re-apply TLS fix; add config validation.".into(),
        };
        assert_eq!(items(&e), ["re-apply TLS fix", "add config validation"]);
    }
}
