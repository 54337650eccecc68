//! Bound Slack channels as the Slack app sees them: which incident each is bound to, and who
//! its incident commander is when the binding named one.

use serde::Serialize;
use sqlx::Row as _;

use crate::error::Result;
use crate::store::Store;

/// A Slack channel bound to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlackChannel {
    /// Slack's channel id.
    pub channel: String,
    /// The incident it is bound to.
    pub incident: String,
    /// The incident commander's Slack user id, when the binding named one.
    pub ic: Option<String>,
    /// When the channel was bound, in milliseconds since the Unix epoch.
    pub bound_at: i64,
}

impl Store {
    /// Records `slack_user_id` as the incident commander of `channel` (replacing any before).
    pub async fn set_slack_channel_ic(&self, channel: &str, slack_user_id: &str) -> Result<()> {
        super::users::check_slack_user_id("ic", slack_user_id)?;
        let mut tx = self.db().write().await?;
        sqlx::query(
            "INSERT INTO slack_channel_ics (channel, slack_user_id, set_at) VALUES ($1, $2, $3)
             ON CONFLICT (channel) DO UPDATE SET slack_user_id = excluded.slack_user_id,
             set_at = excluded.set_at",
        )
        .bind(channel)
        .bind(slack_user_id)
        .bind(self.now())
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Every Slack channel bound to an open or ended incident, by channel id.
    pub async fn slack_channels(&self) -> Result<Vec<SlackChannel>> {
        let rows = sqlx::query(
            "SELECT b.key AS channel, b.incident_id AS incident, c.slack_user_id AS ic,
             b.bound_at AS bound_at
             FROM incident_bindings b LEFT JOIN slack_channel_ics c ON c.channel = b.key
             WHERE b.source = 'slack' ORDER BY b.key",
        )
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SlackChannel {
                    channel: row.try_get("channel")?,
                    incident: row.try_get("incident")?,
                    ic: row.try_get("ic")?,
                    bound_at: row.try_get("bound_at")?,
                })
            })
            .collect()
    }

    /// The Slack user mapped to the token named `token_name`, if any (the first by id).
    pub async fn slack_user_of(&self, token_name: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT slack_user_id FROM slack_users WHERE token_name = $1
             ORDER BY slack_user_id LIMIT 1",
        )
        .bind(token_name.trim().to_lowercase())
        .fetch_optional(&self.db().pool)
        .await?;
        Ok(row.map(|r| r.try_get("slack_user_id")).transpose()?)
    }
}

impl Store {
    /// The `ts` of the thread the Slack app posts in for `incident` in `channel`, once found.
    pub async fn slack_thread(&self, channel: &str, incident: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT thread_ts FROM slack_threads WHERE channel = $1 AND incident_id = $2",
        )
        .bind(channel)
        .bind(incident)
        .fetch_optional(&self.db().pool)
        .await?;
        Ok(row.map(|r| r.try_get("thread_ts")).transpose()?)
    }

    /// Records `thread_ts` as the incident's thread in `channel` unless one was recorded
    /// before (by another pass or replica); the thread now recorded, the first one kept.
    pub async fn keep_slack_thread(
        &self,
        channel: &str,
        incident: &str,
        thread_ts: &str,
        source: &str,
    ) -> Result<String> {
        let mut tx = self.db().write().await?;
        sqlx::query(
            "INSERT INTO slack_threads (channel, incident_id, thread_ts, source, set_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, incident_id) DO NOTHING",
        )
        .bind(channel)
        .bind(incident)
        .bind(thread_ts)
        .bind(source)
        .bind(self.now())
        .execute(tx.conn())
        .await?;
        let kept: String = sqlx::query(
            "SELECT thread_ts FROM slack_threads WHERE channel = $1 AND incident_id = $2",
        )
        .bind(channel)
        .bind(incident)
        .fetch_one(tx.conn())
        .await?
        .try_get("thread_ts")?;
        tx.commit().await?;
        Ok(kept)
    }
}
