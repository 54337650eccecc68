//! Update black hole: stakeholders hear nothing for longer than the agreed cadence.
//!
//! The clock runs from the last status update, or from the first alert when there has been none,
//! and stops at mitigation (from then on a missing all-clear is the vanishing pattern's business),
//! unless the update was already due when the fix landed: that silence happened before it, and
//! the overdue update is the one that should say the service is back.
//! A few minutes late is not silence, so the nudge waits for the cadence plus a grace. On a
//! timeline written up after the fact, missing updates may just be missing from the write-up, so
//! there it fires only on a recorded stakeholder complaint after the cadence has passed; the same
//! holds for a SEV3 with no agreed cadence, which owes updates on request rather than by the clock.

use crate::context::{Context, is_human};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern, Role, Severity};

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    let start = ctx.start()?;
    let since = ctx
        .last(EventKind::StatusUpdate)
        .filter(|&u| u > start)
        .unwrap_or(start);
    let since_at = ctx.events[since].at;
    if ctx.fired_since(Pattern::UpdateBlackHole, since_at) {
        return None;
    }
    let cadence = cadence_minutes(ctx, ctx.events[start].at, since_at);
    // Read the requests for news only when they are needed: this runs on every call, and
    // scanning every line since the last update is the costly part.
    let asks = || news_requests(ctx, since);
    let due = since_at + cadence * 60;
    let mitigated_before_due = ctx.mitigated()
        && ctx
            .last(EventKind::Mitigation)
            .is_some_and(|m| ctx.events[m].at < due);
    if mitigated_before_due {
        return None;
    }
    // A SEV3 (or unrated) incident with no cadence agreed owes no update on a clock: its silence
    // is a black hole only once someone waiting asks, as on a written-up timeline.
    let no_clock = ctx.incident.update_cadence_minutes.is_none()
        && !matches!(ctx.incident.severity, Some(Severity::Sev1 | Severity::Sev2));
    let overdue = if ctx.reconstructed() || no_clock {
        // Only the lines since the update fell due can hold the complaint.
        ctx.now >= due
            && news_requests(ctx, ctx.index_at(due).saturating_sub(1))
                .iter()
                .any(|&i| ctx.events[i].at >= due && ctx.events[i].role == Some(Role::Stakeholder))
    } else {
        ctx.now >= due + ctx.limits.update_grace_minutes as i64 * 60
    };
    if !overdue {
        return None;
    }
    let silent = ctx.minutes_since(since);
    let message = format!(
        "No stakeholder update for {silent} min (cadence {cadence}): post one now with condition, action and need, and set the next update time."
    );
    let evidence = std::iter::once(since).chain(asks());
    Some(ctx.nudge(Pattern::UpdateBlackHole, message, evidence))
}

/// The agreed cadence: the incident's own, else the configured one, tighter early on if set.
fn cadence_minutes(ctx: &Context, start_at: i64, since_at: i64) -> i64 {
    if let Some(agreed) = ctx.incident.update_cadence_minutes {
        return agreed as i64;
    }
    let limits = ctx.limits;
    match limits.early_update_cadence_minutes {
        Some(early) if since_at - start_at < limits.early_phase_minutes as i64 * 60 => early as i64,
        _ => limits.update_cadence_minutes as i64,
    }
}

/// People asking for news since the last update.
fn news_requests(ctx: &Context, since: usize) -> Vec<usize> {
    (since + 1..ctx.events.len())
        .filter(|&i| {
            let e = &ctx.events[i];
            is_human(e)
                && matches!(e.kind, EventKind::Message | EventKind::Other)
                && (ctx.has(i, Cue::NewsRequest)
                    || (e.role == Some(Role::Stakeholder) && ctx.cues(i).question))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, IncidentInfo, Role::*};

    fn incident() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "checkout error rate 20%"),
            ev(1, Ic, RoleChange, "Ana is IC, Bo comms"),
            ev(
                4,
                Comms,
                StatusUpdate,
                "Checkout failing for some users. Investigating. Next update in 30 min.",
            ),
            ev(20, Ops, Message, "errors from one pool only"),
        ]
    }

    #[test]
    fn fires_once_the_cadence_and_grace_have_passed() {
        let events = incident();
        assert!(fired(&events, 38, Pattern::UpdateBlackHole).is_none());
        let nudge = fired(&events, 39, Pattern::UpdateBlackHole).expect("due at 4 + 30 + 5");
        assert!(nudge.evidence.contains(&2));
    }

    #[test]
    fn well_run_updates_on_cadence_stay_silent() {
        let mut events = incident();
        events.push(ev(
            33,
            Comms,
            StatusUpdate,
            "Still failing for one pool. Draining it. Next update 30 min.",
        ));
        events.push(ev(50, Stakeholder, Message, "Any update for support?"));
        assert_silent(&events, 0..=60, Pattern::UpdateBlackHole);
    }

    #[test]
    fn a_sev3_without_an_agreed_cadence_owes_updates_on_request() {
        let mut events = incident();
        let sev3 = sev(Severity::Sev3);
        // The SEV3 default is 60 min: past it, silence alone is not a black hole.
        assert!(fired_incident(&sev3, &events, 90, Pattern::UpdateBlackHole).is_none());
        events.push(ev(
            80,
            Stakeholder,
            Message,
            "any update? customers keep calling",
        ));
        assert!(fired_incident(&sev3, &events, 90, Pattern::UpdateBlackHole).is_some());
        // An agreed cadence runs the clock at any severity.
        let agreed = IncidentInfo {
            update_cadence_minutes: Some(60),
            ..sev3
        };
        events.pop();
        assert!(fired_incident(&agreed, &events, 90, Pattern::UpdateBlackHole).is_some());
    }

    #[test]
    fn once_per_silence() {
        let events = incident();
        assert_eq!(replay(&events, 0..=120, Pattern::UpdateBlackHole).len(), 1);
    }

    #[test]
    fn stops_at_mitigation() {
        let mut events = incident();
        events.push(ev(30, Ic, Mitigation, "mitigated"));
        assert_silent(&events, 0..=120, Pattern::UpdateBlackHole);
    }

    #[test]
    fn written_up_timelines_need_a_recorded_complaint() {
        let mut events: Vec<_> = incident().into_iter().map(anonymous).collect();
        events.truncate(2);
        assert_silent(&events, 0..=60, Pattern::UpdateBlackHole);
        events.push(anonymous(ev(
            25,
            Stakeholder,
            Message,
            "Customers say the status page still shows green",
        )));
        assert!(
            replay(&events, 0..=30, Pattern::UpdateBlackHole).is_empty(),
            "cadence not yet passed"
        );
        events.push(anonymous(ev(
            36,
            Stakeholder,
            Message,
            "Customers say the status page still shows green",
        )));
        assert!(fired(&events, 36, Pattern::UpdateBlackHole).is_some());
    }
}
