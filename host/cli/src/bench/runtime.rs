//! `rhyme bench runtime`: what a plugin call costs through Rhyme's runtime, against bare
//! wasmtime running the same trivial component, and what the compile cache saves.

use serde::Serialize;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::Stats;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::manifest::Limits;
use rhyme_runtime::{Allocator, CallContext, CompileCache, Sandbox};
use rhyme_world::types::Query;

/// The contract as a minimal synchronous wasmtime program binds it, for the yardstick:
/// Rhyme's own bindings (`rhyme-world`) are async. The trivial test guest is built against
/// the released 0.1.0 (as every test guest is), so this binds 0.1.0; the types are Rhyme's.
#[allow(unreachable_pub, dead_code, missing_docs)]
mod bare_world {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../../wit/0.1.0",
        with: { "rhyme:plugin/types": rhyme_world::v0_1::interfaces::types },
    });
}
use bare_world::PluginPre;

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct RuntimeFigures {
    /// (a) fresh instance per call through Rhyme, pooling allocator.
    pub rhyme_pooling: Stats,
    /// (b) the same with the on-demand allocator.
    pub rhyme_on_demand: Stats,
    /// The same call through bare wasmtime (pooling, no limits, no host state).
    pub bare_wasmtime: Stats,
    /// (c) compiling the component.
    pub compile: Stats,
    /// (c) loading it from the compile cache.
    pub cache_load: Stats,
    /// rhyme_pooling median / bare_wasmtime median (target: at most 1.3).
    pub overhead_vs_bare: f64,
    /// rhyme_on_demand median / rhyme_pooling median (target: at least 1.5).
    pub pooling_speedup: f64,
    /// compile median / cache_load median (target: at least 100).
    pub cache_speedup: f64,
}

/// Runs the whole benchmark on `component` (a trivial plugin) with `calls` timed calls each.
pub(crate) fn run(
    component: &[u8],
    calls: usize,
    cache_dir: &std::path::Path,
) -> anyhow::Result<RuntimeFigures> {
    let rhyme_pooling = rhyme_calls(component, Allocator::Pooling, calls, cache_dir)?;
    let rhyme_on_demand = rhyme_calls(component, Allocator::OnDemand, calls, cache_dir)?;
    let bare_wasmtime = bare_calls(component, calls)?;
    let (compile, cache_load) = compile_versus_cache(component, cache_dir)?;
    Ok(RuntimeFigures {
        overhead_vs_bare: rhyme_pooling.median_us / bare_wasmtime.median_us,
        pooling_speedup: rhyme_on_demand.median_us / rhyme_pooling.median_us,
        cache_speedup: compile.median_us / cache_load.median_us,
        rhyme_pooling,
        rhyme_on_demand,
        bare_wasmtime,
        compile,
        cache_load,
    })
}

fn query() -> Query {
    Query {
        text: "ping".into(),
        incident: None,
        limit: 1,
    }
}

fn rhyme_calls(
    component: &[u8],
    allocator: Allocator,
    calls: usize,
    cache_dir: &std::path::Path,
) -> anyhow::Result<Stats> {
    let limits = Limits::default();
    let sandbox = Sandbox::new(allocator, &limits)?;
    super::runtime()?.block_on(async {
        let plugin = super::load_plugin(
            &sandbox,
            cache_dir,
            "trivial",
            component,
            &[],
            limits,
            Backends::default(),
        )
        .await?;
        let query = query();
        let mut failure = None;
        let stats = Stats::measure_async(calls / 10, calls, async || {
            if let Err(e) = plugin.on_query(CallContext::default(), &query).await {
                failure.get_or_insert(e);
            }
        })
        .await;
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(stats),
        }
    })
}

/// The yardstick: what a minimal wasmtime program does for the same call, synchronously.
struct BareState {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for BareState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

fn bare_calls(component: &[u8], calls: usize) -> anyhow::Result<Stats> {
    let mut config = Config::new();
    // The same reuse of freed memories as Rhyme's pool, so the ratio measures Rhyme's own
    // overhead rather than an allocator setting.
    let mut pool = PoolingAllocationConfig::default();
    rhyme_runtime::engine::keep_pages_resident(&mut pool);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    let engine = Engine::new(&config)?;
    let component = Component::new(&engine, component)?;
    let mut linker = Linker::<BareState>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    rhyme_world::v0_1::interfaces::types::add_to_linker::<
        BareState,
        wasmtime::component::HasSelf<BareState>,
    >(&mut linker, |s| s)?;
    let pre = PluginPre::new(linker.instantiate_pre(&component)?)?;
    let query = rhyme_world::v0_1::query(&query());
    let mut failure = None;
    let stats = Stats::measure(calls / 10, calls, || {
        let state = BareState {
            wasi: WasiCtxBuilder::new().build(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(&engine, state);
        let result = pre
            .instantiate(&mut store)
            .and_then(|p| p.call_on_query(&mut store, &query));
        if let Err(e) = result {
            failure.get_or_insert(e);
        }
    });
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(stats),
    }
}

fn compile_versus_cache(
    component: &[u8],
    cache_dir: &std::path::Path,
) -> anyhow::Result<(Stats, Stats)> {
    let sandbox = Sandbox::new(Allocator::Pooling, &Limits::default())?;
    let engine = sandbox.engine();
    let compile = Stats::measure(1, 5, || {
        Component::new(engine, component).expect("the component compiled once already");
    });
    let cache = CompileCache::new(cache_dir);
    cache.load(engine, component)?;
    let cache_load = Stats::measure(3, 50, || {
        cache
            .load(engine, component)
            .expect("cached component loads");
    });
    Ok((compile, cache_load))
}

// `rhyme_world::v0_1` implements the (empty) 0.1.0 `types` host trait for every state.
