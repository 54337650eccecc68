//! Slack users as Rhyme identities. The admin maps a Slack user id to the name of an active
//! API token; what that user does through the Slack app is then done as the token's holder,
//! with the token's role, checked and audited as the API would. Only the name is stored: the
//! role is looked up at each use, so revoking the token cuts off the Slack user too.

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::append_and_commit;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::roles::{Actor, Principal};
use crate::store::Store;
use crate::tokens::active_by_name;

/// A Slack user mapped to a Rhyme token's holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlackUser {
    /// Slack's user id (`U0123ABC`, or `W…` on Enterprise Grid).
    pub slack_user_id: String,
    /// The name of the API token whose holder they are.
    pub token_name: String,
    /// When the mapping was made, in milliseconds since the Unix epoch.
    pub mapped_at: Timestamp,
    /// The admin or operator who made it.
    pub mapped_by: String,
}

impl Store {
    /// Maps `slack_user_id` to the holder of the active token named `token_name` (replacing an
    /// earlier mapping of that Slack user). Only the operator or an admin may.
    pub async fn map_slack_user(
        &self,
        by: &Actor,
        slack_user_id: &str,
        token_name: &str,
    ) -> Result<SlackUser> {
        crate::tokens::check_manager(by)?;
        check_slack_user_id("slack_user_id", slack_user_id)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        let Some(token) = active_by_name(tx.conn(), token_name).await? else {
            return Err(Error::invalid(
                "token_name",
                format!(
                    "no active token is named `{}`; create one first (rhyme token create)",
                    token_name.trim()
                ),
            ));
        };
        let user = SlackUser {
            slack_user_id: slack_user_id.to_string(),
            token_name: token.name.clone(),
            mapped_at: now,
            mapped_by: by.name.clone(),
        };
        sqlx::query(
            "INSERT INTO slack_users (slack_user_id, token_name, mapped_at, mapped_by)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (slack_user_id) DO UPDATE SET token_name = excluded.token_name,
             mapped_at = excluded.mapped_at, mapped_by = excluded.mapped_by",
        )
        .bind(&user.slack_user_id)
        .bind(&user.token_name)
        .bind(now)
        .bind(&by.name)
        .execute(tx.conn())
        .await?;
        let detail = serde_json::json!({"token_name": token.name, "role": token.role.as_str()});
        append_and_commit(tx, now, by, "slack.user.map", slack_user_id, &detail).await?;
        Ok(user)
    }

    /// Removes the mapping of `slack_user_id`; `NotFound` when there is none.
    pub async fn unmap_slack_user(&self, by: &Actor, slack_user_id: &str) -> Result<SlackUser> {
        crate::tokens::check_manager(by)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        let row = sqlx::query(&format!("{SELECT} WHERE slack_user_id = $1"))
            .bind(slack_user_id)
            .fetch_optional(tx.conn())
            .await?;
        let Some(row) = row else {
            return Err(Error::not_found("mapped Slack user", slack_user_id));
        };
        let user = from_row(&row)?;
        sqlx::query("DELETE FROM slack_users WHERE slack_user_id = $1")
            .bind(slack_user_id)
            .execute(tx.conn())
            .await?;
        let detail = serde_json::json!({"token_name": user.token_name});
        append_and_commit(tx, now, by, "slack.user.unmap", slack_user_id, &detail).await?;
        Ok(user)
    }

    /// Every mapped Slack user, by Slack id.
    pub async fn slack_users(&self) -> Result<Vec<SlackUser>> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY slack_user_id"))
            .fetch_all(&self.db().pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Who `slack_user_id` is in Rhyme: the holder of the active token they are mapped to,
    /// with its role; `None` when they are not mapped or the token was revoked.
    pub async fn slack_principal(&self, slack_user_id: &str) -> Result<Option<Principal>> {
        let mut conn = self.db().pool.acquire().await?;
        let row = sqlx::query("SELECT token_name FROM slack_users WHERE slack_user_id = $1")
            .bind(slack_user_id)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let name: String = row.try_get("token_name")?;
        let token = active_by_name(&mut conn, &name).await?;
        Ok(token.map(|t| Principal::new(t.name, t.role)))
    }
}

const SELECT: &str = "SELECT slack_user_id, token_name, mapped_at, mapped_by FROM slack_users";

/// Slack's user ids are an upper-case letter (`U`, or `W` on Enterprise Grid) then upper-case
/// letters and digits; a name or an `@mention` in their place would never match a click.
pub(crate) fn check_slack_user_id(field: &str, id: &str) -> Result<()> {
    let well_formed = id.len() >= 3
        && id.len() <= 32
        && id.starts_with(['U', 'W'])
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "`{}` is not a Slack user id such as U0123ABC (a member's profile, ⋮, Copy member ID)",
                id.chars().take(40).collect::<String>()
            ),
        ))
    }
}

fn from_row(row: &AnyRow) -> Result<SlackUser> {
    Ok(SlackUser {
        slack_user_id: row.try_get("slack_user_id")?,
        token_name: row.try_get("token_name")?,
        mapped_at: row.try_get("mapped_at")?,
        mapped_by: row.try_get("mapped_by")?,
    })
}
