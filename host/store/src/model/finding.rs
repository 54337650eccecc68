//! Findings (WIT `finding`) and the plugin that made them.

use serde::{Deserialize, Serialize};

use super::Evidence;
use crate::clock::Timestamp;

/// Which plugin, at which version, produced a finding or a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRef {
    /// The plugin's name, as in its manifest.
    pub name: String,
    /// The plugin's version, as in its manifest, so a result can be traced to the exact build.
    pub version: String,
}

/// The kinds of finding in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The shape of a metric (a graph signature such as `cliff-drop`).
    Signature,
    /// A past incident that resembles this one.
    SimilarIncident,
    /// An anti-pattern in the response, pointed out to the incident commander.
    Nudge,
    /// Anything else worth showing.
    Note,
}

impl FindingKind {
    /// The kind's name in the contract and the database (`similar-incident`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Signature => "signature",
            FindingKind::SimilarIncident => "similar-incident",
            FindingKind::Nudge => "nudge",
            FindingKind::Note => "note",
        }
    }

    /// The kind named `text` (as written by [`FindingKind::as_str`]), or `None` if unknown.
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
    /// What sort of finding it is.
    pub kind: FindingKind,
    /// Machine-readable subject within the kind (a shape id, a pattern id, a postmortem id).
    pub subject: String,
    /// One line for a tired reader, meant to fit in 80 characters; must not be empty.
    pub title: String,
    /// The rest, in plain text: magnitude, meaning, what to check first.
    pub detail: String,
    /// What the finding rests on.
    pub evidence: Vec<Evidence>,
    /// How sure the plugin is, from 0.0 (a guess) to 1.0 (certain).
    pub confidence: f32,
    /// The moment it applies to, in milliseconds since the Unix epoch (incident time); `None`
    /// when it is not tied to a moment.
    pub at: Option<Timestamp>,
}

impl Finding {
    /// The ids of the timeline events it rests on, in the order it cites them.
    pub fn cited_events(&self) -> Vec<String> {
        self.evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Event(id) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }
}

/// A finding as stored: with its id, incident, plugin and arrival time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    /// The finding's id, a hash of incident, plugin, kind, subject and moment, so a repeat
    /// of the same finding gets the same id and is stored once.
    pub id: String,
    /// The id of the incident it is about.
    pub incident: String,
    /// The plugin that made it.
    pub plugin: PluginRef,
    /// What the plugin said.
    #[serde(flatten)]
    pub finding: Finding,
    /// When the store received it, in milliseconds since the Unix epoch (store clock).
    pub created_at: Timestamp,
}
