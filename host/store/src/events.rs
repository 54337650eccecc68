//! Timeline events, stored in batches. The client picks each event's id, so a batch sent
//! twice (a retry after a lost answer) stores nothing new: ids already present are counted as
//! duplicates and acknowledged. A batch is validated whole before anything is written, and
//! written in one transaction, so a rejected batch changes nothing.

use std::collections::HashSet;

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Backend;
use crate::error::{Error, Result};
use crate::incidents;
use crate::jobs::{self, JobLease, JobWork, PluginJob};
use crate::limits::{MAX_EVENT_TEXT, MAX_NAME, check_len};
use crate::model::{TimelineEvent, check_id};
use crate::store::Store;

/// The most events one batch may carry.
pub const MAX_BATCH: usize = 10_000;

/// Rows per INSERT statement (8 parameters each, far below both databases' limits).
const ROWS_PER_STATEMENT: usize = 250;

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventBatch {
    /// Ids stored by this batch, in batch order: the events to run plugins on.
    pub stored: Vec<String>,
    /// Ids that were already stored (or repeated within the batch).
    pub duplicates: Vec<String>,
}

impl Store {
    /// Adds a batch of events to an incident.
    pub async fn add_events(
        &self,
        incident_id: &str,
        events: &[TimelineEvent],
    ) -> Result<EventBatch> {
        Ok(self.add_events_inner(incident_id, events, None).await?.0)
    }

    /// As [`Store::add_events`], and in the same transaction a plugin job for the events that
    /// were new (none when every event was a duplicate), leased to `lease`.
    pub async fn add_events_with_job(
        &self,
        incident_id: &str,
        events: &[TimelineEvent],
        lease: &JobLease,
        requested_by: Option<&str>,
    ) -> Result<(EventBatch, Option<PluginJob>)> {
        self.add_events_inner(incident_id, events, Some((lease, requested_by)))
            .await
    }

    async fn add_events_inner(
        &self,
        incident_id: &str,
        events: &[TimelineEvent],
        job: Option<(&JobLease, Option<&str>)>,
    ) -> Result<(EventBatch, Option<PluginJob>)> {
        validate(events)?;
        let received_at = self.now();
        let mut tx = self.db().write().await?;
        incidents::require(tx.conn(), incident_id).await?;
        let mut inserted = HashSet::new();
        let backend = self.db().backend;
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            let sql = insert_sql(backend, chunk.len());
            let mut query = sqlx::query(&sql);
            for event in chunk {
                query = query
                    .bind(incident_id)
                    .bind(&event.id)
                    .bind(event.at)
                    .bind(&event.actor)
                    .bind(&event.role)
                    .bind(&event.kind)
                    .bind(&event.text)
                    .bind(received_at);
            }
            for row in query.fetch_all(tx.conn()).await? {
                inserted.insert(row.try_get::<String, _>("id")?);
            }
        }
        // Checked after the insert, which alone tells new events from retried ones; returning
        // early drops the transaction, so nothing of the batch is kept (the count included).
        let held = add_to_count(tx.conn(), incident_id, inserted.len()).await?;
        check_total(
            incident_id,
            held,
            inserted.len(),
            self.limits().events_per_incident,
        )?;
        let batch = split(events, inserted);
        let job = match job {
            Some((lease, by)) if !batch.stored.is_empty() => {
                let work = JobWork::Events(batch.stored.clone());
                Some(jobs::insert_in(tx.conn(), received_at, lease, incident_id, work, by).await?)
            }
            _ => None,
        };
        tx.commit().await?;
        Ok((batch, job))
    }

    /// An incident's events with `since <= at <= until`, oldest first, the changes made in its
    /// window among them (see `changes`): the store reads only
    /// that stretch, so a plugin asking for the last hour of a long incident does not pay for
    /// all of it.
    pub async fn events_between(
        &self,
        incident_id: &str,
        since: crate::Timestamp,
        until: crate::Timestamp,
    ) -> Result<Vec<TimelineEvent>> {
        let incident = self.incident(incident_id).await?;
        let rows = sqlx::query(
            "SELECT id, at, actor, role, kind, text FROM timeline_events
             WHERE incident_id = $1 AND at >= $2 AND at <= $3 ORDER BY at, received_at, id",
        )
        .bind(incident_id)
        .bind(since)
        .bind(until)
        .fetch_all(&self.db().pool)
        .await?;
        let events = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        let changes = self.change_events(&incident, since, until).await?;
        Ok(with_changes(events, changes))
    }

    /// The events of `incident_id` among `ids` (those that exist), in no particular order: a
    /// stored plugin job names its events, and reading them back after a crash must not cost
    /// the whole timeline of a long incident once per job.
    pub async fn events_with_ids(
        &self,
        incident_id: &str,
        ids: &[String],
    ) -> Result<Vec<TimelineEvent>> {
        /// Ids bound per query, well under SQLite's and PostgreSQL's limits on parameters.
        const IDS_PER_QUERY: usize = 500;
        let mut conn = self.db().pool.acquire().await?;
        incidents::require(&mut conn, incident_id).await?;
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT id, at, actor, role, kind, text FROM timeline_events
                 WHERE incident_id = $1 AND id IN ({})",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(incident_id);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                found.push(from_row(&row)?);
            }
        }
        Ok(found)
    }

    /// An incident's timeline, oldest first, with the changes made in its window (see
    /// `changes`).
    pub async fn events(&self, incident_id: &str) -> Result<Vec<TimelineEvent>> {
        self.events_between(incident_id, crate::Timestamp::MIN, crate::Timestamp::MAX)
            .await
    }
}

/// The timeline's events and the changes shown in it, in time order (a change after the
/// events of the same millisecond).
fn with_changes(events: Vec<TimelineEvent>, changes: Vec<TimelineEvent>) -> Vec<TimelineEvent> {
    if changes.is_empty() {
        return events;
    }
    let mut all = events;
    all.extend(changes);
    all.sort_by_key(|e| e.at);
    all
}

fn validate(events: &[TimelineEvent]) -> Result<()> {
    if events.len() > MAX_BATCH {
        return Err(Error::invalid(
            "events",
            format!("more than {MAX_BATCH} in one batch"),
        ));
    }
    for (i, event) in events.iter().enumerate() {
        check_id(&format!("events[{i}].id"), &event.id)?;
        if event.kind.trim().is_empty() {
            return Err(Error::invalid(
                format!("events[{i}].kind"),
                "must not be empty",
            ));
        }
        for (name, value) in [
            ("actor", &event.actor),
            ("role", &event.role),
            ("kind", &event.kind),
        ] {
            check_len(&format!("events[{i}].{name}"), value, MAX_NAME)?;
        }
        check_len(&format!("events[{i}].text"), &event.text, MAX_EVENT_TEXT)?;
    }
    Ok(())
}

/// Adds `new` events to the incident's stored count (`incident_event_counts`, written only
/// here, in the transaction that stores them); how many it held before. Counting the
/// timeline instead cost a scan of every event the incident holds, once per batch, inside
/// the writer's turn. On PostgreSQL the row's lock also keeps two replicas' batches from
/// both passing the limit on the same count.
async fn add_to_count(
    conn: &mut sqlx::AnyConnection,
    incident_id: &str,
    new: usize,
) -> Result<usize> {
    let new = i64::try_from(new).unwrap_or(i64::MAX);
    let row = sqlx::query(
        "INSERT INTO incident_event_counts (incident_id, events) VALUES ($1, $2)
         ON CONFLICT (incident_id) DO UPDATE SET events = incident_event_counts.events + $2
         RETURNING events",
    )
    .bind(incident_id)
    .bind(new)
    .fetch_one(conn)
    .await?;
    let total = row.try_get::<i64, _>("events")?;
    Ok(usize::try_from(total - new).unwrap_or(0))
}

/// Refuses `new` events on top of the `held` ones when together they pass `limit`.
fn check_total(incident_id: &str, held: usize, new: usize, limit: usize) -> Result<()> {
    if held + new <= limit {
        return Ok(());
    }
    Err(Error::over_limit(
        "events",
        format!(
            "incident `{incident_id}` would hold {} events with this batch ({held} stored, {new} new); \
             the limit is {limit} per incident; nothing was stored",
            held + new
        ),
    ))
}

/// `INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING RETURNING id`: only the rows
/// actually inserted come back, which is how duplicates are told apart. Parameters as
/// [`Backend::params`] writes them (anonymous on SQLite).
fn insert_sql(backend: Backend, rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| format!("({})", backend.params(row * 8 + 1, 8)))
        .collect();
    format!(
        "INSERT INTO timeline_events (incident_id, id, at, actor, role, kind, text, received_at) VALUES {} ON CONFLICT (incident_id, id) DO NOTHING RETURNING id",
        values.join(", ")
    )
}

/// Splits the batch's ids into stored and duplicate; an id repeated inside the batch is
/// stored once and a duplicate after that.
fn split(events: &[TimelineEvent], mut inserted: HashSet<String>) -> EventBatch {
    let mut batch = EventBatch::default();
    for event in events {
        if inserted.remove(&event.id) {
            batch.stored.push(event.id.clone());
        } else {
            batch.duplicates.push(event.id.clone());
        }
    }
    batch
}

fn from_row(row: &AnyRow) -> Result<TimelineEvent> {
    Ok(TimelineEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        role: row.try_get("role")?,
        kind: row.try_get("kind")?,
        text: row.try_get("text")?,
        change: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows_on_postgres() {
        let sql = insert_sql(Backend::Postgres, 2);
        assert!(
            sql.contains("($1, $2, $3, $4, $5, $6, $7, $8), ($9, $10,"),
            "{sql}"
        );
        assert!(sql.ends_with("($9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (incident_id, id) DO NOTHING RETURNING id"));
    }

    #[test]
    fn placeholders_are_anonymous_on_sqlite() {
        let sql = insert_sql(Backend::Sqlite, 2);
        assert!(
            sql.contains("VALUES (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"),
            "{sql}"
        );
        assert!(!sql.contains('$'), "{sql}");
    }
}
