//! Cost of one call on a long incident: a 5,000-event timeline replayed with `evaluate` called on
//! every event (prefix up to that event, nudges fired so far passed back in), timed natively.
//! Prints the median and p99 per call, and the median over the last 500 calls, where the prefix
//! is longest. No assertion on time: machines differ; the figure is for the report and the bench.
//!
//! Run with `cargo test --release -p anti-patterns --test cost -- --nocapture`.

use std::time::Instant;

use anti_patterns::{
    Event, EventKind, IncidentInfo, Nudge, PriorNudge, Role, Severity, Thresholds, evaluate,
};

/// A day-long SEV2 with a busy channel: five events a minute, mostly metrics and chat.
fn long_incident(n: usize) -> Vec<Event> {
    let lines: [(&str, Role, EventKind, &str); 12] = [
        (
            "grafana",
            Role::System,
            EventKind::Metric,
            "queue depth 41k, p99 1.8s",
        ),
        (
            "ana",
            Role::Ic,
            EventKind::Message,
            "bo, can you check whether the consumer lag is per partition or global?",
        ),
        (
            "bo",
            Role::Ops,
            EventKind::Message,
            "lag is on partitions 3 and 7 only, the rest are fine",
        ),
        (
            "grafana",
            Role::System,
            EventKind::Metric,
            "consumer lag 12k",
        ),
        (
            "cy",
            Role::Comms,
            EventKind::StatusUpdate,
            "Condition: some orders delayed. Action: draining a backlog. Need: nothing. Next update in 30 min.",
        ),
        (
            "eli",
            Role::Responder,
            EventKind::Action,
            "restarted consumer-3 to pick up the new config",
        ),
        (
            "sam",
            Role::Stakeholder,
            EventKind::Message,
            "support asks: any update we can share with merchants?",
        ),
        (
            "ana",
            Role::Ic,
            EventKind::Decision,
            "decision: move partitions 3 and 7 to the spare brokers; bo runs it",
        ),
        (
            "bo",
            Role::Ops,
            EventKind::Message,
            "maybe the rebalance is slow because of the big messages, looks like a 4MB batch",
        ),
        (
            "alertmanager",
            Role::System,
            EventKind::Alert,
            "FIRING ConsumerLagHigh partition=3",
        ),
        (
            "eli",
            Role::Responder,
            EventKind::Message,
            "as agreed on the call, pausing the batch importer",
        ),
        (
            "ana",
            Role::Ic,
            EventKind::Message,
            "Draft for the postmortem: the importer had no rate limit on large batches.",
        ),
    ];
    (0..n)
        .map(|i| {
            let (actor, role, kind, text) = lines[i % lines.len()];
            Event {
                id: i as u64,
                at: 1_700_000_000 + i as i64 * 12,
                actor: Some(actor.into()),
                role: Some(role),
                kind,
                text: format!("{text} (#{i})"),
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn cost_per_call_on_a_5000_event_timeline() {
    let events = long_incident(5_000);
    let incident = IncidentInfo {
        severity: Some(Severity::Sev2),
        update_cadence_minutes: Some(30),
    };
    let config = Thresholds::default();
    let mut fired: Vec<Nudge> = Vec::new();
    let mut micros = Vec::with_capacity(events.len());
    for k in 1..=events.len() {
        let already: Vec<PriorNudge> = fired.iter().map(PriorNudge::from).collect();
        let start = Instant::now();
        let nudges = evaluate(&incident, &events[..k], events[k - 1].at, &already, &config);
        micros.push(start.elapsed().as_secs_f64() * 1e6);
        fired.extend(nudges);
    }
    let tail: Vec<f64> = {
        let mut t = micros[micros.len() - 500..].to_vec();
        t.sort_by(f64::total_cmp);
        t
    };
    micros.sort_by(f64::total_cmp);
    println!(
        "evaluate on every event of 5,000: median {:.1} µs, p99 {:.1} µs; last 500 calls median {:.1} µs; {} nudges fired",
        percentile(&micros, 0.5),
        percentile(&micros, 0.99),
        percentile(&tail, 0.5),
        fired.len()
    );
    assert_eq!(micros.len(), 5_000);
}
