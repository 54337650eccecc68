//! The Slack app's own messages waiting to be posted (a nudge to the IC, a draft announced in
//! a thread). Queued once per `dedupe_key` (an INSERT that a second replica's copy cannot
//! repeat), claimed under a lease like the approved actions' outbox, and settled only by the
//! lease's holder, so each message is posted once and retried until Slack takes it.

use serde::Serialize;
use sqlx::Row as _;

use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::outbox::{Lease, OutboxState, lease_row};
use crate::roles::Actor;
use crate::store::Store;

/// A queued Slack message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlackMessage {
    /// The row's id.
    pub id: String,
    /// What the message is about, unique (`nudge:{incident}:{pattern}:{episode}`).
    pub dedupe_key: String,
    /// The incident it belongs to.
    pub incident: String,
    /// `{"method": "chat.postEphemeral", "message": {...}}`, as the Slack app sends it.
    pub payload: serde_json::Value,
    /// Due, delivered or given up on.
    pub state: OutboxState,
    /// Attempts started so far.
    pub attempts: i64,
    /// Why the latest attempt failed, if it did.
    pub last_error: Option<String>,
}

/// A queued message this worker holds for one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackClaim {
    /// The row's id.
    pub id: String,
    /// The message to send.
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The lease's holder.
    pub owner: String,
}

impl Store {
    /// Queues a Slack message under `dedupe_key`; `None` when one with that key was queued
    /// before (whatever became of it).
    pub async fn queue_slack_message(
        &self,
        dedupe_key: &str,
        incident: &str,
        payload: &serde_json::Value,
    ) -> Result<Option<String>> {
        let id = new_id();
        let now = self.now();
        let mut tx = self.db().write().await?;
        let added = sqlx::query(
            "INSERT INTO slack_outbox (id, dedupe_key, incident_id, payload, state, attempts,
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'due', 0, $5, $5)
             ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(&id)
        .bind(dedupe_key)
        .bind(incident)
        .bind(payload.to_string())
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(added.then_some(id))
    }

    /// Every queued Slack message, oldest first.
    pub async fn slack_messages(&self) -> Result<Vec<SlackMessage>> {
        let rows = sqlx::query(
            "SELECT id, dedupe_key, incident_id, payload, state, attempts, last_error
             FROM slack_outbox ORDER BY created_at, id",
        )
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter()
            .map(|row| {
                let state: String = row.try_get("state")?;
                let payload: String = row.try_get("payload")?;
                Ok(SlackMessage {
                    id: row.try_get("id")?,
                    dedupe_key: row.try_get("dedupe_key")?,
                    incident: row.try_get("incident_id")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|e| Error::corrupt("slack_outbox", e))?,
                    state: match state.as_str() {
                        "due" => OutboxState::Due,
                        "delivered" => OutboxState::Delivered,
                        "failed" => OutboxState::Failed,
                        other => {
                            return Err(Error::corrupt(
                                "slack_outbox",
                                format!("unknown state `{other}`"),
                            ));
                        }
                    },
                    attempts: row.try_get("attempts")?,
                    last_error: row.try_get("last_error")?,
                })
            })
            .collect()
    }

    /// Claims up to `limit` due messages for `owner`, for `lease_ms`.
    pub async fn claim_slack_due(
        &self,
        owner: &str,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<SlackClaim>> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM slack_outbox WHERE state = 'due' AND next_attempt_at <= $1
             AND (lease_until IS NULL OR lease_until <= $1) ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
        let mut claims = Vec::new();
        let lease = Lease {
            owner,
            now,
            lease_ms,
        };
        for id in ids {
            let returning = "payload, attempts";
            let Some(row) = lease_row(tx.conn(), "slack_outbox", returning, &id, &lease).await?
            else {
                continue;
            };
            let payload: String = row.try_get("payload")?;
            claims.push(SlackClaim {
                id,
                payload: serde_json::from_str(&payload)
                    .map_err(|e| Error::corrupt("slack_outbox", e))?,
                attempts: row.try_get("attempts")?,
                owner: owner.to_string(),
            });
        }
        tx.commit().await?;
        Ok(claims)
    }

    /// Settles a claimed message: delivered (`Ok`), to retry at a time, or failed for good.
    /// False when the lease was lost meanwhile and nothing was written.
    pub async fn settle_slack_message(
        &self,
        claim: &SlackClaim,
        outcome: SlackOutcome<'_>,
    ) -> Result<bool> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let (sql, at, error) = match outcome {
            SlackOutcome::Delivered { .. } => (
                "UPDATE slack_outbox SET state = 'delivered', delivered_at = $3, last_error = $4,
                 posted_ts = $5, lease_owner = NULL, lease_until = NULL
                 WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
                now,
                None,
            ),
            SlackOutcome::RetryAt { at, error } => (
                "UPDATE slack_outbox SET next_attempt_at = $3, last_error = $4, lease_owner = NULL,
                 lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
                at,
                Some(error),
            ),
            SlackOutcome::Failed { error } => (
                "UPDATE slack_outbox SET state = 'failed', next_attempt_at = $3, last_error = $4,
                 lease_owner = NULL, lease_until = NULL
                 WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
                now,
                Some(error),
            ),
        };
        let mut query = sqlx::query(sql)
            .bind(&claim.id)
            .bind(&claim.owner)
            .bind(at)
            .bind(error);
        if let SlackOutcome::Delivered { ts } = outcome {
            query = query.bind(ts);
        }
        let hit = query.execute(tx.conn()).await?.rows_affected() == 1;
        if hit && !matches!(outcome, SlackOutcome::RetryAt { .. }) {
            let action = match outcome {
                SlackOutcome::Delivered { .. } => "slack.deliver",
                _ => "slack.fail",
            };
            let detail = serde_json::json!({"method": claim.payload.get("method"),
                "attempts": claim.attempts, "error": error});
            append_in(tx.conn(), now, &Actor::system(), action, &claim.id, &detail).await?;
        }
        tx.commit().await?;
        Ok(hit)
    }
}

/// What became of one attempt at a Slack message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackOutcome<'a> {
    /// Slack took it, and gave the message this `ts` (when it said).
    Delivered {
        /// The posted message's `ts`: what a later `chat.update` names it by.
        ts: Option<&'a str>,
    },
    /// Try again at `at` (epoch milliseconds).
    RetryAt {
        /// When.
        at: Timestamp,
        /// Why this attempt failed.
        error: &'a str,
    },
    /// Slack refused it for good.
    Failed {
        /// Why.
        error: &'a str,
    },
}

impl Store {
    /// Whether a message with `dedupe_key` was ever queued.
    pub async fn slack_message_queued(&self, dedupe_key: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM slack_outbox WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .fetch_optional(&self.db().pool)
            .await?;
        Ok(row.is_some())
    }
}

/// What became of the message queued under a dedupe key, as a later message that refers to
/// it (a `chat.update` of it) needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackPosted {
    /// Due, delivered or given up on.
    pub state: OutboxState,
    /// The `ts` Slack gave it, once delivered (when Slack said).
    pub ts: Option<String>,
}

impl Store {
    /// What became of the message queued under `dedupe_key`; `None` if none was.
    pub async fn slack_message_posted(&self, dedupe_key: &str) -> Result<Option<SlackPosted>> {
        let row = sqlx::query("SELECT state, posted_ts FROM slack_outbox WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .fetch_optional(&self.db().pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let state: String = row.try_get("state")?;
        let state = match state.as_str() {
            "due" => OutboxState::Due,
            "delivered" => OutboxState::Delivered,
            _ => OutboxState::Failed,
        };
        Ok(Some(SlackPosted {
            state,
            ts: row.try_get("posted_ts")?,
        }))
    }
}
