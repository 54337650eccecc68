//! The host side of each capability interface. Every call is checked against the plugin's
//! grants (the linker already left ungranted interfaces out; this is the second lock),
//! timed, and logged under the plugin's name.

use std::future::Future;
use std::time::Instant;

use super::state::{CapabilityCall, HostState};
use crate::capability::Capability;
use crate::capability::backend::{BackendError, ChatMessage, TimelineRead, VectorItem};
use rhyme_world::rhyme::plugin::{clock, config, embed, incidents, llm, log, types, vector_search};
use rhyme_world::types::{Finding, HostError, Incident, MetricSeries, Postmortem, TimelineEvent};

/// Longest log message kept from a plugin, in bytes.
const MAX_LOG_MESSAGE: usize = 4096;

impl HostState {
    /// Runs one capability call that answers at once: grant check, timing, logging.
    fn capability_now<R>(
        &mut self,
        capability: Capability,
        function: &'static str,
        call: impl FnOnce(&mut HostState) -> Result<R, HostError>,
    ) -> Result<R, HostError> {
        let started = Instant::now();
        let result = if self.granted.contains(&capability) {
            call(self)
        } else {
            Err(denied(capability))
        };
        self.record(capability, function, started, result)
    }

    /// Runs one capability call that waits on its backend: grant check, timing, logging.
    /// `call` is awaited only when the capability is granted; it owns what it needs, so the
    /// call's state stays free while it waits.
    async fn capability<R>(
        &mut self,
        capability: Capability,
        function: &'static str,
        call: impl Future<Output = Result<R, HostError>>,
    ) -> Result<R, HostError> {
        let started = Instant::now();
        let result = if self.granted.contains(&capability) {
            call.await
        } else {
            Err(denied(capability))
        };
        self.record(capability, function, started, result)
    }

    /// Logs one capability call and keeps it in the call's record.
    fn record<R>(
        &mut self,
        capability: Capability,
        function: &'static str,
        started: Instant,
        result: Result<R, HostError>,
    ) -> Result<R, HostError> {
        let duration = started.elapsed();
        tracing::debug!(
            target: "rhyme::capability",
            plugin = %self.plugin, %capability, function, micros = duration.as_micros() as u64,
            ok = result.is_ok(), "capability call"
        );
        self.capability_calls.push(CapabilityCall {
            capability,
            function,
            duration,
            failed: result.is_err(),
        });
        result
    }
}

fn denied(capability: Capability) -> HostError {
    HostError::Denied(format!(
        "capability `{capability}` is not granted to this plugin"
    ))
}

/// The answer of a capability whose backend this host was not given.
fn unavailable(capability: Capability) -> HostError {
    HostError::Unavailable(format!(
        "no backend is configured for `{capability}` on this host"
    ))
}

impl From<BackendError> for HostError {
    fn from(e: BackendError) -> Self {
        match e {
            BackendError::Invalid(m) => HostError::Invalid(m),
            BackendError::Unavailable(m) => HostError::Unavailable(m),
            BackendError::Failed(m) => HostError::Failed(m),
        }
    }
}

impl types::Host for HostState {}

impl config::Host for HostState {
    fn get(&mut self) -> String {
        self.settings.to_string()
    }
}

impl log::Host for HostState {
    fn write(&mut self, level: log::Level, message: String) {
        let _ = self.capability_now(Capability::Log, "write", |state| {
            let mut message = message;
            if message.len() > MAX_LOG_MESSAGE {
                let cut = (0..=MAX_LOG_MESSAGE)
                    .rev()
                    .find(|i| message.is_char_boundary(*i))
                    .unwrap_or(0);
                message.truncate(cut);
            }
            let plugin = &state.plugin;
            match level {
                log::Level::Debug => tracing::debug!(target: "rhyme::plugin", %plugin, "{message}"),
                log::Level::Info => tracing::info!(target: "rhyme::plugin", %plugin, "{message}"),
                log::Level::Warn => tracing::warn!(target: "rhyme::plugin", %plugin, "{message}"),
                log::Level::Error => tracing::error!(target: "rhyme::plugin", %plugin, "{message}"),
            }
            Ok(())
        });
    }
}

impl clock::Host for HostState {
    fn now(&mut self) -> i64 {
        self.capability_now(Capability::Clock, "now", |state| Ok(state.now))
            .unwrap_or(0)
    }
}

// The embedding model computes in-process (CPU, a few milliseconds a batch): it runs on the
// calling task like the plugin's own code, which waits for it anyway.
impl embed::Host for HostState {
    async fn dimensions(&mut self) -> u32 {
        let embedder = self.backends.embedder.clone();
        self.capability(Capability::Embed, "dimensions", async move {
            Ok(embedder.map_or(0, |e| e.dimensions() as u32))
        })
        .await
        .unwrap_or(0)
    }

    async fn embed(&mut self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, HostError> {
        let embedder = self.backends.embedder.clone();
        self.capability(Capability::Embed, "embed", async move {
            let embedder = embedder.ok_or_else(|| unavailable(Capability::Embed))?;
            Ok(embedder.embed(&texts)?)
        })
        .await
    }
}

impl vector_search::Host for HostState {
    async fn upsert(
        &mut self,
        collection: String,
        items: Vec<vector_search::Item>,
    ) -> Result<(), HostError> {
        let (index, collection) = (self.backends.vectors.clone(), self.scoped(&collection));
        self.capability(Capability::VectorSearch, "upsert", async move {
            let index = index.ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let items = items
                .into_iter()
                .map(|i| VectorItem {
                    id: i.id,
                    vector: i.vector,
                    payload: i.payload,
                })
                .collect();
            Ok(index.upsert(&collection, items).await?)
        })
        .await
    }

    async fn nearest(
        &mut self,
        collection: String,
        vector: Vec<f32>,
        k: u32,
    ) -> Result<Vec<vector_search::Hit>, HostError> {
        let (index, collection) = (self.backends.vectors.clone(), self.scoped(&collection));
        self.capability(Capability::VectorSearch, "nearest", async move {
            let index = index.ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let hits = index.nearest(&collection, &vector, k as usize).await?;
            Ok(hits
                .into_iter()
                .map(|h| vector_search::Hit {
                    id: h.id,
                    score: h.score,
                    payload: h.payload,
                })
                .collect())
        })
        .await
    }

    async fn get(
        &mut self,
        collection: String,
        ids: Vec<String>,
    ) -> Result<Vec<vector_search::Item>, HostError> {
        let (index, collection) = (self.backends.vectors.clone(), self.scoped(&collection));
        self.capability(Capability::VectorSearch, "get", async move {
            let index = index.ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let items = index.get(&collection, &ids).await?;
            Ok(items
                .into_iter()
                .map(|i| vector_search::Item {
                    id: i.id,
                    vector: i.vector,
                    payload: i.payload,
                })
                .collect())
        })
        .await
    }
}

impl HostState {
    fn scoped(&self, collection: &str) -> String {
        crate::capability::plugin_collection(&self.plugin, collection)
    }
}

impl llm::Host for HostState {
    async fn chat(
        &mut self,
        messages: Vec<llm::Message>,
        max_tokens: u32,
    ) -> Result<String, HostError> {
        let model = self.backends.chat.clone();
        self.capability(Capability::Llm, "chat", async move {
            let model = model.ok_or_else(|| unavailable(Capability::Llm))?;
            let messages: Vec<ChatMessage> = messages
                .into_iter()
                .map(|m| ChatMessage {
                    role: m.role,
                    content: m.content,
                })
                .collect();
            Ok(model.chat(&messages, max_tokens).await?)
        })
        .await
    }
}

impl incidents::Host for HostState {
    async fn get(&mut self, id: String) -> Result<Option<Incident>, HostError> {
        let source = self.incident_source();
        self.capability(Capability::Incidents, "get", async move {
            Ok(source?.incident(&id).await?)
        })
        .await
    }

    async fn timeline(&mut self, incident: String) -> Result<Vec<TimelineEvent>, HostError> {
        self.timeline_read(incident, "timeline", None, None).await
    }

    async fn timeline_since(
        &mut self,
        incident: String,
        since: i64,
    ) -> Result<Vec<TimelineEvent>, HostError> {
        self.timeline_read(incident, "timeline-since", Some(since), None)
            .await
    }

    async fn timeline_of_kinds(
        &mut self,
        incident: String,
        kinds: Vec<String>,
    ) -> Result<Vec<TimelineEvent>, HostError> {
        self.timeline_read(incident, "timeline-of-kinds", None, Some(kinds))
            .await
    }

    async fn series(&mut self, incident: String) -> Result<Vec<MetricSeries>, HostError> {
        let source = self.incident_source();
        self.capability(Capability::Incidents, "series", async move {
            Ok(source?.series(&incident).await?)
        })
        .await
    }

    async fn findings(&mut self, incident: String) -> Result<Vec<Finding>, HostError> {
        let source = self.incident_source();
        self.capability(Capability::Incidents, "findings", async move {
            Ok(source?.findings(&incident).await?)
        })
        .await
    }

    async fn past_postmortem(&mut self, id: String) -> Result<Option<Postmortem>, HostError> {
        let source = self.incident_source();
        self.capability(Capability::Incidents, "past-postmortem", async move {
            Ok(source?.postmortem(&id).await?)
        })
        .await
    }
}

impl HostState {
    fn incident_source(
        &self,
    ) -> Result<std::sync::Arc<dyn crate::capability::backend::IncidentSource>, HostError> {
        self.backends
            .incidents
            .clone()
            .ok_or_else(|| unavailable(Capability::Incidents))
    }

    /// One of the `timeline` reads, up to the call's incident time.
    async fn timeline_read(
        &mut self,
        incident: String,
        function: &'static str,
        since: Option<i64>,
        kinds: Option<Vec<String>>,
    ) -> Result<Vec<TimelineEvent>, HostError> {
        let (source, until) = (self.incident_source(), self.now);
        self.capability(Capability::Incidents, function, async move {
            let read = TimelineRead {
                until,
                since,
                kinds: kinds.as_deref(),
            };
            Ok(source?.timeline(&incident, &read).await?)
        })
        .await
    }
}
