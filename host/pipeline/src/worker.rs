//! The worker: takes jobs off the queue ([`crate::queue`]), a bounded number at a time and one
//! at a time per incident ([`crate::lines`]; across replicas over one PostgreSQL, the
//! incident's turn in the store), and calls every enabled plugin
//! subscribed to the job's trigger concurrently, each call a task of its own (plugin calls are
//! async: a call yields while the host reads the store for it), except that a plugin
//! whose manifest names others `after` is called once their results are stored. When an incident's events
//! have piled up, a plugin that reads the timeline itself is called once, on the newest of them,
//! instead of once per event ([`COALESCE_FROM`]). Findings are stored with
//! the plugin's name and version (nudges the IC silenced are left out), proposals enter the
//! approval gate, and each call's capability use goes to the audit log. A plugin's results are
//! stored together with its step of the job, so a job run again after a crash calls only the
//! plugins whose results were not stored, and stores nothing twice.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use rhyme_runtime::capability::Capability;
use rhyme_runtime::state::CapabilityCall;
use rhyme_runtime::{CallContext, CallReport, LoadedPlugin, PluginError};
use rhyme_seen_before::service::SeenBefore;
use rhyme_store::approval::NewProposal;
use rhyme_store::{Actor, Gate, JobLease, JobStep, PluginRef, Store};
use rhyme_world::types::{FindingKind, Incident, MetricSeries, Output, TimelineEvent, Trigger};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::lines::Taken;
use crate::metrics::Metrics;
use crate::queue::{Job, JobReceiver, Progress};
use crate::seen_before_job;
use crate::store_incidents::convert;

/// Events of one incident waiting at once from which plugins that read the timeline are
/// called once on the newest instead of on each: below it every event gets its own call, as a
/// nudge may hold at one event and be over by the next; above it the worker is behind, and
/// answering the latest state beats answering each past one late.
pub const COALESCE_FROM: usize = 64;

/// How long a job whose results could not be stored waits before it is tried again.
const RETRY_JOB_AFTER_MS: i64 = 5_000;

/// One handler call with its arguments, made on each plugin a step selects (each in a task
/// of its own, hence the shared arguments).
#[derive(Clone)]
enum PluginCall {
    Event {
        ctx: CallContext,
        incident: Arc<Incident>,
        event: Arc<TimelineEvent>,
    },
    Series {
        ctx: CallContext,
        incident: Arc<Incident>,
        series: Arc<MetricSeries>,
    },
    Tick {
        ctx: CallContext,
        incident: Arc<Incident>,
    },
}

impl PluginCall {
    /// The call on `plugin`.
    async fn on(&self, plugin: &LoadedPlugin) -> Result<CallReport<Output>, PluginError> {
        match self {
            PluginCall::Event {
                ctx,
                incident,
                event,
            } => plugin.on_event(*ctx, incident, event).await,
            PluginCall::Series {
                ctx,
                incident,
                series,
            } => plugin.on_series(*ctx, Some(incident), series).await,
            PluginCall::Tick { ctx, incident } => plugin.on_tick(*ctx, incident).await,
        }
    }
}

/// The worker side: the plugins, where their results go, and how many jobs run at once.
pub struct Worker {
    /// The loaded plugins; each job calls those subscribed to its trigger.
    pub plugins: Arc<Vec<LoadedPlugin>>,
    /// The approval gate over the store: findings are stored through it, proposals enter it.
    pub gate: Gate,
    /// Where call counts, durations and the queue depth are recorded.
    pub metrics: Arc<Metrics>,
    /// Most jobs run at once (0 counts as 1).
    pub concurrency: usize,
    /// Answers the seen-before findings; `None` when seen-before is not enabled.
    pub seen_before: Option<Arc<SeenBefore>>,
    /// Whom the jobs this worker writes itself (seen-before after a signature) are leased to:
    /// the queue's lease, so this process's recovery loop renews them.
    pub lease: JobLease,
}

impl Worker {
    /// Runs jobs until every sender is gone and the queue is empty.
    pub async fn run(self, mut jobs: JobReceiver) {
        let this = Arc::new(self);
        let slots = Arc::new(Semaphore::new(this.concurrency.max(1)));
        let mut running = JoinSet::new();
        loop {
            let slot = slots
                .clone()
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let Some(mut taken) = jobs.next().await else {
                break;
            };
            let worker = this.clone();
            running.spawn(async move {
                if let Some(work) = taken.work.take() {
                    worker.run_taken(work, taken.progress()).await;
                }
                // Frees the room and the incident's turn, also when the run panicked.
                drop((taken, slot));
            });
            while running.try_join_next().is_some() {}
        }
        while running.join_next().await.is_some() {}
    }

    async fn run_taken(&self, work: Taken, progress: Progress) {
        match work {
            Taken::Unordered(job) => self.handle(job).await,
            Taken::Incident {
                incident,
                jobs,
                weight,
            } => {
                // Other replicas over the same database run this incident's jobs too.
                let turn = match self.gate.store().incident_turn(&incident).await {
                    Ok(turn) => turn,
                    Err(e) => {
                        tracing::error!(incident, "waiting for the incident's turn: {e}");
                        for job in jobs {
                            self.settle(&incident, job.stored_id(), false).await;
                        }
                        return;
                    }
                };
                let mut settled = Settled::default();
                if jobs.len() > 1 && weight >= COALESCE_FROM {
                    self.handle_backlog(&incident, jobs, &progress, &mut settled)
                        .await;
                } else {
                    for job in jobs {
                        if let Some((job_id, stored_ok)) = self.run_job(job, Some(&progress)).await
                        {
                            settled.add(job_id, stored_ok);
                        }
                    }
                }
                // Once per turn, not once per job: each settling is a write, and waiting for
                // the writer's turn behind the senders' batches once per job held up the
                // incident's next events. Still before the turn ends, so the incident's next
                // turn finds the jobs of this one settled.
                self.settle_all(&incident, settled).await;
                if let Err(e) = turn.end().await {
                    tracing::warn!(incident, "ending the incident's turn: {e}");
                }
            }
        }
    }

    /// Runs a backlog of an incident's event jobs: plugins that cannot read the timeline still
    /// get every event; those that can are called once, on the newest event, as a step of the
    /// last job. The jobs are settled together once the turn has run ([`Worker::settle_all`]):
    /// should the process die before, every job of the turn is taken over, the last one among
    /// them, whose call still reads the whole timeline; steps whose results were stored are
    /// not called again.
    async fn handle_backlog(
        &self,
        incident: &str,
        jobs: Vec<Job>,
        progress: &Progress,
        settled: &mut Settled,
    ) {
        let store = self.gate.store();
        let wit_incident = match store.incident(incident).await {
            Ok(found) => Arc::new(convert::incident_to_wit(found)),
            Err(e) => {
                tracing::error!(incident, "plugin backlog: {e}");
                for job in jobs {
                    settled.add(job.stored_id(), false);
                }
                return;
            }
        };
        let last = jobs.len() - 1;
        for (n, job) in jobs.into_iter().enumerate() {
            let Job::Events {
                job: job_id,
                events,
                by,
                ..
            } = job
            else {
                if let Some((job_id, stored_ok)) = self.run_job(job, Some(progress)).await {
                    settled.add(job_id, stored_ok);
                }
                continue;
            };
            let calls = EventCalls::Backlog { newest: n == last };
            let stored_ok = match self.steps_done(job_id.as_deref()).await {
                Ok(done) => {
                    let step = StepOfJob {
                        job: job_id.as_deref(),
                        step: 0,
                        done: Arc::new(done),
                    };
                    let run = EventRun {
                        calls,
                        progress: Some(progress),
                    };
                    self.run_events(incident, &wit_incident, &step, events, &by, run)
                        .await
                }
                Err(e) => {
                    tracing::error!(incident, "plugin backlog: {e}");
                    false
                }
            };
            settled.add(job_id, stored_ok);
        }
    }

    /// The events of one job, each a step of `job` (`job.step` is ignored), to the plugins
    /// `calls` says; false when some results could not be stored.
    async fn run_events(
        &self,
        incident_id: &str,
        incident: &Arc<rhyme_world::types::Incident>,
        job: &StepOfJob<'_>,
        events: Vec<rhyme_world::types::TimelineEvent>,
        by: &str,
        run: EventRun<'_>,
    ) -> bool {
        let calls = run.calls;
        let step = |step: i64| StepOfJob {
            job: job.job,
            step,
            done: job.done.clone(),
        };
        let mut all_stored = true;
        let count = events.len();
        let each_event = |p: &LoadedPlugin| calls == EventCalls::Each || !reads_timeline(p);
        for (index, event) in events.into_iter().enumerate() {
            let event = Arc::new(event);
            // The newest event of a backlog also goes, once, to the plugins that read the
            // whole timeline.
            let newest = calls == (EventCalls::Backlog { newest: true }) && index + 1 == count;
            let rounds: [&(dyn Fn(&LoadedPlugin) -> bool + Sync); 2] =
                [&each_event, &reads_timeline];
            for which in rounds.into_iter().take(if newest { 2 } else { 1 }) {
                let call = PluginCall::Event {
                    ctx: CallContext { now: event.at },
                    incident: incident.clone(),
                    event: event.clone(),
                };
                all_stored &= self
                    .call_subscribed(
                        incident_id,
                        Trigger::TimelineEvent,
                        Some(by),
                        step(index as i64),
                        which,
                        call,
                    )
                    .await;
            }
            if let Some(progress) = run.progress {
                progress.finished(1);
            }
        }
        all_stored
    }

    /// Runs one job to the end: every subscribed plugin on each of its events (or its series
    /// or tick), results stored; then the stored job is deleted, or given back for a later
    /// try when results could not be stored.
    pub async fn handle(&self, job: Job) {
        self.handle_reporting(job, None).await;
    }

    /// [`Worker::handle`], counting each event (or the whole job, when it has none) as
    /// finished on `progress` as soon as it is: the drain rate behind `Retry-After` then
    /// follows a long job instead of waiting for its end.
    async fn handle_reporting(&self, job: Job, progress: Option<&Progress>) {
        let incident = job.incident_ordered().map(str::to_string);
        if let Some((job_id, stored_ok)) = self.run_job(job, progress).await {
            self.settle(incident.as_deref().unwrap_or_default(), job_id, stored_ok)
                .await;
        }
    }

    /// [`Worker::handle_reporting`] but for the settling of the stored job, which it returns
    /// (its id, and whether every result was stored); `None` when the job settled itself
    /// (a seen-before answer).
    async fn run_job(
        &self,
        job: Job,
        progress: Option<&Progress>,
    ) -> Option<(Option<String>, bool)> {
        let weight = job.weight();
        let per_event = matches!(job, Job::Events { .. });
        let (incident_id, job_id) = match &job {
            Job::Events { incident, job, .. } | Job::Series { incident, job, .. } => {
                (incident.clone(), job.clone())
            }
            Job::Tick { incident, .. } => (incident.clone(), None),
            Job::SeenBefore {
                job,
                incident,
                reason,
            } => {
                let service = self.seen_before.as_ref();
                seen_before_job::run(service, &self.gate, job, incident, *reason).await;
                if let Some(progress) = progress {
                    progress.finished(weight);
                }
                return None;
            }
        };
        let stored_ok = match self
            .run_steps(&incident_id, job_id.as_deref(), job, progress)
            .await
        {
            Ok(all_stored) => all_stored,
            Err(e) => {
                tracing::error!(incident = %incident_id, "plugin job: {e}");
                false
            }
        };
        if let (Some(progress), false) = (progress, per_event) {
            progress.finished(weight);
        }
        Some((job_id, stored_ok))
    }

    /// Settles the stored jobs of one turn: those whose results are all stored are deleted
    /// together, in one write; the others are given back one by one for a later try.
    async fn settle_all(&self, incident: &str, settled: Settled) {
        let store = self.gate.store();
        if !settled.finished.is_empty()
            && let Err(e) = store.finish_plugin_jobs(&settled.finished).await
        {
            // Their leases run out and they are taken over; stored steps are not redone.
            tracing::error!(
                incident,
                jobs = settled.finished.len(),
                "settling plugin jobs: {e}"
            );
        }
        for job_id in settled.failed {
            self.settle(incident, Some(job_id), false).await;
        }
    }

    /// Deletes a stored job whose results are all stored, or gives it back for a later try.
    async fn settle(&self, incident: &str, job_id: Option<String>, stored_ok: bool) {
        let Some(job_id) = job_id else { return };
        let store = self.gate.store();
        let settled = if stored_ok {
            store.finish_plugin_job(&job_id).await
        } else {
            store
                .release_plugin_job(&job_id, store.now().saturating_add(RETRY_JOB_AFTER_MS))
                .await
        };
        if let Err(e) = settled {
            // The lease runs out and the job is taken over; its stored steps are not redone.
            tracing::error!(incident, job = %job_id, "settling a plugin job: {e}");
        }
    }

    async fn steps_done(
        &self,
        job_id: Option<&str>,
    ) -> rhyme_store::Result<HashSet<(i64, String)>> {
        Ok(match job_id {
            Some(id) => self
                .gate
                .store()
                .plugin_job_steps(id)
                .await?
                .into_iter()
                .collect(),
            None => HashSet::new(),
        })
    }

    /// Calls the plugins on each step of `job`, skipping those stored before; false when some
    /// results could not be stored.
    async fn run_steps(
        &self,
        incident_id: &str,
        job_id: Option<&str>,
        job: Job,
        progress: Option<&Progress>,
    ) -> rhyme_store::Result<bool> {
        let store = self.gate.store();
        let incident = Arc::new(convert::incident_to_wit(store.incident(incident_id).await?));
        let done = Arc::new(self.steps_done(job_id).await?);
        let step = |step: i64| StepOfJob {
            job: job_id,
            step,
            done: done.clone(),
        };
        let mut all_stored = true;
        match job {
            Job::Events { events, by, .. } => {
                all_stored &= self
                    .run_events(
                        incident_id,
                        &incident,
                        &step(0),
                        events,
                        &by,
                        EventRun {
                            calls: EventCalls::Each,
                            progress,
                        },
                    )
                    .await;
            }
            Job::Series { series, by, .. } => {
                let call = PluginCall::Series {
                    ctx: CallContext { now: store.now() },
                    incident,
                    series: Arc::new(series),
                };
                all_stored &= self
                    .call_subscribed(
                        incident_id,
                        Trigger::MetricSeries,
                        Some(&by),
                        step(0),
                        every_plugin,
                        call,
                    )
                    .await;
            }
            Job::Tick { now, .. } => {
                let call = PluginCall::Tick {
                    ctx: CallContext { now },
                    incident,
                };
                all_stored &= self
                    .call_subscribed(
                        incident_id,
                        Trigger::ClockTick,
                        None,
                        step(0),
                        every_plugin,
                        call,
                    )
                    .await;
            }
            // Answered before the incident was read.
            Job::SeenBefore { .. } => {}
        }
        Ok(all_stored)
    }

    /// Calls the plugins subscribed to `trigger` that `which` picks ([`every_plugin`] for all
    /// of them), concurrently, and stores what they return. False when some results could not
    /// be stored.
    async fn call_subscribed(
        &self,
        incident: &str,
        trigger: Trigger,
        by: Option<&str>,
        step: StepOfJob<'_>,
        which: impl Fn(&LoadedPlugin) -> bool,
        call: PluginCall,
    ) -> bool {
        let selected: Vec<usize> = self
            .plugins
            .iter()
            .enumerate()
            .filter(|(_, plugin)| {
                plugin.info().triggers.contains(&trigger)
                    && which(plugin)
                    && !step.done.contains(&(step.step, plugin.name().to_string()))
            })
            .map(|(index, _)| index)
            .collect();
        let named: Vec<(usize, &str, &[String])> = selected
            .iter()
            .map(|&index| {
                let plugin = &self.plugins[index];
                (index, plugin.name(), plugin.manifest().after.as_slice())
            })
            .collect();
        let store = async |index: usize,
                           took: std::time::Duration,
                           result: Result<CallReport<Output>, PluginError>| {
            self.store_call_results(
                &self.plugins[index],
                incident,
                trigger,
                by,
                &step,
                took,
                result,
            )
            .await
        };
        let mut all_stored = true;
        // A plugin that reads what others find on this same trigger is called once their
        // results are stored: each round runs side by side, and stores before the next starts.
        for round in call_rounds(&named) {
            if let [index] = round[..] {
                // One call: made here rather than in a task of its own, which would cost a
                // task and a wake-up per event for no concurrency. A panic is still caught
                // and logged as a failed task's would be.
                let started = std::time::Instant::now();
                let called = CatchUnwind(Box::pin(call.on(&self.plugins[index]))).await;
                match called {
                    Ok(result) => all_stored &= store(index, started.elapsed(), result).await,
                    Err(_) => tracing::error!("a plugin call's task failed: it panicked"),
                }
                continue;
            }
            let mut calls = JoinSet::new();
            for index in round {
                let (plugins, call) = (self.plugins.clone(), call.clone());
                calls.spawn(async move {
                    let started = std::time::Instant::now();
                    let result = call.on(&plugins[index]).await;
                    (index, started.elapsed(), result)
                });
            }
            while let Some(joined) = calls.join_next().await {
                match joined {
                    Ok((index, took, result)) => all_stored &= store(index, took, result).await,
                    Err(e) => tracing::error!("a plugin call's task failed: {e}"),
                }
            }
        }
        all_stored
    }

    /// Records the call in the metrics, then stores its findings and proposals; false when
    /// they could not be stored.
    #[allow(clippy::too_many_arguments)]
    async fn store_call_results(
        &self,
        plugin: &LoadedPlugin,
        incident: &str,
        trigger: Trigger,
        by: Option<&str>,
        step: &StepOfJob<'_>,
        took: std::time::Duration,
        result: Result<CallReport<Output>, PluginError>,
    ) -> bool {
        let trigger_name = trigger_name(trigger);
        let report = match result {
            Ok(report) => report,
            Err(error) => {
                // Nothing to store: the failure is counted and logged, and the step is done.
                self.metrics
                    .record_call(plugin.name(), trigger_name, took, Err(&error));
                tracing::warn!(incident, "{error}");
                return true;
            }
        };
        let source = plugin_ref(plugin);
        let signature = report
            .value
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::Signature);
        let stored = match self
            .store_output(incident, &source, by, step, report.value)
            .await
        {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(incident, plugin = %source.name, "storing a plugin's output failed: {e}");
                false
            }
        };
        // Counted once its results are stored, so whoever watches the counter (a dashboard, a
        // test waiting for a call) reads the findings the call made.
        self.metrics
            .record_call(plugin.name(), trigger_name, took, Ok(()));
        if let (true, true, Some(service)) = (stored, signature, &self.seen_before) {
            seen_before_job::after_signature(service, &self.gate, &self.lease, incident).await;
        }
        let detail = serde_json::json!({"incident": incident, "trigger": trigger_name});
        if let Err(e) =
            audit_calls(self.gate.store(), &source, &report.capability_calls, detail).await
        {
            tracing::error!("audit: {e}");
        }
        stored
    }

    async fn store_output(
        &self,
        incident: &str,
        source: &PluginRef,
        by: Option<&str>,
        step: &StepOfJob<'_>,
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
        let proposals: Vec<NewProposal> = output
            .proposals
            .into_iter()
            .map(|proposal| NewProposal {
                incident: Some(incident.to_string()),
                plugin: source.clone(),
                requested_by: by.map(str::to_string),
                action: None,
                proposal: convert::proposal_from_wit(proposal),
            })
            .collect();
        // Nothing to store, nothing written: the ingest path stays one write per batch. Such a
        // call leaves no step marker and runs again if the job is taken over; harmless, as it
        // stores nothing either way.
        if findings.is_empty() && proposals.is_empty() {
            return Ok(());
        }
        let job_step = step.job.map(|job| JobStep {
            job,
            step: step.step,
        });
        self.gate
            .store_plugin_output(job_step, incident, source, &findings, proposals)
            .await?;
        Ok(())
    }
}

/// The plugin's name and version, as its findings, proposals and audit entries carry them.
pub fn plugin_ref(plugin: &LoadedPlugin) -> PluginRef {
    PluginRef {
        name: plugin.name().to_string(),
        version: plugin.manifest().version.clone(),
    }
}

/// Writes what capabilities a plugin call used to the audit log (nothing when it used none);
/// `detail` says what the call was for, and the calls are added to it.
pub async fn audit_calls(
    store: &Store,
    source: &PluginRef,
    calls: &[CapabilityCall],
    mut detail: serde_json::Value,
) -> rhyme_store::Result<()> {
    if calls.is_empty() {
        return Ok(());
    }
    let calls: Vec<_> = calls
        .iter()
        .map(|c| serde_json::json!({"capability": c.capability.name(), "function": c.function, "failed": c.failed}))
        .collect();
    detail["calls"] = serde_json::Value::Array(calls);
    store
        .audit()
        .append(
            &Actor::plugin(source),
            "plugin.capability-calls",
            &source.name,
            &detail,
        )
        .await?;
    Ok(())
}

/// Which plugins an event job's events go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventCalls {
    /// Every subscribed plugin, on every event.
    Each,
    /// Part of a backlog: plugins that cannot read the timeline on every event; when `newest`
    /// (the backlog's last job), those that can on its last event.
    Backlog { newest: bool },
}

/// How an event job's events are run: to which plugins, and where each finished event counts.
struct EventRun<'a> {
    calls: EventCalls,
    progress: Option<&'a Progress>,
}

/// Picks every subscribed plugin: the triggers that are not timeline events call them all.
fn every_plugin(_: &LoadedPlugin) -> bool {
    true
}

/// Whether the plugin can read the incident's timeline itself, so one call on the newest event
/// tells it everything a call per event would.
fn reads_timeline(plugin: &LoadedPlugin) -> bool {
    plugin.imports().contains(&Capability::Incidents)
}

/// The order of one trigger's calls: rounds of plugin indexes, each round called side by side
/// after the one before it has stored its results. `plugins` holds the called plugins as
/// (index, name, the names it runs `after`); a plugin waits for those it names that are
/// called too, and only for them (one not installed, not enabled, not subscribed or already
/// answered holds up nothing). Should the names form a cycle, its members are called together
/// in a last round rather than not at all.
fn call_rounds(plugins: &[(usize, &str, &[String])]) -> Vec<Vec<usize>> {
    let mut waiting: Vec<usize> = (0..plugins.len()).collect();
    let mut rounds = Vec::new();
    while !waiting.is_empty() {
        let pending: HashSet<&str> = waiting.iter().map(|&w| plugins[w].1).collect();
        let (ready, held): (Vec<usize>, Vec<usize>) = waiting
            .into_iter()
            .partition(|&w| !plugins[w].2.iter().any(|a| pending.contains(a.as_str())));
        if ready.is_empty() {
            let names: Vec<&str> = held.iter().map(|&w| plugins[w].1).collect();
            tracing::warn!(
                ?names,
                "plugins wait for each other (`after`); called together"
            );
            rounds.push(held.iter().map(|&w| plugins[w].0).collect());
            break;
        }
        rounds.push(ready.iter().map(|&w| plugins[w].0).collect());
        waiting = held;
    }
    rounds
}

/// A future whose panic is returned as an error, as a task's is by its `JoinSet`.
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(value)) => std::task::Poll::Ready(Ok(value)),
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
}

/// The stored jobs of one turn, to settle once it has run.
#[derive(Default)]
struct Settled {
    /// Jobs whose results are all stored, in the order they ran.
    finished: Vec<String>,
    /// Jobs some of whose results could not be stored.
    failed: Vec<String>,
}

impl Settled {
    fn add(&mut self, job_id: Option<String>, stored_ok: bool) {
        match (job_id, stored_ok) {
            (Some(id), true) => self.finished.push(id),
            (Some(id), false) => self.failed.push(id),
            (None, _) => {}
        }
    }
}

/// Which step of which stored job a call is, and the steps stored before.
struct StepOfJob<'a> {
    job: Option<&'a str>,
    step: i64,
    done: Arc<HashSet<(i64, String)>>,
}

fn trigger_name(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::TimelineEvent => "timeline-event",
        Trigger::ClockTick => "clock-tick",
        Trigger::MetricSeries => "metric-series",
        Trigger::Query => "query",
    }
}

#[cfg(test)]
mod tests {
    use super::call_rounds;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_plugin_is_called_after_those_it_names() {
        let none = names(&[]);
        let shapes = names(&["graph-signature"]);
        let plugins = [
            (0, "first-mover", shapes.as_slice()),
            (1, "graph-signature", none.as_slice()),
            (2, "change-correlator", none.as_slice()),
        ];
        assert_eq!(call_rounds(&plugins), vec![vec![1, 2], vec![0]]);
    }

    #[test]
    fn a_named_plugin_not_called_holds_up_nothing() {
        let shapes = names(&["graph-signature"]);
        let plugins = [(3, "first-mover", shapes.as_slice())];
        assert_eq!(call_rounds(&plugins), vec![vec![3]]);
        assert!(call_rounds(&[]).is_empty());
    }

    #[test]
    fn chains_wait_in_turn_and_a_cycle_still_runs() {
        let (a, b, c) = (names(&["b"]), names(&["c"]), names(&[]));
        let chain = [
            (0, "a", a.as_slice()),
            (1, "b", b.as_slice()),
            (2, "c", c.as_slice()),
        ];
        assert_eq!(call_rounds(&chain), vec![vec![2], vec![1], vec![0]]);
        let (x, y) = (names(&["y"]), names(&["x"]));
        let cycle = [
            (0, "x", x.as_slice()),
            (1, "y", y.as_slice()),
            (2, "z", c.as_slice()),
        ];
        assert_eq!(call_rounds(&cycle), vec![vec![2], vec![0, 1]]);
    }
}
