//! The host side of each capability interface. Every call is checked against the plugin's
//! grants (the linker already left ungranted interfaces out; this is the second lock),
//! timed, and logged under the plugin's name.

use std::time::Instant;

use super::state::{CapabilityCall, HostState};
use crate::capability::Capability;
use crate::capability::backend::{BackendError, ChatMessage, TimelineRead, VectorItem};
use rhyme_world::rhyme::plugin::{clock, config, embed, incidents, llm, log, types, vector_search};
use rhyme_world::types::{Finding, HostError, Incident, MetricSeries, Postmortem, TimelineEvent};

/// Longest log message kept from a plugin, in bytes.
const MAX_LOG_MESSAGE: usize = 4096;

impl HostState {
    /// Runs one capability call: grant check, timing, logging.
    fn capability<R>(
        &mut self,
        capability: Capability,
        function: &'static str,
        call: impl FnOnce(&mut HostState) -> Result<R, HostError>,
    ) -> Result<R, HostError> {
        let started = Instant::now();
        let result = if self.granted.contains(&capability) {
            call(self)
        } else {
            Err(HostError::Denied(format!(
                "capability `{capability}` is not granted to this plugin"
            )))
        };
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

/// `Role-Change`, `role_change` and `role-change` are one kind. Compared in place: this runs
/// once per event of the timeline on every call.
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
        let _ = self.capability(Capability::Log, "write", |state| {
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
        self.capability(Capability::Clock, "now", |state| Ok(state.now))
            .unwrap_or(0)
    }
}

impl embed::Host for HostState {
    fn dimensions(&mut self) -> u32 {
        self.capability(Capability::Embed, "dimensions", |state| {
            Ok(state
                .backends
                .embedder
                .as_ref()
                .map_or(0, |e| e.dimensions() as u32))
        })
        .unwrap_or(0)
    }

    fn embed(&mut self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, HostError> {
        self.capability(Capability::Embed, "embed", |state| {
            let embedder = state
                .backends
                .embedder
                .clone()
                .ok_or_else(|| unavailable(Capability::Embed))?;
            Ok(embedder.embed(&texts)?)
        })
    }
}

impl vector_search::Host for HostState {
    fn upsert(
        &mut self,
        collection: String,
        items: Vec<vector_search::Item>,
    ) -> Result<(), HostError> {
        self.capability(Capability::VectorSearch, "upsert", |state| {
            let index = state
                .backends
                .vectors
                .clone()
                .ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let items = items
                .into_iter()
                .map(|i| VectorItem {
                    id: i.id,
                    vector: i.vector,
                    payload: i.payload,
                })
                .collect();
            Ok(index.upsert(&state.scoped(&collection), items)?)
        })
    }

    fn nearest(
        &mut self,
        collection: String,
        vector: Vec<f32>,
        k: u32,
    ) -> Result<Vec<vector_search::Hit>, HostError> {
        self.capability(Capability::VectorSearch, "nearest", |state| {
            let index = state
                .backends
                .vectors
                .clone()
                .ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let hits = index.nearest(&state.scoped(&collection), &vector, k as usize)?;
            Ok(hits
                .into_iter()
                .map(|h| vector_search::Hit {
                    id: h.id,
                    score: h.score,
                    payload: h.payload,
                })
                .collect())
        })
    }

    fn get(
        &mut self,
        collection: String,
        ids: Vec<String>,
    ) -> Result<Vec<vector_search::Item>, HostError> {
        self.capability(Capability::VectorSearch, "get", |state| {
            let index = state
                .backends
                .vectors
                .clone()
                .ok_or_else(|| unavailable(Capability::VectorSearch))?;
            let items = index.get(&state.scoped(&collection), &ids)?;
            Ok(items
                .into_iter()
                .map(|i| vector_search::Item {
                    id: i.id,
                    vector: i.vector,
                    payload: i.payload,
                })
                .collect())
        })
    }
}

impl HostState {
    fn scoped(&self, collection: &str) -> String {
        crate::capability::plugin_collection(&self.plugin, collection)
    }
}

impl llm::Host for HostState {
    fn chat(&mut self, messages: Vec<llm::Message>, max_tokens: u32) -> Result<String, HostError> {
        self.capability(Capability::Llm, "chat", |state| {
            let model = state
                .backends
                .chat
                .clone()
                .ok_or_else(|| unavailable(Capability::Llm))?;
            let messages: Vec<ChatMessage> = messages
                .into_iter()
                .map(|m| ChatMessage {
                    role: m.role,
                    content: m.content,
                })
                .collect();
            Ok(model.chat(&messages, max_tokens)?)
        })
    }
}

impl incidents::Host for HostState {
    fn get(&mut self, id: String) -> Result<Option<Incident>, HostError> {
        self.capability(Capability::Incidents, "get", |state| {
            Ok(state.incident_source()?.incident(&id)?)
        })
    }

    fn timeline(&mut self, incident: String) -> Result<Vec<TimelineEvent>, HostError> {
        self.capability(Capability::Incidents, "timeline", |state| {
            let read = TimelineRead {
                until: state.now,
                since: None,
                kinds: None,
            };
            Ok(state.incident_source()?.timeline(&incident, &read)?)
        })
    }

    fn timeline_since(
        &mut self,
        incident: String,
        since: i64,
    ) -> Result<Vec<TimelineEvent>, HostError> {
        self.capability(Capability::Incidents, "timeline-since", |state| {
            let read = TimelineRead {
                until: state.now,
                since: Some(since),
                kinds: None,
            };
            Ok(state.incident_source()?.timeline(&incident, &read)?)
        })
    }

    fn timeline_of_kinds(
        &mut self,
        incident: String,
        kinds: Vec<String>,
    ) -> Result<Vec<TimelineEvent>, HostError> {
        self.capability(Capability::Incidents, "timeline-of-kinds", |state| {
            let read = TimelineRead {
                until: state.now,
                since: None,
                kinds: Some(&kinds),
            };
            Ok(state.incident_source()?.timeline(&incident, &read)?)
        })
    }

    fn series(&mut self, incident: String) -> Result<Vec<MetricSeries>, HostError> {
        self.capability(Capability::Incidents, "series", |state| {
            Ok(state.incident_source()?.series(&incident)?)
        })
    }

    fn findings(&mut self, incident: String) -> Result<Vec<Finding>, HostError> {
        self.capability(Capability::Incidents, "findings", |state| {
            Ok(state.incident_source()?.findings(&incident)?)
        })
    }

    fn past_postmortem(&mut self, id: String) -> Result<Option<Postmortem>, HostError> {
        self.capability(Capability::Incidents, "past-postmortem", |state| {
            Ok(state.incident_source()?.postmortem(&id)?)
        })
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
}
