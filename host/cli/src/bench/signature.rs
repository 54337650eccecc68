//! `rhyme bench signature`: one week of one-minute points (10,080) analysed inside the
//! sandbox, against the same analysis compiled natively.

use serde::Serialize;

use super::Stats;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::manifest::Limits;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_world::types::{MetricSeries, Point};

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct SignatureFigures {
    /// Points in the series.
    pub points: usize,
    /// Through the sandbox: fresh instance, copy in, analyse, findings out (target: ≤ 2 ms median).
    pub sandbox: Stats,
    /// The same analysis as native code.
    pub native: Stats,
    /// sandbox median / native median.
    pub ratio: f64,
    /// The shapes found, as a sanity check that both did real work.
    pub found: Vec<String>,
}

/// A week at one-minute resolution: a daily cycle, noise, and a cliff on the sixth day.
pub(crate) fn week_of_minutes() -> Vec<Point> {
    let start = 1_700_000_000_000i64;
    let mut noise = 0x9E37_79B9_7F4A_7C15u64;
    (0..10_080)
        .map(|i| {
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            let jitter = (noise % 1000) as f64 / 1000.0 - 0.5;
            let daily = 20.0 * (i as f64 / 1440.0 * std::f64::consts::TAU).sin();
            let level = if i < 8_000 { 200.0 } else { 30.0 };
            Point {
                at: start + i * 60_000,
                value: level + daily * level / 200.0 + 6.0 * jitter,
            }
        })
        .collect()
}

/// Runs the benchmark on the graph-signature `component` with `runs` timed analyses each.
pub(crate) fn run(
    component: &[u8],
    runs: usize,
    cache_dir: &std::path::Path,
) -> anyhow::Result<SignatureFigures> {
    let limits = Limits {
        deadline_ms: 5_000,
        memory_mib: 128,
        ..Limits::default()
    };
    let sandbox = Sandbox::new(Allocator::Pooling, &limits)?;
    let runtime = super::runtime()?;
    let plugin = runtime.block_on(super::load_plugin(
        &sandbox,
        cache_dir,
        "graph-signature",
        component,
        &[],
        limits,
        Backends::default(),
    ))?;
    let series = MetricSeries {
        name: "week".into(),
        unit: String::new(),
        points: week_of_minutes(),
    };
    let found: Vec<String> = runtime
        .block_on(plugin.on_series(CallContext::default(), None, &series))?
        .value
        .findings
        .into_iter()
        .map(|f| f.subject)
        .collect();
    let sandboxed = runtime.block_on(Stats::measure_async(runs / 10, runs, async || {
        plugin
            .on_series(CallContext::default(), None, &series)
            .await
            .expect("analysis succeeded once already");
    }));
    let native_points: Vec<graph_signature::Point> = series
        .points
        .iter()
        .map(|p| graph_signature::Point {
            t: p.at as f64 / 1000.0,
            v: p.value,
        })
        .collect();
    let native = Stats::measure(runs / 10, runs, || {
        std::hint::black_box(graph_signature::analyze(std::hint::black_box(
            &native_points,
        )));
    });
    Ok(SignatureFigures {
        points: series.points.len(),
        ratio: sandboxed.median_us / native.median_us,
        sandbox: sandboxed,
        native,
        found,
    })
}
