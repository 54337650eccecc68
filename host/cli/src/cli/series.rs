//! `rhyme series pull`: a Prometheus range query into an incident's metric series. Each
//! series of the answer is stored as `POST /v1/incidents/{id}/series` stores it — merged with
//! what is there, with a plugin job in the same transaction — and the subscribed plugins
//! (graph-signature) run on it here, through the server's own worker, before the command ends.

use std::sync::Arc;
use std::time::Duration;

use crate::prometheus::{self, MAX_POINTS, RangeQuery, RangeSeries, parse_duration};
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::{DEFAULT_JOB_LEASE_MS, Job};
use rhyme_pipeline::store_incidents::convert;
use rhyme_pipeline::worker::Worker;
use rhyme_store::{Gate, JobLease, MetricSeries, Point, Store};

use super::{Context, plugin, serve, store};

#[derive(Debug, Subcommand)]
pub(super) enum SeriesCommand {
    /// Read a range query from Prometheus into an incident; plugins run on each series.
    Pull(PullArgs),
}

#[derive(Debug, Args)]
pub(super) struct PullArgs {
    /// Prometheus's base URL, e.g. http://localhost:9090.
    #[arg(long, value_name = "URL")]
    prometheus: String,
    /// The PromQL expression, e.g. 'sum(rate(http_requests_total{job="checkout"}[1m]))'.
    #[arg(long)]
    query: String,
    /// How far back from now: 6h, 30m, 1h30m, 2d.
    #[arg(long, value_parser = parse_duration)]
    range: Duration,
    /// Time between points (default: the range / 1440, at least 1s).
    #[arg(long, value_parser = parse_duration)]
    step: Option<Duration>,
    /// The incident the series belong to (it must exist).
    #[arg(long)]
    incident: String,
    /// Name to store the series under (default: the series' labels, as Prometheus writes them).
    /// With several series, each gets the name followed by its labels.
    #[arg(long)]
    name: Option<String>,
}

pub(super) fn run(ctx: &Context, command: SeriesCommand) -> anyhow::Result<()> {
    match command {
        SeriesCommand::Pull(args) => pull(ctx, args),
    }
}

fn pull(ctx: &Context, args: PullArgs) -> anyhow::Result<()> {
    let step = args
        .step
        .unwrap_or_else(|| prometheus::default_step(args.range));
    let points = args.range.as_millis() / step.as_millis().max(1);
    if points as u64 > MAX_POINTS {
        bail!(
            "--range {:?} at --step {:?} is {points} points per series; Prometheus returns at most {MAX_POINTS}: choose a larger --step",
            args.range,
            step
        );
    }
    let sandbox = plugin::sandbox(ctx)?;
    store::runtime()?.block_on(async move {
        let db = store::open(ctx).await?;
        db.incident(&args.incident).await.with_context(|| {
            format!("--incident {}: create it first (POST /v1/incidents, or through Alertmanager)", args.incident)
        })?;
        let query = RangeQuery { query: &args.query, end_ms: db.now(), range: args.range, step };
        let found = prometheus::query_range(&args.prometheus, &query).await.with_context(|| format!("--query {}", args.query))?;
        if found.is_empty() {
            bail!(
                "--query {} returned no series over the last {}: check the metric and label names in Prometheus's expression browser ({})",
                args.query,
                humane(args.range),
                args.prometheus
            );
        }
        let gate = Gate::new(db.clone(), serve::gate_config(ctx, None)?);
        let plugins = serve::load_plugins(ctx, &sandbox, &serve::store_backends(&db)).await?;
        let worker = Worker { plugins: Arc::new(plugins), gate, metrics: Arc::new(Metrics::new()), concurrency: 1, seen_before: None, lease: JobLease::new(DEFAULT_JOB_LEASE_MS) };
        let started = db.now();
        let many = found.len() > 1;
        for series in &found {
            store_and_run(&db, &worker, &args, series, name_of(args.name.as_deref(), &args.query, series, many)).await?;
        }
        report_findings(ctx, &db, &args.incident, started).await
    })
}

/// Stores one series with its plugin job, then runs the job.
async fn store_and_run(
    db: &Store,
    worker: &Worker,
    args: &PullArgs,
    series: &RangeSeries,
    name: String,
) -> anyhow::Result<()> {
    let points: Vec<Point> = series
        .points
        .iter()
        .map(|&(at, value)| Point { at, value })
        .collect();
    let pulled = points.len();
    let series = MetricSeries {
        name: name.clone(),
        unit: String::new(),
        points,
    };
    let lease = JobLease::new(DEFAULT_JOB_LEASE_MS);
    let by = store::operator().name;
    let (stored, job) = db
        .put_series_with_job(&args.incident, &series, &lease, Some(&by))
        .await
        .with_context(|| {
            format!("storing series `{name}` (use --name to choose a shorter name)")
        })?;
    println!(
        "stored {name}: {pulled} points pulled, {} now stored for incident {}",
        stored.points.len(),
        args.incident
    );
    let job = Job::Series {
        job: Some(job.id),
        incident: args.incident.clone(),
        series: convert::series_to_wit(stored),
        by,
    };
    worker.handle(job).await;
    Ok(())
}

/// The stored name: `--name`, with the labels after it when there are several series; else
/// the series' labels, or the query itself when it has none (an aggregate like `sum(...)`).
fn name_of(name: Option<&str>, query: &str, series: &RangeSeries, many: bool) -> String {
    match name {
        Some(name) if many => format!(
            "{name}{}",
            series.selector().trim_start_matches(|c| c != '{')
        ),
        Some(name) => name.to_string(),
        None if series.labels.is_empty() => query.trim().to_string(),
        None => series.selector(),
    }
}

/// Prints what the plugins found during this pull.
async fn report_findings(
    ctx: &Context,
    db: &Store,
    incident: &str,
    since: i64,
) -> anyhow::Result<()> {
    let new: Vec<_> = db
        .findings(incident)
        .await?
        .into_iter()
        .filter(|f| f.created_at >= since)
        .collect();
    if ctx.json {
        println!("{}", serde_json::to_string(&new)?);
        return Ok(());
    }
    if new.is_empty() {
        println!("no new findings from the plugins");
    }
    for f in &new {
        println!(
            "{} ({} {}): {}",
            f.finding.title,
            f.plugin.name,
            f.plugin.version,
            f.finding.detail.replace('\n', " ")
        );
    }
    Ok(())
}

fn humane(range: Duration) -> String {
    let s = range.as_secs();
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(labels: &[(&str, &str)]) -> RangeSeries {
        RangeSeries {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            points: vec![],
        }
    }

    #[test]
    fn names_come_from_labels_or_the_flag() {
        let one = series(&[("__name__", "up"), ("job", "rhyme")]);
        assert_eq!(name_of(None, "up", &one, false), r#"up{job="rhyme"}"#);
        assert_eq!(name_of(Some("up"), "up", &one, false), "up");
        assert_eq!(name_of(Some("up"), "up", &one, true), r#"up{job="rhyme"}"#);
        assert_eq!(name_of(None, " sum(up) ", &series(&[]), false), "sum(up)");
    }
}
