//! What a finding or a proposal rests on (WIT `evidence`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// A span of a metric series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesWindow {
    /// The name of the metric series, within the same incident.
    pub series: String,
    /// Where the span begins, in milliseconds since the Unix epoch.
    pub start: Timestamp,
    /// Where the span ends, in milliseconds since the Unix epoch.
    pub end: Timestamp,
}

/// One piece of evidence. In JSON: `{"event": "e1"}`, `{"window": {...}}`, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// A timeline event, by id.
    Event(String),
    /// A span of a metric series.
    Window(SeriesWindow),
    /// A past postmortem in the corpus, by id.
    Postmortem(String),
    /// A finding already made for the incident, by id.
    Finding(String),
}
