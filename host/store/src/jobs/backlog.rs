//! The backlog of plugin jobs as an operator watches it: how many are owed, for how many
//! incidents, and since when. Read from the table rather than from one process's queue, so
//! it counts every replica's jobs and those a crashed process left behind.

use sqlx::Row as _;

use crate::clock::Timestamp;
use crate::error::Result;
use crate::store::Store;

/// Plugin jobs written and not yet finished, over every replica.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Jobs owed.
    pub jobs: u64,
    /// Incidents with at least one job owed: how widely a backlog is spread, without a
    /// metric per incident.
    pub incidents: u64,
    /// When the oldest job owed was written; `None` when nothing is owed.
    pub oldest_created_at: Option<Timestamp>,
}

impl Backlog {
    /// How long the oldest job has waited at `now`, in milliseconds; 0 when nothing is owed.
    pub fn oldest_age_ms(&self, now: Timestamp) -> i64 {
        self.oldest_created_at
            .map_or(0, |created| now.saturating_sub(created).max(0))
    }
}

impl Store {
    /// The backlog of plugin jobs, in one query (the table holds only what is owed, so it
    /// stays small while the host keeps up).
    pub async fn plugin_job_backlog(&self) -> Result<Backlog> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS jobs, COUNT(DISTINCT incident_id) AS incidents,
             MIN(created_at) AS oldest FROM plugin_jobs",
        )
        .fetch_one(&self.db().pool)
        .await?;
        let jobs: i64 = row.try_get("jobs")?;
        let incidents: i64 = row.try_get("incidents")?;
        Ok(Backlog {
            jobs: jobs.max(0) as u64,
            incidents: incidents.max(0) as u64,
            oldest_created_at: row.try_get("oldest")?,
        })
    }
}
