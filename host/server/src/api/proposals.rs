//! The approval gate over HTTP. Listing is open to every role; deciding is the reviewer's,
//! and the gate itself refuses an approval by whoever requested the proposal.

use axum::Json;
use axum::extract::{Path, State};
use rhyme_store::Permission;
use rhyme_store::approval::{
    Decision, DecisionRecord, ProposalFilter, ProposalKind, ProposalState, RevisionRecord,
    StoredProposal, Verdict,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::query::Params;
use crate::sections::{self, SectionRef};
use crate::state::AppState;

/// Which proposals to list, in the query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `pending` (the default), `approved`, `rejected`, `withdrawn` or `all`.
    #[param(value_type = String, required = false, pattern = "^(pending|approved|rejected|withdrawn|all)$")]
    pub state: Option<String>,
    /// Only proposals about this incident id.
    #[param(value_type = String, required = false)]
    pub incident: Option<String>,
}

/// List proposals (pending ones unless `state` says otherwise), oldest first.
#[utoipa::path(get, path = "/v1/proposals", params(ListQuery),
    responses((status = 200, body = [Object]), (status = 422, description = "`state` is not one of the states")), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ListQuery>,
) -> Result<Json<Vec<StoredProposal>>, ApiError> {
    caller.require(Permission::Read)?;
    let wanted = match query.state.as_deref().unwrap_or("pending") {
        "all" => None,
        text => Some(ProposalState::parse(text).ok_or_else(|| {
            ApiError::invalid(
                "state",
                format!("`{text}` is not one of pending, approved, rejected, withdrawn, all"),
            )
        })?),
    };
    let filter = ProposalFilter {
        state: wanted,
        incident: query.incident,
    };
    Ok(Json(state.gate().proposals(&filter).await?))
}

/// A proposal, the decisions recorded on it, the changes made to its text while pending, and
/// the sections of its text (what `.../sections/{section}/regenerate` accepts).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    /// The proposal as it stands.
    #[schema(value_type = Object)]
    pub proposal: StoredProposal,
    /// The reviewers' decisions recorded on it.
    #[schema(value_type = [Object])]
    pub decisions: Vec<DecisionRecord>,
    /// The changes made to its text while it was pending.
    #[schema(value_type = [Object])]
    pub revisions: Vec<RevisionRecord>,
    /// The sections of its text; empty for a suggested action.
    #[schema(value_type = [Object])]
    pub sections: Vec<SectionRef>,
}

/// One proposal with its decisions, revisions and sections.
#[utoipa::path(get, path = "/v1/proposals/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ProposalView), (status = 404, description = "no such proposal")), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ProposalView>, ApiError> {
    caller.require(Permission::Read)?;
    let proposal = state.gate().proposal(&id).await?;
    let decisions = state.gate().decisions(&id).await?;
    let revisions = state.gate().revisions(&id).await?;
    let sections = match proposal.kind {
        ProposalKind::SuggestedAction => Vec::new(),
        _ => sections::sections(&proposal.body),
    };
    Ok(Json(ProposalView {
        proposal,
        decisions,
        revisions,
        sections,
    }))
}

/// Approve as it stands. `revision`, when sent, is the revision the reviewer read: if the text
/// was edited since, the answer is 409 rather than an approval of unread words.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveIn {
    /// The revision the reviewer read; if the text changed since, the answer is 409.
    #[serde(default, deserialize_with = "crate::body::whole::option_i64")]
    pub revision: Option<i64>,
}

/// Replace the text, then approve it; the edit is kept as a diff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditIn {
    /// The new text, approved as sent: not blank, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub body: String,
    /// The revision the reviewer edited; if the text changed since, the answer is 409.
    #[serde(default, deserialize_with = "crate::body::whole::option_i64")]
    pub revision: Option<i64>,
}

/// Reject, saying why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Why the proposal is rejected, kept with the decision: not blank, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub reason: String,
    /// The revision the reviewer read; if the text changed since, the answer is 409.
    #[serde(default, deserialize_with = "crate::body::whole::option_i64")]
    pub revision: Option<i64>,
}

/// One decision endpoint, `POST /v1/proposals/{id}/<verb>`: a reviewer's call through the
/// gate. The three decisions answer the same statuses for the same reasons, so their OpenAPI
/// annotation and handler are written once here; each use names its path, its body type and
/// the verdict it makes of that body.
macro_rules! decision_handler {
    (
        $(#[doc = $doc:tt])*
        $name:ident, $path:tt, $input:ident,
        |$body:ident| $verdict:expr
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, params(("id" = String, Path)), request_body = $input,
            responses((status = 200, body = Object),
                (status = 403, description = "not a reviewer, or the reviewer who requested the proposal (the gate's rules)"),
                (status = 404, description = "no such proposal"),
                (status = 409, description = "already decided, or the text changed since `revision`")),
            security(("bearer" = ["reviewer"])))]
        pub async fn $name(
            State(state): State<AppState>,
            caller: Allowed<may::Decide>,
            Path(id): Path<String>,
            Body($body): Body<$input>,
        ) -> Result<Json<Decision>, ApiError> {
            decide(&state, caller, &id, $body.revision, $verdict).await
        }
    };
}

decision_handler! {
    /// Approve a pending proposal as it stands (reviewer only).
    approve, "/v1/proposals/{id}/approve", ApproveIn,
    |input| Verdict::Approve
}

decision_handler! {
    /// Replace a pending proposal's text, then approve it (reviewer only).
    edit, "/v1/proposals/{id}/edit", EditIn,
    |input| Verdict::EditAndApprove { body: input.body }
}

decision_handler! {
    /// Reject a pending proposal, saying why (reviewer only).
    reject, "/v1/proposals/{id}/reject", RejectIn,
    |input| Verdict::Reject { reason: input.reason }
}

async fn decide(
    state: &AppState,
    caller: Allowed<may::Decide>,
    id: &str,
    revision: Option<i64>,
    verdict: Verdict,
) -> Result<Json<Decision>, ApiError> {
    let who = caller.principal();
    let decision = state.gate().decide(&who, id, revision, verdict).await?;
    // Edit-and-approve and approve both leave an outbox row; a rejection leaves none, and a
    // needless wake costs one empty pass.
    state.wake_delivery();
    Ok(Json(decision))
}
