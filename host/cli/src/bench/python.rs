//! `rhyme bench python`: one call into the example plugin written in Python
//! (`examples/plugins/error-budget`, an interpreter built by componentize-py), installed from
//! its own `plugin.toml` with its settings, in a fresh instance per call as every plugin runs.
//!
//! Two calls are timed: a series the plugin skips after reading its settings (what a fresh
//! instance of the interpreter's snapshot costs) and three hours of one-minute error ratios it
//! judges (that plus the Python work).

use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use super::Stats;
use super::thread_usage::{PerCall, ThreadUsage};
use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::registry::Registry;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_world::Sample;
use rhyme_world::types::MetricSeries;

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct PythonFigures {
    /// Size of the component, in KiB.
    pub component_kib: u64,
    /// Loading it from the compile cache (compiled on the first run).
    pub load_ms: f64,
    /// A series the plugin does not judge: a fresh instance and the settings read.
    pub skipped: Stats,
    /// 180 one-minute error ratios judged (target: median ≤ 4 ms).
    pub analysed: Stats,
    /// CPU time and page faults of a skipped call, the mean over all of them.
    pub skipped_use: PerCall,
    /// The same for a judged call.
    pub analysed_use: PerCall,
}

/// Installs the plugin of `manifest` (its `plugin.toml`) into a registry under `data` and
/// times `runs` calls of each kind.
pub(crate) fn run(manifest: &Path, data: &Path, runs: usize) -> anyhow::Result<PythonFigures> {
    super::runtime()?.block_on(measure(manifest, data, runs))
}

async fn measure(manifest: &Path, data: &Path, runs: usize) -> anyhow::Result<PythonFigures> {
    let registry = Registry::open(data.join("plugins"));
    let sandbox = Sandbox::new(Allocator::Pooling, &registry.ceilings()?)?;
    let installed = registry
        .install(&sandbox, manifest, &[Capability::Log])
        .await
        .with_context(|| format!("installing {}", manifest.display()))?;
    let name = installed.manifest.name;
    let component_kib = std::fs::metadata(registry.dir().join(&name).join("plugin.wasm"))
        .map_or(0, |m| m.len() / 1024);
    let started = Instant::now();
    let (plugin, _) = registry.load(&sandbox, &name, &Backends::default()).await?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;

    let judged = error_ratios("checkout_error_ratio");
    let other = error_ratios("checkout_latency_p99");
    let call = async |series: &MetricSeries| {
        plugin
            .on_series(CallContext::default(), None, series)
            .await
            .map(|report| report.value.findings.len())
    };
    anyhow::ensure!(
        call(&judged).await? == 1 && call(&other).await? == 0,
        "{name} did not answer as expected: one finding for a fast burn, none for a series it does not judge"
    );
    let (warmup, calls) = (runs / 10, runs + runs / 10);
    let started = ThreadUsage::now();
    let skipped = Stats::measure_async(warmup, runs, async || {
        call(&other).await.expect("the call succeeded once already");
    })
    .await;
    let skipped_use = started.per_call_since(calls);
    let started = ThreadUsage::now();
    let analysed = Stats::measure_async(warmup, runs, async || {
        call(&judged)
            .await
            .expect("the call succeeded once already");
    })
    .await;
    let analysed_use = started.per_call_since(calls);
    Ok(PythonFigures {
        component_kib,
        load_ms,
        skipped,
        analysed,
        skipped_use,
        analysed_use,
    })
}

/// Three hours of one-minute error ratios named `name`: 0.05% errors, then 2.5% for the
/// last hour, 25 times what a 99.9% objective allows.
fn error_ratios(name: &str) -> MetricSeries {
    let start_ms = 1_714_521_600_000i64;
    let samples = (0..180).map(|minute| Sample {
        at: start_ms + minute * 60_000,
        value: if minute >= 120 { 0.025 } else { 0.0005 } + (minute % 7) as f64 * 2e-5,
    });
    MetricSeries::from_samples(name, "", samples)
}
