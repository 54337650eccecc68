//! The gate's records: proposals as plugins hand them in and as stored, verdicts, decisions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::model::{Evidence, PluginRef};

/// The kinds of proposal in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalKind {
    /// A draft of a status update for stakeholders, published only if routed to a sink.
    DraftStatusUpdate,
    /// A draft of the incident's postmortem, published only if routed to a sink.
    DraftPostmortem,
    /// An action to take (a rollback, a scale-up...), handed to a sink once approved.
    SuggestedAction,
    /// A draft of the cross-incident report (`rhyme report`), made by the host rather than a
    /// plugin, published only if routed to a sink.
    DraftReport,
}

impl ProposalKind {
    /// The kind's name in the contract, the database and gate routes (`draft-postmortem`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalKind::DraftStatusUpdate => "draft-status-update",
            ProposalKind::DraftPostmortem => "draft-postmortem",
            ProposalKind::SuggestedAction => "suggested-action",
            ProposalKind::DraftReport => "draft-report",
        }
    }

    /// The kind named `text` (as written by [`ProposalKind::as_str`]), or `None` if unknown.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::DraftStatusUpdate,
            Self::DraftPostmortem,
            Self::SuggestedAction,
            Self::DraftReport,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// A proposal as a plugin returns it (WIT `proposal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// What sort of proposal it is.
    pub kind: ProposalKind,
    /// A one-line summary shown in the review queue; must not be empty.
    pub title: String,
    /// The draft text, or for a suggested action the request handed to its sink.
    pub body: String,
    /// Why the plugin proposes it, for the reviewer.
    pub rationale: String,
    /// What the proposal rests on.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// A proposal entering the gate, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProposal {
    /// The id of the incident it is about; `None` for a proposal tied to no incident.
    pub incident: Option<String>,
    /// The plugin that proposed it.
    pub plugin: PluginRef,
    /// The person whose request led to it (they may not approve it); `None` when a plugin
    /// proposed on its own (an event or a clock tick).
    pub requested_by: Option<String>,
    /// The kind of suggested action (`rollback`, `scale-up`, ...), for the two-person rule
    /// and sink routing; `None` reads it from the body (see [`super::suggested_action_kind`]).
    pub action: Option<String>,
    /// The proposal itself, as the plugin returned it.
    pub proposal: Proposal,
}

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalState {
    /// Waiting in the review queue for a reviewer's decision.
    Pending,
    /// Approved by enough reviewers; final.
    Approved,
    /// Rejected by a reviewer, with a reason; final.
    Rejected,
    /// Expired before anyone decided.
    Withdrawn,
}

impl ProposalState {
    /// The state's name in the database and the API (`pending`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Approved => "approved",
            ProposalState::Rejected => "rejected",
            ProposalState::Withdrawn => "withdrawn",
        }
    }

    /// The state named `text` (as written by [`ProposalState::as_str`]), or `None` if unknown.
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
    /// The proposal's id, made by the store when it entered the gate.
    pub id: String,
    /// The id of the incident it is about, if any.
    pub incident: Option<String>,
    /// The plugin that proposed it.
    pub plugin: PluginRef,
    /// What sort of proposal it is.
    pub kind: ProposalKind,
    /// The suggested action's kind; empty for drafts.
    pub action: String,
    /// A one-line summary shown in the review queue.
    pub title: String,
    /// The current text: the plugin's, or the latest reviewer edit.
    pub body: String,
    /// The text as the plugin proposed it.
    pub original_body: String,
    /// Why the plugin proposes it, for the reviewer.
    pub rationale: String,
    /// What the proposal rests on; a revision may replace it.
    pub evidence: Vec<Evidence>,
    /// The person whose request led to it, who may not approve it; `None` if no one asked.
    pub requested_by: Option<String>,
    /// Where it is in its life: pending, approved, rejected or withdrawn.
    pub state: ProposalState,
    /// Grows by one with each edit; approvals count for one revision.
    pub revision: i64,
    /// When it entered the gate, in milliseconds since the Unix epoch.
    pub created_at: Timestamp,
    /// When it is withdrawn if still pending, in milliseconds since the Unix epoch; `None`
    /// when the gate sets no expiry.
    pub expires_at: Option<Timestamp>,
    /// When it left the pending state (approved, rejected or withdrawn), in milliseconds
    /// since the Unix epoch; `None` while pending.
    pub decided_at: Option<Timestamp>,
}

/// A reviewer's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum Verdict {
    /// Approve the text as it stands.
    Approve,
    /// Replace the body, then approve the new text.
    EditAndApprove {
        /// The reviewer's replacement text; must not be empty.
        body: String,
    },
    /// Reject the proposal; it will not be acted on or published.
    Reject {
        /// Why, in the reviewer's words; must not be empty.
        reason: String,
    },
}

/// What a decision led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Outcome {
    /// Approved; what was approved (a suggested action, or a draft routed to a sink) got this
    /// outbox entry.
    Approved {
        /// The id of the outbox entry that hands it to a sink; `None` when nothing is published.
        outbox: Option<String>,
    },
    /// The approval counted, and more distinct reviewers are needed.
    AwaitingReviewers {
        /// How many distinct reviewers have approved the current revision so far.
        have: usize,
        /// How many distinct approvals the proposal needs (2 under the two-person rule).
        need: usize,
    },
    /// Rejected; the proposal is closed.
    Rejected,
}

/// The answer to a decision: the proposal as it now stands, and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The proposal after the decision.
    pub proposal: StoredProposal,
    /// What the decision led to.
    pub outcome: Outcome,
}

/// Which way a recorded decision went (an edit-and-approve is recorded as an approval with a diff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    /// The reviewer approved.
    Approve,
    /// The reviewer rejected.
    Reject,
}

/// One reviewer's recorded decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    /// The decision's own id.
    pub id: String,
    /// The id of the proposal decided on.
    pub proposal: String,
    /// The name of the reviewer who decided.
    pub reviewer: String,
    /// Whether they approved or rejected.
    pub verdict: VerdictKind,
    /// The revision the verdict was given on (after the reviewer's own edit, if any).
    pub revision: i64,
    /// The reviewer's edit, as a unified diff.
    pub diff: Option<String>,
    /// The reason given with a rejection; `None` for approvals.
    pub reason: Option<String>,
    /// When the decision was made, in milliseconds since the Unix epoch.
    pub at: Timestamp,
}

/// Which proposals to list.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Only proposals in this state; `None` for any state.
    pub state: Option<ProposalState>,
    /// Only proposals about this incident (by id); `None` for any.
    pub incident: Option<String>,
}
