//! Reading action items: a filtered list, one item, and a service's overdue items.

use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::store::Store;

use super::{ActionItem, ActionStatus, NewActionItem};

const COLUMNS: &str = "id, postmortem_id, source, incident_id, service, line, text, owner, verb,
    ticket, deadline, due_at, missing, status, status_reason, status_by, status_at, created_at";

/// Which items to list; every field narrows, `None` leaves it open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    /// Items of this incident.
    pub incident: Option<String>,
    /// Items of this postmortem.
    pub postmortem: Option<String>,
    /// Items in this status.
    pub status: Option<ActionStatus>,
    /// Items of this service.
    pub service: Option<String>,
    /// Only open items whose due day is past at this time.
    pub overdue_at: Option<Timestamp>,
}

impl Store {
    /// The items `filter` lets through, oldest first.
    pub async fn action_items(&self, filter: &ActionFilter) -> Result<Vec<ActionItem>> {
        let conditions = [
            ("incident_id", filter.incident.as_deref()),
            ("postmortem_id", filter.postmortem.as_deref()),
            ("status", filter.status.map(ActionStatus::as_str)),
            ("service", filter.service.as_deref()),
        ];
        let given: Vec<(&str, &str)> = conditions
            .iter()
            .filter_map(|(column, value)| value.map(|v| (*column, v)))
            .collect();
        let mut sql = format!("SELECT {COLUMNS} FROM action_items");
        for (i, (column, _)) in given.iter().enumerate() {
            let joint = if i == 0 { " WHERE" } else { " AND" };
            sql.push_str(&format!("{joint} {column} = ${}", i + 1));
        }
        sql.push_str(" ORDER BY created_at, postmortem_id, line, id");
        let mut query = sqlx::query(&sql);
        for (_, value) in &given {
            query = query.bind(*value);
        }
        let rows = query.fetch_all(&self.db().pool).await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(match filter.overdue_at {
            Some(now) => items.into_iter().filter(|i| i.overdue_at(now)).collect(),
            None => items,
        })
    }

    /// One item; `NotFound` when there is none with that id.
    pub async fn action_item(&self, id: &str) -> Result<ActionItem> {
        let mut conn = self.db().pool.acquire().await?;
        fetch(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("action item", id))
    }
}

/// Item `id`, read inside the caller's connection or transaction.
pub(super) async fn fetch(conn: &mut AnyConnection, id: &str) -> Result<Option<ActionItem>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM action_items WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

fn from_row(row: &AnyRow) -> Result<ActionItem> {
    let status: String = row.try_get("status")?;
    let status =
        ActionStatus::parse("status", &status).map_err(|e| Error::corrupt("action_items", e))?;
    let missing: String = row.try_get("missing")?;
    Ok(ActionItem {
        id: row.try_get("id")?,
        postmortem: row.try_get("postmortem_id")?,
        source: row.try_get("source")?,
        incident: row.try_get("incident_id")?,
        service: row.try_get("service")?,
        written: NewActionItem {
            line: row.try_get("line")?,
            text: row.try_get("text")?,
            owner: row.try_get("owner")?,
            verb: row.try_get("verb")?,
            ticket: row.try_get("ticket")?,
            deadline: row.try_get("deadline")?,
            due_at: row.try_get("due_at")?,
            missing: missing
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect(),
        },
        status,
        status_reason: row.try_get("status_reason")?,
        status_by: row.try_get("status_by")?,
        status_at: row.try_get("status_at")?,
        created_at: row.try_get("created_at")?,
    })
}
