//! `rhyme bench signature`: one week of one-minute points (10,080) analysed inside the
//! sandbox, against the same analysis compiled natively.

use serde::Serialize;

use super::Stats;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::manifest::Limits;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_world::Sample;
use rhyme_world::types::MetricSeries;

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct SignatureFigures {
    /// Points in the series.
    pub points: usize,
    /// Through the sandbox: fresh instance, copy in, analyse, findings out (target: ≤ 2 ms median).
    pub sandbox: Stats,
    /// The same analysis as native code, from the same columns the plugin is given.
    pub native: Stats,
    /// sandbox median / native median.
    pub ratio: f64,
    /// The shapes found, as a sanity check that both did real work.
    pub found: Vec<String>,
}

/// A week at one-minute resolution: a daily cycle, noise, and a cliff on the sixth day.
pub(crate) fn week_of_minutes() -> MetricSeries {
    let start = 1_700_000_000_000i64;
    let mut noise = 0x9E37_79B9_7F4A_7C15u64;
    let samples = (0..10_080).map(|i| {
        noise ^= noise << 13;
        noise ^= noise >> 7;
        noise ^= noise << 17;
        let jitter = (noise % 1000) as f64 / 1000.0 - 0.5;
        let daily = 20.0 * (i as f64 / 1440.0 * std::f64::consts::TAU).sin();
        let level = if i < 8_000 { 200.0 } else { 30.0 };
        Sample {
            at: start + i * 60_000,
            value: level + daily * level / 200.0 + 6.0 * jitter,
        }
    });
    MetricSeries::from_samples("week", "", samples)
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
    let series = week_of_minutes();
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
    let native = Stats::measure(runs / 10, runs, || {
        std::hint::black_box(graph_signature::analyze_columns(
            std::hint::black_box(&series.times),
            std::hint::black_box(&series.values),
        ));
    });
    Ok(SignatureFigures {
        points: series.len(),
        ratio: sandboxed.median_us / native.median_us,
        sandbox: sandboxed,
        native,
        found,
    })
}
