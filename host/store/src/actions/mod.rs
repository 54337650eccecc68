//! Action items promised in postmortems, from promise to verified. Items are recorded when a
//! postmortem draft is approved (inside the approval's transaction, through the gate's
//! [`ActionItemReader`](crate::approval::ActionItemReader)) and when postmortems are imported
//! ([`Store::record_imported_action_items`](crate::Store::record_imported_action_items));
//! each then moves `planned → in-progress → done → verified`, or is `dropped` with a reason.
//! Every move is made by someone (a person with a role, or a tracker's webhook for `done`) and
//! written to the audit log in the same transaction.
//!
//! | module | job |
//! |---|---|
//! | [`record`] | keeping a postmortem's items, flagged with the elements they lack |
//! | [`lifecycle`] | the moves a person makes, with role checks and audit |
//! | [`tracker`] | a tracker's "issue closed" moving matching items to done, once per delivery |
//! | [`read`] | listing and one item |
//! | [`overdue`] | overdue items raised as a finding on the next incident of their service |

mod lifecycle;
pub mod overdue;
mod read;
pub(crate) mod record;
mod tracker;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::error::{Error, Result};

pub use read::ActionFilter;
pub use record::{ImportedActionItems, ImportedRecorded, MAX_ITEM_TEXT, NewActionItem, ticket_key};
pub use tracker::{TrackerClose, TrackerOutcome};

/// Where an action item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// Promised, not started.
    Planned,
    /// Someone is working on it.
    InProgress,
    /// The work is done (by a person's word or the tracker's); not yet shown to have worked.
    Done,
    /// Someone checked that the change had the intended effect; final.
    Verified,
    /// Given up on, with a reason; final.
    Dropped,
}

impl ActionStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [ActionStatus; 5] = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Verified,
        ActionStatus::Dropped,
    ];

    /// The status's name in the API and the database (`in-progress`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Done => "done",
            ActionStatus::Verified => "verified",
            ActionStatus::Dropped => "dropped",
        }
    }

    /// The status named `text`, or `Invalid` naming `field` and the known names.
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("`{text}` is not one of planned, in-progress, done, verified, dropped"),
                )
            })
    }

    /// Whether the promise is still open (planned or in progress), so it can be overdue.
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::InProgress)
    }

    /// The statuses an item may move to from this one. Verified and dropped are final; done
    /// may go back to in-progress when the work turns out unfinished.
    pub fn next(self) -> &'static [ActionStatus] {
        use ActionStatus::*;
        match self {
            Planned => &[InProgress, Done, Dropped],
            InProgress => &[Planned, Done, Dropped],
            Done => &[InProgress, Verified, Dropped],
            Verified | Dropped => &[],
        }
    }
}

impl fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    /// The item's id, made by the store.
    pub id: String,
    /// The postmortem it was promised in: the approved draft's proposal id, or an imported
    /// postmortem's corpus id.
    pub postmortem: String,
    /// Where the item was read: `proposal` (an approved draft) or `import` (an imported
    /// postmortem, whose corpus id is then `postmortem`).
    pub source: String,
    /// The incident the postmortem is about, when known.
    pub incident: Option<String>,
    /// The incident's service, when known: overdue items are raised on its next incident.
    pub service: Option<String>,
    /// The item as read from the postmortem: its line, text and elements. Flattened, so the
    /// JSON keeps these fields beside the others.
    #[serde(flatten)]
    pub written: NewActionItem,
    /// Where it is in its life.
    pub status: ActionStatus,
    /// Why it was dropped, or what a person said with the last move; `None` if nothing.
    pub status_reason: Option<String>,
    /// Who made the last move (a token's name, or the tracker); `None` while as recorded.
    pub status_by: Option<String>,
    /// When the status last changed (or the item was recorded), epoch milliseconds.
    pub status_at: Timestamp,
    /// When the item was recorded, epoch milliseconds.
    pub created_at: Timestamp,
}

impl ActionItem {
    /// Whether the item is still open with its due day past at `now`.
    pub fn overdue_at(&self, now: Timestamp) -> bool {
        self.status.is_open() && self.written.due_at.is_some_and(|due| due < now)
    }
}
