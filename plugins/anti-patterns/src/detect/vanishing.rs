//! Vanishing after mitigation (endless SEV): the incident was mitigated a long while ago, nobody
//! has declared the end, and the responders have gone quiet.
//!
//! The end is a resolution event or an all-clear in words ("resolved", "all clear"), unless the
//! words defer it ("will post when closed"). The room counts as gone when no responder has posted
//! for a while; a stakeholder asking whether it is over is evidence, not presence.

use super::stalled_loop::is_progress;
use crate::context::{Context, is_human, is_responder};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern};

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    if ctx.reconstructed() {
        return None;
    }
    let mitigation = ctx.open_mitigation()?;
    let m_at = ctx.events[mitigation].at;
    let limits = ctx.limits;
    if ctx.now < m_at + limits.all_clear_minutes as i64 * 60
        || ctx.fired_since(Pattern::VanishingAfterMitigation, m_at)
    {
        return None;
    }
    let after = mitigation + 1..ctx.events.len();
    let quiet_since = ctx.now - limits.gone_quiet_minutes as i64 * 60;
    let owner = ctx.ic_before(ctx.events.len());
    if after
        .clone()
        .any(|i| ctx.events[i].at > quiet_since && still_there(ctx, i, owner))
    {
        return None;
    }
    if after.clone().any(|i| declares_end(ctx, i)) {
        return None;
    }
    let mut evidence = vec![mitigation];
    evidence.extend(
        after
            .clone()
            .filter(|&i| is_responder(&ctx.events[i]) && ctx.has(i, Cue::Departure))
            .take(6),
    );
    evidence.extend(
        after
            .clone()
            .rev()
            .find(|&i| is_human(&ctx.events[i]) && !is_responder(&ctx.events[i])),
    );
    let hours = ctx.minutes_since(mitigation) as f64 / 60.0;
    let message = format!(
        "Mitigated {hours:.1} h ago with no all-clear and the room gone quiet: check the resolution criteria, then declare the end or hand it on."
    );
    Some(ctx.nudge(Pattern::VanishingAfterMitigation, message, evidence))
}

/// Whether event `i` shows the room still at work: the owner (the IC) posting anything but a
/// sign-off, or any responder moving the response on (an observation, a step, a decision). A
/// responder only asking whether it is over is waiting, not working.
fn still_there(ctx: &Context, i: usize, owner: Option<&str>) -> bool {
    let e = &ctx.events[i];
    if !is_responder(e) || ctx.has(i, Cue::Departure) {
        return false;
    }
    let by_owner = owner.is_some() && e.actor.as_deref() == owner;
    by_owner || (is_progress(ctx, i) && !ctx.cues(i).question)
}

fn declares_end(ctx: &Context, i: usize) -> bool {
    let e = &ctx.events[i];
    let cues = ctx.cues(i);
    is_responder(e)
        && matches!(e.kind, EventKind::StatusUpdate | EventKind::Message)
        && cues.has(Cue::AllClear)
        && !cues.has(Cue::NotYetClosed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*};

    fn mitigated_at_night() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "webhook failures 25%"),
            ev(1, Ic, RoleChange, "Ana IC"),
            ev(
                20,
                Ic,
                Mitigation,
                "Mitigated; retries still off for one merchant",
            ),
            ev(22, Ops, Message, "night all"),
            ev(23, Ic, Message, "👋"),
            ev(60, System, Metric, "failures 0.8%"),
            ev(200, Stakeholder, Message, "is this incident still open?"),
        ]
    }

    #[test]
    fn fires_an_hour_after_mitigation_once_the_room_is_gone() {
        let nudges = replay(
            &mitigated_at_night(),
            0..=300,
            Pattern::VanishingAfterMitigation,
        );
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].at, T0 + 80 * 60);
        assert_eq!(nudges[0].evidence, [2, 3, 4]);
    }

    #[test]
    fn an_all_clear_keeps_it_silent_and_a_deferred_one_does_not() {
        let mut events = mitigated_at_night();
        events.push(ev(
            50,
            Comms,
            StatusUpdate,
            "monitoring, will post when closed",
        ));
        assert_eq!(
            replay(&events, 0..=300, Pattern::VanishingAfterMitigation).len(),
            1
        );
        events.push(ev(
            70,
            Comms,
            StatusUpdate,
            "Resolved: all clear since 20:10",
        ));
        assert_silent(&events, 0..=300, Pattern::VanishingAfterMitigation);
    }

    #[test]
    fn a_question_from_someone_left_in_the_room_is_not_presence() {
        let mut events = mitigated_at_night();
        events.push(ev(
            75,
            Responder,
            Message,
            "is the merchant getting retries again?",
        ));
        assert_eq!(
            replay(&events, 0..=300, Pattern::VanishingAfterMitigation).len(),
            1
        );
        // Near miss: the owner still posting keeps it silent.
        let mut owner = mitigated_at_night();
        owner.push(ev(
            75,
            Ic,
            Message,
            "watching the merchant's webhook queue drain",
        ));
        assert!(fired(&owner, 80, Pattern::VanishingAfterMitigation).is_none());
    }

    #[test]
    fn people_still_working_after_mitigation_keep_it_silent() {
        let mut events = mitigated_at_night();
        events.push(ev(
            65,
            Ops,
            Action,
            "re-enabling retries for the merchant in stages",
        ));
        events.push(ev(90, Ops, Message, "stage 2 of 3 done"));
        events.push(ev(115, Ic, Resolution, "resolved"));
        assert_silent(&events, 0..=300, Pattern::VanishingAfterMitigation);
    }
}
