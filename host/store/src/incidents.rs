//! Incidents, and the outside keys (an Alertmanager group key, a Slack channel) bound to them.

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::append_and_commit;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::jobs::{self, JobLease, JobWork, PluginJob};
use crate::limits::{MAX_NAME, MAX_TITLE, check_len};
use crate::model::{Incident, check_id};
use crate::roles::Actor;
use crate::store::Store;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Put {
    /// Nothing was stored under this id (or, for a postmortem, its URL); the record was added.
    Created,
    /// A record was there with different fields; it was overwritten.
    Updated,
    /// The same record was stored already (a retried request).
    Unchanged,
}

/// Which incidents to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct IncidentFilter {
    /// Only incidents without an end.
    pub open_only: bool,
    /// At most this many, newest first; 0 means no limit.
    pub limit: u32,
}

impl Store {
    /// Stores a new incident. Sending the same incident again is acknowledged (`Unchanged`);
    /// a different incident under an id in use is a `Conflict`.
    pub async fn insert_incident(&self, incident: &Incident) -> Result<Put> {
        Ok(self.write_incident(incident, false, None).await?.0)
    }

    /// As [`Store::insert_incident`], and when the incident is created, in the same
    /// transaction a plugin job of `work` leased to `lease` (the seen-before finding of a new
    /// incident), so a crash right after the answer loses no work.
    pub async fn insert_incident_with_job(
        &self,
        incident: &Incident,
        work: JobWork,
        lease: &JobLease,
    ) -> Result<(Put, Option<PluginJob>)> {
        self.write_incident(incident, false, Some((work, lease)))
            .await
    }

    /// Stores an incident, replacing the one with the same id.
    pub async fn put_incident(&self, incident: &Incident) -> Result<Put> {
        Ok(self.write_incident(incident, true, None).await?.0)
    }

    /// The incident with this id.
    pub async fn incident(&self, id: &str) -> Result<Incident> {
        let mut conn = self.db().pool.acquire().await?;
        fetch(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("incident", id))
    }

    /// Incidents, most recently started first.
    pub async fn incidents(&self, filter: IncidentFilter) -> Result<Vec<Incident>> {
        let open = if filter.open_only {
            "WHERE ended IS NULL"
        } else {
            ""
        };
        let limit = if filter.limit == 0 {
            i64::MAX
        } else {
            i64::from(filter.limit)
        };
        let rows = sqlx::query(&format!(
            "{SELECT} {open} ORDER BY started DESC, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Marks an incident ended at `at`.
    pub async fn end_incident(&self, id: &str, at: Timestamp) -> Result<Incident> {
        let mut incident = self.incident(id).await?;
        incident.ended = Some(at);
        self.put_incident(&incident).await?;
        Ok(incident)
    }

    /// Clears an ended incident's end, and in the same transaction writes `incident.reopen`
    /// to the audit log with the end that was cleared and `why`. An incident that is open
    /// already is left alone and nothing is audited, so two notifications racing to reopen it
    /// leave one entry. Returns the incident as it is now and whether this call reopened it.
    pub async fn reopen_incident(
        &self,
        id: &str,
        by: &Actor,
        why: &serde_json::Value,
    ) -> Result<(Incident, bool)> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        let mut incident = fetch(tx.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("incident", id))?;
        let Some(ended) = incident.ended.take() else {
            return Ok((incident, false));
        };
        update(tx.conn(), &incident, now).await?;
        let detail = serde_json::json!({ "ended": ended, "why": why });
        append_and_commit(tx, now, by, "incident.reopen", id, &detail).await?;
        Ok((incident, true))
    }

    /// Binds an outside key to an incident; a key bound before now points at the new one.
    pub async fn bind(&self, source: &str, key: &str, incident_id: &str) -> Result<()> {
        check_id("source", source)?;
        if key.is_empty() {
            return Err(Error::invalid("key", "must not be empty"));
        }
        let mut tx = self.db().write().await?;
        if fetch(tx.conn(), incident_id).await?.is_none() {
            return Err(Error::not_found("incident", incident_id));
        }
        sqlx::query(
            "INSERT INTO incident_bindings (source, key, incident_id, bound_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (source, key) DO UPDATE
             SET incident_id = excluded.incident_id, bound_at = excluded.bound_at",
        )
        .bind(source)
        .bind(key)
        .bind(incident_id)
        .bind(self.now())
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// The incident an outside key is bound to.
    pub async fn bound_incident(&self, source: &str, key: &str) -> Result<Option<String>> {
        let row =
            sqlx::query("SELECT incident_id FROM incident_bindings WHERE source = $1 AND key = $2")
                .bind(source)
                .bind(key)
                .fetch_optional(&self.db().pool)
                .await?;
        Ok(row.map(|r| r.try_get("incident_id")).transpose()?)
    }

    async fn write_incident(
        &self,
        incident: &Incident,
        replace: bool,
        job: Option<(JobWork, &JobLease)>,
    ) -> Result<(Put, Option<PluginJob>)> {
        validate(incident)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        let put = match fetch(tx.conn(), &incident.id).await? {
            Some(stored) if &stored == incident => Put::Unchanged,
            Some(_) if !replace => {
                return Err(Error::conflict(format!(
                    "incident `{}` exists with different fields",
                    incident.id
                )));
            }
            Some(_) => {
                update(tx.conn(), incident, now).await?;
                Put::Updated
            }
            None => {
                insert(tx.conn(), incident, now).await?;
                crate::actions::overdue::raise_in(tx.conn(), now, incident).await?;
                Put::Created
            }
        };
        let job = match (put, job) {
            (Put::Created, Some((work, lease))) => {
                Some(jobs::insert_in(tx.conn(), now, lease, &incident.id, work, None).await?)
            }
            _ => None,
        };
        tx.commit().await?;
        Ok((put, job))
    }
}

fn validate(incident: &Incident) -> Result<()> {
    check_id("id", &incident.id)?;
    if incident.title.trim().is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    check_len("title", &incident.title, MAX_TITLE)?;
    check_len("severity", &incident.severity, MAX_NAME)?;
    check_len("service", &incident.service, MAX_NAME)?;
    match incident.ended {
        Some(ended) if ended < incident.started => {
            Err(Error::invalid("ended", "is before `started`"))
        }
        _ => Ok(()),
    }
}

pub(crate) const SELECT: &str =
    "SELECT id, title, severity, service, started, ended FROM incidents";

pub(crate) async fn fetch(conn: &mut AnyConnection, id: &str) -> Result<Option<Incident>> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// `NotFound` unless the incident exists.
pub(crate) async fn require(conn: &mut AnyConnection, id: &str) -> Result<()> {
    let row = sqlx::query("SELECT 1 AS one FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(|_| ())
        .ok_or_else(|| Error::not_found("incident", id))
}

async fn insert(conn: &mut AnyConnection, incident: &Incident, now: Timestamp) -> Result<()> {
    write(
        conn,
        "INSERT INTO incidents (id, title, severity, service, started, ended, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        incident,
        now,
    )
    .await
}

async fn update(conn: &mut AnyConnection, incident: &Incident, now: Timestamp) -> Result<()> {
    write(
        conn,
        "UPDATE incidents SET title = $2, severity = $3, service = $4, started = $5, ended = $6,
         updated_at = $7 WHERE id = $1",
        incident,
        now,
    )
    .await
}

/// Runs `sql` with the incident's fields bound as `$1`..`$6` (id, title, severity, service,
/// started, ended) and `now` as `$7`.
async fn write(
    conn: &mut AnyConnection,
    sql: &str,
    incident: &Incident,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(sql)
        .bind(&incident.id)
        .bind(&incident.title)
        .bind(&incident.severity)
        .bind(&incident.service)
        .bind(incident.started)
        .bind(incident.ended)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) fn from_row(row: &AnyRow) -> Result<Incident> {
    Ok(Incident {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        severity: row.try_get("severity")?,
        service: row.try_get("service")?,
        started: row.try_get("started")?,
        ended: row.try_get("ended")?,
    })
}
