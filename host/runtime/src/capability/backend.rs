//! What stands behind each capability. The runtime calls these; which implementation is
//! plugged in (an in-process index, Qdrant, a local model, an OpenAI-compatible endpoint, the
//! incident store) is the operator's choice. A capability with no backend answers
//! `unavailable`, so plugins fall back instead of trapping.
//!
//! Backends that wait on I/O (a vector index that may be a Qdrant server, a chat endpoint, the
//! incident store) are async traits, awaited by the plugin call that asked. The embedder is
//! not: it computes in-process, on the caller's thread, like the plugin itself.

use std::sync::Arc;

/// The attribute every backend implementation of an async trait here carries, re-exported
/// so that a backend crate needs no dependency of its own for it.
pub use async_trait::async_trait;

use rhyme_world::rhyme::plugin::types::{
    Finding, Incident, MetricSeries, Postmortem, TimelineEvent,
};

/// The longest a chat backend may wait for one reply. The sandbox forgives time spent waiting
/// on the host up to about this bound ([`crate::deadline`]), so a backend must not wait longer.
pub const MAX_CHAT_TIMEOUT_S: u64 = 300;

/// Why a backend could not answer; mapped to the contract's `host-error`.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The request itself was wrong.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The service behind the capability cannot answer now.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("{0}")]
    Failed(String),
}

/// Texts to unit-length vectors.
pub trait Embedder: Send + Sync {
    /// Length of every vector.
    fn dimensions(&self) -> usize;
    /// One vector per text, in order.
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError>;
    /// What makes these vectors (model, size, precision): vectors are only comparable with
    /// those of the same model, so an index records it and a question checks it.
    fn model(&self) -> String {
        format!("{}d", self.dimensions())
    }
}

/// An item stored in a vector collection.
#[derive(Debug, Clone)]
pub struct VectorItem {
    /// Unique within the collection; upserting the same id replaces it.
    pub id: String,
    /// The embedding.
    pub vector: Vec<f32>,
    /// The plugin's own data, handed back with hits.
    pub payload: String,
}

/// A nearest-neighbour result.
#[derive(Debug, Clone)]
pub struct VectorHit {
    /// The item's id.
    pub id: String,
    /// Cosine similarity, higher is closer.
    pub score: f32,
    /// The item's payload.
    pub payload: String,
}

/// Vector collections. Collection names arrive already scoped to the calling plugin.
#[async_trait]
pub trait VectorIndex: Send + Sync {
    /// Insert or replace by id.
    async fn upsert(&self, collection: &str, items: Vec<VectorItem>) -> Result<(), BackendError>;
    /// The `k` nearest items, best first.
    async fn nearest(
        &self,
        collection: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError>;
    /// The items stored under `ids`, in that order; ids not stored are left out.
    async fn get(&self, collection: &str, ids: &[String]) -> Result<Vec<VectorItem>, BackendError>;
    /// Removes every item of the collection (the host rebuilding an index; not in the contract).
    async fn clear(&self, collection: &str) -> Result<(), BackendError>;
    /// Replaces each named collection whole with the items given (an empty list empties it),
    /// all at once: a reader sees every collection as it was or every one as it is now,
    /// never nothing and never a mix. On an error nothing has changed. (Host only: a
    /// corpus import.)
    async fn replace(
        &self,
        collections: Vec<(String, Vec<VectorItem>)>,
    ) -> Result<(), BackendError>;
    /// Deletes every collection of this index, wherever it is kept (`rhyme corpus drop`).
    async fn remove_all(&self) -> Result<(), BackendError>;
    /// The index as one plugin call should see it: a backend whose collections can be
    /// replaced while others read returns a view that keeps, for the whole call, the
    /// version the call's first read found, so a question never mixes two imports.
    /// `None`: every read already sees one consistent version.
    fn for_one_call(&self) -> Option<Arc<dyn VectorIndex>> {
        None
    }
}

/// One chat message.
#[derive(Debug, Clone)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

/// A chat-completion endpoint.
#[async_trait]
pub trait ChatModel: Send + Sync {
    /// The reply's text.
    async fn chat(&self, messages: &[ChatMessage], max_tokens: u32)
    -> Result<String, BackendError>;
}

/// Which events of a timeline a plugin asked for.
#[derive(Debug, Clone, Copy)]
pub struct TimelineRead<'a> {
    /// The call's incident time: nothing later is read.
    pub until: i64,
    /// Nothing earlier is read, when set.
    pub since: Option<i64>,
    /// Only these kinds (compared without case, `-` as `_`), when set.
    pub kinds: Option<&'a [String]>,
}

impl TimelineRead<'_> {
    /// Whether `event` is part of what was asked for.
    pub fn keeps(&self, event: &TimelineEvent) -> bool {
        event.at <= self.until
            && self.since.is_none_or(|since| event.at >= since)
            && self
                .kinds
                .is_none_or(|kinds| kinds.iter().any(|k| same_kind(k, &event.kind)))
    }
}

/// Event kinds compare without case, `-` as `_`, and surrounding spaces.
pub fn same_kind(a: &str, b: &str) -> bool {
    let fold = |c: char| {
        if c == '-' {
            '_'
        } else {
            c.to_ascii_lowercase()
        }
    };
    let (a, b) = (a.trim(), b.trim());
    a.len() == b.len() && a.chars().map(fold).eq(b.chars().map(fold))
}

/// Read-only access to incidents, as of the call's incident time.
#[async_trait]
pub trait IncidentSource: Send + Sync {
    /// An incident by id.
    async fn incident(&self, id: &str) -> Result<Option<Incident>, BackendError>;
    /// The part of its timeline that `read` asks for, oldest first.
    async fn timeline(
        &self,
        incident: &str,
        read: &TimelineRead<'_>,
    ) -> Result<Vec<TimelineEvent>, BackendError>;
    /// Its metric series.
    async fn series(&self, incident: &str) -> Result<Vec<MetricSeries>, BackendError>;
    /// Findings already made for it, oldest first.
    async fn findings(&self, incident: &str) -> Result<Vec<Finding>, BackendError>;
    /// A past postmortem by id.
    async fn postmortem(&self, id: &str) -> Result<Option<Postmortem>, BackendError>;
}

/// The backends a host runs with; `None` means the capability answers `unavailable`.
#[derive(Clone, Default)]
pub struct Backends {
    /// Behind `embed`.
    pub embedder: Option<Arc<dyn Embedder>>,
    /// Behind `vector-search`.
    pub vectors: Option<Arc<dyn VectorIndex>>,
    /// Behind `llm`.
    pub chat: Option<Arc<dyn ChatModel>>,
    /// Behind `incidents`.
    pub incidents: Option<Arc<dyn IncidentSource>>,
}

impl Backends {
    /// The backends for one plugin call: the same, with the vector index pinned to one
    /// version for the call ([`VectorIndex::for_one_call`]).
    pub fn for_one_call(&self) -> Backends {
        let vectors = self
            .vectors
            .as_ref()
            .map(|v| v.for_one_call().unwrap_or_else(|| v.clone()));
        Backends {
            vectors,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_kind;

    #[test]
    fn kinds_match_across_case_dash_and_underscore() {
        assert!(same_kind("role_change", "Role-Change"));
        assert!(same_kind(" status-update", "status_update"));
        assert!(!same_kind("status_update", "status"));
        assert!(!same_kind("alert", "alerts"));
    }
}
