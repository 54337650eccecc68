//! Withdrawing proposals nobody decided in time.

use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::roles::Actor;

use super::{Gate, StoredProposal};

impl Gate {
    /// Withdraws every pending proposal whose expiry has passed; returns their ids. The host
    /// runs this now and then; a decision on an expired proposal also withdraws it.
    pub async fn withdraw_expired(&self) -> Result<Vec<String>> {
        let now = self.store.now();
        let mut tx = self.store.db().write().await?;
        let rows = sqlx::query(
            "SELECT id FROM proposals
             WHERE state = 'pending' AND expires_at IS NOT NULL AND expires_at <= $1
             ORDER BY expires_at, id",
        )
        .bind(now)
        .fetch_all(tx.conn())
        .await?;
        let mut withdrawn = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            if let Some(proposal) = super::read::fetch(tx.conn(), &id).await?
                && withdraw_in(tx.conn(), &proposal, now).await?
            {
                withdrawn.push(id);
            }
        }
        tx.commit().await?;
        Ok(withdrawn)
    }
}

/// Withdraws one proposal if it is still pending; true when it was.
pub(super) async fn withdraw_in(
    conn: &mut AnyConnection,
    proposal: &StoredProposal,
    now: Timestamp,
) -> Result<bool> {
    let hit = sqlx::query(
        "UPDATE proposals SET state = 'withdrawn', decided_at = $2
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(&proposal.id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if hit == 0 {
        return Ok(false);
    }
    let detail = serde_json::json!({
        "reason": "expired",
        "expires_at": proposal.expires_at,
        "state": {"before": "pending", "after": "withdrawn"},
    });
    append_in(
        conn,
        now,
        &Actor::system(),
        "proposal.withdraw",
        &proposal.id,
        &detail,
    )
    .await?;
    Ok(true)
}
