//! An incident commander's answers to nudges: "acknowledged" (seen, stop repeating it) or
//! "muted" (not now, optionally until a time). Keyed by incident and anti-pattern, so the
//! host can ask before showing a nudge whether it is silenced.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::append_and_commit;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::incidents;
use crate::model::check_id;
use crate::roles::{Actor, Permission, Principal};
use crate::store::Store;

/// What the IC said about a nudge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Triage {
    /// Seen: the nudge stays hidden for the rest of the incident.
    Acknowledged,
    /// Not now: the nudge stays hidden until the mute ends, or for good if it has no end.
    Muted,
}

/// The IC's answer for one pattern of one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NudgeTriage {
    /// The id of the incident.
    pub incident: String,
    /// The anti-pattern's id (a nudge finding's subject, such as `update-black-hole`).
    pub pattern: String,
    /// Whether it was acknowledged or muted.
    pub triage: Triage,
    /// The name of the person who triaged it (their token's name).
    pub by: String,
    /// When they did, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// When a mute ends; `None` for an acknowledgement or an open-ended mute.
    pub until: Option<Timestamp>,
}

impl Store {
    /// Records that the IC has seen the nudge for `pattern`.
    pub async fn acknowledge_nudge(
        &self,
        who: &Principal,
        incident: &str,
        pattern: &str,
    ) -> Result<NudgeTriage> {
        self.triage(who, incident, pattern, Triage::Acknowledged, None)
            .await
    }

    /// Silences the nudge for `pattern`, until `until` if given.
    pub async fn mute_nudge(
        &self,
        who: &Principal,
        incident: &str,
        pattern: &str,
        until: Option<Timestamp>,
    ) -> Result<NudgeTriage> {
        if until.is_some_and(|until| until <= self.now()) {
            return Err(Error::invalid("until", "is not in the future"));
        }
        self.triage(who, incident, pattern, Triage::Muted, until)
            .await
    }

    /// Clears the IC's answer for `pattern`, so its nudges show again. `NotFound` when the
    /// pattern was neither acknowledged nor muted on this incident.
    pub async fn unmute_nudge(
        &self,
        who: &Principal,
        incident: &str,
        pattern: &str,
    ) -> Result<NudgeTriage> {
        who.require(Permission::TriageNudges)?;
        check_id("pattern", pattern)?;
        let mut tx = self.db().write().await?;
        incidents::require(tx.conn(), incident).await?;
        let row = sqlx::query(
            "SELECT incident_id, pattern, state, by_name, at, until FROM nudge_triage
             WHERE incident_id = $1 AND pattern = $2",
        )
        .bind(incident)
        .bind(pattern)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else {
            return Err(Error::not_found(
                "acknowledged or muted nudge pattern",
                pattern,
            ));
        };
        let cleared = from_row(&row)?;
        sqlx::query("DELETE FROM nudge_triage WHERE incident_id = $1 AND pattern = $2")
            .bind(incident)
            .bind(pattern)
            .execute(tx.conn())
            .await?;
        let detail = serde_json::json!({"pattern": pattern, "was": state_name(cleared.triage)});
        append_and_commit(
            tx,
            self.now(),
            &Actor::from(who),
            "nudge.unmuted",
            incident,
            &detail,
        )
        .await?;
        Ok(cleared)
    }

    /// The triage recorded for an incident, by pattern.
    pub async fn nudge_triage(&self, incident: &str) -> Result<Vec<NudgeTriage>> {
        let rows = sqlx::query(
            "SELECT incident_id, pattern, state, by_name, at, until FROM nudge_triage
             WHERE incident_id = $1 ORDER BY pattern",
        )
        .bind(incident)
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Whether a nudge for `pattern` should stay hidden now.
    pub async fn nudge_silenced(&self, incident: &str, pattern: &str) -> Result<bool> {
        let now = self.now();
        let triage = self.nudge_triage(incident).await?;
        Ok(triage
            .iter()
            .any(|t| t.pattern == pattern && t.until.is_none_or(|until| until > now)))
    }

    async fn triage(
        &self,
        who: &Principal,
        incident: &str,
        pattern: &str,
        triage: Triage,
        until: Option<Timestamp>,
    ) -> Result<NudgeTriage> {
        who.require(Permission::TriageNudges)?;
        check_id("pattern", pattern)?;
        let record = NudgeTriage {
            incident: incident.to_string(),
            pattern: pattern.to_string(),
            triage,
            by: who.name.clone(),
            at: self.now(),
            until,
        };
        let mut tx = self.db().write().await?;
        incidents::require(tx.conn(), incident).await?;
        sqlx::query(
            "INSERT INTO nudge_triage (incident_id, pattern, state, by_name, at, until)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (incident_id, pattern) DO UPDATE SET state = excluded.state,
             by_name = excluded.by_name, at = excluded.at, until = excluded.until",
        )
        .bind(incident)
        .bind(pattern)
        .bind(state_name(triage))
        .bind(&who.name)
        .bind(record.at)
        .bind(until)
        .execute(tx.conn())
        .await?;
        let detail = serde_json::json!({"pattern": pattern, "until": until});
        let action = format!("nudge.{}", state_name(triage));
        append_and_commit(tx, record.at, &Actor::from(who), &action, incident, &detail).await?;
        Ok(record)
    }
}

fn state_name(triage: Triage) -> &'static str {
    match triage {
        Triage::Acknowledged => "acknowledged",
        Triage::Muted => "muted",
    }
}

/// The triage a `nudge_triage` row's `state` names.
pub(crate) fn triage_of(row: &AnyRow) -> Result<Triage> {
    let state: String = row.try_get("state")?;
    match state.as_str() {
        "acknowledged" => Ok(Triage::Acknowledged),
        "muted" => Ok(Triage::Muted),
        other => Err(Error::corrupt(
            "nudge_triage",
            format!("unknown state `{other}`"),
        )),
    }
}

fn from_row(row: &AnyRow) -> Result<NudgeTriage> {
    let triage = triage_of(row)?;
    Ok(NudgeTriage {
        incident: row.try_get("incident_id")?,
        pattern: row.try_get("pattern")?,
        triage,
        by: row.try_get("by_name")?,
        at: row.try_get("at")?,
        until: row.try_get("until")?,
    })
}
