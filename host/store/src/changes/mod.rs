//! Changes (deploys, rollbacks, config, feature flags, infrastructure, freezes), kept per
//! service rather than per incident. An incident's timeline shows every change made from
//! [`SHOWN_BEFORE_START_MS`] before it started until it ended, or, while it is open, until
//! [`SHOWN_AFTER_LAST_EVENT_MS`] after its latest event (so an incident left open and forgotten
//! does not gather every later change): the changes are read into the timeline, never copied,
//! so an incident opened later still sees an earlier deploy and a change stored while an
//! incident is active appears in it at once.
//!
//! A change's id is the source's, so storing it again (a webhook redelivered, a file imported
//! twice) stores nothing: [`Store::add_change`] says whether it was new. A change stored while
//! a freeze is in force for its service (or for every service) carries that freeze's id.

mod model;

use sqlx::Row as _;
use sqlx::any::AnyRow;

pub use model::{Change, ChangeKind, EVENT_PREFIX};

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::limits::{MAX_EVENT_TEXT, MAX_NAME, check_len};
use crate::model::{Incident, TimelineEvent, check_id};
use crate::store::Store;

/// How long before an incident's start its timeline shows changes: two hours.
pub const SHOWN_BEFORE_START_MS: i64 = 2 * 60 * 60 * 1000;

/// How long after an open incident's latest event (or its start) its timeline shows changes.
pub const SHOWN_AFTER_LAST_EVENT_MS: i64 = 2 * 60 * 60 * 1000;

/// Longest link to a change (a URL).
pub const MAX_LINK: usize = 2048;

/// Longest summary of a change (one line about it).
pub const MAX_SUMMARY: usize = 1024;

// A change's timeline text (its fields and their labels) always fits an event's text.
const _: () = assert!(MAX_SUMMARY + 8 * MAX_NAME + MAX_LINK < MAX_EVENT_TEXT);

const COLUMNS: &str =
    "id, kind, service, environment, actor, at, revision, link, summary, source, freeze_id";

impl Change {
    /// Refuses a change whose fields are out of bounds, naming the field.
    pub fn check(&self) -> Result<()> {
        check_id("id", &self.id)?;
        for (field, value) in [
            ("service", &self.service),
            ("environment", &self.environment),
            ("actor", &self.actor),
            ("revision", &self.revision),
            ("source", &self.source),
        ] {
            check_len(field, value, MAX_NAME)?;
        }
        check_len("link", &self.link, MAX_LINK)?;
        check_len("summary", &self.summary, MAX_SUMMARY)?;
        if self.service.trim().is_empty() && !self.kind.is_freeze() {
            return Err(Error::invalid(
                "service",
                format!(
                    "must not be empty for a `{}` (only a freeze may cover every service)",
                    self.kind.as_str()
                ),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Stores a change unless one with its id is stored already; `true` when it was new. The
    /// freeze in force for it is looked up and kept with it (its `freeze` field is ignored).
    pub async fn add_change(&self, change: &Change) -> Result<bool> {
        change.check()?;
        let received_at = self.now();
        let mut tx = self.db().write().await?;
        let freeze = if change.kind.is_freeze() {
            String::new()
        } else {
            freeze_in_force(tx.conn(), &change.service, change.at).await?
        };
        let sql = format!(
            "INSERT INTO changes ({COLUMNS}, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO NOTHING RETURNING id"
        );
        let inserted = sqlx::query(&sql)
            .bind(&change.id)
            .bind(change.kind.as_str())
            .bind(&change.service)
            .bind(&change.environment)
            .bind(&change.actor)
            .bind(change.at)
            .bind(&change.revision)
            .bind(&change.link)
            .bind(&change.summary)
            .bind(&change.source)
            .bind(&freeze)
            .bind(received_at)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        tx.commit().await?;
        Ok(inserted)
    }

    /// A change by id.
    pub async fn change(&self, id: &str) -> Result<Option<Change>> {
        let sql = format!("SELECT {COLUMNS} FROM changes WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.db().pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Changes with `since <= at <= until`, oldest first, every service.
    pub async fn changes_between(&self, since: Timestamp, until: Timestamp) -> Result<Vec<Change>> {
        let sql =
            format!("SELECT {COLUMNS} FROM changes WHERE at >= $1 AND at <= $2 ORDER BY at, id");
        let rows = sqlx::query(&sql)
            .bind(since)
            .bind(until)
            .fetch_all(&self.db().pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// The changes an incident's timeline shows between `since` and `until`, as events.
    pub(crate) async fn change_events(
        &self,
        incident: &Incident,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<TimelineEvent>> {
        let from = since.max(incident.started.saturating_sub(SHOWN_BEFORE_START_MS));
        let end = match incident.ended {
            Some(ended) => ended,
            None => latest_event(&self.db().pool, &incident.id)
                .await?
                .unwrap_or(incident.started)
                .max(incident.started)
                .saturating_add(SHOWN_AFTER_LAST_EVENT_MS),
        };
        let to = until.min(end);
        if from > to {
            return Ok(Vec::new());
        }
        let changes = self.changes_between(from, to).await?;
        Ok(changes.iter().map(Change::timeline_event).collect())
    }
}

/// The time of the incident's latest timeline event, if it has one.
async fn latest_event(pool: &sqlx::AnyPool, incident_id: &str) -> Result<Option<Timestamp>> {
    let row = sqlx::query("SELECT MAX(at) AS latest FROM timeline_events WHERE incident_id = $1")
        .bind(incident_id)
        .fetch_one(pool)
        .await?;
    Ok(row.try_get::<Option<i64>, _>("latest")?)
}

/// The id of the freeze in force for `service` at `at`: the latest freeze event at or before
/// it, for this service or every service, when that event declared one.
async fn freeze_in_force(
    conn: &mut sqlx::AnyConnection,
    service: &str,
    at: Timestamp,
) -> Result<String> {
    let row = sqlx::query(
        "SELECT id, kind FROM changes
         WHERE kind IN ('freeze-start', 'freeze-end') AND (service = $1 OR service = '') AND at <= $2
         ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(service)
    .bind(at)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(row) if row.try_get::<String, _>("kind")? == "freeze-start" => row.try_get("id")?,
        _ => String::new(),
    })
}

fn from_row(row: &AnyRow) -> Result<Change> {
    let kind: String = row.try_get("kind")?;
    Ok(Change {
        id: row.try_get("id")?,
        kind: ChangeKind::parse(&kind)
            .ok_or_else(|| Error::corrupt("changes", format!("unknown kind `{kind}`")))?,
        service: row.try_get("service")?,
        environment: row.try_get("environment")?,
        actor: row.try_get("actor")?,
        at: row.try_get("at")?,
        revision: row.try_get("revision")?,
        link: row.try_get("link")?,
        summary: row.try_get("summary")?,
        source: row.try_get("source")?,
        freeze: row.try_get("freeze_id")?,
    })
}
