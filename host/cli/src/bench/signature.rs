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

/// Keeps the pages glibc's malloc frees at the top of its heap instead of handing them back
/// to the kernel. The native analysis allocates and frees a few week-long columns per call;
/// by default glibc trims the heap whenever more than 128 KiB is free at its top, unless an
/// earlier large free happened to raise that threshold. So the native median depended on the
/// process' allocation history: 425 µs, or 575 µs with a page fault per page on every call
/// (`GLIBC_TUNABLES=glibc.malloc.trim_threshold=...` brought every run to 425 µs). The
/// sandbox's memory is not glibc's: this pins the yardstick at its best (set before both
/// measurements, so the host's side of the sandbox runs under the same allocator).
fn keep_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes when glibc returns free heap pages; no live memory moves.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// Runs the benchmark on the graph-signature `component` with `runs` timed analyses each.
pub(crate) fn run(
    component: &[u8],
    runs: usize,
    cache_dir: &std::path::Path,
) -> anyhow::Result<SignatureFigures> {
    keep_freed_heap();
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
