//! Test a Rhyme plugin the way the host runs it: the real wasmtime sandbox, the real import
//! policy and limits, one fresh instance per call, against a fixture incident you choose.
//! A plugin crate adds this crate as a dev-dependency and writes ordinary `#[test]`s:
//!
//! ```no_run
//! use rhyme_harness::{Capability, Harness};
//!
//! # fn main() -> anyhow::Result<()> {
//! // The plugin folder (its plugin.toml names the built component), granted what it needs.
//! let harness = Harness::new("plugins/anti-patterns")
//!     .grant(Capability::Incidents)
//!     .timeline_file("examples/incidents/checkout-outage.json")?;
//! let output = harness.on_event_id("5")?;
//! for finding in &output.findings {
//!     println!("{}", finding.title);
//! }
//! // Every event in order, each call seeing the findings made before it.
//! let fired = harness.replay()?;
//! # Ok(()) }
//! ```
//!
//! The API is synchronous, for plain `#[test]`s: plugin calls are async in the sandbox, and
//! the harness runs them to their end on a single-threaded runtime of its own (so call it
//! from a plain test, not from inside an async one).
//!
//! The component must be built first (`cargo build --release --target wasm32-wasip2`); when
//! it is missing the error says so. Compiled components are cached in the system's temporary
//! folder, so only the first test of a run pays for compiling.

#![warn(missing_docs)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::conformance::component::inspect;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::manifest::{Limits, Manifest};
use rhyme_runtime::operator::PluginPolicy;
use rhyme_runtime::plugin::LoadRequest;
use rhyme_runtime::{Allocator, CallContext, CallReport, CompileCache, LoadedPlugin, Sandbox};
use tokio::runtime::Runtime;

pub use rhyme_runtime::PluginError;
pub use rhyme_runtime::capability::Capability;
pub use rhyme_runtime::conformance::Fixture;
pub use rhyme_world::types::{
    Evidence, Finding, FindingKind, Incident, MetricSeries, Output, Proposal, ProposalKind, Query,
    TimelineEvent,
};
pub use rhyme_world::{Sample, Timestamp};

/// Why a harness could not run the plugin.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The plugin folder, manifest or component could not be read.
    #[error("{path}: {detail}")]
    Read {
        /// The file or folder at fault.
        path: PathBuf,
        /// What went wrong reading it.
        detail: String,
    },
    /// The sandbox refused the plugin, or a call failed (a limit, a trap, its own error).
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The fixture has no event with that id.
    #[error("the fixture incident has no event `{0}`")]
    NoSuchEvent(String),
    /// Anything else (the engine could not start, a fixture file is invalid).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

/// A plugin, its grants and the incident its handlers see. Built by chaining; the plugin is
/// loaded into the sandbox at the first call.
pub struct Harness {
    path: PathBuf,
    component: Option<PathBuf>,
    granted: BTreeSet<Capability>,
    limits: Option<Limits>,
    settings: Option<String>,
    fixture: Fixture,
    loaded: OnceLock<Loaded>,
}

struct Loaded {
    plugin: LoadedPlugin,
    store: Arc<MemoryIncidents>,
    _sandbox: Sandbox,
    /// Drives the calls: single-threaded, the plugin runs on the test's own thread.
    runtime: Runtime,
}

impl Loaded {
    /// Runs one call of the plugin to its end.
    fn run<T>(
        &self,
        call: impl std::future::Future<Output = Result<CallReport<T>, PluginError>>,
    ) -> Result<T, HarnessError> {
        Ok(self.runtime.block_on(call)?.value)
    }
}

/// The harness's runtime: one thread, with the timers WASI's clocks use.
fn runtime() -> Result<Runtime, HarnessError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| HarnessError::Other(anyhow::anyhow!("starting the harness's runtime: {e}")))
}

impl Harness {
    /// The plugin at `path`: a plugin folder, its `plugin.toml`, or a bare component (`.wasm`,
    /// named and versioned by its own `describe`). It sees the standard fixture incident
    /// until told otherwise, and is granted nothing until [`Harness::grant`].
    pub fn new(path: impl Into<PathBuf>) -> Harness {
        Harness {
            path: path.into(),
            component: None,
            granted: BTreeSet::new(),
            limits: None,
            settings: None,
            fixture: Fixture::standard(),
            loaded: OnceLock::new(),
        }
    }

    /// Loads this component instead of the one the manifest names (a build in another
    /// cargo target folder), keeping the manifest's name, limits and settings.
    pub fn component(mut self, path: impl Into<PathBuf>) -> Harness {
        self.component = Some(path.into());
        self
    }

    /// Grants a capability, as an operator would with `rhyme plugin grant`.
    pub fn grant(mut self, capability: Capability) -> Harness {
        self.granted.insert(capability);
        self
    }

    /// Runs calls under these limits instead of the manifest's.
    pub fn limits(mut self, limits: Limits) -> Harness {
        self.limits = Some(limits);
        self
    }

    /// The plugin's settings as the operator would override them (a JSON object).
    pub fn settings(mut self, json: &str) -> Harness {
        self.settings = Some(json.to_string());
        self
    }

    /// Replaces the fixture: an incident with no events or series yet.
    pub fn incident(mut self, incident: Incident) -> Harness {
        self.fixture = Fixture {
            incident,
            events: Vec::new(),
            series: Vec::new(),
        };
        self
    }

    /// Replaces the fixture with a whole one.
    pub fn fixture(mut self, fixture: Fixture) -> Harness {
        self.fixture = fixture;
        self
    }

    /// Replaces the fixture with a timeline file in the replay format (`rhyme replay`'s
    /// input; event ids are their positions in the file).
    pub fn timeline_file(mut self, path: impl AsRef<Path>) -> Result<Harness, HarnessError> {
        self.fixture = Fixture::from_timeline_file(path.as_ref())?;
        Ok(self)
    }

    /// Adds an event to the timeline (kept in time order).
    pub fn event(mut self, event: TimelineEvent) -> Harness {
        self.fixture.events.push(event);
        self.fixture.events.sort_by_key(|e| e.at);
        self
    }

    /// Attaches a metric series to the incident.
    pub fn series(mut self, series: MetricSeries) -> Harness {
        self.fixture.series.push(series);
        self
    }

    /// The incident the handlers see.
    pub fn fixture_ref(&self) -> &Fixture {
        &self.fixture
    }

    /// `on-event` for `event`, at the event's time.
    pub fn on_event(&self, event: &TimelineEvent) -> Result<Output, HarnessError> {
        let loaded = self.loaded()?;
        loaded.run(loaded.plugin.on_event(
            CallContext { now: event.at },
            &self.fixture.incident,
            event,
        ))
    }

    /// `on-event` for the fixture's event with this id.
    pub fn on_event_id(&self, id: &str) -> Result<Output, HarnessError> {
        let event = self
            .fixture
            .events
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| HarnessError::NoSuchEvent(id.into()))?;
        self.on_event(event)
    }

    /// `on-tick` at incident time `now`.
    pub fn on_tick(&self, now: Timestamp) -> Result<Output, HarnessError> {
        let loaded = self.loaded()?;
        loaded.run(
            loaded
                .plugin
                .on_tick(CallContext { now }, &self.fixture.incident),
        )
    }

    /// `on-series` for `series`, as part of the incident, at its last point's time.
    pub fn on_series(&self, series: &MetricSeries) -> Result<Output, HarnessError> {
        let now = series
            .samples()
            .last()
            .map_or(self.fixture.incident.started, |p| p.at);
        let loaded = self.loaded()?;
        loaded.run(loaded.plugin.on_series(
            CallContext { now },
            Some(&self.fixture.incident),
            series,
        ))
    }

    /// `on-query` with `text`, about the fixture incident.
    pub fn on_query(&self, text: &str) -> Result<Output, HarnessError> {
        let now = self.fixture.tick_time();
        let loaded = self.loaded()?;
        let query = self.fixture.query(text);
        loaded.run(loaded.plugin.on_query(CallContext { now }, &query))
    }

    /// Every event in time order through `on-event`, each call able to read back (through
    /// `incidents.findings`) what earlier calls found. Returns all findings, in order.
    pub fn replay(&self) -> Result<Vec<Finding>, HarnessError> {
        let loaded = self.loaded()?;
        let mut all = Vec::new();
        for event in &self.fixture.events {
            let found = self.on_event(event)?.findings;
            loaded
                .store
                .add_findings(&self.fixture.incident.id, found.iter().cloned());
            all.extend(found);
        }
        Ok(all)
    }

    fn loaded(&self) -> Result<&Loaded, HarnessError> {
        if let Some(loaded) = self.loaded.get() {
            return Ok(loaded);
        }
        let loaded = self.load()?;
        Ok(self.loaded.get_or_init(|| loaded))
    }

    fn load(&self) -> Result<Loaded, HarnessError> {
        let sandbox =
            Sandbox::new(Allocator::OnDemand, &Limits::default()).map_err(anyhow::Error::from)?;
        let cache = CompileCache::new(std::env::temp_dir().join("rhyme-harness-cache"));
        let runtime = runtime()?;
        let (manifest, bytes) = runtime.block_on(self.read(&sandbox, &cache))?;
        let store = self.fixture.store();
        let backends = Backends {
            incidents: Some(store.clone()),
            ..Backends::default()
        };
        let settings = match &self.settings {
            Some(json) => json.clone(),
            None => PluginPolicy::default().effective_settings(&manifest.settings),
        };
        let request = LoadRequest {
            manifest: &manifest,
            component: &bytes,
            granted: &self.granted,
            limits: self.limits.unwrap_or(manifest.limits),
            backends,
            granted_by: "granted by the test (`Harness::grant`)",
            settings,
        };
        let (plugin, _) = runtime.block_on(LoadedPlugin::load(&sandbox, &cache, request))?;
        Ok(Loaded {
            plugin,
            store,
            _sandbox: sandbox,
            runtime,
        })
    }

    /// The manifest and the component's bytes.
    async fn read(
        &self,
        sandbox: &Sandbox,
        cache: &CompileCache,
    ) -> Result<(Manifest, Vec<u8>), HarnessError> {
        let is_manifest = self.path.is_dir() || self.path.extension().is_some_and(|e| e == "toml");
        let manifest_path = Manifest::path_for(&self.path);
        let manifest = if is_manifest {
            Some(Manifest::load(&manifest_path).map_err(|e| HarnessError::Other(e.into()))?)
        } else {
            None
        };
        let component_path = match (&self.component, &manifest) {
            (Some(path), _) => path.clone(),
            (None, Some(m)) => m.component_path(&manifest_path),
            (None, None) => self.path.clone(),
        };
        let bytes = std::fs::read(&component_path).map_err(|e| HarnessError::Read {
            path: component_path.clone(),
            detail: format!(
                "{e} (build the component first: `cargo build --release --target wasm32-wasip2`)"
            ),
        })?;
        match manifest {
            Some(m) => Ok((m, bytes)),
            None => {
                let mut checks = Vec::new();
                let inspected = inspect(sandbox, cache, &bytes, None, &mut checks)
                    .await
                    .ok_or_else(|| HarnessError::Read {
                        path: component_path.clone(),
                        detail: checks
                            .iter()
                            .filter(|c| !c.passed)
                            .map(|c| format!("{}: {}", c.name, c.found))
                            .collect::<Vec<_>>()
                            .join("; "),
                    })?;
                Ok((inspected.manifest, bytes))
            }
        }
    }
}
