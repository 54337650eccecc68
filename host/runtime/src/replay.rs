//! Replaying an incident timeline through the plugins in incident time: each event is handed
//! to the plugins that subscribe to timeline events, and every minute of incident time to those
//! that subscribe to clock ticks, so patterns made of silence fire when the silence crosses
//! its threshold. Findings are stored as they come, so each call sees what came before.

use std::sync::Arc;

use rhyme_core::timeline::{ReplayCall, Timeline, replay_calls};

use crate::Timestamp;
use crate::incidents::MemoryIncidents;
use crate::{CallContext, LoadedPlugin, PluginError};
use rhyme_world::types::{Finding, Incident, TimelineEvent, Trigger};

/// A finding, who made it and when in incident time.
#[derive(Debug, Clone)]
pub struct Fired {
    /// The plugin's name.
    pub plugin: String,
    /// Incident time of the call that produced it.
    pub now: Timestamp,
    /// What it found.
    pub finding: Finding,
}

/// What happened at one step of a replay.
#[derive(Debug)]
pub enum ReplayStep<'a> {
    /// A timeline event was delivered.
    Event(&'a TimelineEvent),
    /// A plugin produced findings.
    Fired(&'a [Fired]),
    /// A plugin call failed; the replay goes on without it for this step.
    Failed(&'a PluginError),
}

/// The incident and events of a labelled or example timeline file. Event ids are their
/// 0-based positions in the file, as the file's `evidence` lists use.
pub fn incident_of(timeline: &Timeline) -> (Incident, Vec<TimelineEvent>) {
    let at_ms = |seconds: i64| seconds * 1000;
    let incident = Incident {
        id: timeline.id.clone(),
        title: timeline.title.clone(),
        severity: timeline.severity.clone().unwrap_or_default(),
        service: String::new(),
        started: timeline.events.first().map_or(0, |e| at_ms(e.at)),
        ended: None,
        update_cadence_minutes: timeline.update_cadence_minutes,
    };
    let events = timeline
        .events
        .iter()
        .map(|e| TimelineEvent {
            id: e.index.to_string(),
            at: at_ms(e.at),
            actor: e.actor.clone().unwrap_or_default(),
            role: e.role.clone().unwrap_or_default(),
            kind: e.kind.clone(),
            text: e.text.clone(),
            change: None,
        })
        .collect();
    (incident, events)
}

/// Plays `timeline` through `plugins` (loaded with `store` behind their `incidents`
/// capability). `observe` sees every step as it happens, with the incident time; it may sleep
/// to pace the replay. Returns everything fired.
pub async fn replay(
    timeline: &Timeline,
    plugins: &[LoadedPlugin],
    store: &Arc<MemoryIncidents>,
    mut observe: impl FnMut(Timestamp, ReplayStep<'_>),
) -> Vec<Fired> {
    let (incident, events) = incident_of(timeline);
    store.insert(incident.clone(), events.clone());
    let mut all = Vec::new();
    let mut delivered = 0;
    for ReplayCall { now, events: seen } in replay_calls(timeline) {
        let now = now * 1000;
        let new_event = (seen > delivered).then(|| &events[seen - 1]);
        delivered = seen;
        if let Some(event) = new_event {
            observe(now, ReplayStep::Event(event));
        }
        for plugin in plugins {
            let ctx = CallContext { now };
            let result = match new_event {
                Some(event) if subscribes(plugin, Trigger::TimelineEvent) => {
                    plugin.on_event(ctx, &incident, event).await
                }
                None if subscribes(plugin, Trigger::ClockTick) => {
                    plugin.on_tick(ctx, &incident).await
                }
                _ => continue,
            };
            match result {
                Ok(report) if !report.value.findings.is_empty() => {
                    store.add_findings(&incident.id, report.value.findings.iter().cloned());
                    let fired: Vec<Fired> = report
                        .value
                        .findings
                        .into_iter()
                        .map(|finding| Fired {
                            plugin: plugin.name().to_string(),
                            now,
                            finding,
                        })
                        .collect();
                    observe(now, ReplayStep::Fired(&fired));
                    all.extend(fired);
                }
                Ok(_) => {}
                Err(error) => observe(now, ReplayStep::Failed(&error)),
            }
        }
    }
    all
}

fn subscribes(plugin: &LoadedPlugin, trigger: Trigger) -> bool {
    plugin.info().triggers.contains(&trigger)
}
