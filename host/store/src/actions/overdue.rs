//! Promises past their deadline, told to the next incident of the same service: when an
//! incident is first stored, the open items of earlier incidents of its service whose due day
//! has passed become one finding on it (kind `note`, subject `overdue-action-items`, from
//! `action-items`), in the same transaction, so every new incident is checked exactly once.

use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::clock::Timestamp;
use crate::error::Result;
use crate::findings;
use crate::model::{Finding, FindingKind, Incident, PluginRef};

use super::ActionStatus;
use super::read::fetch;

/// The finding's subject.
pub const SUBJECT: &str = "overdue-action-items";

/// The name findings about action items are stored under.
pub fn plugin() -> PluginRef {
    PluginRef {
        name: "action-items".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Raises the overdue finding on `incident` (just created) when its service has overdue items.
pub(crate) async fn raise_in(
    conn: &mut AnyConnection,
    now: Timestamp,
    incident: &Incident,
) -> Result<()> {
    if incident.service.trim().is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT id FROM action_items WHERE service = $1 AND status IN ($2, $3)
         AND due_at IS NOT NULL AND due_at < $4 AND (incident_id IS NULL OR incident_id <> $5)
         ORDER BY due_at, id",
    )
    .bind(&incident.service)
    .bind(ActionStatus::Planned.as_str())
    .bind(ActionStatus::InProgress.as_str())
    .bind(now)
    .bind(&incident.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        if let Some(item) = fetch(conn, &id).await? {
            let from = item.incident.as_deref().unwrap_or(&item.postmortem);
            lines.push(format!(
                "- {} [{}; {}; owner {}; ticket {}; due {}; from {}; item {}]",
                item.written.text,
                item.status,
                if item.written.missing.is_empty() {
                    "complete".to_string()
                } else {
                    format!("lacks {}", item.written.missing.join(", "))
                },
                item.written.owner.as_deref().unwrap_or("none named"),
                item.written.ticket.as_deref().unwrap_or("none"),
                item.written.deadline.as_deref().unwrap_or("?"),
                from,
                item.id,
            ));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    let count = lines.len();
    let finding = Finding {
        kind: FindingKind::Note,
        subject: SUBJECT.into(),
        title: format!(
            "{count} action item{} promised after earlier {} incidents {} overdue",
            if count == 1 { "" } else { "s" },
            incident.service,
            if count == 1 { "is" } else { "are" },
        ),
        detail: format!(
            "Still open past their deadline, on the same service:\n{}",
            lines.join("\n")
        ),
        evidence: Vec::new(),
        confidence: 1.0,
        at: None,
    };
    findings::insert_in(conn, now, &incident.id, &plugin(), &[finding]).await?;
    Ok(())
}
