//! Stalled loop: the incident is open and unmitigated, and for a long stretch nobody has posted a
//! new observation, decision or action.
//!
//! Progress is what moves the loop: an action, a decision, a deploy, a role change, or a message
//! that tells something new or proposes a step. Metrics and alerts are the system talking; status
//! updates repeat what is known; "any news?", "+1", "still nothing" and bare acknowledgements show
//! that people are waiting, which is the stall itself, not a way out of it.

use crate::acts;
use crate::context::{Context, is_human, is_responder};

/// Seconds after a stated due time before the quiet counts as a stall.
const STATED_WAIT_GRACE: i64 = 5 * 60;
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern};

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    if ctx.reconstructed() || ctx.mitigated() {
        return None;
    }
    let start = ctx.start()?;
    let last = (start..ctx.events.len())
        .rev()
        .find(|&i| is_progress(ctx, i))?;
    let since_at = ctx.events[last].at;
    // A step that said when its result is due holds the clock until then, plus a little grace:
    // waiting for what the team said it would wait for is not a stall.
    // A status update since then that tells when the result is due ("cleared by about 10:15")
    // states the same wait to the people waiting.
    let stated = std::iter::once(last)
        .chain((last + 1..ctx.events.len()).filter(|&i| {
            ctx.events[i].kind == EventKind::StatusUpdate && is_responder(&ctx.events[i])
        }))
        .filter_map(|i| acts::stated_wait_until(&ctx.events[i]))
        .max()
        .map_or(0, |t| t + STATED_WAIT_GRACE);
    let due = (since_at + ctx.limits.silence_minutes as i64 * 60).max(stated);
    if ctx.now < due || ctx.fired_since(Pattern::StalledLoop, since_at) {
        return None;
    }
    let waiting = (last + 1..ctx.events.len()).filter(|&i| is_human(&ctx.events[i]));
    let quiet = ctx.minutes_since(last);
    let message = format!(
        "Nothing new found, decided or tried for {quiet} min: re-orient the room on what we know, what we don't, and the next decision."
    );
    let evidence = std::iter::once(last).chain(waiting);
    Some(ctx.nudge(Pattern::StalledLoop, message, evidence))
}

/// Whether event `i` moves the response forward.
pub(super) fn is_progress(ctx: &Context, i: usize) -> bool {
    let e = &ctx.events[i];
    if !is_responder(e) {
        return false;
    }
    match e.kind {
        EventKind::Action
        | EventKind::Decision
        | EventKind::Deploy
        | EventKind::Mitigation
        | EventKind::Resolution
        | EventKind::RoleChange => true,
        EventKind::StatusUpdate | EventKind::Alert | EventKind::Metric => false,
        EventKind::Message | EventKind::Other => {
            let cues = ctx.cues(i);
            let waiting = [Cue::NewsRequest, Cue::NoNews, Cue::PlusOne, Cue::Departure]
                .iter()
                .any(|&c| cues.has(c));
            // Only a waiting line needs a second look, so the text is read again only for one.
            let moves = || {
                // "anyone got an idea what else it could be?" asks the room for a cause; it
                // does not propose one.
                let asks_for_a_cause = cues.question && cues.has(Cue::NewsRequest);
                cues.has(Cue::Hypothesis) && !asks_for_a_cause
                    || cues.has(Cue::Proposal)
                    // "sampled 20 DLQ events: ... nothing new is expiring": a check the speaker
                    // ran is an action, whatever it found.
                    || acts::reports_own_operation(&e.text)
                    || reports_own_result(ctx, i)
            };
            !cues.ack_only && (!waiting || moves())
        }
    }
}

/// "rolled back to v5.11" then "no change, still timing out": the first word its author posts
/// after their own step is that step's result, which is news even when the news is that nothing
/// changed.
fn reports_own_result(ctx: &Context, i: usize) -> bool {
    const RESULT_MINUTES: i64 = 10;
    let e = &ctx.events[i];
    let Some(author) = e.actor.as_deref() else {
        return false;
    };
    let since = ctx.index_at(e.at - RESULT_MINUTES * 60);
    let own = |j: usize| ctx.events[j].actor.as_deref() == Some(author);
    (since..i)
        .rev()
        .find(|&j| own(j))
        .is_some_and(|j| matches!(ctx.events[j].kind, EventKind::Action | EventKind::Deploy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    fn waiting_on_a_vendor() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "sms delivery 10%"),
            ev(1, Ic, RoleChange, "Ana IC, Bo ops"),
            ev(5, Ops, Message, "provider API accepts but receipts fail"),
            ev(8, Ops, Action, "ticket opened with the provider"),
            ev(12, System, Metric, "delivery 11%"),
            ev(15, Responder, Message, "+1 same on my phone"),
            ev(20, Stakeholder, Message, "any ETA?"),
            ev(24, Ops, Message, "provider hasn't replied yet"),
            ev(26, System, Metric, "delivery 10%"),
        ]
    }

    #[test]
    fn fires_when_nothing_moves_for_the_silence_threshold() {
        let events = waiting_on_a_vendor();
        assert!(fired(&events, 27, Pattern::StalledLoop).is_none());
        let nudge = fired(&events, 28, Pattern::StalledLoop).expect("20 min after the ticket");
        assert_eq!(nudge.evidence[0], 3);
        assert_eq!(replay(&events, 0..=60, Pattern::StalledLoop).len(), 1);
    }

    #[test]
    fn a_steady_flow_of_findings_stays_silent() {
        let mut events = waiting_on_a_vendor();
        events.push(ev(
            18,
            Ops,
            Message,
            "backup provider has capacity; failover is a config flag",
        ));
        events.push(ev(30, Ic, Decision, "fail over to the backup provider"));
        events.push(ev(33, Ops, Action, "flag flipped"));
        events.push(ev(40, Ic, Mitigation, "delivery back to 96%"));
        assert_silent(&events, 0..=90, Pattern::StalledLoop);
    }

    #[test]
    fn a_stated_wait_holds_the_clock_until_it_is_due() {
        let mut events = waiting_on_a_vendor();
        events[3] = ev(
            8,
            Ops,
            Action,
            "reindex started, takes about 30 min, will report then",
        );
        assert!(fired(&events, 28, Pattern::StalledLoop).is_none());
        assert!(fired(&events, 42, Pattern::StalledLoop).is_none());
        assert!(fired(&events, 43, Pattern::StalledLoop).is_some());
    }

    #[test]
    fn a_status_update_that_says_when_it_is_done_holds_the_clock() {
        let mut events = waiting_on_a_vendor();
        events.insert(
            4,
            ev(
                10,
                Comms,
                StatusUpdate,
                "Deliveries resume once the provider fixes receipts, by about 22:50. Next update at 22:55.",
            ),
        );
        assert!(fired(&events, 28, Pattern::StalledLoop).is_none());
        // The next update's time alone is no result due.
        events[4].text = "Still degraded. Next update at 22:55.".into();
        assert!(fired(&events, 28, Pattern::StalledLoop).is_some());
    }

    #[test]
    fn the_result_of_ones_own_step_is_news_even_when_nothing_changed() {
        let mut events = waiting_on_a_vendor();
        events.insert(
            4,
            ev(
                10,
                Ops,
                Message,
                "no change after the ticket, still failing",
            ),
        );
        // Bo's own step (the ticket, at 8) then its result (at 10): the clock runs from 10.
        assert!(fired(&events, 28, Pattern::StalledLoop).is_none());
        assert!(fired(&events, 30, Pattern::StalledLoop).is_some());
    }

    #[test]
    fn asking_the_room_for_a_cause_is_waiting() {
        let mut events = waiting_on_a_vendor();
        events.push(ev(
            25,
            Ic,
            Message,
            "anyone got an idea what else it could be?",
        ));
        assert!(fired(&events, 28, Pattern::StalledLoop).is_some());
        // Naming a candidate proposes one.
        let last = events.len() - 1;
        events[last].text = "could it be the receipts webhook cert?".into();
        assert!(fired(&events, 28, Pattern::StalledLoop).is_none());
    }

    #[test]
    fn a_check_run_counts_as_progress_whatever_it_found() {
        let mut events = waiting_on_a_vendor();
        events.push(ev(
            25,
            Ops,
            Message,
            "sampled the failed receipts: all from the old sender pool, nothing new failing",
        ));
        assert!(fired(&events, 30, Pattern::StalledLoop).is_none());
        // Saying there is still nothing is waiting.
        let last = events.len() - 1;
        events[last].text = "still nothing new from the provider".into();
        assert!(fired(&events, 30, Pattern::StalledLoop).is_some());
    }

    #[test]
    fn a_proposal_wrapped_in_no_news_counts_as_progress() {
        let mut events = waiting_on_a_vendor();
        events.push(ev(
            25,
            Ic,
            Message,
            "Still nothing from them. Should we fail over to the backup?",
        ));
        assert!(fired(&events, 30, Pattern::StalledLoop).is_none());
    }
}
