//! Small timelines for the detectors' unit tests, and a replay that drives [`crate::evaluate`]
//! the way the host does: a call on every event and on every minute's tick.

use std::ops::RangeInclusive;

use crate::config::Thresholds;
use crate::model::{Event, EventKind, IncidentInfo, Nudge, Pattern, PriorNudge, Role, Severity};

pub(crate) const T0: i64 = 1_700_000_000;

/// An event at `minute`, posted by the usual person for its role.
pub(crate) fn ev(minute: i64, role: Role, kind: EventKind, text: &str) -> Event {
    let actor = match role {
        Role::Ic => "Ana Ruiz",
        Role::Ops => "Bo Chen",
        Role::Comms => "Cy Diaz",
        Role::Scribe => "Di Ek",
        Role::Responder => "Eli Fox",
        Role::Stakeholder => "Sam Gold",
        Role::System | Role::Other => "grafana",
    };
    by(minute, actor, role, kind, text)
}

/// An event at `minute` posted by `actor`.
pub(crate) fn by(minute: i64, actor: &str, role: Role, kind: EventKind, text: &str) -> Event {
    Event {
        id: 0,
        at: T0 + minute * 60,
        actor: Some(actor.into()),
        role: Some(role),
        kind,
        text: text.into(),
    }
}

/// The same event with no author, as in a timeline written up from a postmortem.
pub(crate) fn anonymous(mut e: Event) -> Event {
    if e.role != Some(Role::System) {
        e.actor = None;
    }
    e
}

pub(crate) fn sev(severity: Severity) -> IncidentInfo {
    IncidentInfo {
        severity: Some(severity),
        update_cadence_minutes: None,
    }
}

/// Events sorted by time, with ids equal to their position.
fn numbered(events: &[Event]) -> Vec<Event> {
    let mut events = events.to_vec();
    events.sort_by_key(|e| e.at);
    events
        .iter_mut()
        .enumerate()
        .for_each(|(i, e)| e.id = i as u64);
    events
}

/// Every nudge of `pattern` a SEV2 replay fires over `minutes`.
pub(crate) fn replay(
    events: &[Event],
    minutes: RangeInclusive<i64>,
    pattern: Pattern,
) -> Vec<Nudge> {
    replay_incident(&sev(Severity::Sev2), events, minutes, pattern)
}

/// Every nudge of `pattern` a replay fires over `minutes`, calling on each event and each tick.
pub(crate) fn replay_incident(
    incident: &IncidentInfo,
    events: &[Event],
    minutes: RangeInclusive<i64>,
    pattern: Pattern,
) -> Vec<Nudge> {
    let events = numbered(events);
    let config = Thresholds::default();
    let mut fired: Vec<Nudge> = Vec::new();
    let mut calls: Vec<(i64, usize)> = minutes.map(|m| (T0 + m * 60, 0)).collect();
    calls.extend(events.iter().enumerate().map(|(i, e)| (e.at, i + 1)));
    calls.sort();
    for (now, _) in calls {
        let seen = events.partition_point(|e| e.at <= now);
        let already: Vec<PriorNudge> = fired.iter().map(PriorNudge::from).collect();
        fired.extend(crate::evaluate(
            incident,
            &events[..seen],
            now,
            &already,
            &config,
        ));
    }
    fired.into_iter().filter(|n| n.pattern == pattern).collect()
}

/// The nudge of `pattern` one SEV2 call at `minute` fires, with nothing fired before.
pub(crate) fn fired(events: &[Event], minute: i64, pattern: Pattern) -> Option<Nudge> {
    fired_incident(&sev(Severity::Sev2), events, minute, pattern)
}

pub(crate) fn fired_incident(
    incident: &IncidentInfo,
    events: &[Event],
    minute: i64,
    pattern: Pattern,
) -> Option<Nudge> {
    let events = numbered(events);
    let now = T0 + minute * 60;
    let seen = events.partition_point(|e| e.at <= now);
    crate::evaluate(incident, &events[..seen], now, &[], &Thresholds::default())
        .into_iter()
        .find(|n| n.pattern == pattern)
}

pub(crate) fn assert_silent(events: &[Event], minutes: RangeInclusive<i64>, pattern: Pattern) {
    let nudges = replay(events, minutes, pattern);
    assert!(
        nudges.is_empty(),
        "expected no {} nudge, got {nudges:?}",
        pattern.id()
    );
}
