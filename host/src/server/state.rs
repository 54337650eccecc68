//! What every request handler shares: the store, the approval gate, the plugin queue, the
//! metrics and the seen-before service. Cheap to clone.

use std::sync::Arc;

use rhyme_store::{Gate, Store};

use super::dispatch::Dispatcher;
use super::metrics::Metrics;
use crate::runtime::LoadedPlugin;
use crate::seen_before::service::SeenBefore;

const NOT_SET_UP: &str = "seen-before is not set up on this host";

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    gate: Gate,
    dispatcher: Dispatcher,
    metrics: Arc<Metrics>,
    slack_secret: Option<String>,
    seen_before: SeenBeforeSetup,
    /// The enabled plugins, for calls made on a request's behalf (drafts on request).
    plugins: Arc<Vec<LoadedPlugin>>,
}

/// The seen-before service, or why the host runs without it (said to whoever asks).
pub type SeenBeforeSetup = Result<Arc<SeenBefore>, String>;

impl AppState {
    pub fn new(gate: Gate, dispatcher: Dispatcher, metrics: Arc<Metrics>) -> AppState {
        let store = gate.store().clone();
        AppState {
            inner: Arc::new(Inner {
                store,
                gate,
                dispatcher,
                metrics,
                slack_secret: None,
                seen_before: Err(NOT_SET_UP.into()),
                plugins: Arc::default(),
            }),
        }
    }

    /// With the Slack app's signing secret (call before the state is shared).
    pub fn with_slack_secret(mut self, secret: Option<String>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .slack_secret = secret.filter(|s| !s.is_empty());
        self
    }

    /// With the seen-before service, or why there is none (call before the state is shared).
    pub fn with_seen_before(mut self, setup: SeenBeforeSetup) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .seen_before = setup;
        self
    }

    /// The seen-before service, or why there is none.
    pub fn seen_before(&self) -> Result<&Arc<SeenBefore>, &str> {
        self.inner.seen_before.as_ref().map_err(String::as_str)
    }

    /// With the enabled plugins (call before the state is shared).
    pub fn with_plugins(mut self, plugins: Arc<Vec<LoadedPlugin>>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .plugins = plugins;
        self
    }

    pub fn plugins(&self) -> &Arc<Vec<LoadedPlugin>> {
        &self.inner.plugins
    }

    pub fn slack_secret(&self) -> Option<&str> {
        self.inner.slack_secret.as_deref()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }

    pub fn dispatcher(&self) -> &Dispatcher {
        &self.inner.dispatcher
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }
}
