//! What one call's store holds: a WASI context with no authority, the memory and table
//! limiter, the capabilities granted to the plugin, and a record of each capability call.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::Timestamp;
use crate::capability::Capability;
use crate::capability::backend::Backends;
use crate::manifest::Limits;

/// What the plugin may print per stream per call; the rest is dropped.
const PRINT_CAPACITY: usize = 64 * 1024;

/// One capability call, for the host log and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityCall {
    /// Which capability.
    pub capability: Capability,
    /// Which function of it.
    pub function: &'static str,
    /// How long the host took to answer.
    pub duration: Duration,
    /// Whether it answered with an error.
    pub failed: bool,
}

/// The store data of one plugin call.
pub struct HostState {
    pub(crate) plugin: Arc<str>,
    pub(crate) granted: Arc<BTreeSet<Capability>>,
    pub(crate) backends: Backends,
    /// The plugin's settings (JSON), served by `config.get`.
    pub(crate) settings: Arc<str>,
    /// Incident time of this call, served by the `clock` capability.
    pub(crate) now: Timestamp,
    pub(crate) limiter: CallLimiter,
    pub(crate) capability_calls: Vec<CapabilityCall>,
    pub(crate) stdout: MemoryOutputPipe,
    pub(crate) stderr: MemoryOutputPipe,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl HostState {
    pub(crate) fn new(
        plugin: Arc<str>,
        granted: Arc<BTreeSet<Capability>>,
        backends: Backends,
        settings: Arc<str>,
        now: Timestamp,
        limits: &Limits,
    ) -> HostState {
        let stdout = MemoryOutputPipe::new(PRINT_CAPACITY);
        let stderr = MemoryOutputPipe::new(PRINT_CAPACITY);
        // No args, no environment, no preopened directories, no network: nothing ambient.
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        HostState {
            plugin,
            granted,
            backends,
            settings,
            now,
            limiter: CallLimiter::new(limits),
            capability_calls: Vec::new(),
            stdout,
            stderr,
            wasi,
            table: ResourceTable::new(),
        }
    }

    /// Writes what the plugin printed to the host log under its name.
    pub(crate) fn flush_prints(&self) {
        for (stream, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|l| !l.trim().is_empty())
            {
                tracing::info!(target: "rhyme::plugin", plugin = %self.plugin, stream, "{line}");
            }
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Caps linear memory (summed over the component's memories) and table sizes, and remembers
/// which cap it enforced, so a trap that follows can be reported as that limit.
pub(crate) struct CallLimiter {
    memory_cap: usize,
    table_cap: usize,
    memory_in_use: usize,
    pub(crate) memory_denied: bool,
    pub(crate) table_denied: bool,
}

impl CallLimiter {
    fn new(limits: &Limits) -> CallLimiter {
        CallLimiter {
            memory_cap: (limits.memory_mib as usize) << 20,
            table_cap: limits.table_elements as usize,
            memory_in_use: 0,
            memory_denied: false,
            table_denied: false,
        }
    }
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let after = self.memory_in_use - current.min(self.memory_in_use) + desired;
        if after > self.memory_cap {
            self.memory_denied = true;
            return Ok(false);
        }
        self.memory_in_use = after;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_cap {
            self.table_denied = true;
            return Ok(false);
        }
        Ok(true)
    }
}
