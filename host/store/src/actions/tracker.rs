//! A tracker's webhook reporting an issue closed moves every open item whose ticket names
//! that issue to `done`; it never verifies (a person does that) and never reopens. Each
//! delivery is handled once: its id is kept, and a replay changes nothing.

use serde::Serialize;
use sqlx::Row as _;

use crate::error::Result;
use crate::roles::Actor;
use crate::store::Store;

use super::lifecycle::record_move;
use super::read::fetch;
use super::{ActionItem, ActionStatus};

/// What a tracker said: an issue, named every way an item's ticket could name it, closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerClose {
    /// The tracker (`github`, `jira`): the audit log's actor.
    pub source: String,
    /// The delivery's id as the tracker sent it (a replay carries the same one).
    pub delivery: String,
    /// The issue's names, as [`super::ticket_key`] writes them (`OPS-12`, an issue link).
    pub keys: Vec<String>,
    /// The issue, for people: its link or key.
    pub issue: String,
    /// Who closed it in the tracker, when the tracker says.
    pub closed_by: Option<String>,
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackerOutcome {
    /// True when this delivery had been handled already: nothing changed.
    pub replayed: bool,
    /// The items moved to done.
    pub moved: Vec<ActionItem>,
}

impl Store {
    /// Moves the open items whose ticket is one of `close.keys` to done, once per delivery.
    pub async fn tracker_closed(&self, close: &TrackerClose) -> Result<TrackerOutcome> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let first = sqlx::query(
            "INSERT INTO tracker_deliveries (source, delivery_id, received_at) VALUES ($1, $2, $3)
             ON CONFLICT (source, delivery_id) DO NOTHING",
        )
        .bind(&close.source)
        .bind(&close.delivery)
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        if !first {
            tx.commit().await?;
            return Ok(TrackerOutcome {
                replayed: true,
                moved: Vec::new(),
            });
        }
        let mut ids = Vec::new();
        for key in &close.keys {
            let rows = sqlx::query(
                "SELECT id FROM action_items WHERE ticket_key = $1 AND status IN ($2, $3)
                 ORDER BY created_at, id",
            )
            .bind(key)
            .bind(ActionStatus::Planned.as_str())
            .bind(ActionStatus::InProgress.as_str())
            .fetch_all(tx.conn())
            .await?;
            for row in rows {
                let id: String = row.try_get("id")?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let actor = Actor {
            name: close.source.clone(),
            role: "tracker".into(),
        };
        let mut moved = Vec::new();
        for id in ids {
            let Some(mut item) = fetch(tx.conn(), &id).await? else {
                continue;
            };
            let reason = format!(
                "{} reported {} closed{}",
                close.source,
                close.issue,
                close
                    .closed_by
                    .as_deref()
                    .map(|by| format!(" by {by}"))
                    .unwrap_or_default()
            );
            record_move(
                tx.conn(),
                &mut item,
                ActionStatus::Done,
                Some(reason),
                &actor,
                now,
                |detail| detail["delivery"] = serde_json::json!(close.delivery),
            )
            .await?;
            moved.push(item);
        }
        tx.commit().await?;
        Ok(TrackerOutcome {
            replayed: false,
            moved,
        })
    }
}
