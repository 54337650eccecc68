//! "Not useful": a person's verdict on a nudge, given from its Slack message. Kept apart from
//! triage (acknowledge, mute), which decides what is shown; this says whether the pattern
//! helped, and is counted per pattern to judge the anti-pattern catalogue on real incidents.

use serde::Serialize;
use sqlx::Row as _;

use crate::audit::append_in;
use crate::error::Result;
use crate::incidents;
use crate::model::check_id;
use crate::roles::{Actor, Permission, Principal};
use crate::store::Store;

/// How many "not useful" verdicts a pattern has had, over all incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotUseful {
    /// The anti-pattern's id.
    pub pattern: String,
    /// Verdicts, one per person and incident at most.
    pub count: i64,
}

impl Store {
    /// Records that `who` found the nudge for `pattern` on `incident` not useful; saying it
    /// again changes nothing. Returns whether this was new.
    pub async fn nudge_not_useful(
        &self,
        who: &Principal,
        incident: &str,
        pattern: &str,
    ) -> Result<bool> {
        who.require(Permission::Read)?;
        check_id("pattern", pattern)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        incidents::require(tx.conn(), incident).await?;
        let added = sqlx::query(
            "INSERT INTO nudge_feedback (incident_id, pattern, by_name, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (incident_id, pattern, by_name) DO NOTHING",
        )
        .bind(incident)
        .bind(pattern)
        .bind(&who.name)
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected()
            == 1;
        if added {
            let detail = serde_json::json!({"pattern": pattern});
            append_in(
                tx.conn(),
                now,
                &Actor::from(who),
                "nudge.not_useful",
                incident,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// "Not useful" verdicts per pattern, most first.
    pub async fn nudges_not_useful(&self) -> Result<Vec<NotUseful>> {
        let rows = sqlx::query(
            "SELECT pattern, COUNT(*) AS n FROM nudge_feedback GROUP BY pattern
             ORDER BY n DESC, pattern",
        )
        .fetch_all(&self.db().pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(NotUseful {
                    pattern: row.try_get("pattern")?,
                    count: row.try_get("n")?,
                })
            })
            .collect()
    }
}
