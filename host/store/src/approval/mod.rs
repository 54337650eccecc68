//! The approval gate. A plugin's proposal (a draft status update, a draft postmortem, a
//! suggested action) waits here until a person with the reviewer role approves it, edits then
//! approves it (the edit kept as a unified diff), or rejects it with a reason.
//!
//! Rules, all enforced here rather than by the front ends:
//! - only the reviewer role decides; whoever requested a proposal cannot approve it;
//! - the operator can require two distinct reviewers for kinds of suggested action, and an
//!   approval counts only for the text (revision) it was given on;
//! - the operator can set an expiry, after which a pending proposal is withdrawn;
//! - an approved suggested action goes into the outbox exactly once: every decision first
//!   writes the proposal's row (locking it on PostgreSQL; SQLite takes its write lock), then
//!   re-reads the state, and the final `UPDATE ... WHERE state = 'pending'` must hit one row.

mod config;
mod decide;
mod diff;
mod expiry;
pub(crate) mod propose;
mod read;
mod revise;
mod types;

pub use config::GateConfig;
pub use decide::MAX_TEXT;
pub use diff::unified_diff;
pub use propose::suggested_action_kind;
pub use revise::{Change, ChangeKind, RevisionRecord};
pub use types::{
    Decision, DecisionRecord, NewProposal, Outcome, Proposal, ProposalFilter, ProposalKind,
    ProposalState, StoredProposal, Verdict, VerdictKind,
};

use std::fmt;
use std::sync::Arc;

use crate::actions::NewActionItem;
use crate::store::Store;

/// Reads the action items of an approved postmortem's text. The store keeps them; what counts
/// as an item and its elements is the review lint's to say, so the host hands the reader in.
#[derive(Clone)]
pub struct ActionItemReader(pub Arc<ReadActionItems>);

/// The reader's function: a postmortem's text in, its action items out.
pub type ReadActionItems = dyn Fn(&str) -> Vec<NewActionItem> + Send + Sync;

impl fmt::Debug for ActionItemReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActionItemReader")
    }
}

/// The gate over one store, with the operator's settings.
#[derive(Debug, Clone)]
pub struct Gate {
    store: Store,
    config: GateConfig,
    /// Reads an approved postmortem's action items, kept in the approval's transaction;
    /// `None`: none are kept.
    action_items: Option<ActionItemReader>,
}

impl Gate {
    /// A gate over `store`, enforcing the operator's `config`.
    pub fn new(store: Store, config: GateConfig) -> Self {
        Gate {
            store,
            config,
            action_items: None,
        }
    }

    /// This gate, keeping the action items `reader` finds in each approved postmortem draft
    /// (in the approval's transaction, so an approval never lands without its items).
    pub fn with_action_items(mut self, reader: ActionItemReader) -> Self {
        self.action_items = Some(reader);
        self
    }

    /// The operator's settings this gate enforces.
    pub fn config(&self) -> &GateConfig {
        &self.config
    }

    /// The store the gate keeps its proposals in.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
