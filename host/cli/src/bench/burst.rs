//! `rhyme bench ingest --burst`: the burst that once locked ingest out for an hour. Several
//! clients post batches of chat lines, each to an incident of its own, as fast as the server
//! acknowledges them, with the installed built-in plugins enabled. Meanwhile a probe opens a
//! new incident and posts an Alertmanager notification every few seconds. The figures: what
//! the probe was answered, how long the backlog took to drain after the burst, and whether
//! every acknowledged event is stored with its plugin run done. With a kill time, the server
//! is a `rhyme serve` process instead, killed with SIGKILL mid-burst and started again.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use rhyme_runtime::LoadedPlugin;
use rhyme_sinks::Sinks;
use rhyme_store::{Gate, GateConfig, Store};
use serde::Serialize;

use super::Stats;
use super::chat_batch::ChatLine;
use super::ingest::{send, succeeded};
use super::serve_process::{ServeProcess, copy_registry};

/// What one run is asked to do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BurstPlan {
    pub clients: usize,
    pub batch_size: usize,
    pub seconds: u64,
    /// Events the queue holds, all incidents together (`rhyme serve --queue`).
    pub queue: usize,
    /// Seconds into the burst at which the server is killed with SIGKILL and restarted.
    pub kill_after: Option<u64>,
}

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct BurstFigures {
    pub plugins: Vec<String>,
    pub acknowledged: usize,
    /// 429 answers the burst's clients got (each retried after `Retry-After`).
    pub busy_answers: usize,
    /// The `Retry-After` values those 429s carried, in seconds.
    pub retry_after_s: Vec<u64>,
    /// New incidents the probe tried to open during the burst, and how many were accepted.
    pub probe_incidents: (usize, usize),
    /// Alertmanager posts the probe sent during the burst, and how many were accepted.
    pub probe_alerts: (usize, usize),
    /// Latency of the probe's requests.
    pub probe: Stats,
    /// Seconds from the burst's end until no plugin run was owed; `None` when the wait gave up.
    pub drain_s: Option<f64>,
    /// Acknowledged events missing from the store afterwards.
    pub lost: usize,
    /// With a kill: seconds into the burst it came, and from it until the server was ready.
    pub killed: Option<Killed>,
}

/// When the server was killed, and how long it was away.
#[derive(Debug, Serialize)]
pub(crate) struct Killed {
    pub at_s: u64,
    pub back_after_s: f64,
}

/// How long the drain is waited for before the run says it did not drain.
const DRAIN_PATIENCE: Duration = Duration::from_secs(600);
/// How long a client keeps trying a server it cannot reach.
const UNREACHABLE_PATIENCE: Duration = Duration::from_secs(120);
/// Time between the probe's requests.
const PROBE_EVERY: Duration = Duration::from_secs(3);

/// Runs the burst against a fresh SQLite store in `data`; `plugins` loads the plugins to enable
/// with that store behind their `incidents` capability. With a kill time, a `rhyme serve`
/// process on `data` serves the same plugins, copied from the registry in `registry`.
pub(crate) fn run(
    data: &std::path::Path,
    registry: &std::path::Path,
    plan: BurstPlan,
    plugins: impl AsyncFnOnce(&Store) -> anyhow::Result<Vec<LoadedPlugin>>,
) -> anyhow::Result<BurstFigures> {
    let runtime = super::ingest::fresh_run(data)?;
    runtime.block_on(async {
        let store = Store::open(data, None)
            .await
            .context("opening the SQLite store")?;
        let plugins = plugins(&store).await?;
        let token = super::ingest::responder_token(&store).await?;
        match plan.kill_after {
            None => measure(store, plugins, token, plan).await,
            Some(after) => {
                let names = plugins.iter().map(|p| p.name().to_string()).collect();
                drop(plugins);
                copy_registry(registry, data)?;
                let server = ServeProcess::start(data, plan.queue).await?;
                let base = server.base();
                drive(&store, &base, &token, plan, names, Some((after, server))).await
            }
        }
    })
}

async fn measure(
    store: Store,
    plugins: Vec<LoadedPlugin>,
    token: String,
    plan: BurstPlan,
) -> anyhow::Result<BurstFigures> {
    let names = plugins.iter().map(|p| p.name().to_string()).collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = super::ingest::config();
    config.queue = rhyme_pipeline::lines::QueueLimits::with_total(plan.queue);
    config.tick_every = Duration::from_secs(60);
    let gate = Gate::new(store.clone(), GateConfig::default());
    let server = tokio::spawn(rhyme_server::serve_until(
        listener,
        async {
            let _ = stopped.await;
        },
        config,
        gate,
        Sinks::new(),
        plugins,
    ));
    let figures = drive(&store, &base, &token, plan, names, None).await;
    let _ = stop.send(());
    server.await??;
    figures
}

/// One burst against the server at `base` (whose store is `store`): the burst, the probe
/// beside it, the kill when asked (after that many seconds), the drain, and what was lost.
async fn drive(
    store: &Store,
    base: &str,
    token: &str,
    plan: BurstPlan,
    plugins: Vec<String>,
    kill: Option<(u64, ServeProcess)>,
) -> anyhow::Result<BurstFigures> {
    let client = reqwest::Client::new();
    let api = Api {
        client: &client,
        base,
        token,
    };
    for n in 0..plan.clients {
        api.post_ok("/v1/incidents", &incident(&format!("burst-{n}")))
            .await?;
    }
    let until = Instant::now() + Duration::from_secs(plan.seconds);
    let senders: Vec<_> = (0..plan.clients)
        .map(|n| {
            let (client, base, token) = (client.clone(), base.to_string(), token.to_string());
            tokio::spawn(async move {
                let api = Api {
                    client: &client,
                    base: &base,
                    token: &token,
                };
                api.burst(n, plan.batch_size, until).await
            })
        })
        .collect();
    let (probe, killed) = tokio::join!(api.probe(until), kill_mid_burst(kill));
    let (probe, (killed, _server)) = (probe?, killed?);
    let mut sent = Sent::default();
    for sender in senders {
        sent.add(sender.await??);
    }
    let drain_s = wait_for_drain(store).await?;
    let mut lost = 0;
    for (n, acknowledged) in sent.per_incident.iter().enumerate() {
        let stored = store.events(&format!("burst-{n}")).await?.len();
        lost += acknowledged.saturating_sub(stored);
    }
    let mut latencies = probe.latencies;
    Ok(BurstFigures {
        plugins,
        acknowledged: sent.per_incident.iter().sum(),
        busy_answers: sent.busy,
        retry_after_s: sent.retry_after,
        probe_incidents: probe.incidents,
        probe_alerts: probe.alerts,
        probe: Stats::of(&mut latencies),
        drain_s,
        lost,
        killed,
    })
}

/// Seconds from now until no plugin run is owed; `None` when [`DRAIN_PATIENCE`] ran out.
async fn wait_for_drain(store: &Store) -> anyhow::Result<Option<f64>> {
    let started = Instant::now();
    while started.elapsed() < DRAIN_PATIENCE {
        if store.pending_plugin_jobs().await? == 0 {
            return Ok(Some(started.elapsed().as_secs_f64()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(None)
}

/// Kills the server `after` seconds into the burst and starts it again; the server is handed
/// back so that it lives until the run's checks are done.
async fn kill_mid_burst(
    kill: Option<(u64, ServeProcess)>,
) -> anyhow::Result<(Option<Killed>, Option<ServeProcess>)> {
    let Some((after, mut server)) = kill else {
        return Ok((None, None));
    };
    tokio::time::sleep(Duration::from_secs(after)).await;
    let back = server.kill_and_restart().await?;
    let killed = Killed {
        at_s: after,
        back_after_s: back.as_secs_f64(),
    };
    Ok((Some(killed), Some(server)))
}

#[derive(Default)]
struct Sent {
    per_incident: Vec<usize>,
    busy: usize,
    retry_after: Vec<u64>,
}

impl Sent {
    fn add(&mut self, one: Sent) {
        self.per_incident.extend(one.per_incident);
        self.busy += one.busy;
        self.retry_after.extend(one.retry_after);
        self.retry_after.sort_unstable();
        self.retry_after.dedup();
    }
}

struct Probe {
    incidents: (usize, usize),
    alerts: (usize, usize),
    latencies: Vec<Duration>,
}

struct Api<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    token: &'a str,
}

impl Api<'_> {
    /// Posts `body`, and again a moment later while the server cannot be reached (it is being
    /// started again after the kill): a client that saw no answer sends the same batch again.
    async fn post(&self, path: &str, body: String) -> anyhow::Result<reqwest::Response> {
        let began = Instant::now();
        loop {
            match send(self.client, self.base, path, self.token, body.clone()).await {
                Ok(answer) => return Ok(answer),
                Err(e) if began.elapsed() > UNREACHABLE_PATIENCE => {
                    return Err(e).with_context(|| format!("POST {path}"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    async fn post_ok(&self, path: &str, body: &serde_json::Value) -> anyhow::Result<()> {
        succeeded(path, self.post(path, body.to_string()).await?).await
    }

    /// One client's burst on incident `burst-{n}` until `until`: events acknowledged, 429s.
    async fn burst(&self, n: usize, batch_size: usize, until: Instant) -> anyhow::Result<Sent> {
        let path = format!("/v1/incidents/burst-{n}/events");
        let mut sent = Sent::default();
        let mut acknowledged = 0;
        let mut batch_no = 0;
        while Instant::now() < until {
            let answer = self.post(&path, batch(n, batch_no, batch_size)).await?;
            if answer.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after(&answer);
                sent.busy += 1;
                sent.retry_after.push(wait);
                tokio::time::sleep(
                    Duration::from_secs(wait).min(until.saturating_duration_since(Instant::now())),
                )
                .await;
                continue;
            }
            succeeded(&path, answer).await?;
            acknowledged += batch_size;
            batch_no += 1;
        }
        sent.per_incident.push(acknowledged);
        Ok(sent)
    }

    /// A new incident and an Alertmanager post every [`PROBE_EVERY`] (or a third of a shorter
    /// burst) until `until`.
    async fn probe(&self, until: Instant) -> anyhow::Result<Probe> {
        let mut probe = Probe {
            incidents: (0, 0),
            alerts: (0, 0),
            latencies: Vec::new(),
        };
        let mut n = 0;
        // A short burst is probed more often, so that it is probed at all.
        let every = PROBE_EVERY.min(until.saturating_duration_since(Instant::now()) / 3);
        tokio::time::sleep(every).await;
        while Instant::now() + Duration::from_millis(500) < until {
            let sent = Instant::now();
            let opened = self
                .post("/v1/incidents", incident(&format!("probe-{n}")).to_string())
                .await?;
            probe.latencies.push(sent.elapsed());
            probe.incidents.0 += 1;
            probe.incidents.1 += usize::from(opened.status().is_success());
            let sent = Instant::now();
            let alert = self
                .post("/v1/ingest/alertmanager", alert(n).to_string())
                .await?;
            probe.latencies.push(sent.elapsed());
            probe.alerts.0 += 1;
            probe.alerts.1 += usize::from(alert.status().is_success());
            n += 1;
            tokio::time::sleep(every).await;
        }
        Ok(probe)
    }
}

fn retry_after(answer: &reqwest::Response) -> u64 {
    answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(1)
}

fn incident(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "title": "Burst benchmark", "severity": "SEV1", "started": 1_700_000_000_000_i64})
}

/// Chat lines a busy channel might carry, one second apart.
fn batch(client: usize, batch_no: usize, size: usize) -> String {
    const LINES: [&str; 4] = [
        "checking the api pods, error rate still climbing",
        "rolled the canary back on eu-west, watching latency",
        "db connections at the pool limit again",
        "anyone looking at the queue consumers?",
    ];
    super::chat_batch::batch(client, batch_no, size, |n| ChatLine {
        actor: format!("responder-{}", n % 5),
        kind: "message",
        text: LINES[n % LINES.len()].to_string(),
    })
    .to_string()
}

/// An Alertmanager v4 notification with one firing alert of its own group.
fn alert(n: usize) -> serde_json::Value {
    serde_json::json!({
        "version": "4",
        "groupKey": format!("{{}}:{{alertname=\"BurstProbe{n}\"}}"),
        "status": "firing",
        "receiver": "rhyme",
        "groupLabels": {"alertname": format!("BurstProbe{n}")},
        "commonLabels": {"alertname": format!("BurstProbe{n}"), "severity": "page"},
        "commonAnnotations": {"summary": "probe alert sent during the burst"},
        "externalURL": "http://alertmanager.invalid",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": format!("BurstProbe{n}"), "severity": "page"},
            "annotations": {"summary": "probe alert sent during the burst"},
            "startsAt": "2026-12-06T03:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": format!("{n:016x}")
        }]
    })
}
