//! The operator's settings for the gate.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{ProposalKind, StoredProposal};

/// The operator's settings (the `[gate]` section of `rhyme.toml`). In TOML:
///
/// ```toml
/// two-person = ["rollback", "scale-down"]   # or ["*"] for every suggested action
/// expiry-ms = 3_600_000
/// default-sink = "webhook"
/// [routes]
/// page = "pager"
/// draft-status-update = "slack"       # drafts are published only where routed
/// draft-postmortem = "postmortems"
/// draft-report = "weekly"             # the cross-incident report (`rhyme report`)
/// ```
///
/// The snake_case keys of the older `gate.toml` (`two_person`, ...) are still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    /// Suggested-action kinds that need two distinct reviewers; `*` means all of them.
    #[serde(alias = "two_person")]
    pub two_person: BTreeSet<String>,
    /// How long a proposal may stay pending, in milliseconds; `None` means forever.
    #[serde(alias = "expiry_ms")]
    pub expiry_ms: Option<i64>,
    /// Which sink gets each kind of suggested action.
    pub routes: BTreeMap<String, String>,
    /// The sink for kinds without a route.
    #[serde(alias = "default_sink")]
    pub default_sink: String,
}

/// The name of the sink used when nothing else is configured.
pub(super) const DEFAULT_SINK: &str = "default";

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            two_person: BTreeSet::new(),
            expiry_ms: None,
            routes: BTreeMap::new(),
            default_sink: DEFAULT_SINK.to_string(),
        }
    }
}

impl GateConfig {
    /// How many distinct reviewers must approve this proposal.
    pub fn approvals_needed(&self, proposal: &StoredProposal) -> usize {
        let action = proposal.action.as_str();
        let two_person = proposal.kind == ProposalKind::SuggestedAction
            && (self.two_person.contains("*") || self.two_person.contains(action));
        if two_person { 2 } else { 1 }
    }

    /// The sink an approved proposal is handed to, if any: a suggested action always goes
    /// (its route, else the default sink); a draft is published only where a route names its
    /// kind (`draft-status-update`, `draft-postmortem`, `draft-report`), so that turning on publishing is a
    /// decision and drafts never land in an action sink by accident.
    pub fn publish_to(&self, proposal: &StoredProposal) -> Option<&str> {
        match proposal.kind {
            ProposalKind::SuggestedAction => Some(self.sink_for(&proposal.action)),
            kind => self.routes.get(kind.as_str()).map(String::as_str),
        }
    }

    /// The sink an approved action of this kind is handed to.
    pub fn sink_for(&self, action: &str) -> &str {
        self.routes
            .get(action)
            .map_or(self.default_sink.as_str(), String::as_str)
    }
}
