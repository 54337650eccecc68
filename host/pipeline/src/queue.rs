//! Running plugins off the request path. A request that stores events or a series first
//! reserves room in a bounded queue; only then does it write, and it hands the job over
//! through the reservation, so an acknowledged write always has its plugin run queued, and a
//! full queue answers 429 before anything is stored. Room is counted in events and shared
//! fairly between incidents ([`crate::lines`]); the 429's `Retry-After` comes from how fast the
//! worker has been draining ([`crate::drain`]).
//!
//! The queue itself is in memory, but every event or series job is also a row of the store
//! (`plugin_jobs`), written in the write's own transaction and leased to this process: a crash
//! loses the queue, not the work, which [`crate::recovery`] takes over once the lease runs out.
//! Clock ticks are not stored: nobody waits for one, and the next comes a minute later.
//!
//! [`crate::worker`] takes the jobs off the queue and runs them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use rhyme_store::{JobLease, PluginJob};
use rhyme_world::Timestamp;
use rhyme_world::types::{MetricSeries, TimelineEvent};
use tokio::sync::Notify;

use crate::drain::DrainRate;
use crate::lines::{Lines, QueueLimits, Refused, Taken, TakenRoom};
use crate::metrics::Metrics;
use crate::seen_before_job;
use crate::store_incidents::convert;

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

    /// The stored job's id, where it has one.
    pub(crate) fn stored_id(&self) -> Option<String> {
        match self {
            Job::Events { job, .. } | Job::Series { job, .. } => job.clone(),
            Job::SeenBefore { job, .. } => Some(job.clone()),
            Job::Tick { .. } => None,
        }
    }

    /// The room it takes in the queue: its events, or one.
    pub(crate) fn weight(&self) -> usize {
        match self {
            Job::Events { events, .. } => events.len().max(1),
            _ => 1,
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
    shared: Arc<Shared>,
    metrics: Arc<Metrics>,
    lease: Arc<JobLease>,
    // Dropped with the last clone of the queue: the worker then stops once the queue is empty.
    _open: Arc<Open>,
}

struct Shared {
    lines: Mutex<Lines>,
    limits: QueueLimits,
    drain: Mutex<DrainRate>,
    wake: Notify,
    senders_gone: std::sync::atomic::AtomicBool,
}

impl Shared {
    fn lines(&self) -> MutexGuard<'_, Lines> {
        self.lines.lock().expect("the queue lock is never poisoned")
    }
}

struct Open(Arc<Shared>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0
            .senders_gone
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.0.wake.notify_one();
    }
}

/// Room in the queue, held while the request writes; given back if dropped unused.
pub struct Reservation {
    shared: Arc<Shared>,
    metrics: Arc<Metrics>,
    incident: Option<String>,
    weight: usize,
    filled: bool,
}

impl Reservation {
    /// Queues `job` in the reserved room; never waits and never fails.
    pub fn send(mut self, job: Job) {
        self.filled = true;
        let mut lines = self.shared.lines();
        lines.fill((self.incident.as_deref(), self.weight), job);
        self.metrics.queue_depth.set(lines.used() as i64);
        drop(lines);
        self.shared.wake.notify_one();
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

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.filled {
            let mut lines = self.shared.lines();
            lines.cancel(self.incident.as_deref(), self.weight);
            self.metrics.queue_depth.set(lines.used() as i64);
            drop(lines);
            // The worker may be waiting for this reservation before it stops.
            self.shared.wake.notify_one();
        }
    }
}

impl JobQueue {
    /// A queue holding `limits` events and its receiving end.
    pub fn new(limits: QueueLimits, metrics: Arc<Metrics>) -> (JobQueue, JobReceiver) {
        let shared = Arc::new(Shared {
            lines: Mutex::new(Lines::default()),
            limits,
            drain: Mutex::new(DrainRate::default()),
            wake: Notify::new(),
            senders_gone: std::sync::atomic::AtomicBool::new(false),
        });
        let lease = Arc::new(JobLease::new(DEFAULT_JOB_LEASE_MS));
        let queue = JobQueue {
            shared: shared.clone(),
            metrics: metrics.clone(),
            lease,
            _open: Arc::new(Open(shared.clone())),
        };
        (queue, JobReceiver { shared, metrics })
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

    /// Queues work already owed (a job taken over) when the queue has room for it, bypassing
    /// the per-incident share; false (and the job dropped, still stored) when it has none. Not
    /// counted as a refusal.
    #[must_use]
    pub fn requeue(&self, job: Job) -> bool {
        let mut lines = self.shared.lines();
        if lines.used() + job.weight() > self.shared.limits.total && lines.used() > 0 {
            return false;
        }
        lines.push(job);
        self.metrics.queue_depth.set(lines.used() as i64);
        drop(lines);
        self.shared.wake.notify_one();
        true
    }

    /// Room for `weight` events of `incident` (`None` when the request learns its incident
    /// only while writing), or how long to wait.
    pub fn reserve(&self, incident: Option<&str>, weight: usize) -> Result<Reservation, QueueFull> {
        let weight = weight.max(1);
        let refused = {
            let mut lines = self.shared.lines();
            let result = lines.reserve(incident, weight, self.shared.limits);
            self.metrics.queue_depth.set(lines.used() as i64);
            result
        };
        match refused {
            Ok(()) => Ok(Reservation {
                shared: self.shared.clone(),
                metrics: self.metrics.clone(),
                incident: incident.map(str::to_string),
                weight,
                filled: false,
            }),
            Err(refused) => {
                self.metrics.queue_rejections.inc();
                Err(QueueFull {
                    retry_after: self.retry_after(refused),
                })
            }
        }
    }

    /// How long a request for `weight` events of `incident` should wait, were it refused now.
    pub fn retry_after_for(&self, incident: Option<&str>, weight: usize) -> u64 {
        let (excess, busy_lines) = {
            let lines = self.shared.lines();
            let limits = self.shared.limits;
            let of_line = incident.map_or(0, |i| lines.used_by(i));
            let over_line = (of_line + weight).saturating_sub(limits.per_incident);
            let over_all = (lines.used() + weight).saturating_sub(limits.total);
            (over_line.max(over_all).max(1), lines.busy_lines())
        };
        self.retry_after(Refused { excess, busy_lines })
    }

    fn retry_after(&self, refused: Refused) -> u64 {
        self.shared
            .drain
            .lock()
            .expect("the drain lock is never poisoned")
            .retry_after(refused.excess, refused.busy_lines)
    }

    /// Events waiting, reserved or running, all incidents.
    pub fn depth(&self) -> usize {
        self.shared.lines().used()
    }

    /// Events waiting, reserved or running for `incident`.
    pub fn depth_of(&self, incident: &str) -> usize {
        self.shared.lines().used_by(incident)
    }

    /// Whether a request that does not know its incident yet would get room now.
    pub fn has_room(&self) -> bool {
        self.depth() < self.shared.limits.total
    }

    /// What the queue holds at most.
    pub fn limits(&self) -> QueueLimits {
        self.shared.limits
    }

    /// Events per second the worker has been finishing lately; `None` before it has any.
    pub fn drain_rate(&self) -> Option<f64> {
        self.shared
            .drain
            .lock()
            .expect("the drain lock is never poisoned")
            .rate()
    }
}

/// The worker's side of the queue.
pub struct JobReceiver {
    shared: Arc<Shared>,
    metrics: Arc<Metrics>,
}

/// Work taken off the queue; dropping it (done or failed) frees its room and lets the
/// incident's next job run.
pub struct TakenWork {
    shared: Arc<Shared>,
    metrics: Arc<Metrics>,
    room: TakenRoom,
    started: std::time::Instant,
    /// Events already counted as finished by [`Progress::finished`].
    reported: Arc<std::sync::atomic::AtomicUsize>,
    pub(crate) work: Option<Taken>,
}

/// Counts events of a long run as finished before the whole run is, so the drain rate (and
/// with it `Retry-After`) follows a backlog that takes many seconds to answer.
#[derive(Clone)]
pub struct Progress {
    shared: Arc<Shared>,
    reported: Arc<std::sync::atomic::AtomicUsize>,
    started: std::time::Instant,
}

impl Progress {
    /// `events` more of the run are done.
    pub fn finished(&self, events: usize) {
        self.reported
            .fetch_add(events, std::sync::atomic::Ordering::SeqCst);
        self.shared
            .drain
            .lock()
            .expect("the drain lock is never poisoned")
            .finished(events, self.started);
    }
}

impl TakenWork {
    /// Where the run reports its progress.
    pub fn progress(&self) -> Progress {
        Progress {
            shared: self.shared.clone(),
            reported: self.reported.clone(),
            started: self.started,
        }
    }
}

impl Drop for TakenWork {
    fn drop(&mut self) {
        let mut lines = self.shared.lines();
        lines.done(&self.room);
        self.metrics.queue_depth.set(lines.used() as i64);
        drop(lines);
        self.shared
            .drain
            .lock()
            .expect("the drain lock is never poisoned")
            .finished(
                self.room
                    .weight
                    .saturating_sub(self.reported.load(std::sync::atomic::Ordering::SeqCst)),
                self.started,
            );
        self.shared.wake.notify_one();
    }
}

impl JobReceiver {
    /// The next work whose incident is free, waiting for it; `None` once every sender is gone
    /// and nothing is left.
    pub async fn next(&mut self) -> Option<TakenWork> {
        loop {
            let notified = self.shared.wake.notified();
            {
                let mut lines = self.shared.lines();
                if let Some(work) = lines.take() {
                    return Some(self.hand_out(work));
                }
                let gone = self
                    .shared
                    .senders_gone
                    .load(std::sync::atomic::Ordering::SeqCst);
                if gone && lines.drained() {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// Work waiting now, without waiting (tests, and the single-shot runs of the CLI).
    pub fn try_next(&mut self) -> Option<TakenWork> {
        let work = self.shared.lines().take()?;
        Some(self.hand_out(work))
    }

    fn hand_out(&self, work: Taken) -> TakenWork {
        TakenWork {
            shared: self.shared.clone(),
            metrics: self.metrics.clone(),
            room: work.room(),
            started: std::time::Instant::now(),
            reported: Default::default(),
            work: Some(work),
        }
    }
}
