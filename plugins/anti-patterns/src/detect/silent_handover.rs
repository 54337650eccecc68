//! Silent handover: the IC passes the role on, and within a few minutes there is neither a
//! handover note (status, work in flight, theories, next steps) nor an acknowledgement from the
//! new IC.
//!
//! A handover is a role change or a message by the IC of the moment that passes the role on
//! ("passing IC to", "can you take it", "X is taking over"). Someone else taking the role in their
//! own words is an explicit take-over, acknowledged by definition. An acknowledgement is a role
//! change or claim by someone other than the outgoing IC, or an "ack"/"got it" from a person the
//! handover names.

use crate::acts;
use crate::context::{Context, first_name, is_responder};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern};
use crate::text::Words;

/// How far before the handover a note may have been posted.
const NOTE_LEAD_MINUTES: i64 = 5;
/// How long a note the outgoing IC says they are writing may take.
const NOTE_PROMISED_MINUTES: i64 = 15;

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    if ctx.reconstructed() {
        return None;
    }
    let wait = ctx.limits.handover_minutes as i64 * 60;
    let first = ctx.index_at(ctx.now - wait - 10 * 60);
    // A handover that promised its note is looked for further back; only such lines are read
    // there, since this runs on every call.
    let promised_from = ctx.index_at(ctx.now - wait.max(NOTE_PROMISED_MINUTES * 60) - 10 * 60);
    let handover = (promised_from..ctx.events.len())
        .rev()
        .filter(|&i| i >= first || promises_a_note(&ctx.events[i].text))
        .filter(|&i| ctx.events[i].at + wait <= ctx.now)
        .find(|&i| {
            is_handover(ctx, i, wait) && !ctx.fired_since(Pattern::SilentHandover, ctx.events[i].at)
        })?;
    let h_at = ctx.events[handover].at;
    let until = h_at + grace(ctx, handover, wait);
    if ctx.now < until {
        return None;
    }
    let within = ctx.index_at(h_at - NOTE_LEAD_MINUTES * 60)..ctx.index_at(until + 1);
    if within.clone().any(|i| is_note(ctx, i))
        || within
            .clone()
            .any(|i| i > handover && acknowledges(ctx, handover, i))
    {
        return None;
    }
    let after: Vec<usize> = (handover + 1..ctx.events.len())
        .filter(|&i| is_responder(&ctx.events[i]))
        .take(8)
        .collect();
    let message = "IC passed on with no ack or handover note: have the new IC confirm here, then post status, work in flight, theories and next steps.";
    Some(ctx.nudge(
        Pattern::SilentHandover,
        message.to_string(),
        [vec![handover], after].concat(),
    ))
}

/// A line by the IC of the moment that passes the role on: in the usual words (the handoff cue),
/// or by meaning ([`acts::hands_over`]: someone named and the role given away in other words, or
/// the IC stepping down to another role right after naming someone).
fn is_handover(ctx: &Context, i: usize, wait: i64) -> bool {
    let e = &ctx.events[i];
    // Cheap tests first: this runs on every line of the window, and `ic_before` scans back.
    matches!(e.kind, EventKind::RoleChange | EventKind::Message)
        && e.actor.is_some()
        && !ctx.has(i, Cue::IcClaim)
        && ((ctx.has(i, Cue::Handoff)
            && !acts::going_is_a_plan(&e.text)
            && ctx.ic_before(i) == e.actor.as_deref())
            // `hands_over` checks who held the role itself.
            || acts::hands_over(ctx, i, wait))
}

/// How long after handover line `i` a note or an acknowledgement may come: the usual wait, or
/// longer where the line says the note is being written ("writing the handover now").
fn grace(ctx: &Context, i: usize, wait: i64) -> i64 {
    if promises_a_note(&ctx.events[i].text) {
        wait.max(NOTE_PROMISED_MINUTES * 60)
    } else {
        wait
    }
}

/// "writing the handover now", "typing up a hand-off note": the note named and being written.
/// Read from the raw text, without the cue reader: it is asked of every line further back.
fn promises_a_note(text: &str) -> bool {
    let lower = text.to_lowercase();
    // One search rules out almost every line before the four spellings are tried.
    lower.contains("hand")
        && ["handover", "hand-over", "handoff", "hand-off"]
            .iter()
            .any(|note| lower.contains(note))
        && Words::new(&lower)
            .iter()
            .any(|w| matches!(w, "writing" | "typing" | "drafting" | "posting"))
}

/// A line that carries most of a handover note.
fn is_note(ctx: &Context, i: usize) -> bool {
    let cues = ctx.cues(i);
    let parts = cues.note_parts();
    is_responder(&ctx.events[i])
        && cues.words >= 12
        && (parts >= 3 || (parts >= 2 && cues.has(Cue::NoteMarker)))
}

fn acknowledges(ctx: &Context, handover: usize, i: usize) -> bool {
    let (h, e) = (&ctx.events[handover], &ctx.events[i]);
    let Some(actor) = e.actor.as_deref() else {
        return false;
    };
    if !is_responder(e) || Some(actor) == h.actor.as_deref() {
        return false;
    }
    let cues = ctx.cues(i);
    if e.kind == EventKind::RoleChange || (cues.has(Cue::IcClaim) && !cues.question) {
        return true;
    }
    (cues.has(Cue::Ack) || cues.ack_only) && names(&h.text, actor)
}

/// Whether `text` mentions this actor by first name (with or without `@`).
fn names(text: &str, actor: &str) -> bool {
    let name = first_name(actor);
    !name.is_empty()
        && Words::new(text)
            .iter()
            .any(|w| w.trim_start_matches('@') == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    /// A handover note with all four parts.
    const NOTE: &str = "Handover: status: latency 250ms and falling. In flight: volume moves, batch 2 running. Theory: array rebuilds. Next: throttle array 6.";

    fn before_the_handover() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "write latency p99 > 200ms"),
            by(2, "Ruth", Ic, RoleChange, "Ruth is IC. Pedro ops."),
            by(10, "Pedro", Ops, Action, "moving hot volumes, batch 1 of 3"),
        ]
    }

    #[test]
    fn a_handover_with_neither_note_nor_ack_fires_within_five_minutes() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "gotta jump to another meeting, Ilya can you take it",
        ));
        events.push(by(
            23,
            "Pedro",
            Ops,
            Message,
            "batch 1 done, who confirms batch 2?",
        ));
        let nudges = replay(&events, 0..=40, Pattern::SilentHandover);
        assert_eq!(nudges.len(), 1);
        assert!(nudges[0].at <= T0 + 25 * 60);
        assert_eq!(nudges[0].evidence[0], 3);
    }

    #[test]
    fn a_formal_handover_to_an_initialled_name_fires() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            RoleChange,
            "Coordination passes to I. Petrov with immediate effect; R. Adler leaves for a flight.",
        ));
        events.push(by(
            24,
            "Ilya",
            Ic,
            Message,
            "Which volumes are already moved?",
        ));
        let nudges = replay(&events, 0..=40, Pattern::SilentHandover);
        assert_eq!(nudges.len(), 1);
    }

    #[test]
    fn a_note_and_an_ack_keep_it_silent() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "Shift ends; Ilya is taking over, writing the handover",
        ));
        events.push(by(22, "Ruth", Ic, Message, NOTE));
        events.push(by(23, "Ilya", Ic, RoleChange, "Acknowledged, I have IC."));
        assert_silent(&events, 0..=40, Pattern::SilentHandover);
    }

    #[test]
    fn an_ack_alone_from_the_named_successor_is_enough() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "passing IC to @ilya, gotta sleep",
        ));
        events.push(by(21, "ilya", Responder, Message, "ack, got it"));
        assert_silent(&events, 0..=40, Pattern::SilentHandover);
    }

    #[test]
    fn a_handover_in_other_words_fires_and_a_task_handed_out_does_not() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "I'm needed upstairs. Ilya, from here this one is yours.",
        ));
        events.push(by(
            23,
            "Pedro",
            Ops,
            Message,
            "batch 1 done, who confirms batch 2?",
        ));
        assert_eq!(replay(&events, 0..=40, Pattern::SilentHandover).len(), 1);
        let mut task = before_the_handover();
        task.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "Ilya take the batch 2 check please",
        ));
        assert_silent(&task, 0..=40, Pattern::SilentHandover);
    }

    #[test]
    fn a_role_change_that_leaves_the_work_to_someone_needs_no_role_word() {
        let leaving = |text: &str, kind| {
            let mut events = before_the_handover();
            events.push(by(20, "Ruth", Ic, kind, text));
            events.push(by(
                23,
                "Pedro",
                Ops,
                Message,
                "batch 1 done, who confirms batch 2?",
            ));
            replay(&events, 0..=40, Pattern::SilentHandover).len()
        };
        let steer = "my train is boarding now, sorry. @ilya can you steer from here?";
        assert_eq!(leaving(steer, RoleChange), 1);
        assert_eq!(
            leaving("have to log off, Ilya is leading from now", RoleChange),
            1
        );
        // In a message "steer from here" may be one task: the role must be named there.
        assert_eq!(leaving(steer, Message), 0);
        // A role change that hands out work without the speaker leaving moves no IC role.
        assert_eq!(
            leaving(
                "Ilya is leading the volume moves, Pedro on batch 2",
                RoleChange
            ),
            0
        );
    }

    #[test]
    fn a_note_being_written_is_given_time() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ruth",
            Ic,
            Message,
            "my shift ends at the hour, Ilya takes IC. writing the handover now",
        ));
        events.push(by(28, "Ruth", Ic, Message, NOTE));
        events.push(by(31, "Ilya", Ic, RoleChange, "read it, I have IC"));
        assert_silent(&events, 0..=50, Pattern::SilentHandover);
        // Promised and never written: the nudge comes once the longer wait is over.
        events.truncate(4);
        let nudges = replay(&events, 0..=50, Pattern::SilentHandover);
        assert_eq!(nudges.len(), 1);
        assert!(nudges[0].at >= T0 + 35 * 60);
    }

    #[test]
    fn someone_taking_command_in_their_own_words_is_not_a_handover() {
        let mut events = before_the_handover();
        events.push(by(
            20,
            "Ilya",
            Ic,
            RoleChange,
            "I'm taking over as IC from Ruth",
        ));
        assert_silent(&events, 0..=40, Pattern::SilentHandover);
    }
}
