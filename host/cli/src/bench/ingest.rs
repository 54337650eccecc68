//! `rhyme bench ingest`: sustained event ingest through the real HTTP API into a SQLite store,
//! with one trivial plugin subscribed to events, so every acknowledged batch also owes (and
//! durably records) a plugin run. Clients send batches back to back over loopback and honour
//! `429 Retry-After`; the figures are acknowledged events per second and the latency of each
//! acknowledgement, plus how long the plugin queue took to drain after the last one. With
//! several open incidents, batch `b` goes to incident `b % incidents`, so the events are spread
//! evenly over them (`rhyme bench ingest --incidents 1,8,64` runs one plan per count).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use reqwest::header::CONTENT_TYPE;
use rhyme_sinks::Sinks;
use rhyme_store::{Actor, Gate, GateConfig, Role, Store};
use serde::Serialize;

use super::Stats;
use super::chat_batch::ChatLine;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::manifest::Limits;
use rhyme_runtime::{Allocator, LoadedPlugin, Sandbox};
use rhyme_server::ServeConfig;

/// What one run is asked to do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IngestPlan {
    pub batches: usize,
    pub batch_size: usize,
    /// Clients sending at once, each waiting for its acknowledgement before the next batch.
    pub clients: usize,
    /// Open incidents the batches are spread over (at least one).
    pub incidents: usize,
}

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct IngestFigures {
    pub events: usize,
    pub batch_size: usize,
    pub clients: usize,
    /// Open incidents the events were spread over.
    pub incidents: usize,
    /// Acknowledged events per second, first request to last acknowledgement.
    pub events_per_s: f64,
    /// Latency of each acknowledged batch (a 429's wait included in its batch).
    pub ack: Stats,
    /// 429 answers received (each retried after `Retry-After`).
    pub busy_answers: usize,
    /// Seconds from the last acknowledgement until no plugin run was owed.
    pub drain_s: f64,
    /// Events per second from the first request until the plugin had run on every one.
    pub processed_per_s: f64,
}

/// Runs the benchmark in `data` (wiped first) with `component`, a plugin that answers
/// `on-event` with nothing.
pub(crate) fn run(
    component: &[u8],
    data: &Path,
    plan: IngestPlan,
) -> anyhow::Result<IngestFigures> {
    let runtime = fresh_run(data)?;
    runtime.block_on(measure(component, data, plan))
}

async fn measure(component: &[u8], data: &Path, plan: IngestPlan) -> anyhow::Result<IngestFigures> {
    let store = Store::open(data, None)
        .await
        .context("opening the SQLite store")?;
    let token = responder_token(&store).await?;
    let plugin = load_plugin(component, &data.join("cache")).await?;
    if !plugin
        .info()
        .triggers
        .contains(&rhyme_world::types::Trigger::TimelineEvent)
    {
        bail!("the component does not subscribe to timeline events; build it with `make guests`");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let gate = Gate::new(store.clone(), GateConfig::default());
    let server = tokio::spawn(rhyme_server::serve_until(
        listener,
        async {
            let _ = stopped.await;
        },
        config(),
        gate,
        Sinks::new(),
        vec![plugin],
    ));

    let client = reqwest::Client::new();
    let incidents = plan.incidents.max(1);
    for n in 0..incidents {
        post(
            &client,
            &base,
            "/v1/incidents",
            &token,
            &incident(&incident_id(n, incidents)),
        )
        .await?;
    }
    let started = Instant::now();
    let senders: Vec<_> = (0..plan.clients.max(1))
        .map(|client_no| {
            tokio::spawn(send_batches(
                client.clone(),
                base.clone(),
                token.clone(),
                client_no,
                plan,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut busy_answers = 0;
    for sender in senders {
        let (mut l, busy) = sender.await??;
        latencies.append(&mut l);
        busy_answers += busy;
    }
    let took = started.elapsed();
    let drain_started = Instant::now();
    while store.pending_plugin_jobs().await? > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drain_s = drain_started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server.await??;
    // Closed before the next run of `--incidents` wipes the folder and opens a new database
    // at the same path: connections of this run still open there made that run fail now and
    // then with SQLite's `disk I/O error` (522) or a pool timeout.
    store.close().await;
    let events = latencies.len() * plan.batch_size;
    Ok(IngestFigures {
        events,
        batch_size: plan.batch_size,
        clients: plan.clients,
        incidents,
        events_per_s: events as f64 / took.as_secs_f64(),
        ack: Stats::of(&mut latencies),
        busy_answers,
        drain_s,
        processed_per_s: events as f64 / (took.as_secs_f64() + drain_s),
    })
}

async fn load_plugin(component: &[u8], cache: &Path) -> anyhow::Result<LoadedPlugin> {
    let limits = Limits::default();
    let sandbox = Sandbox::new(Allocator::Pooling, &limits)?;
    super::load_plugin(
        &sandbox,
        cache,
        "trivial",
        component,
        &[],
        limits,
        Backends::default(),
    )
    .await
}

/// An empty `data` folder (whatever an earlier run left is wiped) and the runtime to measure in.
/// A responder's token on the benchmark's own store, for its clients.
pub(super) async fn responder_token(store: &Store) -> anyhow::Result<String> {
    Ok(store
        .create_token(
            &Actor::operator("bench"),
            "bench-responder",
            Role::Responder,
        )
        .await?
        .secret)
}

pub(super) fn fresh_run(data: &Path) -> anyhow::Result<tokio::runtime::Runtime> {
    if data.exists() {
        std::fs::remove_dir_all(data).with_context(|| format!("clearing {}", data.display()))?;
    }
    std::fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub(super) fn config() -> ServeConfig {
    ServeConfig {
        listen: ([127, 0, 0, 1], 0).into(),
        queue: rhyme_pipeline::lines::QueueLimits::with_total(100_000),
        workers: 4,
        // No ticks or deliveries during the run: only ingest and its plugin runs are measured.
        tick_every: Duration::from_secs(3600),
        deliver_every: Duration::from_secs(3600),
        slack_signing_secret: None,
        slack_app: Default::default(),
        webhook_secrets: Default::default(),
        job_lease: Duration::from_secs(30),
        seen_before: Err("not used by the ingest benchmark".into()),
        // No sealing: the benchmark measures ingest alone.
        audit: Default::default(),
        connections: Default::default(),
    }
}

const INCIDENT: &str = "bench-ingest";

/// Incident `n` of `of`: `bench-ingest` alone, as before there was a choice, else numbered.
fn incident_id(n: usize, of: usize) -> String {
    if of <= 1 {
        INCIDENT.to_string()
    } else {
        format!("{INCIDENT}-{n}")
    }
}

fn incident(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "title": "Ingest benchmark", "severity": "SEV2", "started": 1_700_000_000_000_i64})
}

fn batch(client_no: usize, batch_no: usize, size: usize) -> serde_json::Value {
    super::chat_batch::batch(client_no, batch_no, size, |n| ChatLine {
        actor: "bench".to_string(),
        kind: "chat",
        text: format!(
            "status line {n} from client {client_no}: error rate steady, still investigating"
        ),
    })
}

/// One client's share of the batches: (latency of each acknowledged batch, 429s seen).
async fn send_batches(
    client: reqwest::Client,
    base: String,
    token: String,
    client_no: usize,
    plan: IngestPlan,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let incidents = plan.incidents.max(1);
    let mut latencies = Vec::new();
    let mut busy = 0;
    for batch_no in (client_no..plan.batches).step_by(plan.clients.max(1)) {
        let path = format!(
            "/v1/incidents/{}/events",
            incident_id(batch_no % incidents, incidents)
        );
        let body = batch(client_no, batch_no, plan.batch_size).to_string();
        let sent = Instant::now();
        loop {
            let answer = send(&client, &base, &path, &token, body.clone()).await?;
            if answer.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                busy += 1;
                let wait = answer
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()?.parse().ok())
                    .unwrap_or(1);
                tokio::time::sleep(Duration::from_secs(wait)).await;
                continue;
            }
            succeeded(&path, answer).await?;
            break;
        }
        latencies.push(sent.elapsed());
    }
    Ok((latencies, busy))
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> anyhow::Result<()> {
    succeeded(
        path,
        send(client, base, path, token, body.to_string()).await?,
    )
    .await
}

/// One JSON request as a client of the API sends it.
pub(super) async fn send(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    body: String,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
}

/// An error naming `path` and the answer unless it succeeded.
pub(super) async fn succeeded(path: &str, answer: reqwest::Response) -> anyhow::Result<()> {
    if !answer.status().is_success() {
        bail!(
            "{path} answered {}: {}",
            answer.status(),
            answer.text().await.unwrap_or_default()
        );
    }
    Ok(())
}
