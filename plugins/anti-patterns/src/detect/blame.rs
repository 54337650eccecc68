//! Blame language: a written line (a status note, a draft, postmortem or review text) that puts
//! the cause on a person: "X should have...", "human error", "careless", a named culprit.
//!
//! Whether a sentence blames is decided by review-lint's shared detector, the same one the draft
//! review uses, so the two never disagree. This module only picks the lines that are written
//! records rather than chat, and keeps the nudge to one per episode: the first blamed line fires
//! it, and more blame in the same stretch of drafting adds nothing the IC needs to hear again.

use crate::context::{Context, is_human, is_responder};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern};

/// Lines older than this are not read again: the host calls on every new line, so each is read
/// when it arrives, and this margin only covers a missed call.
const STALE_MINUTES: i64 = 2;
/// The longest quoted phrase in the message.
const PHRASE_CHARS: usize = 40;

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    let repeat = ctx.limits.blame_repeat_minutes as i64 * 60;
    if ctx.fired_since(Pattern::BlameLanguage, ctx.now - repeat) {
        return None;
    }
    let first = ctx.index_at(ctx.now - STALE_MINUTES * 60);
    let (line, finding) = (first..ctx.events.len())
        .filter(|&i| is_written_record(ctx, i))
        .find_map(|i| first_blame(&ctx.events[i].text).map(|f| (i, f)))?;
    let endorsed = (line + 1..ctx.events.len())
        .filter(|&i| is_responder(&ctx.events[i]) && ctx.cues(i).ack_only);
    let phrase: String = finding.phrase.chars().take(PHRASE_CHARS).collect();
    let message = format!(
        "Blame wording \"{phrase}\" in a written line: name what in the system made it easy, not the person."
    );
    Some(ctx.nudge(
        Pattern::BlameLanguage,
        message,
        std::iter::once(line).chain(endorsed),
    ))
}

/// The first blame in a line, also looking inside the draft it quotes: a line such as
/// `draft for the status page: "Root cause: ..." ok?` wraps the text under review in a label
/// and quotes, and the sentence inside is what has to be read.
fn first_blame(text: &str) -> Option<review_lint::blame::BlameFinding> {
    let after_label = text.split_once(':').map(|(_, rest)| rest);
    let quoted = text.split(['"', '\u{201c}', '\u{201d}']).skip(1).step_by(2);
    std::iter::once(text)
        .chain(after_label)
        .chain(quoted)
        .find_map(|piece| {
            review_lint::blame::scan(piece.trim())
                .into_iter()
                .map(|(_, f)| f)
                .find(|f| !own_account(piece, &f.phrase))
        })
}

/// "what I typed and why I didn't see it": the writer telling their own part is an account, not
/// a person named as the cause (the nudge is about naming someone).
fn own_account(text: &str, phrase: &str) -> bool {
    let lower = text.to_lowercase();
    let Some(at) = lower.find(&phrase.to_lowercase()) else {
        return false;
    };
    let before = lower[..at].split_whitespace().last().unwrap_or("");
    matches!(
        before.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''),
        "i" | "i've" | "i'd"
    )
}

/// A status note, or a line that says it is (or quotes) a draft, postmortem or review text.
fn is_written_record(ctx: &Context, i: usize) -> bool {
    let e = &ctx.events[i];
    // Whoever writes it: a stakeholder proposing a root cause for the write-up writes a record.
    is_human(e)
        && match e.kind {
            EventKind::StatusUpdate => true,
            EventKind::Message | EventKind::Other | EventKind::Decision => ctx.has(i, Cue::Record),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    fn after_the_fix() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "search zero results 48%"),
            ev(1, Ic, RoleChange, "Ana IC"),
            ev(6, Ic, Mitigation, "synonyms rolled back"),
        ]
    }

    #[test]
    fn a_draft_blaming_a_person_fires_once() {
        let mut events = after_the_fix();
        events.push(ev(
            10,
            Comms,
            Message,
            "Draft update for review: 'Caused by an engineer's mistake during a deploy.'",
        ));
        events.push(ev(
            12,
            Responder,
            Message,
            "Notes for the postmortem: Bo should have checked the file before deploying.",
        ));
        let nudges = replay(&events, 0..=30, Pattern::BlameLanguage);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 10 * 60);
        assert!(nudges[0].message.chars().count() <= crate::MAX_MESSAGE_CHARS);
    }

    #[test]
    fn the_writers_own_account_is_not_blame_of_a_person() {
        let mut events = after_the_fix();
        events.push(ev(
            10,
            Responder,
            Message,
            "added to the draft what I typed and why I didn't see it: the doc example drops the flag",
        ));
        assert_silent(&events, 0..=30, Pattern::BlameLanguage);
    }

    #[test]
    fn a_blameless_draft_stays_silent() {
        let mut events = after_the_fix();
        events.push(ev(10, Ic, Message, "Draft contributing factor: the disk alert should have fired at 80% but only covered the root volume."));
        events.push(ev(
            12,
            Ic,
            Message,
            "Draft factor 2: the upgrade procedure had no step to re-enable log rotation.",
        ));
        assert_silent(&events, 0..=30, Pattern::BlameLanguage);
    }

    #[test]
    fn chat_that_is_not_a_written_record_is_left_to_the_people_in_it() {
        let mut events = after_the_fix();
        events.push(ev(
            10,
            Ops,
            Message,
            "argh I should have double-checked that file",
        ));
        assert_silent(&events, 0..=30, Pattern::BlameLanguage);
    }
}
