//! IC as hero debugger: the IC runs hands-on diagnostics (ssh, log tails, queries, restarts)
//! again and again while coordination lapses: people ask the IC what to do and get no answer.
//!
//! The run counts the IC's hands-on steps since the IC last coordinated (any IC line that is not
//! itself hands-on: assigning, answering, deciding, paging). One glance at a dashboard is fine;
//! the nudge needs several steps within a short window and at least one question left waiting.

use crate::acts;
use crate::context::{Context, is_responder};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern};

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    if ctx.reconstructed() {
        return None;
    }
    let ic = ctx.ic_before(ctx.events.len())?;
    let window_start = ctx.index_at(ctx.now - ctx.limits.hero_window_minutes as i64 * 60);
    let by_ic = |i: &usize| ctx.events[*i].actor.as_deref() == Some(ic);
    // The IC's last coordinating line, however old: a long run of hands-on work is one episode.
    let coordinated = (0..ctx.events.len())
        .rev()
        .filter(by_ic)
        .find(|&i| !is_hands_on(ctx, i) && !ctx.cues(i).ack_only);
    let first = window_start.max(coordinated.map_or(0, |c| c + 1));
    let run: Vec<usize> = (first..ctx.events.len())
        .filter(|i| by_ic(i) && is_hands_on(ctx, *i))
        .collect();
    if run.len() < ctx.limits.hero_actions as usize {
        return None;
    }
    let since = coordinated.unwrap_or(run[0]);
    if ctx.fired_since(Pattern::IcHeroDebugger, ctx.events[since].at) {
        return None;
    }
    let waiting: Vec<usize> = (run[0]..ctx.events.len())
        .filter(|&i| !by_ic(&i) && asks(ctx, i))
        .collect();
    if waiting.is_empty() {
        return None;
    }
    let message = format!(
        "The IC has run {} hands-on steps while {} question(s) wait: hand the debugging to someone and return to coordinating.",
        run.len(),
        waiting.len()
    );
    Some(ctx.nudge(Pattern::IcHeroDebugger, message, [run, waiting].concat()))
}

/// A hands-on step: the IC working a system rather than the response.
fn is_hands_on(ctx: &Context, i: usize) -> bool {
    let cues = ctx.cues(i);
    // Cheap tests first: the shape test below reads the line's words again.
    // A question in a logged action is the IC thinking aloud over their own work ("`mc admin
    // info`: nodes 3, 5, 7 full. rebalance never ran?"); in a message it asks the room.
    let action = matches!(ctx.events[i].kind, EventKind::Action | EventKind::Deploy);
    if cues.has(Cue::Directs) || (cues.question && !action) {
        return false;
    }
    // An action or a deploy the IC logs is the IC's own hands at work, whatever words it uses,
    // unless it coordinates: records, decides, cites a call, takes or passes the role, or signs
    // off. Words that only look like a news request ("the chart bump") do not make an action
    // coordination, nor does "closed" beside hands-on words (a log's "closed connection").
    let action_coordinates = [
        Cue::Record,
        Cue::DecisionMark,
        Cue::Venue,
        Cue::IcClaim,
        Cue::Handoff,
        Cue::Departure,
    ]
    .into_iter()
    .any(|c| cues.has(c))
        || cues.has(Cue::AllClear) && !cues.has(Cue::HandsOn);
    let working = match ctx.events[i].kind {
        EventKind::Action | EventKind::Deploy => !action_coordinates,
        // A message counts in the usual words of hands-on work, or by its shape: a line that
        // opens with a done or doing verb reports the IC's own work ([`acts::reports_own_operation`]).
        EventKind::Message => {
            cues.has(Cue::HandsOn) || acts::reports_own_operation(&ctx.events[i].text)
        }
        _ => false,
    };
    working && !ctx.names_someone_else(i)
}

/// Someone asking for direction.
fn asks(ctx: &Context, i: usize) -> bool {
    let cues = ctx.cues(i);
    is_responder(&ctx.events[i]) && (cues.question || cues.has(Cue::DirectionAsk))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    fn start() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "billing job failures 35%"),
            ev(1, Ic, RoleChange, "Ana is IC. Bo ops, Cy comms."),
            ev(3, Ic, Action, "ssh worker-3, tailing job logs"),
            ev(5, Ic, Action, "running pg_stat_activity on billing-db"),
        ]
    }

    /// `events`, then a question to the IC and the IC's third hands-on step, replayed.
    fn third_step_after_a_question(mut events: Vec<crate::model::Event>) -> Vec<Nudge> {
        events.push(ev(
            6,
            Ops,
            Message,
            "Ana, should I take the workers or the DB?",
        ));
        events.push(ev(8, Ic, Action, "killing one blocking session"));
        replay(&events, 0..=30, Pattern::IcHeroDebugger)
    }

    #[test]
    fn fires_on_the_third_step_with_a_question_waiting() {
        let nudges = third_step_after_a_question(start());
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 8 * 60);
    }

    #[test]
    fn an_action_that_wonders_aloud_is_still_hands_on() {
        let mut events = start();
        events[3] = ev(
            5,
            Ic,
            Action,
            "pg_stat_activity on billing-db: 40 idle in tx. pool leak?",
        );
        let nudges = third_step_after_a_question(events);
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 8 * 60);
    }

    #[test]
    fn an_ic_who_delegates_between_glances_stays_silent() {
        let mut events = start();
        events.push(ev(
            6,
            Ops,
            Message,
            "Ana, should I take the workers or the DB?",
        ));
        events.push(ev(
            7,
            Ic,
            Message,
            "Bo take the DB locks please; Cy post an update",
        ));
        events.push(ev(9, Ic, Action, "opened the queue dashboard to confirm"));
        events.push(ev(12, Ops, Message, "found the blocking job"));
        assert_silent(&events, 0..=30, Pattern::IcHeroDebugger);
    }

    #[test]
    fn hands_on_work_nobody_waits_on_is_left_alone() {
        let mut events = start();
        events.push(ev(8, Ic, Action, "restarted the worker"));
        assert_silent(&events, 0..=30, Pattern::IcHeroDebugger);
    }

    #[test]
    fn the_ics_own_actions_count_whatever_words_they_use() {
        let events = vec![
            ev(0, System, Alert, "billing job failures 35%"),
            ev(1, Ic, RoleChange, "Ana is IC. Bo ops, Cy comms."),
            ev(3, Ic, Action, "bumped the pool size on the billing box"),
            ev(5, Ic, Action, "flipped the retry flag off for invoices"),
            ev(6, Ops, Message, "Ana, what do you want me on?"),
            ev(8, Ic, Action, "bounced the invoice consumer"),
        ];
        let nudges = replay(&events, 0..=30, Pattern::IcHeroDebugger);
        assert_eq!(
            nudges.len(),
            1,
            "three steps at the controls while Bo waits"
        );
    }

    #[test]
    fn the_ics_coordinating_actions_are_not_hands_on() {
        let events = vec![
            ev(0, System, Alert, "billing job failures 35%"),
            ev(1, Ic, RoleChange, "Ana is IC. Bo ops, Cy comms."),
            ev(3, Ic, Action, "opened a bridge call for the billing team"),
            ev(
                5,
                Ic,
                Action,
                "decision: we keep invoices paused until 11:00",
            ),
            ev(6, Ops, Message, "Ana, what do you want me on?"),
            ev(8, Ic, Action, "status page updated: invoices delayed"),
        ];
        assert_silent(&events, 0..=30, Pattern::IcHeroDebugger);
    }

    #[test]
    fn the_ics_own_work_reported_in_messages_counts_whatever_the_verb() {
        let events = vec![
            ev(0, System, Alert, "billing job failures 35%"),
            ev(1, Ic, RoleChange, "Ana is IC. Bo ops, Cy comms."),
            ev(3, Ic, Message, "opened the worker's config, pool is 4"),
            ev(5, Ic, Message, "compared it with last week's, it was 16"),
            ev(6, Ops, Message, "Ana, what do you want me on?"),
            ev(8, Ic, Message, "raised the pool to 16 on worker-3"),
        ];
        assert_eq!(replay(&events, 0..=30, Pattern::IcHeroDebugger).len(), 1);
        // Near miss: the same IC reporting what others found and asking them on.
        let coordinating = vec![
            ev(0, System, Alert, "billing job failures 35%"),
            ev(1, Ic, RoleChange, "Ana is IC. Bo ops, Cy comms."),
            ev(3, Ic, Message, "asked Bo for the worker config"),
            ev(5, Ic, Message, "latency is flat since the change"),
            ev(6, Ops, Message, "Ana, what do you want me on?"),
            ev(8, Ic, Message, "Bo, raise the pool to 16 please"),
        ];
        assert_silent(&coordinating, 0..=30, Pattern::IcHeroDebugger);
    }
}
