//! Claiming due rows under a lease, and settling them after an attempt. Every settle is
//! conditional on still holding the lease, so a worker whose lease ran out (and whose row
//! another worker took) cannot overwrite the other's result.

use sqlx::Row as _;

use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::roles::Actor;
use crate::store::Store;

/// A row this worker holds for one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The outbox row's id, also the idempotency key the sink receives.
    pub id: String,
    /// The id of the approved proposal.
    pub proposal: String,
    /// The name of the sink to deliver to.
    pub sink: String,
    /// The JSON document to hand to the sink.
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The worker holding the lease; settling the row succeeds only while it still does.
    pub owner: String,
}

impl Store {
    /// Claims up to `limit` due rows for the named sinks, leased to `owner` for `lease_ms`.
    pub async fn claim_due(
        &self,
        sinks: &[String],
        owner: &str,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<Claim>> {
        if sinks.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let now = self.now();
        let mut tx = self.db().write().await?;
        let candidates = candidates(tx.conn(), sinks, limit, now).await?;
        let mut claims = Vec::new();
        let lease = Lease {
            owner,
            now,
            lease_ms,
        };
        for id in candidates {
            let returning = "proposal_id, sink, payload, attempts";
            let Some(row) = lease_row(tx.conn(), "outbox", returning, &id, &lease).await? else {
                continue;
            };
            let payload: String = row.try_get("payload")?;
            claims.push(Claim {
                id,
                proposal: row.try_get("proposal_id")?,
                sink: row.try_get("sink")?,
                payload: serde_json::from_str(&payload).map_err(|e| Error::corrupt("outbox", e))?,
                attempts: row.try_get("attempts")?,
                owner: owner.to_string(),
            });
        }
        tx.commit().await?;
        Ok(claims)
    }

    /// Marks a claimed row delivered; false when the lease was lost meanwhile.
    pub async fn mark_delivered(&self, claim: &Claim) -> Result<bool> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let hit = sqlx::query(
            "UPDATE outbox SET state = 'delivered', delivered_at = $3, lease_owner = NULL,
             lease_until = NULL, last_error = NULL
             WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
        )
        .bind(&claim.id)
        .bind(&claim.owner)
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if hit == 1 {
            let detail = serde_json::json!({"proposal": claim.proposal, "sink": claim.sink,
                "attempts": claim.attempts});
            append_in(
                tx.conn(),
                now,
                &Actor::system(),
                "outbox.deliver",
                &claim.id,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(hit == 1)
    }

    /// Releases a claimed row to be tried again at `at`.
    pub async fn schedule_retry(&self, claim: &Claim, error: &str, at: Timestamp) -> Result<bool> {
        let mut tx = self.db().write().await?;
        let hit = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $3, last_error = $4, lease_owner = NULL,
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
        )
        .bind(&claim.id)
        .bind(&claim.owner)
        .bind(at)
        .bind(error)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(hit == 1)
    }

    /// Gives up on a claimed row.
    pub async fn mark_failed(&self, claim: &Claim, error: &str) -> Result<bool> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let hit = sqlx::query(
            "UPDATE outbox SET state = 'failed', last_error = $3, lease_owner = NULL,
             lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'due'",
        )
        .bind(&claim.id)
        .bind(&claim.owner)
        .bind(error)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if hit == 1 {
            let detail = serde_json::json!({"proposal": claim.proposal, "sink": claim.sink,
                "attempts": claim.attempts, "error": error});
            append_in(
                tx.conn(),
                now,
                &Actor::system(),
                "outbox.fail",
                &claim.id,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(hit == 1)
    }
}

/// Ids of rows that look claimable now, oldest due first.
/// Who takes a due row, when, and for how long.
pub(crate) struct Lease<'a> {
    pub(crate) owner: &'a str,
    pub(crate) now: Timestamp,
    pub(crate) lease_ms: i64,
}

/// Leases row `id` of a delivery table (`outbox`, `slack_outbox`: the same lease columns) when
/// it is still due and unleased, counting the attempt; `None` when another worker took it
/// first. Returns the `returning` columns.
pub(crate) async fn lease_row(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    returning: &'static str,
    id: &str,
    lease: &Lease<'_>,
) -> Result<Option<sqlx::any::AnyRow>> {
    let sql = format!(
        "UPDATE {table} SET lease_owner = $2, lease_until = $3, attempts = attempts + 1
         WHERE id = $1 AND state = 'due' AND next_attempt_at <= $4
         AND (lease_until IS NULL OR lease_until <= $4)
         RETURNING {returning}"
    );
    Ok(sqlx::query(&sql)
        .bind(id)
        .bind(lease.owner)
        .bind(lease.now.saturating_add(lease.lease_ms))
        .bind(lease.now)
        .fetch_optional(conn)
        .await?)
}

async fn candidates(
    conn: &mut sqlx::AnyConnection,
    sinks: &[String],
    limit: u32,
    now: Timestamp,
) -> Result<Vec<String>> {
    let placeholders: Vec<String> = (0..sinks.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT id FROM outbox WHERE state = 'due' AND next_attempt_at <= $1
         AND (lease_until IS NULL OR lease_until <= $1) AND sink IN ({})
         ORDER BY next_attempt_at, id LIMIT $2",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now).bind(i64::from(limit));
    for sink in sinks {
        query = query.bind(sink);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}
