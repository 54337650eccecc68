//! Off-channel decision: someone acts on, or cites, a decision made on a call, a bridge or in a
//! DM ("as agreed on the call"), and the channel holds no record of it.
//!
//! A record is a decision event, or a line marked as a decision, posted shortly before the
//! reference (or within the grace after it) that shares its topic. The nudge waits out the grace
//! so an IC who is typing the decision up is not interrupted, and fires once until a decision is
//! written into the channel.

use crate::context::{Context, is_human, is_responder};
use crate::cues::Cue;
use crate::elsewhere::{decided_elsewhere, talk_reported};
use crate::model::{EventKind, Nudge, Pattern};
use crate::text::{Words, share_topic};

/// How far back a written decision can be what a reference points to.
const RECORD_LOOKBACK_MINUTES: i64 = 30;
/// How far back a decision written as a plain line (not a decision event) is looked for.
const MARKED_LOOKBACK_MINUTES: i64 = 10;
/// References older than this are not nudged any more.
const STALE_MINUTES: i64 = 10;

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    let grace = ctx.limits.off_channel_minutes as i64 * 60;
    let first = ctx.index_at(ctx.now - grace - STALE_MINUTES * 60);
    let reference = (first..ctx.events.len())
        .filter(|&i| ctx.events[i].at + grace <= ctx.now)
        .find(|&i| {
            cites_elsewhere(ctx, i) && !recorded(ctx, i, grace) && !already_nudged(ctx, i)
        })?;
    let questioned: Vec<usize> = (reference + 1..ctx.events.len())
        .filter(|&i| is_responder(&ctx.events[i]) && ctx.cues(i).question)
        .collect();
    let message = "A decision made off-channel is being acted on but isn't written here: post it in the channel with who decided it and why.";
    Some(ctx.nudge(
        Pattern::OffChannelDecision,
        message.to_string(),
        [vec![reference], questioned].concat(),
    ))
}

/// A line that cites an agreement reached somewhere else, and is not itself the written decision.
/// A stakeholder can bring one in too ("Lan and me settled it in the brief's comments: wave 2
/// goes at 13:30"): the response then acts on what the channel never saw decided.
fn cites_elsewhere(ctx: &Context, i: usize) -> bool {
    let e = &ctx.events[i];
    let cues = ctx.cues(i);
    is_human(e)
        && matches!(
            e.kind,
            EventKind::Message | EventKind::Action | EventKind::Deploy | EventKind::Other
        )
        && (!cues.has(Cue::DecisionMark) && cues.has(Cue::Venue) && cues.has(Cue::Agreement)
            // "In the meet with the leads it is decided: ...": a line marked as a decision is
            // still a report of one made elsewhere when its own words place it there.
            || (cues.has(Cue::Place) || e.text.contains('#')) && decided_elsewhere(&e.text))
}

/// Whether a decision on the same topic was written into the channel around the reference.
fn recorded(ctx: &Context, reference: usize, grace: i64) -> bool {
    let at = ctx.events[reference].at;
    let mut from = ctx.index_at(at - RECORD_LOOKBACK_MINUTES * 60);
    // "ikaika and i went over it in the van": a talk the line reports as over happened since
    // its author last posted here, so no decision from before then can be its record.
    let author = ctx.events[reference].actor.as_deref();
    if author.is_some()
        && talk_reported(&ctx.events[reference].text)
        && let Some(previous) = (from..reference)
            .rev()
            .find(|&i| ctx.events[i].actor.as_deref() == author)
    {
        from = previous + 1;
    }
    let marked_from = ctx.index_at(at - MARKED_LOOKBACK_MINUTES * 60);
    let to = ctx.index_at(at + grace + 1);
    let decisions: Vec<usize> = (from..to)
        .filter(|&i| {
            i != reference
                && (ctx.events[i].kind == EventKind::Decision
                    || (i >= marked_from && is_marked(ctx, i)))
        })
        .collect();
    let Some(&latest) = decisions.last() else {
        return false;
    };
    // A decision posted after the team said it was going to talk elsewhere is the write-up of that
    // talk, whatever words it uses; an older one must share the reference's topic.
    let went_elsewhere = (from..latest)
        .rev()
        .find(|&i| is_responder(&ctx.events[i]) && ctx.has(i, Cue::Venue));
    let topic = ctx.topic(reference);
    decisions
        .iter()
        .any(|&i| went_elsewhere.is_some_and(|v| i > v) || share_topic(&topic, &ctx.topic(i)))
}

/// A line marked as a decision in words ("decision: ..."), not a question about one.
fn is_marked(ctx: &Context, i: usize) -> bool {
    is_responder(&ctx.events[i])
        && ctx.has(i, Cue::DecisionMark)
        && !ctx.cues(i).question
        && !asks_who_decided(&ctx.events[i].text)
}

/// "who decided that", "whose decision was it": a question about a decision, with or without
/// its question mark (chat often drops it).
fn asks_who_decided(text: &str) -> bool {
    let words = Words::new(text);
    (1..words.len()).any(|k| {
        let decision = matches!(words.get(k), "decided" | "decision" | "approved" | "agreed");
        decision
            && (k.saturating_sub(3)..k).any(|j| matches!(words.get(j), "who" | "whose" | "who's"))
    })
}

/// One nudge per unrecorded decision: later references to it, before any decision is written
/// into the channel, belong to the same episode.
fn already_nudged(ctx: &Context, reference: usize) -> bool {
    let last_decision = ctx.events[..reference]
        .iter()
        .rposition(|e| e.kind == EventKind::Decision);
    let since = last_decision.map_or(i64::MIN, |d| ctx.events[d].at);
    ctx.fired_since(Pattern::OffChannelDecision, since)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    fn before() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "under-replicated partitions 240"),
            ev(1, Ic, RoleChange, "Ana IC, Bo ops"),
            ev(
                10,
                Ic,
                Message,
                "options: roll back the config or hot-patch the value; discussing on the bridge",
            ),
        ]
    }

    #[test]
    fn acting_on_an_unwritten_call_decision_fires_after_the_grace() {
        let mut events = before();
        events.push(ev(
            20,
            Ops,
            Action,
            "As agreed on the call, rolling back brokers 4-6 to the previous image",
        ));
        events.push(ev(
            21,
            Comms,
            Message,
            "wait, who approved an image rollback?",
        ));
        events.push(ev(24, Ic, Message, "it was said on the call, go ahead"));
        let nudges = replay(&events, 0..=40, Pattern::OffChannelDecision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 22 * 60);
        assert_eq!(nudges[0].evidence, [3, 4]);
    }

    #[test]
    fn a_decision_reached_elsewhere_in_other_words_fires_too() {
        let mut events = before();
        events.push(ev(
            20,
            Ic,
            Message,
            "Bo and I went through it in a separate chat with the broker team: we're rolling back 4-6",
        ));
        let nudges = replay(&events, 0..=40, Pattern::OffChannelDecision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].evidence, [3]);
    }

    #[test]
    fn an_earlier_decision_is_no_record_of_a_talk_held_since() {
        let mut events = before();
        events.push(ev(
            12,
            Ic,
            Decision,
            "Bo: try pinning brokers 4-6 to the old image first",
        ));
        events.push(ev(
            14,
            Ic,
            Message,
            "heading to the DC with Bo, on my phone for 10 min",
        ));
        events.push(ev(
            24,
            Ic,
            Message,
            "back. Bo and I went over it in the car: brokers 4-6 stay on the old image for today",
        ));
        let nudges = replay(&events, 0..=40, Pattern::OffChannelDecision);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].evidence, [5]);
    }

    #[test]
    fn a_decision_marked_as_one_but_made_in_a_meeting_fires() {
        let mut events = before();
        events.push(ev(
            20,
            Ic,
            Message,
            "Back. In the meet with the broker leads it is decided: we roll back 4-6.",
        ));
        let nudges = replay(&events, 0..=40, Pattern::OffChannelDecision);
        assert_eq!(nudges.len(), 1);
    }

    #[test]
    fn a_decision_written_up_first_keeps_it_silent() {
        let mut events = before();
        events.push(ev(
            18,
            Ic,
            Decision,
            "decision from the bridge: roll back brokers 4-6 to the previous image; Bo runs it",
        ));
        events.push(ev(
            20,
            Ops,
            Action,
            "as agreed on the call, rolling back brokers 4-6",
        ));
        events.push(ev(21, Ops, Message, "per zoom, watching the broker errors"));
        assert_silent(&events, 0..=40, Pattern::OffChannelDecision);
    }

    #[test]
    fn going_to_a_call_is_not_a_reference_to_a_decision() {
        let mut events = before();
        events.push(ev(
            12,
            Ic,
            Message,
            "hopping on a call with Bo to pick the fix",
        ));
        assert_silent(&events, 0..=40, Pattern::OffChannelDecision);
    }
}
