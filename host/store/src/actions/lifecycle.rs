//! The moves a person makes on an action item. Moving along (planned, in progress, done) needs
//! the role that tracks actions; closing (verified, dropped) the role that closes them, and
//! dropping needs a reason. A move the lifecycle does not allow (verified back to planned, the
//! same status again) is a conflict that names the moves there are.

use crate::approval::MAX_TEXT;
use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::limits::check_len;
use crate::roles::{Actor, Permission, Principal};
use crate::store::Store;

use super::read::fetch;
use super::{ActionItem, ActionStatus};

impl Store {
    /// Moves item `id` to `status` as `who`, with an optional `reason` (required to drop).
    /// Audited as `action-item.status` with the move and the reason.
    pub async fn set_action_status(
        &self,
        who: &Principal,
        id: &str,
        status: ActionStatus,
        reason: Option<&str>,
    ) -> Result<ActionItem> {
        let closing = matches!(status, ActionStatus::Verified | ActionStatus::Dropped);
        who.require(if closing {
            Permission::CloseActions
        } else {
            Permission::TrackActions
        })?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(reason) = reason {
            check_len("reason", reason, MAX_TEXT)?;
        }
        let now = self.now();
        let mut tx = self.db().write().await?;
        // Writing the row first serialises two people moving the same item.
        let hit = sqlx::query("UPDATE action_items SET status_at = status_at WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if hit == 0 {
            return Err(Error::not_found("action item", id));
        }
        let mut item = fetch(tx.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("action item", id))?;
        if status == ActionStatus::Dropped && reason.is_none() {
            return Err(Error::invalid(
                "reason",
                "dropping an action item needs a reason",
            ));
        }
        let before = item.status;
        if !before.next().contains(&status) {
            let allowed: Vec<&str> = before.next().iter().map(|s| s.as_str()).collect();
            return Err(Error::conflict(format!(
                "action item `{id}` is {before}; it can move to {}",
                if allowed.is_empty() {
                    "nothing else (final)".to_string()
                } else {
                    allowed.join(", ")
                }
            )));
        }
        let actor = Actor::from(who);
        record_move(
            tx.conn(),
            &mut item,
            status,
            reason.map(str::to_string),
            &actor,
            now,
            |_| {},
        )
        .await?;
        tx.commit().await?;
        Ok(item)
    }
}

/// Moves `item` to `status` on `conn`, as `actor` and for `reason`, with its audit entry
/// (`action-item.status`: the postmortem, the incident, the move and the reason, then what
/// `more` adds); `item` is updated to match. A person's move and a tracker's close both go
/// through here, so the row and the audit trail say the same thing whoever moved the item.
pub(super) async fn record_move(
    conn: &mut AnyConnection,
    item: &mut ActionItem,
    status: ActionStatus,
    reason: Option<String>,
    actor: &Actor,
    now: Timestamp,
    more: impl FnOnce(&mut serde_json::Value),
) -> Result<()> {
    sqlx::query(
        "UPDATE action_items SET status = $2, status_reason = $3, status_by = $4, status_at = $5
         WHERE id = $1",
    )
    .bind(&item.id)
    .bind(status.as_str())
    .bind(reason.as_deref())
    .bind(&actor.name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let mut detail = serde_json::json!({
        "postmortem": item.postmortem,
        "incident": item.incident,
        "status": {"before": item.status.as_str(), "after": status.as_str()},
        "reason": reason,
    });
    more(&mut detail);
    append_in(conn, now, actor, "action-item.status", &item.id, &detail).await?;
    item.status = status;
    item.status_reason = reason;
    item.status_by = Some(actor.name.clone());
    item.status_at = now;
    Ok(())
}
