//! Keeping a postmortem's action items. Recording the same postmortem again keeps the items
//! already there, with their status: an item is the same promise when its postmortem and its
//! text are. Approved drafts are recorded in the approval's transaction (`source` =
//! `proposal`); imported postmortems (`rhyme corpus import`) through
//! [`Store::record_imported_action_items`] (`source` = `import`, the postmortem being the
//! corpus id).

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::ids::new_id;
use crate::limits::{MAX_NAME, check_len};
use crate::roles::Actor;
use crate::store::Store;

use super::ActionStatus;

/// Longest item text kept, in characters.
pub const MAX_ITEM_TEXT: usize = 4096;

/// An item as read from a postmortem: what is recorded, and what a stored
/// [`ActionItem`](super::ActionItem) keeps of it beside its status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NewActionItem {
    /// The 1-based line of the postmortem the item is on.
    pub line: i64,
    /// The item as written.
    pub text: String,
    /// The owner's name or handle, as written.
    pub owner: Option<String>,
    /// The concrete main verb.
    pub verb: Option<String>,
    /// The tracker reference as written (`OPS-12`, an issue link, `#12`).
    pub ticket: Option<String>,
    /// The deadline as written.
    pub deadline: Option<String>,
    /// The end of the deadline's last day (UTC), in milliseconds since the Unix epoch; `None`
    /// when the deadline names no dated day.
    pub due_at: Option<Timestamp>,
    /// The elements of the five-element spec the item lacks (owner, verb, outcome, ticket,
    /// deadline), in spec order; empty for a complete item.
    pub missing: Vec<String>,
}

/// The items read from one imported postmortem.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportedActionItems {
    /// The postmortem's corpus id: the items' postmortem.
    pub postmortem: String,
    /// The incident of this store it is about, when it names one.
    pub incident: Option<String>,
    /// The items as the review lint read them, complete or not.
    pub items: Vec<NewActionItem>,
}

/// What recording imported postmortems' items did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportedRecorded {
    /// Items newly kept (those already kept from an earlier import are left as they are).
    pub new: usize,
    /// Of the items read, those lacking one of the five elements (kept, flagged).
    pub incomplete: usize,
    /// Postmortems whose items were not kept because they name an incident whose approved
    /// postmortem draft already had its items kept: the same promises, not new ones.
    pub kept_at_approval: Vec<String>,
}

impl Store {
    /// Keeps the action items read from imported postmortems, in one transaction, each
    /// linked to its postmortem and (when it names one) its incident and that incident's
    /// service. An item missing elements is kept and flagged; one already kept is left with
    /// its status. A postmortem about an incident whose approved draft's items were kept
    /// adds nothing (the promises are those). One audit entry per postmortem with new items.
    pub async fn record_imported_action_items(
        &self,
        actor: &Actor,
        imported: &[ImportedActionItems],
    ) -> Result<ImportedRecorded> {
        let now = self.now();
        let mut recorded = ImportedRecorded::default();
        let mut tx = self.db().write().await?;
        for doc in imported.iter().filter(|d| !d.items.is_empty()) {
            let mut service = None;
            if let Some(incident) = &doc.incident {
                let approved = sqlx::query(
                    "SELECT id FROM action_items WHERE incident_id = $1 AND source = 'proposal' LIMIT 1",
                )
                .bind(incident)
                .fetch_optional(tx.conn())
                .await?;
                if approved.is_some() {
                    recorded.kept_at_approval.push(doc.postmortem.clone());
                    continue;
                }
                service = sqlx::query("SELECT service FROM incidents WHERE id = $1")
                    .bind(incident)
                    .fetch_optional(tx.conn())
                    .await?
                    .map(|row| row.try_get::<String, _>("service"))
                    .transpose()?;
            }
            let origin = Origin {
                postmortem: &doc.postmortem,
                source: "import",
                incident: doc.incident.as_deref(),
                service: service.as_deref(),
            };
            recorded.new += record_in(tx.conn(), now, actor, origin, &doc.items).await?;
            recorded.incomplete += doc.items.iter().filter(|i| !i.missing.is_empty()).count();
        }
        tx.commit().await?;
        Ok(recorded)
    }
}

/// Where the items come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub postmortem: &'a str,
    pub source: &'a str,
    pub incident: Option<&'a str>,
    pub service: Option<&'a str>,
}

/// The ticket as trackers name it, for matching their webhooks: an issue key upper-cased
/// (`ops-12` → `OPS-12`), a Jira browse link as its key, any other link lower-cased without
/// its scheme, query, fragment and trailing slash. A bare `#12` names no repository: `None`.
///
/// ```
/// use rhyme_store::actions::ticket_key;
/// assert_eq!(ticket_key("ops-12").as_deref(), Some("OPS-12"));
/// assert_eq!(ticket_key("https://acme.atlassian.net/browse/OPS-12").as_deref(), Some("OPS-12"));
/// assert_eq!(ticket_key("https://GitHub.com/acme/api/issues/7/").as_deref(), Some("github.com/acme/api/issues/7"));
/// assert_eq!(ticket_key("#12"), None);
/// ```
pub fn ticket_key(ticket: &str) -> Option<String> {
    let ticket = ticket
        .trim()
        .trim_matches(|c| matches!(c, '(' | ')' | '<' | '>' | '[' | ']'));
    if ticket.starts_with('#') || ticket.is_empty() {
        return None;
    }
    if let Some((_, key)) = ticket.split_once("/browse/") {
        let key = key.split(['/', '?', '#']).next().unwrap_or(key);
        return Some(key.to_ascii_uppercase());
    }
    if ticket.contains('/') {
        let link = ticket.split_once("://").map_or(ticket, |(_, rest)| rest);
        let link = link.split(['?', '#']).next().unwrap_or(link);
        return Some(link.trim_end_matches('/').to_ascii_lowercase());
    }
    Some(ticket.to_ascii_uppercase())
}

/// Stores `items` inside the caller's transaction, skipping those already kept, and writes
/// one audit entry for the postmortem naming how many were new and which lack elements.
pub(crate) async fn record_in(
    conn: &mut AnyConnection,
    now: Timestamp,
    actor: &Actor,
    origin: Origin<'_>,
    items: &[NewActionItem],
) -> Result<usize> {
    let mut new = 0;
    let mut incomplete = Vec::new();
    for (i, item) in items.iter().enumerate() {
        check(i, item)?;
        let hit = sqlx::query(
            "INSERT INTO action_items (id, postmortem_id, source, incident_id, service, line, text,
             owner, verb, ticket, ticket_key, deadline, due_at, missing, status, status_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
             ON CONFLICT (postmortem_id, text) DO NOTHING",
        )
        .bind(new_id())
        .bind(origin.postmortem)
        .bind(origin.source)
        .bind(origin.incident)
        .bind(origin.service)
        .bind(item.line)
        .bind(&item.text)
        .bind(item.owner.as_deref())
        .bind(item.verb.as_deref())
        .bind(item.ticket.as_deref())
        .bind(item.ticket.as_deref().and_then(ticket_key))
        .bind(item.deadline.as_deref())
        .bind(item.due_at)
        .bind(item.missing.join(","))
        .bind(ActionStatus::Planned.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if hit == 1 {
            new += 1;
            if !item.missing.is_empty() {
                incomplete.push(serde_json::json!({"line": item.line, "missing": item.missing}));
            }
        }
    }
    if new > 0 {
        let detail = serde_json::json!({
            "source": origin.source,
            "incident": origin.incident,
            "items": new,
            "incomplete": incomplete,
        });
        append_in(
            conn,
            now,
            actor,
            "action-items.recorded",
            origin.postmortem,
            &detail,
        )
        .await?;
    }
    Ok(new)
}

fn check(i: usize, item: &NewActionItem) -> Result<()> {
    let field = |name: &str| format!("action_items[{i}].{name}");
    check_len(&field("text"), &item.text, MAX_ITEM_TEXT)?;
    for (name, value) in [
        ("owner", &item.owner),
        ("verb", &item.verb),
        ("deadline", &item.deadline),
    ] {
        if let Some(value) = value {
            check_len(&field(name), value, MAX_NAME)?;
        }
    }
    if let Some(ticket) = &item.ticket {
        check_len(&field("ticket"), ticket, MAX_ITEM_TEXT)?;
    }
    Ok(())
}
