//! Taking over stored plugin jobs: those of a process that died (a crash, SIGKILL, a replica
//! that went away), once their lease has run out. Also keeps this process's own leases fresh,
//! so no other replica takes over what is still in this queue.
//!
//! Runs once at start, so a restarted server picks up what the crashed one owed as soon as
//! its leases expire, then every third of a lease.

use std::time::Duration;

use rhyme_store::{Gate, JobWork, PluginJob};

use crate::queue::{Job, JobQueue};
use crate::seen_before_job;
use crate::store_incidents::convert;

/// After this many take-overs a job is dropped (and logged): something in it keeps failing.
const MAX_ATTEMPTS: i64 = 5;

/// Jobs taken over in one pass at most, so a large backlog does not starve new requests.
const PER_PASS: usize = 64;

/// Renews this process's leases and takes over expired jobs, every `lease / 3`.
pub async fn recover(gate: Gate, queue: JobQueue) {
    let every = Duration::from_millis((queue.lease().lease_ms / 3).max(100) as u64);
    let mut timer = tokio::time::interval(every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        if let Err(e) = gate.store().renew_plugin_jobs(queue.lease()).await {
            tracing::error!("renewing plugin job leases: {e}");
        }
        match take_over(&gate, &queue).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("took over {n} unfinished plugin jobs"),
            Err(e) => tracing::error!("taking over unfinished plugin jobs: {e}"),
        }
    }
}

/// Claims expired jobs, a pass at a time, and queues them while the queue has room.
async fn take_over(gate: &Gate, queue: &JobQueue) -> rhyme_store::Result<usize> {
    let store = gate.store();
    // Usually none has expired: ask first. A full queue takes nothing over: the jobs stay
    // stored, for this pass or another replica.
    if !queue.has_room() || !store.expired_plugin_jobs_exist().await? {
        return Ok(0);
    }
    let jobs = store
        .claim_plugin_jobs(queue.lease(), PER_PASS as u32)
        .await?;
    let taken = jobs.len();
    for job in jobs {
        if job.attempts > MAX_ATTEMPTS {
            tracing::error!(incident = %job.incident, job = %job.id, "plugin job dropped after {MAX_ATTEMPTS} take-overs");
            store.finish_plugin_job(&job.id).await?;
            continue;
        }
        match load(gate, &job).await? {
            Some(queued) => {
                if !queue.requeue(queued) {
                    // The queue filled meanwhile: the job waits in the store for a later pass.
                    let later = store.now().saturating_add(queue.lease().lease_ms);
                    store.release_plugin_job(&job.id, later).await?;
                }
            }
            None => {
                tracing::warn!(incident = %job.incident, job = %job.id, "plugin job's events or series are gone; dropped");
                store.finish_plugin_job(&job.id).await?;
            }
        }
    }
    Ok(taken)
}

/// The queued form of a stored job: its events or series read back from the store.
pub async fn load(gate: &Gate, job: &PluginJob) -> rhyme_store::Result<Option<Job>> {
    let store = gate.store();
    let by = job.requested_by.clone().unwrap_or_default();
    match &job.work {
        JobWork::Events(ids) => {
            let mut by_id: std::collections::HashMap<String, _> = store
                .events_with_ids(&job.incident, ids)
                .await?
                .into_iter()
                .map(|e| (e.id.clone(), e))
                .collect();
            let events: Vec<_> = ids
                .iter()
                .filter_map(|id| by_id.remove(id))
                .map(convert::event_to_wit)
                .collect();
            Ok((!events.is_empty()).then(|| Job::Events {
                job: Some(job.id.clone()),
                incident: job.incident.clone(),
                events,
                by,
            }))
        }
        JobWork::SeenBefore(subject) => Ok(seen_before_job::Reason::from_subject(subject).map(
            |reason| Job::SeenBefore {
                job: job.id.clone(),
                incident: job.incident.clone(),
                reason,
            },
        )),
        JobWork::Series(name) => {
            let series = store.series_named(&job.incident, name).await?;
            Ok(series.map(|s| Job::Series {
                job: Some(job.id.clone()),
                incident: job.incident.clone(),
                series: convert::series_to_wit(s),
                by,
            }))
        }
    }
}
