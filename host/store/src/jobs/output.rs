//! Storing one plugin call's results: its findings and its proposals, in one transaction with
//! the job's step marker, so that results are stored exactly once however often the call runs.

use crate::approval::{Gate, NewProposal, propose};
use crate::error::Result;
use crate::findings::{self, FindingsAdded};
use crate::model::{Finding, PluginRef};

/// Which part of which job a call was: the job's id and the step (the event's place in the
/// batch; 0 for a series).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobStep<'a> {
    /// The id of the job.
    pub job: &'a str,
    /// The event's place in the job's batch (from 0), or 0 for a series.
    pub step: i64,
}

/// What storing a call's results did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Stored now: the findings (new and repeated) and the ids of the new proposals.
    Stored {
        /// The ids of the findings, split into new and already stored.
        findings: FindingsAdded,
        /// The ids of the proposals that entered the gate, in input order.
        proposals: Vec<String>,
    },
    /// This plugin's part of the job was stored before (by another replica, or before a
    /// crash), or the job is finished; nothing was written.
    AlreadyDone,
}

impl Gate {
    /// Stores what `plugin` returned for `incident`: findings, and proposals entering the gate.
    /// With a `step`, the results and the step's marker go in one transaction, and a step
    /// already marked (or of a job that no longer exists) stores nothing.
    pub async fn store_plugin_output(
        &self,
        step: Option<JobStep<'_>>,
        incident: &str,
        plugin: &PluginRef,
        findings: &[Finding],
        proposals: Vec<NewProposal>,
    ) -> Result<StepOutcome> {
        let prepared = proposals
            .into_iter()
            .map(|p| self.prepare(p))
            .collect::<Result<Vec<_>>>()?;
        let store = self.store();
        let now = store.now();
        let mut tx = store.db().write().await?;
        if let Some(step) = step {
            // INSERT ... SELECT with a WHERE (which SQLite needs before ON CONFLICT).
            let marked = sqlx::query(
                "INSERT INTO plugin_job_steps (job_id, step, plugin, done_at)
                 SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM plugin_jobs WHERE id = $1)
                 ON CONFLICT (job_id, step, plugin) DO NOTHING",
            )
            .bind(step.job)
            .bind(step.step)
            .bind(&plugin.name)
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
            if marked == 0 {
                return Ok(StepOutcome::AlreadyDone);
            }
        }
        let added = if findings.is_empty() {
            FindingsAdded::default()
        } else {
            findings::insert_in(tx.conn(), now, incident, plugin, findings).await?
        };
        for proposal in &prepared {
            propose::insert_in(tx.conn(), proposal).await?;
        }
        tx.commit().await?;
        Ok(StepOutcome::Stored {
            findings: added,
            proposals: prepared.into_iter().map(|p| p.id).collect(),
        })
    }
}
