//! Proposals entering the gate.

use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::incidents;
use crate::model::check_id;
use crate::roles::Actor;

use super::{Gate, NewProposal, ProposalKind, ProposalState, StoredProposal};

/// The kind of a suggested action whose kind was not given: the `action` (or `kind`) field
/// when the body is a JSON object, else `unspecified` (which a two-person rule of `*` covers).
///
/// ```
/// use rhyme_store::approval::suggested_action_kind;
/// assert_eq!(suggested_action_kind(r#"{"action": "rollback", "to": "v41"}"#), "rollback");
/// assert_eq!(suggested_action_kind("restart the pods"), "unspecified");
/// ```
pub fn suggested_action_kind(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    parsed
        .as_ref()
        .and_then(|v| v.get("action").or_else(|| v.get("kind")))
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map_or_else(|| "unspecified".to_string(), |s| s.trim().to_lowercase())
}

impl Gate {
    /// Queues a proposal; it starts pending.
    pub async fn propose(&self, new: NewProposal) -> Result<StoredProposal> {
        let proposal = self.prepare(new)?;
        let mut tx = self.store.db().write().await?;
        insert_in(tx.conn(), &proposal).await?;
        tx.commit().await?;
        Ok(proposal)
    }

    /// Checks a new proposal and gives it its id, state and expiry, without storing it.
    pub(crate) fn prepare(&self, new: NewProposal) -> Result<StoredProposal> {
        validate(&new)?;
        let now = self.store.now();
        Ok(StoredProposal {
            id: new_id(),
            action: action_of(&new),
            incident: new.incident,
            plugin: new.plugin,
            kind: new.proposal.kind,
            title: new.proposal.title,
            body: new.proposal.body.clone(),
            original_body: new.proposal.body,
            rationale: new.proposal.rationale,
            evidence: new.proposal.evidence,
            requested_by: new.requested_by,
            state: ProposalState::Pending,
            revision: 1,
            created_at: now,
            expires_at: self.config.expiry_ms.map(|ms| now.saturating_add(ms)),
            decided_at: None,
        })
    }
}

/// Stores a prepared proposal and its audit entry inside the caller's transaction.
pub(crate) async fn insert_in(conn: &mut AnyConnection, proposal: &StoredProposal) -> Result<()> {
    if let Some(incident) = &proposal.incident {
        incidents::require(conn, incident).await?;
    }
    super::read::insert(conn, proposal).await?;
    let detail = serde_json::json!({
        "kind": proposal.kind.as_str(),
        "action": proposal.action,
        "incident": proposal.incident,
        "requested_by": proposal.requested_by,
    });
    let actor = Actor::plugin(&proposal.plugin);
    append_in(
        conn,
        proposal.created_at,
        &actor,
        "proposal.create",
        &proposal.id,
        &detail,
    )
    .await?;
    Ok(())
}

fn action_of(new: &NewProposal) -> String {
    if new.proposal.kind != ProposalKind::SuggestedAction {
        return String::new();
    }
    match &new.action {
        Some(action) => action.trim().to_lowercase(),
        None => suggested_action_kind(&new.proposal.body),
    }
}

fn validate(new: &NewProposal) -> Result<()> {
    check_id("plugin.name", &new.plugin.name)?;
    check_id("plugin.version", &new.plugin.version)?;
    if new.proposal.title.trim().is_empty() {
        return Err(Error::invalid("proposal.title", "must not be empty"));
    }
    if new.proposal.body.trim().is_empty() {
        return Err(Error::invalid("proposal.body", "must not be empty"));
    }
    if let Some(action) = &new.action {
        check_id("action", action)?;
    }
    Ok(())
}
