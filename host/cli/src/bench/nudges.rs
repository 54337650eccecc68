//! `rhyme bench nudges`: a 5,000-event timeline replayed with the anti-pattern plugin called
//! on every event, in the sandbox; the cost per event grows with the timeline, so the median
//! and the tail are both reported.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::Stats;
use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_world::types::{Incident, TimelineEvent};

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct NudgeFigures {
    /// Events replayed (one plugin call each).
    pub events: usize,
    /// Cost of one call, over all events (target: median ≤ 1 ms).
    pub per_event: Stats,
    /// Fuel (wasm instructions, roughly) the plugin burnt per call: the plugin's own work,
    /// independent of machine load, for comparing versions on a busy machine.
    pub fuel_median: u64,
    pub fuel_p99: u64,
    /// Nudges fired during the replay.
    pub nudges: usize,
}

/// Chat lines cycled through; most of a real incident channel is plain messages.
const CHAT: [(&str, &str); 6] = [
    ("ops", "checking the dashboards for the payments service"),
    (
        "responder",
        "error rate looks flat on my side, still seeing timeouts",
    ),
    (
        "responder",
        "could it be the cache? hit ratio dropped a bit",
    ),
    (
        "ic",
        "ok, let's keep looking at both the cache and the queue",
    ),
    ("ops", "queue depth is 4k and slowly draining"),
    ("stakeholder", "any news for the support team?"),
];

/// A long synthetic incident: a SEV2 with an IC, a line every 20 seconds, a status update
/// every 30 minutes, an alert every two hours, an action every ten minutes.
pub(crate) fn long_timeline(events: usize) -> (Incident, Vec<TimelineEvent>) {
    let start = 1_700_000_000_000i64;
    let incident = Incident {
        id: "bench".into(),
        title: "Long SEV2 for the benchmark".into(),
        severity: "SEV2".into(),
        service: "payments".into(),
        started: start,
        ended: None,
        update_cadence_minutes: Some(30),
    };
    let line = |i: usize| -> (&str, &str, String) {
        let minute = i * 20 / 60;
        if i.is_multiple_of(90) {
            (
                "comms",
                "status_update",
                "Payments slower than usual; investigating; next update in 30 minutes".into(),
            )
        } else if i % 360 == 1 {
            (
                "system",
                "alert",
                "payments-api p99 latency above 2s".into(),
            )
        } else if i % 30 == 2 {
            (
                "ops",
                "action",
                format!(
                    "restarted worker {} to see whether the queue drains",
                    minute % 7
                ),
            )
        } else {
            let (role, text) = CHAT[i % CHAT.len()];
            (role, "message", format!("{text} ({i})"))
        }
    };
    let mut timeline = vec![TimelineEvent {
        id: "0".into(),
        at: start,
        actor: "ana".into(),
        role: "ic".into(),
        kind: "role_change".into(),
        text: "Ana taking IC; Ben ops, Cy comms".into(),
        change: None,
    }];
    timeline.extend((1..events).map(|i| {
        let (role, kind, text) = line(i);
        TimelineEvent {
            id: i.to_string(),
            at: start + i as i64 * 20_000,
            actor: format!("{role}-{}", i % 3),
            role: role.into(),
            kind: kind.into(),
            text,
            change: None,
        }
    }));
    (incident, timeline)
}

/// Replays [`long_timeline`] through the anti-pattern `component`.
pub(crate) fn run(
    component: &[u8],
    events: usize,
    cache_dir: &std::path::Path,
) -> anyhow::Result<NudgeFigures> {
    let limits = super::roomy_limits();
    let sandbox = Sandbox::new(Allocator::Pooling, &limits)?;
    let store = Arc::new(MemoryIncidents::new());
    let backends = Backends {
        incidents: Some(store.clone()),
        ..Backends::default()
    };
    let runtime = super::runtime()?;
    let plugin = runtime.block_on(super::load_plugin(
        &sandbox,
        cache_dir,
        "anti-patterns",
        component,
        &[Capability::Incidents],
        limits,
        backends,
    ))?;
    let (incident, timeline) = long_timeline(events);
    store.insert(incident.clone(), timeline.clone());
    let mut samples: Vec<Duration> = Vec::with_capacity(events);
    let mut fuel: Vec<u64> = Vec::with_capacity(events);
    let mut nudges = 0;
    for event in &timeline {
        let report =
            runtime.block_on(plugin.on_event(CallContext { now: event.at }, &incident, event))?;
        samples.push(report.duration);
        fuel.push(report.fuel_used);
        nudges += report.value.findings.len();
        store.add_findings(&incident.id, report.value.findings);
    }
    fuel.sort_unstable();
    let fuel_at = |q: f64| super::stats::quantile(&fuel, q);
    Ok(NudgeFigures {
        events,
        per_event: Stats::of(&mut samples),
        fuel_median: fuel_at(0.5),
        fuel_p99: fuel_at(0.99),
        nudges,
    })
}
