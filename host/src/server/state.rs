//! What every request handler shares: the store, the approval gate, the plugin queue and the
//! metrics. Cheap to clone.

use std::sync::Arc;

use rhyme_store::{Gate, Store};

use super::dispatch::Dispatcher;
use super::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    gate: Gate,
    dispatcher: Dispatcher,
    metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(gate: Gate, dispatcher: Dispatcher, metrics: Arc<Metrics>) -> AppState {
        let store = gate.store().clone();
        AppState { inner: Arc::new(Inner { store, gate, dispatcher, metrics }) }
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
