//! The gate's records: proposals as plugins hand them in and as stored, verdicts, decisions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::model::{Evidence, PluginRef};

/// The kinds of proposal in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalKind {
    DraftStatusUpdate,
    DraftPostmortem,
    SuggestedAction,
}

impl ProposalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalKind::DraftStatusUpdate => "draft-status-update",
            ProposalKind::DraftPostmortem => "draft-postmortem",
            ProposalKind::SuggestedAction => "suggested-action",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::DraftStatusUpdate,
            Self::DraftPostmortem,
            Self::SuggestedAction,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// A proposal as a plugin returns it (WIT `proposal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub kind: ProposalKind,
    pub title: String,
    /// The draft text, or for a suggested action the request handed to its sink.
    pub body: String,
    pub rationale: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// A proposal entering the gate, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProposal {
    pub incident: Option<String>,
    pub plugin: PluginRef,
    /// The person whose request led to it (they may not approve it); `None` when a plugin
    /// proposed on its own (an event or a clock tick).
    pub requested_by: Option<String>,
    /// The kind of suggested action (`rollback`, `scale-up`, ...), for the two-person rule
    /// and sink routing; `None` reads it from the body (see [`super::suggested_action_kind`]).
    pub action: Option<String>,
    pub proposal: Proposal,
}

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalState {
    Pending,
    Approved,
    Rejected,
    /// Expired before anyone decided.
    Withdrawn,
}

impl ProposalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Approved => "approved",
            ProposalState::Rejected => "rejected",
            ProposalState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::Rejected,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

impl fmt::Display for ProposalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredProposal {
    pub id: String,
    pub incident: Option<String>,
    pub plugin: PluginRef,
    pub kind: ProposalKind,
    /// The suggested action's kind; empty for drafts.
    pub action: String,
    pub title: String,
    /// The current text: the plugin's, or the latest reviewer edit.
    pub body: String,
    /// The text as the plugin proposed it.
    pub original_body: String,
    pub rationale: String,
    pub evidence: Vec<Evidence>,
    pub requested_by: Option<String>,
    pub state: ProposalState,
    /// Grows by one with each edit; approvals count for one revision.
    pub revision: i64,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
}

/// A reviewer's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum Verdict {
    Approve,
    /// Replace the body, then approve the new text.
    EditAndApprove {
        body: String,
    },
    Reject {
        reason: String,
    },
}

/// What a decision led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Outcome {
    /// Approved; a suggested action got this outbox entry.
    Approved {
        outbox: Option<String>,
    },
    /// The approval counted, and more distinct reviewers are needed.
    AwaitingReviewers {
        have: usize,
        need: usize,
    },
    Rejected,
}

/// The answer to a decision: the proposal as it now stands, and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub proposal: StoredProposal,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Approve,
    Reject,
}

/// One reviewer's recorded decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    pub id: String,
    pub proposal: String,
    pub reviewer: String,
    pub verdict: VerdictKind,
    /// The revision the verdict was given on (after the reviewer's own edit, if any).
    pub revision: i64,
    /// The reviewer's edit, as a unified diff.
    pub diff: Option<String>,
    pub reason: Option<String>,
    pub at: Timestamp,
}

/// Which proposals to list.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub state: Option<ProposalState>,
    pub incident: Option<String>,
}
