//! Running plugins off the request path. A request that stores events or a series first
//! reserves a place in a bounded queue; only then does it write, and it hands the job over
//! through the reservation, so an acknowledged write always has its plugin run queued, and a
//! full queue answers 429 before anything is stored.
//!
//! The queue itself is in memory, but every event or series job is also a row of the store
//! (`plugin_jobs`), written in the write's own transaction and leased to this process: a crash
//! loses the queue, not the work, which [`crate::recovery`] takes over once the lease runs out.
//! Clock ticks are not stored: nobody waits for one, and the next comes a minute later.
//!
//! [`crate::worker`] takes the jobs off the queue and runs them.

use std::collections::HashSet;
use std::sync::Arc;

use rhyme_store::{JobLease, PluginJob};
use rhyme_world::Timestamp;
use rhyme_world::types::{MetricSeries, TimelineEvent};
use tokio::sync::mpsc;

use crate::metrics::Metrics;
use crate::seen_before_job;
use crate::store_incidents::convert;

/// Seconds a client is told to wait when the queue is full.
const RETRY_AFTER_S: u64 = 1;

/// How long a stored job stays this process's without renewal, unless configured.
pub const DEFAULT_JOB_LEASE_MS: i64 = 30_000;

/// Work for the plugins.
#[derive(Debug)]
pub enum Job {
    /// New timeline events (in batch order), sent by `by`; `job` is the stored job's id.
    Events {
        /// The stored job's id, finished or released once it has run; `None` when none was stored.
        job: Option<String>,
        /// The incident's id.
        incident: String,
        /// The events, in batch order.
        events: Vec<TimelineEvent>,
        /// Name of who sent it; the plugins' proposals are recorded as requested by them.
        by: String,
    },
    /// A series as stored after a write.
    Series {
        /// The stored job's id, finished or released once it has run; `None` when none was stored.
        job: Option<String>,
        /// The incident's id.
        incident: String,
        /// The whole series as stored, not only the points just written.
        series: MetricSeries,
        /// Name of who sent it; the plugins' proposals are recorded as requested by them.
        by: String,
    },
    /// A minute of wall time passed for an open incident.
    Tick {
        /// The open incident's id.
        incident: String,
        /// The time of the tick, in milliseconds since the Unix epoch.
        now: Timestamp,
    },
    /// Ask seen-before about the incident and store the answer as its finding.
    SeenBefore {
        /// The stored job it runs.
        job: String,
        /// The incident's id.
        incident: String,
        /// What happened to the incident that prompts the question.
        reason: seen_before_job::Reason,
    },
}

impl Job {
    /// The incident whose earlier jobs this one must wait for. Seen-before answers read no
    /// plugin's earlier findings, so they do not hold up the incident's other jobs.
    pub(crate) fn incident_ordered(&self) -> Option<&str> {
        match self {
            Job::Events { incident, .. }
            | Job::Series { incident, .. }
            | Job::Tick { incident, .. } => Some(incident),
            Job::SeenBefore { .. } => None,
        }
    }
}

/// The queue was full: the caller should answer 429 and ask to come back after `retry_after`
/// seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the plugin queue is full; retry after {retry_after} s")]
pub struct QueueFull {
    /// Seconds to wait before trying again.
    pub retry_after: u64,
}

/// The sending side of the queue.
#[derive(Clone)]
pub struct JobQueue {
    tx: mpsc::Sender<Job>,
    metrics: Arc<Metrics>,
    lease: Arc<JobLease>,
}

/// A place in the queue, held while the request writes.
pub struct Reservation {
    permit: mpsc::OwnedPermit<Job>,
}

impl Reservation {
    /// Queues `job` in the reserved place; never waits and never fails.
    pub fn send(self, job: Job) {
        self.permit.send(job);
    }

    /// Queues the plugin run of a batch just written under its stored `job`: the events the
    /// store newly took (`stored`), in batch order. Nothing when the store made no job, as
    /// for a batch of events stored before.
    pub fn send_stored_events(
        self,
        job: Option<PluginJob>,
        incident: String,
        events: Vec<rhyme_store::TimelineEvent>,
        stored: &[String],
        by: String,
    ) {
        let Some(job) = job else { return };
        let stored: HashSet<&str> = stored.iter().map(String::as_str).collect();
        let events = events
            .into_iter()
            .filter(|e| stored.contains(e.id.as_str()))
            .map(convert::event_to_wit)
            .collect();
        self.send(Job::Events {
            job: Some(job.id),
            incident,
            events,
            by,
        });
    }
}

impl JobQueue {
    /// A queue of `capacity` jobs and its receiving end.
    pub fn new(capacity: usize, metrics: Arc<Metrics>) -> (JobQueue, mpsc::Receiver<Job>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let lease = Arc::new(JobLease::new(DEFAULT_JOB_LEASE_MS));
        (JobQueue { tx, metrics, lease }, rx)
    }

    /// With stored jobs held for `lease_ms` without renewal (call before cloning).
    pub fn with_job_lease(mut self, lease_ms: i64) -> JobQueue {
        self.lease = Arc::new(JobLease::new(lease_ms));
        self
    }

    /// Whom this process's stored jobs are leased to, and for how long.
    pub fn lease(&self) -> &JobLease {
        &self.lease
    }

    /// A place for work nobody is waiting on (a job taken over), or `None` when the queue is
    /// full; unlike [`JobQueue::reserve`] not counted as a refused request.
    pub fn reserve_quietly(&self) -> Option<Reservation> {
        let permit = self.tx.clone().try_reserve_owned().ok()?;
        self.update_depth();
        Some(Reservation { permit })
    }

    /// Reserves a place, or says how long to wait.
    pub fn reserve(&self) -> Result<Reservation, QueueFull> {
        match self.tx.clone().try_reserve_owned() {
            Ok(permit) => {
                self.update_depth();
                Ok(Reservation { permit })
            }
            Err(_) => {
                self.metrics.queue_rejections.inc();
                Err(QueueFull {
                    retry_after: RETRY_AFTER_S,
                })
            }
        }
    }

    /// Jobs queued or reserved.
    pub fn depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    fn update_depth(&self) {
        self.metrics.queue_depth.set(self.depth() as i64);
    }
}
