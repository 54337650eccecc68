//! Reading and writing proposal and decision rows.

use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::error::{Error, Result};
use crate::model::PluginRef;

use super::{
    DecisionRecord, Gate, ProposalFilter, ProposalKind, ProposalState, StoredProposal, VerdictKind,
};

impl Gate {
    /// The proposal with this id.
    pub async fn proposal(&self, id: &str) -> Result<StoredProposal> {
        let mut conn = self.store.db().pool.acquire().await?;
        fetch(&mut conn, id)
            .await?
            .ok_or_else(|| Error::not_found("proposal", id))
    }

    /// Proposals, oldest first (the review queue order).
    pub async fn proposals(&self, filter: &ProposalFilter) -> Result<Vec<StoredProposal>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE ($1 = '' OR state = $1) AND ($2 = '' OR incident_id = $2)
             ORDER BY created_at, id"
        ))
        .bind(filter.state.map_or("", |s| s.as_str()))
        .bind(filter.incident.as_deref().unwrap_or(""))
        .fetch_all(&self.store.db().pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The decisions recorded on a proposal, oldest first.
    pub async fn decisions(&self, id: &str) -> Result<Vec<DecisionRecord>> {
        let rows = sqlx::query(
            "SELECT id, proposal_id, reviewer, verdict, revision, diff, reason, at
             FROM decisions WHERE proposal_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.store.db().pool)
        .await?;
        rows.iter().map(decision_from_row).collect()
    }
}

const SELECT: &str = "SELECT id, incident_id, plugin, plugin_version, kind, action, title,
    original_body, body, rationale, evidence, requested_by, state, revision, created_at,
    expires_at, decided_at FROM proposals";

pub(super) async fn fetch(conn: &mut AnyConnection, id: &str) -> Result<Option<StoredProposal>> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(super) async fn insert(conn: &mut AnyConnection, p: &StoredProposal) -> Result<()> {
    let evidence = serde_json::to_string(&p.evidence).expect("evidence serialises");
    sqlx::query(
        "INSERT INTO proposals (id, incident_id, plugin, plugin_version, kind, action, title,
         original_body, body, rationale, evidence, requested_by, state, revision, created_at,
         expires_at, decided_at, touched)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0)",
    )
    .bind(&p.id)
    .bind(&p.incident)
    .bind(&p.plugin.name)
    .bind(&p.plugin.version)
    .bind(p.kind.as_str())
    .bind(&p.action)
    .bind(&p.title)
    .bind(&p.original_body)
    .bind(&p.body)
    .bind(&p.rationale)
    .bind(evidence)
    .bind(&p.requested_by)
    .bind(p.state.as_str())
    .bind(p.revision)
    .bind(p.created_at)
    .bind(p.expires_at)
    .bind(p.decided_at)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<StoredProposal> {
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let evidence: String = row.try_get("evidence")?;
    Ok(StoredProposal {
        id: row.try_get("id")?,
        incident: row.try_get("incident_id")?,
        plugin: PluginRef {
            name: row.try_get("plugin")?,
            version: row.try_get("plugin_version")?,
        },
        kind: ProposalKind::parse(&kind)
            .ok_or_else(|| Error::corrupt("proposals", format!("unknown kind `{kind}`")))?,
        action: row.try_get("action")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        original_body: row.try_get("original_body")?,
        rationale: row.try_get("rationale")?,
        evidence: serde_json::from_str(&evidence).map_err(|e| Error::corrupt("proposals", e))?,
        requested_by: row.try_get("requested_by")?,
        state: ProposalState::parse(&state)
            .ok_or_else(|| Error::corrupt("proposals", format!("unknown state `{state}`")))?,
        revision: row.try_get("revision")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        decided_at: row.try_get("decided_at")?,
    })
}

fn decision_from_row(row: &AnyRow) -> Result<DecisionRecord> {
    let verdict: String = row.try_get("verdict")?;
    let verdict = match verdict.as_str() {
        "approve" => VerdictKind::Approve,
        "reject" => VerdictKind::Reject,
        other => {
            return Err(Error::corrupt(
                "decisions",
                format!("unknown verdict `{other}`"),
            ));
        }
    };
    Ok(DecisionRecord {
        id: row.try_get("id")?,
        proposal: row.try_get("proposal_id")?,
        reviewer: row.try_get("reviewer")?,
        verdict,
        revision: row.try_get("revision")?,
        diff: row.try_get("diff")?,
        reason: row.try_get("reason")?,
        at: row.try_get("at")?,
    })
}
