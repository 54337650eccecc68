//! What a finding or a proposal rests on (WIT `evidence`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// A span of a metric series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesWindow {
    pub series: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// One piece of evidence. In JSON: `{"event": "e1"}`, `{"window": {...}}`, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    Event(String),
    Window(SeriesWindow),
    Postmortem(String),
    Finding(String),
}
