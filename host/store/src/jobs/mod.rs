//! Plugin jobs: the plugin runs owed for stored events and series, kept in the database so
//! that a crash between the acknowledgement and the plugin calls loses nothing.
//!
//! A job row is written in the same transaction as the write it belongs to
//! ([`Store::add_events_with_job`], [`Store::put_series_with_job`]), leased to the replica
//! that wrote it. The replica renews its leases while it works ([`Store::renew_plugin_jobs`])
//! and deletes a job when every plugin was called on it ([`Store::finish_plugin_job`]). Rows
//! whose lease ran out — their replica died — are taken over by [`Store::claim_plugin_jobs`].
//! Each plugin's results are stored together with a step marker
//! ([`crate::Gate::store_plugin_output`]), so a job run twice stores nothing twice.

mod backlog;
mod output;
mod turn;

pub use backlog::Backlog;
pub use output::{JobStep, StepOutcome};
pub use turn::IncidentTurn;

use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::{new_id, random_hex};
use crate::store::Store;

/// What a job runs the plugins on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobWork {
    /// These stored timeline events, in batch order.
    Events(Vec<String>),
    /// The stored series of this name.
    Series(String),
    /// Ask seen-before about the incident and store its answer as a finding with this subject
    /// (`seen-before/opened`, `seen-before/after-signature`).
    SeenBefore(String),
}

/// A plugin job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginJob {
    /// The job's id, made by the store.
    pub id: String,
    /// The id of the incident the events or series belong to.
    pub incident: String,
    /// What the plugins are to be run on.
    pub work: JobWork,
    /// Who sent the write (a token's name), passed on to proposals.
    pub requested_by: Option<String>,
    /// Times a replica took it over after a lease ran out.
    pub attempts: i64,
}

/// Who holds new and claimed jobs, and for how long without renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    /// This replica, made unique per process: a restarted process must not think it still
    /// holds what its dead predecessor held.
    pub owner: String,
    /// How long a lease lasts without renewal, in milliseconds (at least 1).
    pub lease_ms: i64,
}

impl JobLease {
    /// A lease for this process, `lease_ms` long.
    pub fn new(lease_ms: i64) -> JobLease {
        JobLease {
            owner: format!("replica-{}", random_hex(8)),
            lease_ms: lease_ms.max(1),
        }
    }
}

impl Store {
    /// Writes a plugin job of its own (not tied to a write), leased to `lease`: work that a
    /// plugin's result calls for, such as asking seen-before again after a first signature.
    pub async fn add_plugin_job(
        &self,
        incident: &str,
        work: JobWork,
        lease: &JobLease,
    ) -> Result<PluginJob> {
        let now = self.now();
        let mut tx = self.db().write().await?;
        crate::incidents::require(tx.conn(), incident).await?;
        let job = insert_in(tx.conn(), now, lease, incident, work, None).await?;
        tx.commit().await?;
        Ok(job)
    }

    /// Takes over up to `limit` jobs whose lease ran out, oldest first, leasing them to `lease`.
    pub async fn claim_plugin_jobs(&self, lease: &JobLease, limit: u32) -> Result<Vec<PluginJob>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = self.now();
        let mut tx = self.db().write().await?;
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM plugin_jobs WHERE lease_until <= $1 ORDER BY created_at, id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            // Conditional, so that of two replicas claiming at once only one gets the row.
            let row = sqlx::query(
                "UPDATE plugin_jobs SET lease_owner = $2, lease_until = $3, attempts = attempts + 1
                 WHERE id = $1 AND lease_until <= $4
                 RETURNING id, incident_id, work, subjects, requested_by, attempts",
            )
            .bind(&id)
            .bind(&lease.owner)
            .bind(now.saturating_add(lease.lease_ms))
            .bind(now)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(row) = row {
                jobs.push(from_row(&row)?);
            }
        }
        tx.commit().await?;
        Ok(jobs)
    }

    /// Whether any job's lease has run out: what [`Store::claim_plugin_jobs`] would take
    /// over, asked without taking anything.
    pub async fn expired_plugin_jobs_exist(&self) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS hit FROM plugin_jobs WHERE lease_until <= $1 LIMIT 1")
            .bind(self.now())
            .fetch_optional(&self.db().pool)
            .await?;
        Ok(row.is_some())
    }

    /// Extends every lease `lease` holds; returns how many jobs it holds.
    pub async fn renew_plugin_jobs(&self, lease: &JobLease) -> Result<u64> {
        let until = self.now().saturating_add(lease.lease_ms);
        let mut tx = self.db().write().await?;
        let held = sqlx::query("UPDATE plugin_jobs SET lease_until = $2 WHERE lease_owner = $1")
            .bind(&lease.owner)
            .bind(until)
            .execute(tx.conn())
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(held)
    }

    /// Gives a job back, to be claimed again from `retry_at` (after a failure to store).
    pub async fn release_plugin_job(&self, id: &str, retry_at: Timestamp) -> Result<()> {
        let mut tx = self.db().write().await?;
        sqlx::query("UPDATE plugin_jobs SET lease_owner = NULL, lease_until = $2 WHERE id = $1")
            .bind(id)
            .bind(retry_at)
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// Deletes a job whose plugin calls are all done (with its step markers).
    pub async fn finish_plugin_job(&self, id: &str) -> Result<()> {
        self.finish_plugin_jobs(&[id.to_string()]).await
    }

    /// Deletes jobs whose plugin calls are all done (with their step markers), in one
    /// transaction: the worker settles the jobs of an incident's turn together.
    pub async fn finish_plugin_jobs(&self, ids: &[String]) -> Result<()> {
        /// Ids bound per statement, well under SQLite's and PostgreSQL's limits on parameters.
        const IDS_PER_STATEMENT: usize = 500;
        if ids.is_empty() {
            return Ok(());
        }
        let mut tx = self.db().write().await?;
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let marks = self.db().backend.params(1, chunk.len());
            // The steps first, explicitly rather than by ON DELETE CASCADE, which SQLite
            // honours only with foreign keys switched on for the connection.
            for sql in [
                format!("DELETE FROM plugin_job_steps WHERE job_id IN ({marks})"),
                format!("DELETE FROM plugin_jobs WHERE id IN ({marks})"),
            ] {
                let mut query = sqlx::query(&sql);
                for id in chunk {
                    query = query.bind(id);
                }
                query.execute(tx.conn()).await?;
            }
        }
        tx.commit().await
    }

    /// The (step, plugin) pairs of a job whose results are stored already.
    pub async fn plugin_job_steps(&self, id: &str) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query("SELECT step, plugin FROM plugin_job_steps WHERE job_id = $1")
            .bind(id)
            .fetch_all(&self.db().pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("step")?, r.try_get("plugin")?)))
            .collect()
    }

    /// Jobs not finished yet (for tests and the operator's view).
    pub async fn pending_plugin_jobs(&self) -> Result<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM plugin_jobs")
            .fetch_one(&self.db().pool)
            .await?;
        let n: i64 = row.try_get("n")?;
        Ok(n as u64)
    }
}

/// Writes a job inside the caller's transaction, leased to `lease`.
pub(crate) async fn insert_in(
    conn: &mut AnyConnection,
    now: Timestamp,
    lease: &JobLease,
    incident: &str,
    work: JobWork,
    requested_by: Option<&str>,
) -> Result<PluginJob> {
    let job = PluginJob {
        id: new_id(),
        incident: incident.to_string(),
        work,
        requested_by: requested_by.map(str::to_string),
        attempts: 0,
    };
    let (kind, subjects) = encode(&job.work);
    sqlx::query(
        "INSERT INTO plugin_jobs (id, incident_id, work, subjects, requested_by, created_at,
         attempts, lease_owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
    )
    .bind(&job.id)
    .bind(incident)
    .bind(kind)
    .bind(subjects)
    .bind(requested_by)
    .bind(now)
    .bind(&lease.owner)
    .bind(now.saturating_add(lease.lease_ms))
    .execute(conn)
    .await?;
    Ok(job)
}

fn encode(work: &JobWork) -> (&'static str, String) {
    let (kind, subjects) = match work {
        JobWork::Events(ids) => ("events", ids.clone()),
        JobWork::Series(name) => ("series", vec![name.clone()]),
        JobWork::SeenBefore(subject) => ("seen-before", vec![subject.clone()]),
    };
    (
        kind,
        serde_json::to_string(&subjects).expect("strings serialise"),
    )
}

fn from_row(row: &AnyRow) -> Result<PluginJob> {
    let kind: String = row.try_get("work")?;
    let subjects: String = row.try_get("subjects")?;
    let mut subjects: Vec<String> =
        serde_json::from_str(&subjects).map_err(|e| Error::corrupt("plugin_jobs", e))?;
    let work = match (kind.as_str(), subjects.len()) {
        ("events", _) => JobWork::Events(subjects),
        ("series", 1) => JobWork::Series(subjects.remove(0)),
        ("seen-before", 1) => JobWork::SeenBefore(subjects.remove(0)),
        _ => {
            return Err(Error::corrupt(
                "plugin_jobs",
                format!("work `{kind}` with {} subjects", subjects.len()),
            ));
        }
    };
    Ok(PluginJob {
        id: row.try_get("id")?,
        incident: row.try_get("incident_id")?,
        work,
        requested_by: row.try_get("requested_by")?,
        attempts: row.try_get("attempts")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_of_two_processes_differ() {
        assert_ne!(JobLease::new(1000).owner, JobLease::new(1000).owner);
    }

    #[test]
    fn work_is_stored_as_a_kind_and_a_list() {
        assert_eq!(
            encode(&JobWork::Series("rps".into())),
            ("series", r#"["rps"]"#.to_string())
        );
        assert_eq!(
            encode(&JobWork::Events(vec!["a".into(), "b".into()])).1,
            r#"["a","b"]"#
        );
    }
}
