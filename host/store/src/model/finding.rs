//! Findings (WIT `finding`) and the plugin that made them.

use serde::{Deserialize, Serialize};

use super::Evidence;
use crate::clock::Timestamp;

/// Which plugin, at which version, produced a finding or a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRef {
    pub name: String,
    pub version: String,
}

/// The kinds of finding in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Signature,
    SimilarIncident,
    Nudge,
    Note,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Signature => "signature",
            FindingKind::SimilarIncident => "similar-incident",
            FindingKind::Nudge => "nudge",
            FindingKind::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Signature,
            Self::SimilarIncident,
            Self::Nudge,
            Self::Note,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// Something a plugin noticed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Machine-readable subject within the kind (a shape id, a pattern id, a postmortem id).
    pub subject: String,
    pub title: String,
    pub detail: String,
    pub evidence: Vec<Evidence>,
    pub confidence: f32,
    pub at: Option<Timestamp>,
}

/// A finding as stored: with its id, incident, plugin and arrival time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub id: String,
    pub incident: String,
    pub plugin: PluginRef,
    #[serde(flatten)]
    pub finding: Finding,
    pub created_at: Timestamp,
}
