//! `rhyme bench`: figures measured in one run and printed, never asserted in unit tests.

pub(crate) mod burst;
mod chat_batch;
pub(crate) mod ingest;
pub(crate) mod nudges;
pub(crate) mod python;
pub(crate) mod runtime;
pub(crate) mod seen_before;
pub(crate) mod seen_before_scale;
mod serve_process;
pub(crate) mod signature;
pub(crate) mod st_reference;
mod stats;
pub(crate) mod thread_usage;

pub(crate) use stats::Stats;

use std::collections::BTreeSet;
use std::path::Path;

use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::manifest::{Limits, Manifest};
use rhyme_runtime::plugin::LoadRequest;
use rhyme_runtime::{CompileCache, LoadedPlugin, Sandbox};

/// The runtime a benchmark drives its plugin calls on: single-threaded, so a call runs on
/// the benchmark's own thread, as the harness runs them.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The limits the anti-pattern and seen-before benchmarks run their plugin under: room for a
/// long timeline or a large index, so that a figure measures the call, not a limit hit.
fn roomy_limits() -> Limits {
    Limits {
        deadline_ms: 5_000,
        memory_mib: 256,
        output_kib: 1_024,
        ..Limits::default()
    }
}

/// Loads `component` as plugin `name` for a benchmark, asking for and granted
/// `capabilities`, with `limits` both as its manifest's and as the operator's ceiling.
async fn load_plugin(
    sandbox: &Sandbox,
    cache_dir: &Path,
    name: &str,
    component: &[u8],
    capabilities: &[Capability],
    limits: Limits,
    backends: Backends,
) -> anyhow::Result<LoadedPlugin> {
    let manifest = Manifest {
        name: name.into(),
        version: "0.1.0".into(),
        description: String::new(),
        component: "plugin.wasm".into(),
        capabilities: capabilities.to_vec(),
        optional_capabilities: Vec::new(),
        nudge_patterns: Vec::new(),
        after: Vec::new(),
        limits,
        settings: Default::default(),
    };
    let request = LoadRequest {
        manifest: &manifest,
        component,
        granted: &capabilities.iter().copied().collect::<BTreeSet<_>>(),
        limits,
        backends,
        granted_by: "granted",
        settings: "{}".into(),
    };
    Ok(
        LoadedPlugin::load(sandbox, &CompileCache::new(cache_dir), request)
            .await?
            .0,
    )
}
