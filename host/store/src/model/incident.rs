//! Incidents and their timeline events (WIT `incident`, `timeline-event`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// An incident as the host stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub title: String,
    /// As the team writes it: `SEV1`, `sev2`, `P1`, ...
    pub severity: String,
    /// The service mainly affected; empty when unknown.
    #[serde(default)]
    pub service: String,
    pub started: Timestamp,
    /// Absent while the incident is open.
    #[serde(default)]
    pub ended: Option<Timestamp>,
}

/// One line of an incident's timeline. The id is chosen by the client, which makes a
/// retried batch harmless: an id already stored is acknowledged and skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub id: String,
    pub at: Timestamp,
    pub actor: String,
    #[serde(default)]
    pub role: String,
    pub kind: String,
    pub text: String,
}
