//! What the cross-incident report reads, in one pass per table: the incidents that started in
//! a window, the few columns of their timeline events that the timing definitions look at, the
//! nudges fired on them, how the incident commanders answered those nudges, and every action
//! item. The figures themselves are computed elsewhere (`rhyme-report`), from this alone, so
//! they can be tested without a database.

use serde::Serialize;
use sqlx::AnyPool;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::actions::{ActionFilter, ActionItem};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::incidents;
use crate::model::Incident;
use crate::nudges::{Triage, triage_of};
use crate::store::Store;

/// One timeline event, reduced to what the timings need: no text, and the actor only where
/// it is an alerting system, so the report cannot quote or count people by accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventMark {
    /// The incident it belongs to.
    pub incident: String,
    /// When it happened, epoch milliseconds.
    pub at: Timestamp,
    /// The poster's incident role as stored (`ic`, `system`, ...; empty when unknown).
    pub role: String,
    /// The event's kind as stored (`alert`, `mitigation`, ...).
    pub kind: String,
    /// For an `alert` event, who sent it (Alertmanager, a monitor): the report counts alert
    /// sources to tell a rise in detection from a rise in incidents. `None` for any other kind.
    pub source: Option<String>,
}

/// One nudge finding: a pattern a detector fired on an incident at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NudgeFired {
    /// The incident it was fired on.
    pub incident: String,
    /// The anti-pattern's id (the finding's subject).
    pub pattern: String,
}

/// An incident commander's answer to a pattern's nudges on one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NudgeAnswer {
    /// The incident.
    pub incident: String,
    /// The anti-pattern's id.
    pub pattern: String,
    /// Acknowledged or muted.
    pub triage: Triage,
}

/// Everything the report is computed from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportInputs {
    /// Incidents that started in `[from, to)`, oldest first.
    pub incidents: Vec<Incident>,
    /// Incidents that started in the window of the same length just before, for the
    /// comparison of counts.
    pub previous: Vec<Incident>,
    /// The events of `incidents` and of `previous` (whose alert sources the report compares),
    /// by incident then time.
    pub events: Vec<EventMark>,
    /// The nudges fired on `incidents`.
    pub nudges: Vec<NudgeFired>,
    /// The answers recorded on `incidents`.
    pub answers: Vec<NudgeAnswer>,
    /// Every action item in the store: follow-through is about all promises still open, not
    /// only those of this window's incidents.
    pub actions: Vec<ActionItem>,
}

impl Store {
    /// The inputs of the report over incidents that started in `[from, to)`.
    pub async fn report_inputs(&self, from: Timestamp, to: Timestamp) -> Result<ReportInputs> {
        if to <= from {
            return Err(Error::invalid("to", "must be after from"));
        }
        let pool = &self.db().pool;
        let previous_from = from.saturating_sub(to - from);
        let by_start = format!(
            "{} WHERE started >= $1 AND started < $2 ORDER BY started, id",
            incidents::SELECT
        );
        let incidents = rows_between(pool, &by_start, from, to, incidents::from_row).await?;
        let previous =
            rows_between(pool, &by_start, previous_from, from, incidents::from_row).await?;
        // The joins keep each read to this window's incidents, however large the store.
        const IN_WINDOW: &str = "JOIN incidents i ON i.id = t.incident_id
             WHERE i.started >= $1 AND i.started < $2";
        let events_sql = format!(
            "SELECT t.incident_id, t.at, t.role, t.kind, t.actor FROM timeline_events t {IN_WINDOW}
             ORDER BY t.incident_id, t.at, t.received_at, t.id"
        );
        let events = rows_between(pool, &events_sql, previous_from, to, |row| {
            let kind: String = row.try_get("kind")?;
            let actor: String = row.try_get("actor")?;
            let source = (kind.trim().eq_ignore_ascii_case("alert") && !actor.trim().is_empty())
                .then_some(actor);
            Ok(EventMark {
                incident: row.try_get("incident_id")?,
                at: row.try_get("at")?,
                role: row.try_get("role")?,
                kind,
                source,
            })
        })
        .await?;
        let nudges_sql = format!(
            "SELECT t.incident_id, t.subject FROM findings t {IN_WINDOW} AND t.kind = 'nudge'
             ORDER BY t.incident_id, t.subject, t.created_at"
        );
        let nudges = rows_between(pool, &nudges_sql, from, to, |row| {
            Ok(NudgeFired {
                incident: row.try_get("incident_id")?,
                pattern: row.try_get("subject")?,
            })
        })
        .await?;
        let answers_sql = format!(
            "SELECT t.incident_id, t.pattern, t.state FROM nudge_triage t {IN_WINDOW}
             ORDER BY t.incident_id, t.pattern"
        );
        let answers = rows_between(pool, &answers_sql, from, to, |row| {
            Ok(NudgeAnswer {
                incident: row.try_get("incident_id")?,
                pattern: row.try_get("pattern")?,
                triage: triage_of(row)?,
            })
        })
        .await?;
        let actions = self.action_items(&ActionFilter::default()).await?;
        Ok(ReportInputs {
            incidents,
            previous,
            events,
            nudges,
            answers,
            actions,
        })
    }
}

/// Runs `sql`, whose `$1` and `$2` are the window's bounds `[lo, hi)`, and reads each row
/// with `read`: every read of the report is one such query.
async fn rows_between<T>(
    pool: &AnyPool,
    sql: &str,
    lo: Timestamp,
    hi: Timestamp,
    read: impl Fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    sqlx::query(sql)
        .bind(lo)
        .bind(hi)
        .fetch_all(pool)
        .await?
        .iter()
        .map(read)
        .collect()
}
