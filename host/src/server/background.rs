//! The server's timers: a clock tick for every open incident (plugins that watch for silence
//! need time to pass even when nothing arrives), and the outbox: approved actions handed to
//! their sinks, and pending proposals past their expiry withdrawn.

use std::time::Duration;

use rhyme_store::outbox::{self, Sinks};
use rhyme_store::{Gate, IncidentFilter};

use super::dispatch::{Dispatcher, Job};

/// Queues a tick for each open incident every `every`. A tick that finds the queue full is
/// skipped (and logged): nobody is waiting on it, and the next one comes a minute later.
pub async fn tick(gate: Gate, dispatcher: Dispatcher, every: Duration) {
    let mut timer = tokio::time::interval(every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    timer.tick().await;
    loop {
        timer.tick().await;
        let store = gate.store();
        let open = match store
            .incidents(IncidentFilter {
                open_only: true,
                limit: 0,
            })
            .await
        {
            Ok(open) => open,
            Err(e) => {
                tracing::error!("listing open incidents for the clock tick: {e}");
                continue;
            }
        };
        let now = store.now();
        for incident in open {
            match dispatcher.reserve() {
                Ok(place) => place.send(Job::Tick {
                    incident: incident.id,
                    now,
                }),
                Err(_) => {
                    tracing::warn!(incident = %incident.id, "plugin queue full; clock tick skipped")
                }
            }
        }
    }
}

/// Delivers due outbox entries and withdraws expired proposals every `every`.
pub async fn deliver(gate: Gate, sinks: Sinks, every: Duration) {
    let mut timer = tokio::time::interval(every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        if let Err(e) = gate.withdraw_expired().await {
            tracing::error!("withdrawing expired proposals: {e}");
        }
        match outbox::deliver_due(gate.store(), &sinks).await {
            Ok(report) => {
                for id in &report.failed {
                    tracing::error!(outbox = %id, "delivery failed for good");
                }
            }
            Err(e) => tracing::error!("outbox delivery: {e}"),
        }
    }
}
