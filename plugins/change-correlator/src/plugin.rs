//! The sandbox face. On every alert or change added to an incident's timeline, and on every
//! clock tick (so a graph signature found since, or a change stored per service since, is
//! caught within a minute), it reads the incident's changes and alerts and the findings made
//! so far through `incidents`, and reports what it has not reported before.

use rhyme_pdk::contract::{finding, proposal};
use rhyme_pdk::time::truncate_chars;
use rhyme_pdk::types::{
    self, ChangeKind, Evidence, FindingKind, Incident, Output, PluginInfo, ProposalKind,
    TimelineEvent, Timestamp, Trigger,
};
use rhyme_pdk::{Guest, config, incidents};

use crate::change::{Change, KINDS, Kind};
use crate::rank::Onset;
use crate::{Cited, Report, alert_onset, analyse, is_alert, is_change};

struct ChangeCorrelator;

impl Guest for ChangeCorrelator {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "change-correlator",
            env!("CARGO_PKG_VERSION"),
            "Ranks the changes that preceded an onset and proposes rolling back the likeliest",
        )
        .triggers(&[Trigger::TimelineEvent, Trigger::ClockTick])
        .capabilities(&["incidents"])
        .build()
    }

    fn on_event(incident: Incident, event: TimelineEvent) -> Result<Output, String> {
        if !is_alert(&event.kind) && !is_change(&event.kind) {
            return Ok(Output::empty());
        }
        run(&incident)
    }

    fn on_tick(incident: Incident, _now: Timestamp) -> Result<Output, String> {
        run(&incident)
    }

    rhyme_pdk::unused_handlers!(on_series, on_query);
}

struct Settings {
    window_ms: i64,
    dependencies: serde_json::Map<String, serde_json::Value>,
}

/// `window_minutes` (60 when unset) and `dependencies` (service -> services it depends on).
fn settings() -> Result<Settings, String> {
    let settings: serde_json::Value =
        serde_json::from_str(&config::get()).map_err(|e| format!("settings are not JSON: {e}"))?;
    let window_ms = match settings.get("window_minutes") {
        None => 60 * 60_000,
        Some(v) => match v.as_f64() {
            Some(m) if m > 0.0 => (m * 60_000.0) as i64,
            _ => {
                return Err(format!(
                    "setting window_minutes must be a positive number of minutes, not {v}"
                ));
            }
        },
    };
    let dependencies = match settings.get("dependencies") {
        None => serde_json::Map::new(),
        Some(serde_json::Value::Object(map)) => map.clone(),
        Some(other) => {
            return Err(format!(
                "setting dependencies must be a table of service = [services], not {other}"
            ));
        }
    };
    Ok(Settings {
        window_ms,
        dependencies,
    })
}

/// A change the host stored, from the typed record its event carries: exact fields, nothing
/// parsed back from text. The text's first line, written for people, stays the headline.
fn stored_change(event: &TimelineEvent, record: &types::Change) -> Change {
    Change {
        event_id: event.id.clone(),
        kind: match record.kind {
            ChangeKind::Deploy => Kind::Deploy,
            ChangeKind::Rollback => Kind::Rollback,
            ChangeKind::Config => Kind::Config,
            ChangeKind::FeatureFlag => Kind::FeatureFlag,
            ChangeKind::Infrastructure => Kind::Infrastructure,
            ChangeKind::FreezeStart => Kind::FreezeStart,
            ChangeKind::FreezeEnd => Kind::FreezeEnd,
        },
        at: record.at,
        actor: record.actor.clone(),
        headline: event.text.lines().next().unwrap_or("").trim().to_string(),
        service: record.service.clone(),
        revision: record.revision.clone(),
        environment: record.environment.clone(),
        link: record.link.clone(),
        freeze: record.freeze.clone().unwrap_or_default(),
    }
}

fn run(incident: &Incident) -> Result<Output, String> {
    let settings = settings()?;
    let mut kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    kinds.push("alert".into());
    let events = incidents::timeline_of_kinds(&incident.id, &kinds)
        .map_err(|e| format!("reading changes and alerts: {e:?}"))?;
    let changes: Vec<Change> = events
        .iter()
        .filter_map(|e| match &e.change {
            Some(record) => Some(stored_change(e, record)),
            None => Change::read(&e.id, &e.kind, e.at, &e.actor, &e.text),
        })
        .collect();
    if changes.is_empty() {
        return Ok(Output::empty());
    }
    let mut onsets: Vec<Cited> = events
        .iter()
        .filter(|e| is_alert(&e.kind))
        .filter_map(|e| alert_onset(&e.id, e.at, &e.text, &incident.service))
        .collect();
    let findings = incidents::findings(&incident.id)
        .map_err(|e| format!("reading earlier findings: {e:?}"))?;
    for f in findings.iter().filter(|f| f.kind == FindingKind::Signature) {
        let window = f.evidence.iter().find_map(|e| match e {
            Evidence::Window(w) => Some((w.series.clone(), w.start, w.end)),
            _ => None,
        });
        let Some(at) = window.as_ref().map(|w| w.1).or(f.at) else {
            continue;
        };
        let series = window.as_ref().map_or("a metric", |w| w.0.as_str());
        onsets.push(Cited {
            onset: Onset {
                at,
                service: incident.service.clone(),
                label: format!("{} in {series}", f.subject),
            },
            event: None,
            window,
        });
    }
    let already: Vec<String> = findings.into_iter().map(|f| f.subject).collect();
    let depends_on = |service: &str| -> Vec<String> {
        settings
            .dependencies
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(service))
            .and_then(|(_, v)| v.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut output = Output::empty();
    for report in analyse(&onsets, &changes, settings.window_ms, &depends_on, &already) {
        push(&mut output, report)?;
    }
    Ok(output)
}

fn push(output: &mut Output, r: Report) -> Result<(), String> {
    let mut evidence: Vec<Evidence> = r.events.iter().cloned().map(Evidence::Event).collect();
    if let Some((series, start, end)) = &r.window {
        evidence.push(Evidence::window(series, *start, (*end).max(*start)));
    }
    let note = finding(FindingKind::Note, &r.subject, &r.title)
        .title_cut(&r.title)
        .detail(r.detail.clone())
        .evidence_all(evidence.clone())
        .confidence(r.confidence)
        .at(r.at)
        .build()?;
    output.findings.push(note);
    if let Some((title, body)) = r.rollback {
        let title = truncate_chars(&title, 80);
        let p = proposal(ProposalKind::SuggestedAction, &title, body)
            .rationale(r.detail)
            .evidence_all(evidence)
            .build()?;
        output.proposals.push(p);
    }
    Ok(())
}

rhyme_pdk::export!(ChangeCorrelator with_types_in rhyme_pdk::bindings);
