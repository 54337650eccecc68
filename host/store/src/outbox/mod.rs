//! The outbox: approved suggested actions, and approved drafts the gate routes to a sink,
//! waiting to be handed to their sink. A row is written
//! in the same transaction as the approval (and `proposal_id` is UNIQUE), so there is exactly
//! one per approved action. Workers claim due rows with a lease (a conditional UPDATE that
//! only one worker can win), deliver, then mark the row delivered or schedule a retry with
//! exponential backoff. A worker that dies mid-delivery leaves a lease that runs out, and the
//! row is claimed again; the sink sees the same `Idempotency-Key` both times, so a receiver
//! that honours the key acts once.

mod claim;

pub use claim::Claim;
pub(crate) use claim::{Lease, lease_row};

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::approval::StoredProposal;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::store::Store;

/// Where an outbox row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting for (another) delivery attempt.
    Due,
    /// Handed to the sink successfully; final.
    Delivered,
    /// Given up on: the sink refused it for good, or it ran out of attempts.
    Failed,
}

/// An outbox row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    /// Also the idempotency key the sink receives.
    pub id: String,
    /// The id of the approved proposal; each proposal has at most one row.
    pub proposal: String,
    /// The name of the sink it goes to, as routed by the gate's settings.
    pub sink: String,
    /// The JSON document the sink receives: the approved text, its evidence, plugin and approvers.
    pub payload: serde_json::Value,
    /// Whether it is due, delivered or given up on.
    pub state: OutboxState,
    /// Delivery attempts started so far.
    pub attempts: i64,
    /// The earliest time of the next attempt, in milliseconds since the Unix epoch.
    pub next_attempt_at: Timestamp,
    /// What went wrong on the latest failed attempt; `None` if none failed or once delivered.
    pub last_error: Option<String>,
    /// When the proposal was approved and the row written, in milliseconds since the Unix epoch.
    pub created_at: Timestamp,
    /// When the sink accepted it, in milliseconds since the Unix epoch; `None` until then.
    pub delivered_at: Option<Timestamp>,
}

/// The columns [`from_row`] reads.
const SELECT_ENTRY: &str = "SELECT id, proposal_id, sink, payload, state, attempts, \
     next_attempt_at, last_error, created_at, delivered_at FROM outbox";

impl Store {
    /// Outbox rows, oldest first; only those in `state` when given.
    pub async fn outbox(&self, state: Option<OutboxState>) -> Result<Vec<OutboxEntry>> {
        let rows = sqlx::query(&format!(
            "{SELECT_ENTRY} WHERE ($1 = '' OR state = $1) ORDER BY created_at, id"
        ))
        .bind(state.map_or("", state_name))
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The first outbox entry queued for `proposal`, if any.
    pub async fn outbox_of(&self, proposal: &str) -> Result<Option<OutboxEntry>> {
        let row = sqlx::query(&format!(
            "{SELECT_ENTRY} WHERE proposal_id = $1 ORDER BY created_at, id LIMIT 1"
        ))
        .bind(proposal)
        .fetch_optional(&self.db().pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }
}

/// Queues an approved action for `sink`, inside the approval's transaction; returns the id.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    proposal: &StoredProposal,
    sink: &str,
    approvers: &[String],
    now: Timestamp,
) -> Result<String> {
    let id = new_id();
    let payload = serde_json::json!({
        "idempotency_key": id,
        "proposal": proposal.id,
        "incident": proposal.incident,
        "kind": proposal.kind.as_str(),
        "action": proposal.action,
        "title": proposal.title,
        "body": proposal.body,
        "edited": proposal.body != proposal.original_body,
        "rationale": proposal.rationale,
        "evidence": proposal.evidence,
        "plugin": proposal.plugin,
        "approved_by": approvers,
        "approved_at": now,
    });
    sqlx::query(
        "INSERT INTO outbox (id, proposal_id, sink, payload, state, attempts, next_attempt_at,
         created_at) VALUES ($1, $2, $3, $4, 'due', 0, $5, $5)",
    )
    .bind(&id)
    .bind(&proposal.id)
    .bind(sink)
    .bind(payload.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

fn state_name(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Due => "due",
        OutboxState::Delivered => "delivered",
        OutboxState::Failed => "failed",
    }
}

fn from_row(row: &AnyRow) -> Result<OutboxEntry> {
    let state: String = row.try_get("state")?;
    let state = match state.as_str() {
        "due" => OutboxState::Due,
        "delivered" => OutboxState::Delivered,
        "failed" => OutboxState::Failed,
        other => return Err(Error::corrupt("outbox", format!("unknown state `{other}`"))),
    };
    let payload: String = row.try_get("payload")?;
    Ok(OutboxEntry {
        id: row.try_get("id")?,
        proposal: row.try_get("proposal_id")?,
        sink: row.try_get("sink")?,
        payload: serde_json::from_str(&payload).map_err(|e| Error::corrupt("outbox", e))?,
        state,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}
