//! Running plugins off the request path. A request that stores events or a series first
//! reserves a place in a bounded queue; only then does it write, and it hands the job over
//! through the reservation, so an acknowledged write always has its plugin run queued, and a
//! full queue answers 429 before anything is stored.
//!
//! A worker takes jobs from the queue, a bounded number at a time, and calls every enabled
//! plugin subscribed to the job's trigger concurrently on blocking threads. Findings are
//! stored with the plugin's name and version (nudges the IC silenced are left out), proposals
//! enter the approval gate, and each call's capability use goes to the audit log.

use std::sync::Arc;

use rhyme_store::approval::NewProposal;
use rhyme_store::{Actor, Gate, PluginRef};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::metrics::Metrics;
use super::problem::ApiError;
use super::seen_before_job;
use crate::Timestamp;
use crate::durable::convert;
use crate::runtime::bindings::types::{FindingKind, MetricSeries, Output, TimelineEvent, Trigger};
use crate::runtime::{CallContext, CallReport, LoadedPlugin, PluginError};
use crate::seen_before::service::SeenBefore;

/// Seconds a client is told to wait when the queue is full.
const RETRY_AFTER_S: u64 = 1;

/// Work for the plugins.
#[derive(Debug)]
pub enum Job {
    /// New timeline events (in batch order), sent by `by`.
    Events { incident: String, events: Vec<TimelineEvent>, by: String },
    /// A series as stored after a write.
    Series { incident: String, series: MetricSeries, by: String },
    /// A minute of wall time passed for an open incident.
    Tick { incident: String, now: Timestamp },
    /// Ask seen-before about the incident and store the answer as its finding.
    SeenBefore { incident: String, reason: seen_before_job::Reason },
}

/// The sending side of the queue.
#[derive(Clone)]
pub struct Dispatcher {
    tx: mpsc::Sender<Job>,
    metrics: Arc<Metrics>,
}

/// A place in the queue, held while the request writes.
pub struct Reservation {
    permit: mpsc::OwnedPermit<Job>,
}

impl Reservation {
    pub fn send(self, job: Job) {
        self.permit.send(job);
    }
}

impl Dispatcher {
    /// A queue of `capacity` jobs and its receiving end.
    pub fn new(capacity: usize, metrics: Arc<Metrics>) -> (Dispatcher, mpsc::Receiver<Job>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Dispatcher { tx, metrics }, rx)
    }

    /// Reserves a place, or says how long to wait.
    pub fn reserve(&self) -> Result<Reservation, ApiError> {
        match self.tx.clone().try_reserve_owned() {
            Ok(permit) => {
                self.update_depth();
                Ok(Reservation { permit })
            }
            Err(_) => {
                self.metrics.queue_rejections.inc();
                Err(ApiError::Busy { retry_after: RETRY_AFTER_S })
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

/// The worker side: the plugins, where their results go, and how many jobs run at once.
pub struct Worker {
    pub plugins: Arc<Vec<LoadedPlugin>>,
    pub gate: Gate,
    pub metrics: Arc<Metrics>,
    pub concurrency: usize,
    /// Answers the seen-before findings; `None` when seen-before is not enabled.
    pub seen_before: Option<Arc<SeenBefore>>,
}

impl Worker {
    /// Runs jobs until every sender is gone and the queue is empty.
    pub async fn run(self, mut rx: mpsc::Receiver<Job>) {
        let this = Arc::new(self);
        let slots = Arc::new(Semaphore::new(this.concurrency.max(1)));
        let mut running = JoinSet::new();
        while let Some(job) = rx.recv().await {
            this.metrics.queue_depth.set((rx.max_capacity() - rx.capacity()) as i64);
            let slot = slots.clone().acquire_owned().await.expect("the semaphore is never closed");
            let worker = this.clone();
            running.spawn(async move {
                worker.handle(job).await;
                drop(slot);
            });
            while running.try_join_next().is_some() {}
        }
        while running.join_next().await.is_some() {}
    }

    async fn handle(&self, job: Job) {
        let store = self.gate.store();
        let incident_id = match &job {
            Job::Events { incident, .. } | Job::Series { incident, .. } | Job::Tick { incident, .. } => incident.clone(),
            Job::SeenBefore { incident, reason } => {
                if let Some(service) = &self.seen_before {
                    seen_before_job::run(service, store, incident, *reason).await;
                }
                return;
            }
        };
        let incident = match store.incident(&incident_id).await {
            Ok(incident) => Arc::new(convert::incident_to_wit(incident)),
            Err(e) => {
                tracing::error!(incident = %incident_id, "plugin job dropped: {e}");
                return;
            }
        };
        match job {
            Job::Events { events, by, .. } => {
                for event in events {
                    let event = Arc::new(event);
                    let ctx = CallContext { now: event.at };
                    let (incident, ev) = (incident.clone(), event.clone());
                    self.call_all(&incident_id, Trigger::TimelineEvent, Some(&by), move |p| {
                        p.on_event(ctx, &incident, &ev)
                    })
                    .await;
                }
            }
            Job::Series { series, by, .. } => {
                let ctx = CallContext { now: store.now() };
                let series = Arc::new(series);
                self.call_all(&incident_id, Trigger::MetricSeries, Some(&by), move |p| {
                    p.on_series(ctx, Some(&incident), &series)
                })
                .await;
            }
            Job::Tick { now, .. } => {
                let ctx = CallContext { now };
                self.call_all(&incident_id, Trigger::ClockTick, None, move |p| p.on_tick(ctx, &incident)).await;
            }
            // Answered before the incident was read.
            Job::SeenBefore { .. } => {}
        }
    }

    /// Calls every plugin subscribed to `trigger`, concurrently, and stores what they return.
    async fn call_all<F>(&self, incident: &str, trigger: Trigger, by: Option<&str>, call: F)
    where
        F: Fn(&LoadedPlugin) -> Result<CallReport<Output>, PluginError> + Send + Sync + Clone + 'static,
    {
        let mut calls = JoinSet::new();
        for (index, plugin) in self.plugins.iter().enumerate() {
            if !plugin.info().triggers.contains(&trigger) {
                continue;
            }
            let (plugins, call) = (self.plugins.clone(), call.clone());
            calls.spawn_blocking(move || {
                let started = std::time::Instant::now();
                let result = call(&plugins[index]);
                (index, started.elapsed(), result)
            });
        }
        while let Some(joined) = calls.join_next().await {
            match joined {
                Ok((index, took, result)) => self.settle(&self.plugins[index], incident, trigger, by, took, result).await,
                Err(e) => tracing::error!("a plugin call's thread failed: {e}"),
            }
        }
    }

    /// Records the call in the metrics, then stores its findings and proposals.
    async fn settle(
        &self,
        plugin: &LoadedPlugin,
        incident: &str,
        trigger: Trigger,
        by: Option<&str>,
        took: std::time::Duration,
        result: Result<CallReport<Output>, PluginError>,
    ) {
        let trigger_name = trigger_name(trigger);
        let report = match result {
            Ok(report) => {
                self.metrics.record_call(plugin.name(), trigger_name, took, Ok(()));
                report
            }
            Err(error) => {
                self.metrics.record_call(plugin.name(), trigger_name, took, Err(&error));
                tracing::warn!(incident, "{error}");
                return;
            }
        };
        let source = PluginRef { name: plugin.name().to_string(), version: plugin.manifest().version.clone() };
        let signature = report.value.findings.iter().any(|f| f.kind == FindingKind::Signature);
        if let Err(e) = self.store_output(incident, &source, by, report.value).await {
            tracing::error!(incident, plugin = %source.name, "storing a plugin's output failed: {e}");
        } else if let (true, Some(service)) = (signature, &self.seen_before) {
            seen_before_job::after_signature(service, self.gate.store(), incident).await;
        }
        if !report.capability_calls.is_empty() {
            let calls: Vec<_> = report
                .capability_calls
                .iter()
                .map(|c| serde_json::json!({"capability": c.capability.name(), "function": c.function, "failed": c.failed}))
                .collect();
            let detail = serde_json::json!({"incident": incident, "trigger": trigger_name, "calls": calls});
            let audit = self.gate.store().audit();
            if let Err(e) = audit.append(&Actor::plugin(&source), "plugin.capability-calls", &source.name, &detail).await {
                tracing::error!("audit: {e}");
            }
        }
    }

    async fn store_output(
        &self,
        incident: &str,
        source: &PluginRef,
        by: Option<&str>,
        output: Output,
    ) -> rhyme_store::Result<()> {
        let store = self.gate.store();
        let mut findings = Vec::with_capacity(output.findings.len());
        for finding in output.findings.into_iter().map(convert::finding_from_wit) {
            let silenced = finding.kind == rhyme_store::FindingKind::Nudge
                && store.nudge_silenced(incident, &finding.subject).await?;
            if !silenced {
                findings.push(finding);
            }
        }
        if !findings.is_empty() {
            store.add_findings(incident, source, &findings).await?;
        }
        for proposal in output.proposals {
            self.gate
                .propose(NewProposal {
                    incident: Some(incident.to_string()),
                    plugin: source.clone(),
                    requested_by: by.map(str::to_string),
                    action: None,
                    proposal: convert::proposal_from_wit(proposal),
                })
                .await?;
        }
        Ok(())
    }
}

fn trigger_name(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::TimelineEvent => "timeline-event",
        Trigger::ClockTick => "clock-tick",
        Trigger::MetricSeries => "metric-series",
        Trigger::Query => "query",
    }
}
