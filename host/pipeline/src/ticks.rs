//! The clock tick: every open incident gets one every minute, because plugins that watch for
//! silence need time to pass even when nothing arrives.

use std::time::Duration;

use rhyme_store::{Gate, IncidentFilter};

use crate::queue::{Job, JobQueue};

/// Queues a tick for each open incident every `every`. A tick that finds the queue full is
/// skipped (and logged): nobody is waiting on it, and the next one comes a minute later.
pub async fn tick(gate: Gate, queue: JobQueue, every: Duration) {
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
            match queue.reserve(Some(&incident.id), 1) {
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
