//! The sandbox face of the detectors. On every timeline event and every minute of incident
//! time it reads the timeline and the nudges already fired back through `incidents` (each call
//! is a fresh instance with no memory), runs [`evaluate`], and returns new nudges as findings.
//! Thresholds come from the plugin's settings (`config.get`), catalog defaults otherwise.

use std::collections::HashMap;

use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Incident, Output, PluginInfo, TimelineEvent, Timestamp, Trigger,
};
use rhyme_pdk::{Guest, config, incidents};

use crate::{
    Event, EventKind, IncidentInfo, Nudge, Pattern, PriorNudge, Role, Severity, Thresholds,
    evaluate,
};

struct AntiPatterns;

impl Guest for AntiPatterns {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "anti-patterns",
            env!("CARGO_PKG_VERSION"),
            "Nudges the incident commander out of known response anti-patterns",
        )
        .triggers(&[Trigger::TimelineEvent, Trigger::ClockTick])
        .capabilities(&["incidents"])
        .build()
    }

    fn on_event(incident: Incident, event: TimelineEvent) -> Result<Output, String> {
        nudges_at(&incident, event.at)
    }

    fn on_tick(incident: Incident, now: Timestamp) -> Result<Output, String> {
        nudges_at(&incident, now)
    }

    rhyme_pdk::unused_handlers!(on_series, on_query);
}

/// How far back every line is read; older history is read only for its telling kinds. Longer
/// than any threshold that needs chat text (the longest, mitigation + all-clear, is 90 min).
const FULL_LOOKBACK_MS: Timestamp = 2 * 60 * 60 * 1000;

/// Event kinds whose whole history matters: they mark command, rhythm and progress.
const TELLING_KINDS: [&str; 9] = [
    "alert",
    "deploy",
    "role_change",
    "status_update",
    "decision",
    "action",
    "mitigation",
    "resolution",
    "metric",
];

fn nudges_at(incident: &Incident, now: Timestamp) -> Result<Output, String> {
    let thresholds = thresholds()?;
    let timeline = recent_and_telling(&incident.id, now)?;
    let earlier = incidents::findings(&incident.id)
        .map_err(|e| format!("reading earlier findings: {e:?}"))?;
    let position = evidence_positions(&earlier, &timeline);
    let already: Vec<PriorNudge> = earlier.iter().filter_map(|f| prior(f, &position)).collect();
    // The timeline's strings move into the detectors' events; only the ids stay behind, for
    // naming the evidence of what fires.
    let mut ids = Vec::with_capacity(timeline.len());
    let events: Vec<Event> = timeline
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let (id, event) = event(i as u64, e);
            ids.push(id);
            event
        })
        .collect();
    let info = IncidentInfo {
        severity: severity(&incident.severity),
        update_cadence_minutes: incident.update_cadence_minutes,
    };
    let fired = evaluate(&info, &events, now.div_euclid(1000), &already, &thresholds);
    let findings = fired.iter().map(|n| finding(n, &ids)).collect();
    // The instance is thrown away after this call, memory and all: freeing the copied timeline
    // string by string would only cost time.
    std::mem::forget((events, ids, earlier));
    Ok(Output {
        findings,
        proposals: Vec::new(),
    })
}

/// Where each event cited by an earlier nudge sits in `timeline`; only those ids are indexed.
fn evidence_positions<'a>(
    earlier: &'a [Finding],
    timeline: &[TimelineEvent],
) -> HashMap<&'a str, u64> {
    let mut wanted: HashMap<&str, u64> = earlier
        .iter()
        .filter(|f| f.kind == FindingKind::Nudge)
        .flat_map(|f| &f.evidence)
        .filter_map(|e| match e {
            Evidence::Event(id) => Some((id.as_str(), u64::MAX)),
            _ => None,
        })
        .collect();
    if !wanted.is_empty() {
        for (i, e) in timeline.iter().enumerate() {
            if let Some(slot) = wanted.get_mut(e.id.as_str()) {
                *slot = i as u64;
            }
        }
        wanted.retain(|_, i| *i != u64::MAX);
    }
    wanted
}

/// Every event of the last [`FULL_LOOKBACK_MS`], and the telling events before it, oldest
/// first: a long incident's chatter is not copied into the sandbox on every call.
fn recent_and_telling(incident: &str, now: Timestamp) -> Result<Vec<TimelineEvent>, String> {
    let since = now - FULL_LOOKBACK_MS;
    let recent = incidents::timeline_since(incident, since)
        .map_err(|e| format!("reading the timeline: {e:?}"))?;
    let kinds: Vec<String> = TELLING_KINDS.iter().map(|k| k.to_string()).collect();
    let telling = incidents::timeline_of_kinds(incident, &kinds)
        .map_err(|e| format!("reading the timeline: {e:?}"))?;
    // Recent telling events arrive twice; the copies are left for the instance's teardown.
    let older = telling.partition_point(|e| e.at < since);
    let mut events = telling;
    std::mem::forget(events.split_off(older));
    events.extend(recent);
    Ok(events)
}

fn thresholds() -> Result<Thresholds, String> {
    serde_json::from_str(&config::get())
        .map_err(|e| format!("settings are not valid thresholds: {e}"))
}

/// A WIT event to the detectors' (with its id kept aside); unknown kinds and roles become
/// `Other`, never an error.
fn event(index: u64, e: TimelineEvent) -> (String, Event) {
    // A change the host recorded carries its typed record (rhyme:plugin@0.2.0); a timeline
    // replayed from a file (an exported incident, an evaluation variant) holds one only as
    // its text, so that form is still read when there is no record.
    let recorded = e.change.is_some() || crate::model::is_change_record(&e.kind, &e.text);
    let role = if recorded {
        Some(Role::System)
    } else {
        (!e.role.is_empty()).then(|| role(&e.role))
    };
    let event = Event {
        id: index,
        at: e.at.div_euclid(1000),
        actor: (!e.actor.is_empty()).then_some(e.actor),
        role,
        kind: kind(&e.kind),
        text: e.text,
    };
    (e.id, event)
}

fn role(text: &str) -> Role {
    const ROLES: [(&str, Role); 7] = [
        ("ic", Role::Ic),
        ("ops", Role::Ops),
        ("comms", Role::Comms),
        ("scribe", Role::Scribe),
        ("responder", Role::Responder),
        ("stakeholder", Role::Stakeholder),
        ("system", Role::System),
    ];
    by_name(text, &ROLES, Role::Other)
}

fn kind(text: &str) -> EventKind {
    const KINDS: [(&str, EventKind); 10] = [
        ("message", EventKind::Message),
        ("alert", EventKind::Alert),
        ("metric", EventKind::Metric),
        ("deploy", EventKind::Deploy),
        ("role_change", EventKind::RoleChange),
        ("status_update", EventKind::StatusUpdate),
        ("decision", EventKind::Decision),
        ("action", EventKind::Action),
        ("mitigation", EventKind::Mitigation),
        ("resolution", EventKind::Resolution),
    ];
    by_name(text, &KINDS, EventKind::Other)
}

/// The value `table` pairs with the name `text` (compared as `model::same_name` does: case,
/// `-` for `_` and surrounding spaces aside), else `other`: roles and event kinds are read
/// the same way, each from its own table.
fn by_name<T: Copy>(text: &str, table: &[(&str, T)], other: T) -> T {
    table
        .iter()
        .find(|(name, _)| crate::model::same_name(text, name))
        .map_or(other, |(_, value)| *value)
}

fn severity(text: &str) -> Option<Severity> {
    if text.trim().is_empty() {
        return None;
    }
    serde_json::from_value(serde_json::Value::String(text.trim().to_uppercase())).ok()
}

/// A nudge this plugin fired earlier, read back from the incident's findings.
fn prior(f: &Finding, position: &HashMap<&str, u64>) -> Option<PriorNudge> {
    if f.kind != FindingKind::Nudge {
        return None;
    }
    let pattern = Pattern::from_id(&f.subject)?;
    let evidence = f
        .evidence
        .iter()
        .filter_map(|e| match e {
            Evidence::Event(id) => position.get(id.as_str()).copied(),
            _ => None,
        })
        .collect();
    Some(PriorNudge {
        pattern,
        at: f.at.unwrap_or_default().div_euclid(1000),
        evidence,
    })
}

fn finding(n: &Nudge, ids: &[String]) -> Finding {
    let mut finding = Finding::new(
        FindingKind::Nudge,
        n.pattern.id(),
        title(n.pattern),
        &n.message,
    );
    finding.evidence = n
        .evidence
        .iter()
        .filter_map(|i| ids.get(*i as usize))
        .map(|id| Evidence::Event(id.clone()))
        .collect();
    finding.confidence = 0.9;
    finding.at = Some(n.at * 1000);
    finding
}

/// What the IC reads first.
fn title(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::TunnelVision => "Tunnel vision: one hypothesis, no test",
        Pattern::SilentHandover => "Silent handover: IC changed without a note",
        Pattern::UpdateBlackHole => "Update black hole: stakeholders are waiting",
        Pattern::IcHeroDebugger => "IC is debugging instead of coordinating",
        Pattern::StalledLoop => "Stalled: no new observation or decision",
        Pattern::NoClearCommand => "No clear command: nobody is IC",
        Pattern::OffChannelDecision => "Decision made off-channel",
        Pattern::VanishingAfterMitigation => "Mitigated, but nobody declared the end",
        Pattern::BlameLanguage => "Blame language in a written line",
    }
}

rhyme_pdk::export!(AntiPatterns with_types_in rhyme_pdk::bindings);
