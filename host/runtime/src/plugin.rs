//! A loaded plugin: checked, linked with only its granted capabilities, pre-instantiated once,
//! and called in a fresh instance every time so nothing leaks from one call to the next.
//! Calls are async end to end: instantiation, the handler, and the host imports that wait.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Engine, Store, Trap};

use super::compile_cache::{CacheOutcome, CompileCache};
use super::engine::Sandbox;
use super::error::{Limit, PluginError};
use super::state::{CapabilityCall, HostState};
use super::{imports, output};
use crate::Timestamp;
use crate::capability::Capability;
use crate::capability::backend::Backends;
use crate::manifest::{Limits, Manifest};
use rhyme_world::contract::{AnyPlugin, AnyPluginPre, Version};
use rhyme_world::rhyme::plugin as current;
use rhyme_world::types::{Incident, MetricSeries, Output, PluginInfo, Query, TimelineEvent};
use rhyme_world::v0_1::interfaces as v0_1;

/// What a call needs besides its arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallContext {
    /// Incident time of the call, served by the `clock` capability.
    pub now: Timestamp,
}

/// A call's answer and what it cost.
#[derive(Debug, Clone)]
pub struct CallReport<T> {
    /// What the handler returned.
    pub value: T,
    /// Capability calls made, in order.
    pub capability_calls: Vec<CapabilityCall>,
    /// Fuel consumed.
    pub fuel_used: u64,
    /// Wall-clock time, instantiation included.
    pub duration: Duration,
}

/// One handler of the contract with its arguments.
enum Handler<'a> {
    Event(&'a Incident, &'a TimelineEvent),
    Tick(&'a Incident, Timestamp),
    Series(Option<&'a Incident>, &'a MetricSeries),
    Query(&'a Query),
}

impl Handler<'_> {
    /// Calls the handler on a fresh instance.
    async fn call(
        self,
        plugin: &AnyPlugin,
        store: &mut Store<HostState>,
    ) -> wasmtime::Result<Result<Output, String>> {
        match self {
            Handler::Event(incident, event) => plugin.call_on_event(store, incident, event).await,
            Handler::Tick(incident, now) => plugin.call_on_tick(store, incident, now).await,
            Handler::Series(incident, series) => {
                plugin.call_on_series(store, incident, series).await
            }
            Handler::Query(query) => plugin.call_on_query(store, query).await,
        }
    }
}

/// A plugin ready to be called, from any thread or task. Every call is async: the plugin
/// runs on the task that awaits it, yields while the host answers a capability call, and
/// yields its thread now and then while it computes ([`crate::deadline`]).
pub struct LoadedPlugin {
    name: Arc<str>,
    manifest: Manifest,
    limits: Limits,
    granted: Arc<BTreeSet<Capability>>,
    imports: BTreeSet<Capability>,
    backends: Backends,
    settings: Arc<str>,
    pre: AnyPluginPre<HostState>,
    info: PluginInfo,
}

/// Everything `LoadedPlugin::load` needs.
pub struct LoadRequest<'a> {
    /// The checked manifest.
    pub manifest: &'a Manifest,
    /// The component's bytes.
    pub component: &'a [u8],
    /// Capabilities the operator granted.
    pub granted: &'a BTreeSet<Capability>,
    /// The limits in force: the manifest's, capped by the operator.
    pub limits: Limits,
    /// What stands behind the capabilities.
    pub backends: Backends,
    /// Where `granted` came from, for refusal messages ("granted by the operator").
    pub granted_by: &'a str,
    /// The plugin's settings as a JSON object, served by `config.get`.
    pub settings: String,
}

impl LoadedPlugin {
    /// Compiles (or loads from the cache), checks imports against the grants and exports
    /// against the contract, links, pre-instantiates, and calls `describe` once.
    pub async fn load(
        sandbox: &Sandbox,
        cache: &CompileCache,
        request: LoadRequest<'_>,
    ) -> Result<(LoadedPlugin, CacheOutcome), PluginError> {
        let manifest = request.manifest;
        let name: Arc<str> = Arc::from(manifest.name.as_str());
        let host_err = |detail: String| PluginError::Host {
            plugin: manifest.name.clone(),
            detail,
        };
        let refuse = |reason: String| PluginError::Refused {
            plugin: manifest.name.clone(),
            reason,
        };

        let (component, outcome) = cache
            .load(sandbox.engine(), request.component)
            .map_err(|e| refuse(format!("not a valid WebAssembly component: {e:#}")))?;
        // Optional capabilities are linked even when not granted; the grant check at call time
        // then answers `denied`, and the plugin takes its fallback.
        let mut allowed = request.granted.clone();
        allowed.extend(manifest.optional_capabilities.iter().copied());
        let used = imports::check(sandbox.engine(), &component, &allowed, request.granted_by)
            .map_err(refuse)?;
        imports::check_exports(sandbox.engine(), &component).map_err(refuse)?;
        let version = imports::version(sandbox.engine(), &component).map_err(refuse)?;
        let pre =
            pre_instantiate(sandbox.engine(), &component, &used, version).map_err(|e| match e {
                PreError::Linking(e) => host_err(format!("linking: {e:#}")),
                PreError::Refused(reason) => refuse(reason),
            })?;

        let mut plugin = LoadedPlugin {
            name,
            manifest: manifest.clone(),
            limits: request.limits,
            granted: Arc::new(request.granted.clone()),
            imports: used,
            settings: Arc::from(request.settings.as_str()),
            backends: request.backends,
            pre,
            info: PluginInfo {
                name: String::new(),
                version: String::new(),
                description: String::new(),
                triggers: vec![],
                capabilities: vec![],
            },
        };
        let info = plugin.describe().await?;
        output::check_info(&manifest.name, &info, &manifest.version)?;
        plugin.info = info;
        Ok((plugin, outcome))
    }

    /// The same plugin served with other settings (an evaluation comparing ranking knobs).
    pub fn with_settings(&self, settings: &str) -> LoadedPlugin {
        LoadedPlugin {
            name: self.name.clone(),
            manifest: self.manifest.clone(),
            limits: self.limits,
            granted: self.granted.clone(),
            imports: self.imports.clone(),
            backends: self.backends.clone(),
            settings: Arc::from(settings),
            pre: self.pre.clone(),
            info: self.info.clone(),
        }
    }

    /// The plugin's registry name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The version of the contract its component was built against.
    pub fn contract(&self) -> Version {
        self.pre.version()
    }

    /// What `describe` said at load.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// The capabilities its component imports.
    pub fn imports(&self) -> &BTreeSet<Capability> {
        &self.imports
    }

    /// The limits in force for each call.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// `on-event`.
    pub async fn on_event(
        &self,
        ctx: CallContext,
        incident: &Incident,
        event: &TimelineEvent,
    ) -> Result<CallReport<Output>, PluginError> {
        self.call_handler(ctx, Handler::Event(incident, event))
            .await
    }

    /// `on-tick`.
    pub async fn on_tick(
        &self,
        ctx: CallContext,
        incident: &Incident,
    ) -> Result<CallReport<Output>, PluginError> {
        self.call_handler(ctx, Handler::Tick(incident, ctx.now))
            .await
    }

    /// `on-series`.
    pub async fn on_series(
        &self,
        ctx: CallContext,
        incident: Option<&Incident>,
        series: &MetricSeries,
    ) -> Result<CallReport<Output>, PluginError> {
        self.call_handler(ctx, Handler::Series(incident, series))
            .await
    }

    /// `on-query`.
    pub async fn on_query(
        &self,
        ctx: CallContext,
        query: &Query,
    ) -> Result<CallReport<Output>, PluginError> {
        self.call_handler(ctx, Handler::Query(query)).await
    }

    /// `describe`, in a fresh instance like every call.
    async fn describe(&self) -> Result<PluginInfo, PluginError> {
        let (mut store, started) = self.fresh_store(CallContext::default())?;
        let result = match self.pre.instantiate_async(&mut store).await {
            Ok(plugin) => plugin.call_describe(&mut store).await,
            Err(e) => Err(e),
        };
        Ok(self.finish(store, started, result)?.value)
    }

    async fn call_handler(
        &self,
        ctx: CallContext,
        handler: Handler<'_>,
    ) -> Result<CallReport<Output>, PluginError> {
        let (mut store, started) = self.fresh_store(ctx)?;
        let result = match self.pre.instantiate_async(&mut store).await {
            Ok(plugin) => handler.call(&plugin, &mut store).await,
            Err(e) => Err(e),
        };
        let report = self.finish(store, started, result)?;
        let value = report.value.map_err(|message| PluginError::Reported {
            plugin: self.name.to_string(),
            message,
        })?;
        output::check(&self.name, &value, self.limits.output_kib)?;
        Ok(CallReport {
            value,
            capability_calls: report.capability_calls,
            fuel_used: report.fuel_used,
            duration: report.duration,
        })
    }

    /// The store of one call in a fresh instance, under every limit, and when it started.
    fn fresh_store(&self, ctx: CallContext) -> Result<(Store<HostState>, Instant), PluginError> {
        let started = Instant::now();
        let state = HostState::new(
            self.name.clone(),
            self.granted.clone(),
            self.backends.for_one_call(),
            self.settings.clone(),
            ctx.now,
            &self.limits,
        );
        let store =
            call_store(self.pre.engine(), state, &self.limits).map_err(|e| self.host_error(e))?;
        Ok((store, started))
    }

    /// What a call that ran in `store` answered, and what it cost.
    fn finish<R>(
        &self,
        mut store: Store<HostState>,
        started: Instant,
        result: wasmtime::Result<R>,
    ) -> Result<CallReport<R>, PluginError> {
        store.data().flush_prints();
        let fuel_used = self.limits.fuel - store.get_fuel().unwrap_or(0);
        match result {
            Ok(value) => {
                let capability_calls = std::mem::take(&mut store.data_mut().capability_calls);
                Ok(CallReport {
                    value,
                    capability_calls,
                    fuel_used,
                    duration: started.elapsed(),
                })
            }
            Err(error) => Err(self.classify(error, store.data())),
        }
    }

    /// Names what stopped a failed call: a limit when one was hit, else the trap.
    fn classify(&self, error: wasmtime::Error, state: &HostState) -> PluginError {
        let plugin = self.name.to_string();
        let limit = |limit, detail: String| PluginError::LimitExceeded {
            plugin: plugin.clone(),
            limit,
            detail,
        };
        let l = &self.limits;
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => {
                return limit(Limit::Fuel, format!("used all {} units of fuel", l.fuel));
            }
            Some(Trap::Interrupt) => {
                return limit(
                    Limit::Deadline,
                    format!("still running after {} ms", l.deadline_ms),
                );
            }
            Some(Trap::StackOverflow) => {
                return limit(
                    Limit::Stack,
                    "call stack exhausted (runaway recursion?)".into(),
                );
            }
            _ => {}
        }
        if state.limiter.memory_denied {
            return limit(
                Limit::Memory,
                format!("tried to use more than {} MiB", l.memory_mib),
            );
        }
        if state.limiter.table_denied {
            return limit(
                Limit::Table,
                format!("tried to grow a table past {} elements", l.table_elements),
            );
        }
        let detail = match error.downcast_ref::<Trap>() {
            Some(trap) => format!("{trap}{}{}", hint(trap), last_words(state)),
            None => format!("{error:#}"),
        };
        PluginError::Trapped { plugin, detail }
    }

    fn host_error(&self, e: wasmtime::Error) -> PluginError {
        PluginError::Host {
            plugin: self.name.to_string(),
            detail: format!("{e:#}"),
        }
    }
}

/// What the plugin last said on stderr (where a Rust panic message lands), for the report.
fn last_words(state: &HostState) -> String {
    let bytes = state.stderr.contents();
    let text = String::from_utf8_lossy(&bytes);
    let said: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    match said.len() {
        0 => String::new(),
        n => format!(" — plugin said: {}", said[n.saturating_sub(2)..].join(" ")),
    }
}

/// A hint for traps whose usual cause is not obvious from wasmtime's wording.
fn hint(trap: &Trap) -> &'static str {
    match trap {
        // Rust keeps its stack in linear memory: running off its bottom looks like this.
        Trap::MemoryOutOfBounds => {
            " (in Rust plugins usually a stack overflow from runaway recursion)"
        }
        _ => "",
    }
}

/// A store for one call under `limits`: memory and table limits, fuel, and the deadline,
/// which leaves out the time the host spent answering capability calls.
pub(crate) fn call_store(
    engine: &Engine,
    state: HostState,
    limits: &Limits,
) -> wasmtime::Result<Store<HostState>> {
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    store.set_fuel(limits.fuel)?;
    super::deadline::arm(&mut store, limits.deadline_ms);
    Ok(store)
}

/// Why a component could not be pre-instantiated.
pub(crate) enum PreError {
    /// The host could not build its linker (a host bug, not the plugin's).
    Linking(wasmtime::Error),
    /// The component does not fit the world it claims.
    Refused(String),
}

/// Links `component` with WASI and the capabilities in `used`, in the world of `version`
/// (the current world first when its imports did not say), and pre-instantiates it.
pub(crate) fn pre_instantiate(
    engine: &Engine,
    component: &wasmtime::component::Component,
    used: &BTreeSet<Capability>,
    version: Option<Version>,
) -> Result<AnyPluginPre<HostState>, PreError> {
    let linker =
        linker(engine, used, version.unwrap_or(Version::CURRENT)).map_err(PreError::Linking)?;
    let instance_pre = linker
        .instantiate_pre(component)
        .map_err(|e| PreError::Refused(format!("{e:#}")))?;
    AnyPluginPre::new(version, instance_pre).map_err(|e| {
        let against = version.map_or("the contract".to_string(), |v| v.to_string());
        PreError::Refused(format!("exports do not match {against}: {e:#}"))
    })
}

/// A linker with WASI (no authority) and exactly the capabilities in `granted`, under the
/// interface names of `version`. Both versions are served by the host's one implementation
/// of each capability (0.1.0 through the glue in `rhyme_world::v0_1`).
pub fn linker(
    engine: &Engine,
    granted: &BTreeSet<Capability>,
    version: Version,
) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    match version {
        Version::V0_2 => link_current(&mut linker, granted)?,
        Version::V0_1 => link_v0_1(&mut linker, granted)?,
    }
    Ok(linker)
}

type Me = HasSelf<HostState>;

/// Links `types`, `config` and each granted capability of one contract version: the same
/// calls for every version, over that version's generated module.
macro_rules! link_version {
    ($name:ident, $version:ident) => {
        fn $name(
            linker: &mut Linker<HostState>,
            granted: &BTreeSet<Capability>,
        ) -> wasmtime::Result<()> {
            use $version::{clock, config, embed, incidents, llm, log, types, vector_search};
            types::add_to_linker::<HostState, Me>(linker, |s| s)?;
            config::add_to_linker::<HostState, Me>(linker, |s| s)?;
            for capability in granted {
                match capability {
                    Capability::Log => log::add_to_linker::<HostState, Me>(linker, |s| s)?,
                    Capability::Clock => clock::add_to_linker::<HostState, Me>(linker, |s| s)?,
                    Capability::Embed => embed::add_to_linker::<HostState, Me>(linker, |s| s)?,
                    Capability::VectorSearch => {
                        vector_search::add_to_linker::<HostState, Me>(linker, |s| s)?
                    }
                    Capability::Llm => llm::add_to_linker::<HostState, Me>(linker, |s| s)?,
                    Capability::Incidents => {
                        incidents::add_to_linker::<HostState, Me>(linker, |s| s)?
                    }
                }
            }
            Ok(())
        }
    };
}

link_version!(link_current, current);
link_version!(link_v0_1, v0_1);
