//! The wasmtime engine every plugin runs on: component model, fuel, epoch interruption and
//! (by default) the pooling allocator, plus the ticker thread that drives the epochs. Calls
//! are async (wasmtime 48 always supports them with its `async` feature; there is no switch
//! left to set): each runs on a fiber whose stack comes from the pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::manifest::Limits;

/// How instance memory is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocator {
    /// Slots reserved up front and reused: instantiation costs microseconds.
    Pooling,
    /// `mmap` per instance: slower, but reserves nothing.
    OnDemand,
}

/// One epoch every `EPOCH_TICK`: the granularity of wall-clock deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(2);

/// Bytes of each linear memory kept mapped when its pool slot is freed. Past this, pages are
/// handed back to the kernel and the next instance faults them in again; within it, the pages
/// a call dirtied are reset in place (only those, where the kernel offers `PAGEMAP_SCAN`).
/// A week of points through graph-signature writes about 2 MiB: with this, a call on it costs
/// a fifth less, and a trivial call 20 µs instead of 12 (`rhyme bench signature`, `runtime`).
pub const LINEAR_MEMORY_KEEP_RESIDENT: usize = 4 << 20;

/// The same for each table: its entries are zeroed in place instead of handed back. Without
/// it every freed instance's tables were unmapped with `madvise`, and in a multi-threaded
/// server each `madvise` interrupts every other core to flush its TLB: `perf` put 30% of
/// `rhyme bench ingest`'s samples there.
pub const TABLE_KEEP_RESIDENT: usize = 1 << 20;

/// Instances that may be alive at once. A Rust wasip2 component holds several core
/// instances and memories (its adapter shims), hence the larger core counts.
const MAX_LIVE_COMPONENTS: u32 = 256;
const CORE_INSTANCES_PER_COMPONENT: u32 = 8;
/// The most core instances one component may hold. An interpreter built by componentize-py
/// links libc, libpython, its extension modules and the WASI shims as separate core modules
/// (38 in `examples/plugins/error-budget`); the pool's total stays as above.
const MAX_CORE_INSTANCES_IN_ONE_COMPONENT: u32 = 64;

/// The engine plus what keeps its deadlines moving. Drop it to stop the ticker.
pub struct Sandbox {
    engine: Engine,
    allocator: Allocator,
    _ticker: EpochTicker,
}

impl Sandbox {
    /// An engine whose pool is sized for the operator's `ceilings` (the largest limits any
    /// plugin may be given).
    pub fn new(allocator: Allocator, ceilings: &Limits) -> wasmtime::Result<Sandbox> {
        let engine = Engine::new(&config(allocator, ceilings))?;
        let ticker = EpochTicker::start(engine.clone());
        Ok(Sandbox {
            engine,
            allocator,
            _ticker: ticker,
        })
    }

    /// The wasmtime engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The allocation strategy this engine uses.
    pub fn allocator(&self) -> Allocator {
        self.allocator
    }

    /// Epoch ticks that cover `deadline_ms` (at least one full tick).
    pub fn deadline_ticks(deadline_ms: u64) -> u64 {
        deadline_ms.div_ceil(EPOCH_TICK.as_millis() as u64) + 1
    }
}

fn config(allocator: Allocator, ceilings: &Limits) -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.consume_fuel(true);
    // Deep enough for real plugins, small enough that runaway recursion traps quickly.
    config.max_wasm_stack(1 << 20);
    if allocator == Allocator::Pooling {
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool(ceilings)));
    }
    config
}

fn pool(ceilings: &Limits) -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(MAX_LIVE_COMPONENTS);
    pool.total_core_instances(MAX_LIVE_COMPONENTS * CORE_INSTANCES_PER_COMPONENT);
    pool.total_memories(MAX_LIVE_COMPONENTS * 4);
    // One fiber stack per call in flight (instantiation and the handler each take it in turn).
    pool.total_stacks(MAX_LIVE_COMPONENTS);
    pool.total_tables(MAX_LIVE_COMPONENTS * CORE_INSTANCES_PER_COMPONENT);
    pool.max_core_instances_per_component(MAX_CORE_INSTANCES_IN_ONE_COMPONENT);
    pool.max_memories_per_component(16);
    pool.max_tables_per_component(16);
    pool.max_memory_size((ceilings.memory_mib as usize) << 20);
    pool.table_elements(ceilings.table_elements.min(u32::MAX as u64) as usize);
    keep_pages_resident(&mut pool);
    pool
}

/// Resets freed memories and tables in place instead of unmapping them (see
/// [`LINEAR_MEMORY_KEEP_RESIDENT`], [`TABLE_KEEP_RESIDENT`]); `rhyme bench runtime` gives bare
/// wasmtime the same.
pub fn keep_pages_resident(pool: &mut PoolingAllocationConfig) {
    pool.linear_memory_keep_resident(LINEAR_MEMORY_KEEP_RESIDENT);
    pool.table_keep_resident(TABLE_KEEP_RESIDENT);
    pool.pagemap_scan(wasmtime::Enabled::Auto);
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK`] until dropped.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("rhyme-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
