//! Incidents and their timeline events (WIT `incident`, `timeline-event`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// An incident as the host stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable identifier chosen by the client, unique within the store.
    pub id: String,
    /// A short human-readable name for the incident; must not be empty.
    pub title: String,
    /// As the team writes it: `SEV1`, `sev2`, `P1`, ...
    pub severity: String,
    /// The service mainly affected; empty when unknown.
    #[serde(default)]
    pub service: String,
    /// When the incident began, in milliseconds since the Unix epoch.
    pub started: Timestamp,
    /// When it ended, in milliseconds since the Unix epoch; absent while the incident is open.
    #[serde(default)]
    pub ended: Option<Timestamp>,
}

/// One line of an incident's timeline. The id is chosen by the client, which makes a
/// retried batch harmless: an id already stored is acknowledged and skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// Stable identifier chosen by the client; findings and proposals cite it as evidence.
    pub id: String,
    /// When it happened, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// Who wrote or caused it: a person, a bot, an alerting system.
    pub actor: String,
    /// The actor's incident role when known (`ic`, `ops`, `comms`, ...), else empty.
    #[serde(default)]
    pub role: String,
    /// What sort of event it is (`message`, `alert`, `status-update`, `deploy`, ...); open-ended.
    pub kind: String,
    /// The event's text, as written or received.
    pub text: String,
    /// The change this event stands for, when it is one the store keeps (see `changes`): read
    /// into the timeline, never stored with the event. Not part of the event's JSON, where
    /// the change reads as the event's `text`; the typed record is for plugins.
    #[serde(skip)]
    pub change: Option<crate::changes::Change>,
}
