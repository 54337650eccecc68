//! No clear command: a SEV1/SEV2 is under way, several people are acting, and nobody has taken or
//! been given the IC role some minutes after the first alert.
//!
//! Only severities with a `command_minutes` threshold are checked (by default SEV1 and SEV2); an
//! IC counts as named once anyone posts in the IC role, a role change happens, or someone claims
//! the role in words.

use crate::context::{Context, first_name, is_responder};
use crate::cues::Cue;
use crate::model::{EventKind, Nudge, Pattern, Role};

pub(super) fn detect(ctx: &Context) -> Option<Nudge> {
    let limit = ctx.limits.command_minutes? as i64;
    if ctx.reconstructed() {
        return None;
    }
    let alert = ctx.events.iter().position(|e| e.kind == EventKind::Alert)?;
    let alert_at = ctx.events[alert].at;
    if ctx.now < alert_at + limit * 60
        || ctx.fired_since(Pattern::NoClearCommand, alert_at)
        || ic_named(ctx)
    {
        return None;
    }
    let acting: Vec<usize> = (alert + 1..ctx.events.len())
        .filter(|&i| is_responder(&ctx.events[i]))
        .collect();
    if distinct_people(ctx, &acting) < 2 {
        return None;
    }
    let minutes = ctx.minutes_since(alert);
    let message = format!(
        "{minutes} min since the page and nobody holds IC while several people act: name an IC now, then an ops lead, comms and a scribe."
    );
    let evidence = [vec![alert], acting.into_iter().take(12).collect()].concat();
    Some(ctx.nudge(Pattern::NoClearCommand, message, evidence))
}

fn ic_named(ctx: &Context) -> bool {
    ctx.events.iter().enumerate().any(|(i, e)| {
        e.role == Some(Role::Ic)
            || e.kind == EventKind::RoleChange
            || (is_responder(e) && ctx.has(i, Cue::IcClaim) && !ctx.cues(i).question)
    })
}

fn distinct_people(ctx: &Context, events: &[usize]) -> usize {
    let mut names: Vec<String> = events
        .iter()
        .filter_map(|&i| ctx.events[i].actor.as_deref())
        .map(first_name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::*;
    use crate::model::{EventKind::*, Role::*, Severity};

    fn crowd() -> Vec<crate::model::Event> {
        vec![
            ev(0, System, Alert, "www availability 40%"),
            by(1, "kim", Responder, Message, "seeing 503s"),
            by(2, "lou", Responder, Message, "checking ingress"),
            by(4, "max", Responder, Action, "scaling ingress to 12"),
            by(6, "lou", Responder, Message, "who is leading this?"),
        ]
    }

    #[test]
    fn fires_when_no_one_takes_ic_in_time() {
        let nudge = replay(&crowd(), 0..=30, Pattern::NoClearCommand);
        assert_eq!(nudge.len(), 1);
        assert_eq!(nudge[0].at, T0 + 10 * 60);
    }

    #[test]
    fn an_early_ic_keeps_it_silent() {
        let mut events = crowd();
        events.push(by(3, "kim", Ic, RoleChange, "I'm IC. lou ops, max comms"));
        assert_silent(&events, 0..=30, Pattern::NoClearCommand);
    }

    #[test]
    fn a_claim_in_words_counts_and_a_question_does_not() {
        let mut events = crowd();
        events.push(by(
            7,
            "kim",
            Responder,
            Message,
            "ok I'm IC, max hold changes",
        ));
        assert_silent(&events, 0..=30, Pattern::NoClearCommand);
    }

    #[test]
    fn lower_severities_and_lone_responders_are_left_alone() {
        let events = crowd();
        let sev3 = replay_incident(
            &sev(Severity::Sev3),
            &events,
            0..=30,
            Pattern::NoClearCommand,
        );
        assert!(sev3.is_empty());
        assert_silent(&events[..2], 0..=30, Pattern::NoClearCommand);
    }
}
