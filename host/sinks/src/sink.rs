//! What a sink is: something that takes an approved action and carries it out or passes it
//! on (a webhook, a file). Sinks are registered by name; the gate's routes pick the name.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use rhyme_store::Timestamp;

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The same on every attempt for one action; receivers de-duplicate on it.
    pub key: String,
    /// The approved action as JSON (proposal, incident, kind, body, approvers...), as queued in the outbox.
    pub payload: serde_json::Value,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// When this attempt is made, in epoch milliseconds.
    pub at: Timestamp,
}

/// Why a delivery did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// Worth trying again later (the receiver was down, slow or busy); `after` is the wait it
    /// asked for, if it did.
    #[error("delivery failed, will retry: {why}")]
    Retryable {
        /// What went wrong, for the log and the outbox row.
        why: String,
        /// How long the receiver asked us to wait (from `Retry-After`), if it said.
        after: Option<Duration>,
    },
    /// Trying again will not help (the receiver refused the request itself).
    #[error("delivery refused: {why}")]
    Permanent {
        /// Why the receiver refused, for the log and the outbox row.
        why: String,
    },
}

/// A sink that cannot be built as configured: the setting at fault and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct SinkConfigError {
    /// `url`, `header`, ...
    pub field: String,
    /// What is wrong with it.
    pub why: String,
}

impl SinkConfigError {
    pub(crate) fn invalid(field: impl Into<String>, why: impl Into<String>) -> Self {
        SinkConfigError {
            field: field.into(),
            why: why.into(),
        }
    }
}

/// The future a sink returns.
pub type SinkFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SinkError>> + Send + 'a>>;

/// A destination for approved actions.
pub trait Sink: Send + Sync + std::fmt::Debug {
    /// Delivers one action. Must be safe to call again with the same key.
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a>;
}

/// The sinks this host can deliver to, by name.
#[derive(Debug, Clone, Default)]
pub struct Sinks {
    by_name: BTreeMap<String, Arc<dyn Sink>>,
}

impl Sinks {
    /// An empty set of sinks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the sink called `name`.
    pub fn with(mut self, name: impl Into<String>, sink: impl Sink + 'static) -> Self {
        self.by_name.insert(name.into(), Arc::new(sink));
        self
    }

    /// The sink called `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<Arc<dyn Sink>> {
        self.by_name.get(name).cloned()
    }

    /// The names of all sinks, in sorted order.
    pub fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }
}
