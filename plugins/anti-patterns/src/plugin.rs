//! The sandbox face of the detectors. On every timeline event and every minute of incident
//! time it reads the timeline and the nudges already fired back through `incidents` (each call
//! is a fresh instance with no memory), runs [`evaluate`], and returns new nudges as findings.
//! Thresholds come from the plugin's settings (`config.get`), catalog defaults otherwise.

use std::collections::HashMap;

use rhyme_pdk::types::{Evidence, Finding, FindingKind, Incident, Output, PluginInfo, TimelineEvent, Timestamp, Trigger};
use rhyme_pdk::{Guest, config, incidents};

use crate::{Event, EventKind, IncidentInfo, Nudge, Pattern, PriorNudge, Role, Severity, Thresholds, evaluate};

struct AntiPatterns;

impl Guest for AntiPatterns {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("anti-patterns", env!("CARGO_PKG_VERSION"), "Nudges the incident commander out of known response anti-patterns")
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
const TELLING_KINDS: [&str; 9] =
    ["alert", "deploy", "role_change", "status_update", "decision", "action", "mitigation", "resolution", "metric"];

fn nudges_at(incident: &Incident, now: Timestamp) -> Result<Output, String> {
    let thresholds = thresholds()?;
    let timeline = recent_and_telling(&incident.id, now)?;
    let earlier = incidents::findings(&incident.id).map_err(|e| format!("reading earlier findings: {e:?}"))?;
    let position: HashMap<&str, u64> = timeline.iter().enumerate().map(|(i, e)| (e.id.as_str(), i as u64)).collect();
    let events: Vec<Event> = timeline.iter().enumerate().map(|(i, e)| event(i as u64, e)).collect();
    let already: Vec<PriorNudge> = earlier.iter().filter_map(|f| prior(f, &position)).collect();
    let info = IncidentInfo { severity: severity(&incident.severity), update_cadence_minutes: incident.update_cadence_minutes };
    let fired = evaluate(&info, &events, now.div_euclid(1000), &already, &thresholds);
    let findings = fired.iter().map(|n| finding(n, &timeline)).collect();
    Ok(Output { findings, proposals: Vec::new() })
}

/// Every event of the last [`FULL_LOOKBACK_MS`], and the telling events before it, oldest
/// first: a long incident's chatter is not copied into the sandbox on every call.
fn recent_and_telling(incident: &str, now: Timestamp) -> Result<Vec<TimelineEvent>, String> {
    let since = now - FULL_LOOKBACK_MS;
    let recent = incidents::timeline_since(incident, since).map_err(|e| format!("reading the timeline: {e:?}"))?;
    let kinds: Vec<String> = TELLING_KINDS.iter().map(|k| k.to_string()).collect();
    let telling = incidents::timeline_of_kinds(incident, &kinds).map_err(|e| format!("reading the timeline: {e:?}"))?;
    let mut events: Vec<TimelineEvent> = telling.into_iter().filter(|e| e.at < since).collect();
    events.extend(recent);
    Ok(events)
}

fn thresholds() -> Result<Thresholds, String> {
    serde_json::from_str(&config::get()).map_err(|e| format!("settings are not valid thresholds: {e}"))
}

/// WIT strings to the detectors' enums; unknown values become `Other`, never an error.
fn event(id: u64, e: &TimelineEvent) -> Event {
    let parse = |text: &str| serde_json::Value::String(text.trim().to_lowercase().replace('-', "_"));
    Event {
        id,
        at: e.at.div_euclid(1000),
        actor: (!e.actor.is_empty()).then(|| e.actor.clone()),
        role: (!e.role.is_empty()).then(|| serde_json::from_value::<Role>(parse(&e.role)).unwrap_or(Role::Other)),
        kind: serde_json::from_value::<EventKind>(parse(&e.kind)).unwrap_or(EventKind::Other),
        text: e.text.clone(),
    }
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
    Some(PriorNudge { pattern, at: f.at.unwrap_or_default().div_euclid(1000), evidence })
}

fn finding(n: &Nudge, timeline: &[TimelineEvent]) -> Finding {
    let mut finding = Finding::new(FindingKind::Nudge, n.pattern.id(), title(n.pattern), &n.message);
    finding.evidence = n
        .evidence
        .iter()
        .filter_map(|i| timeline.get(*i as usize))
        .map(Evidence::event)
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
