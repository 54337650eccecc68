//! Reviewers' decisions. Each runs in one write transaction that starts by writing the
//! proposal's row: on PostgreSQL that takes the row lock, so a second reviewer (or replica)
//! deciding the same proposal waits, then sees the first one's result; on SQLite the
//! transaction holds the database's write lock from its first statement.

use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::actions::record::{Origin, record_in};
use crate::audit::append_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::outbox;
use crate::roles::{Actor, Permission, Principal};

use super::{Decision, Gate, Outcome, ProposalKind, ProposalState, StoredProposal, Verdict};

/// Longest reason, edited body or revised text accepted, in bytes.
pub const MAX_TEXT: usize = 256 * 1024;

impl Gate {
    /// Approves the proposal as it stands.
    pub async fn approve(&self, who: &Principal, id: &str) -> Result<Decision> {
        self.decide(who, id, None, Verdict::Approve).await
    }

    /// Replaces the proposal's text with `body`, then approves it.
    pub async fn edit_and_approve(
        &self,
        who: &Principal,
        id: &str,
        body: &str,
    ) -> Result<Decision> {
        self.decide(
            who,
            id,
            None,
            Verdict::EditAndApprove {
                body: body.to_string(),
            },
        )
        .await
    }

    /// Rejects the proposal.
    pub async fn reject(&self, who: &Principal, id: &str, reason: &str) -> Result<Decision> {
        self.decide(
            who,
            id,
            None,
            Verdict::Reject {
                reason: reason.to_string(),
            },
        )
        .await
    }

    /// Records `who`'s verdict. `seen_revision`, when given, is the revision the reviewer was
    /// shown: if someone edited the text since, the answer is `Conflict` rather than an
    /// approval of words the reviewer never read.
    pub async fn decide(
        &self,
        who: &Principal,
        id: &str,
        seen_revision: Option<i64>,
        verdict: Verdict,
    ) -> Result<Decision> {
        who.require(Permission::Decide)?;
        validate(&verdict)?;
        let now = self.store.now();
        let mut tx = self.store.db().write().await?;
        let Some(proposal) = pending_in(tx.conn(), id, now, seen_revision).await? else {
            // Withdrawn for good: keep that, then refuse.
            tx.commit().await?;
            return Err(withdrawn(id));
        };
        let step = DecisionStep {
            conn: tx.conn(),
            who,
            now,
        };
        let decision = match verdict {
            Verdict::Approve => self.approve_in(step, proposal, None).await?,
            Verdict::EditAndApprove { body } => self.approve_in(step, proposal, Some(body)).await?,
            Verdict::Reject { reason } => reject_in(step, proposal, &reason).await?,
        };
        tx.commit().await?;
        Ok(decision)
    }

    async fn approve_in(
        &self,
        step: DecisionStep<'_>,
        mut proposal: StoredProposal,
        edit: Option<String>,
    ) -> Result<Decision> {
        let DecisionStep { conn, who, now } = step;
        if proposal.requested_by.as_deref() == Some(who.name.as_str()) {
            return Err(Error::forbidden(format!(
                "{} requested this proposal; another reviewer must approve it",
                who.name
            )));
        }
        let diff = match edit.filter(|body| *body != proposal.body) {
            Some(body) => Some(apply_edit(conn, &mut proposal, body).await?),
            None => None,
        };
        if approved_before(conn, &proposal, &who.name).await? {
            return Err(Error::conflict(format!(
                "{} already approved revision {}; it needs another reviewer",
                who.name, proposal.revision
            )));
        }
        insert_decision(
            conn,
            &proposal,
            &who.name,
            "approve",
            diff.as_deref(),
            None,
            now,
        )
        .await?;
        let approvers = approvers(conn, &proposal).await?;
        let need = self.config.approvals_needed(&proposal);
        let mut detail = serde_json::json!({
            "revision": proposal.revision,
            "diff": diff,
            "approvers": approvers,
            "need": need,
        });
        let outcome = if approvers.len() < need {
            Outcome::AwaitingReviewers {
                have: approvers.len(),
                need,
            }
        } else {
            finalise(conn, &mut proposal, ProposalState::Approved, now).await?;
            let action_items = self.keep_action_items(conn, who, &proposal, now).await?;
            let outbox = match self.config.publish_to(&proposal) {
                Some(sink) => Some(outbox::enqueue(conn, &proposal, sink, &approvers, now).await?),
                None => None,
            };
            detail["state"] = serde_json::json!({"before": "pending", "after": "approved"});
            detail["outbox"] = serde_json::json!(outbox);
            if let Some(kept) = action_items {
                detail["action_items"] = serde_json::json!(kept);
            }
            Outcome::Approved { outbox }
        };
        // One audit entry either way: the approval, with the state change when it was the last.
        append_in(
            conn,
            now,
            &Actor::from(who),
            "proposal.approve",
            &proposal.id,
            &detail,
        )
        .await?;
        Ok(Decision { proposal, outcome })
    }
}

impl Gate {
    /// Keeps an approved postmortem draft's action items, when the gate has a reader; the
    /// number newly kept, or `None` when this proposal has none to keep.
    async fn keep_action_items(
        &self,
        conn: &mut AnyConnection,
        who: &Principal,
        proposal: &StoredProposal,
        now: Timestamp,
    ) -> Result<Option<usize>> {
        let Some(reader) = self
            .action_items
            .as_ref()
            .filter(|_| proposal.kind == ProposalKind::DraftPostmortem)
        else {
            return Ok(None);
        };
        let items = (reader.0)(&proposal.body);
        let service = match &proposal.incident {
            Some(incident) => sqlx::query("SELECT service FROM incidents WHERE id = $1")
                .bind(incident)
                .fetch_optional(&mut *conn)
                .await?
                .map(|row| row.try_get::<String, _>("service"))
                .transpose()?,
            None => None,
        };
        let origin = Origin {
            postmortem: &proposal.id,
            source: "proposal",
            incident: proposal.incident.as_deref(),
            service: service.as_deref(),
        };
        record_in(conn, now, &Actor::from(who), origin, &items)
            .await
            .map(Some)
    }
}

/// What every step of a decision needs.
struct DecisionStep<'c> {
    conn: &'c mut AnyConnection,
    who: &'c Principal,
    now: Timestamp,
}

fn validate(verdict: &Verdict) -> Result<()> {
    let (field, text) = match verdict {
        Verdict::Approve => return Ok(()),
        Verdict::EditAndApprove { body } => ("body", body),
        Verdict::Reject { reason } => ("reason", reason),
    };
    check_text(field, text)
}

/// Refuses an empty `text`, or one longer than [`MAX_TEXT`], as `field`.
pub(super) fn check_text(field: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    crate::limits::check_len(field, text, MAX_TEXT)
}

/// Locks proposal `id` (see [`lock`]) and reads it back, refusing it unless it is still
/// pending and, when `seen_revision` is given, still at that revision. `None` means it had
/// expired and has just been withdrawn in `conn`: the caller commits that, then refuses with
/// [`withdrawn`].
pub(super) async fn pending_in(
    conn: &mut AnyConnection,
    id: &str,
    now: Timestamp,
    seen_revision: Option<i64>,
) -> Result<Option<StoredProposal>> {
    lock(conn, id).await?;
    let proposal = super::read::fetch(conn, id)
        .await?
        .ok_or_else(|| Error::not_found("proposal", id))?;
    if proposal.state != ProposalState::Pending {
        return Err(Error::AlreadyDecided {
            id: id.to_string(),
            state: proposal.state,
        });
    }
    if proposal.expires_at.is_some_and(|at| at <= now) {
        // Withdraw it for good; the caller refuses: the expiry has already happened.
        super::expiry::withdraw_in(conn, &proposal, now).await?;
        return Ok(None);
    }
    if let Some(seen) = seen_revision.filter(|seen| *seen != proposal.revision) {
        return Err(Error::conflict(format!(
            "the text changed since revision {seen}; it is now revision {}",
            proposal.revision
        )));
    }
    Ok(Some(proposal))
}

/// The refusal for a proposal [`pending_in`] found expired and withdrew.
pub(super) fn withdrawn(id: &str) -> Error {
    Error::AlreadyDecided {
        id: id.to_string(),
        state: ProposalState::Withdrawn,
    }
}

/// Writes the row first, which serialises deciders (see the module note).
async fn lock(conn: &mut AnyConnection, id: &str) -> Result<()> {
    let hit = sqlx::query("UPDATE proposals SET touched = touched + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    if hit == 0 {
        Err(Error::not_found("proposal", id))
    } else {
        Ok(())
    }
}

async fn reject_in(
    step: DecisionStep<'_>,
    mut proposal: StoredProposal,
    reason: &str,
) -> Result<Decision> {
    let DecisionStep { conn, who, now } = step;
    insert_decision(
        conn,
        &proposal,
        &who.name,
        "reject",
        None,
        Some(reason),
        now,
    )
    .await?;
    finalise(conn, &mut proposal, ProposalState::Rejected, now).await?;
    let detail = serde_json::json!({
        "revision": proposal.revision,
        "reason": reason,
        "state": {"before": "pending", "after": "rejected"},
    });
    append_in(
        conn,
        now,
        &Actor::from(who),
        "proposal.reject",
        &proposal.id,
        &detail,
    )
    .await?;
    Ok(Decision {
        proposal,
        outcome: Outcome::Rejected,
    })
}

/// Replaces the text; earlier approvals stay on the old revision and stop counting.
async fn apply_edit(
    conn: &mut AnyConnection,
    proposal: &mut StoredProposal,
    body: String,
) -> Result<String> {
    let diff = super::unified_diff(&proposal.body, &body);
    sqlx::query("UPDATE proposals SET body = $2, revision = revision + 1 WHERE id = $1")
        .bind(&proposal.id)
        .bind(&body)
        .execute(conn)
        .await?;
    proposal.body = body;
    proposal.revision += 1;
    Ok(diff)
}

/// Moves a pending proposal to its final state; exactly one row must change.
async fn finalise(
    conn: &mut AnyConnection,
    proposal: &mut StoredProposal,
    state: ProposalState,
    now: Timestamp,
) -> Result<()> {
    let hit = sqlx::query(
        "UPDATE proposals SET state = $2, decided_at = $3 WHERE id = $1 AND state = 'pending'",
    )
    .bind(&proposal.id)
    .bind(state.as_str())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    if hit != 1 {
        return Err(Error::AlreadyDecided {
            id: proposal.id.clone(),
            state: proposal.state,
        });
    }
    proposal.state = state;
    proposal.decided_at = Some(now);
    Ok(())
}

async fn approved_before(
    conn: &mut AnyConnection,
    proposal: &StoredProposal,
    reviewer: &str,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM decisions
         WHERE proposal_id = $1 AND reviewer = $2 AND verdict = 'approve' AND revision = $3",
    )
    .bind(&proposal.id)
    .bind(reviewer)
    .bind(proposal.revision)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The distinct reviewers who approved the current revision, by name.
async fn approvers(conn: &mut AnyConnection, proposal: &StoredProposal) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT reviewer FROM decisions
         WHERE proposal_id = $1 AND verdict = 'approve' AND revision = $2 ORDER BY reviewer",
    )
    .bind(&proposal.id)
    .bind(proposal.revision)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("reviewer")?)).collect()
}

async fn insert_decision(
    conn: &mut AnyConnection,
    proposal: &StoredProposal,
    reviewer: &str,
    verdict: &str,
    diff: Option<&str>,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO decisions (id, proposal_id, reviewer, verdict, revision, diff, reason, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(&proposal.id)
    .bind(reviewer)
    .bind(verdict)
    .bind(proposal.revision)
    .bind(diff)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
