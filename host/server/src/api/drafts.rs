//! Drafts on request: ask the drafting plugin for a status update or a postmortem about an
//! incident (it enters the approval gate like any proposal), and re-draft one section of a
//! pending draft while keeping the reviewer's edits to the others.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rhyme_store::PluginRef;
use rhyme_store::approval::{
    Change, ChangeKind, NewProposal, ProposalKind, ProposalState, StoredProposal,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::sections::{self, SectionRef};
use crate::state::AppState;
use rhyme_pipeline::store_incidents::convert;
use rhyme_pipeline::worker::{audit_calls, plugin_ref};
use rhyme_runtime::{CallContext, LoadedPlugin};
use rhyme_world::types::{Output, Query};

/// The plugin asked when the request names none.
const DEFAULT_DRAFTER: &str = "draft-summary";

/// What to draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftIn {
    /// `status-update` (CAN: condition, action, need, next update) or `postmortem`.
    #[schema(pattern = "^(status-update|postmortem)$")]
    pub kind: String,
    /// The drafting plugin, enabled on this host; default `draft-summary`.
    pub plugin: Option<String>,
}

/// Ask a drafting plugin for a status update or a postmortem about an incident, queued as proposals.
#[utoipa::path(post, path = "/v1/incidents/{id}/drafts", params(("id" = String, Path)), request_body = DraftIn,
    responses((status = 201, body = [Object], description = "the queued proposals"), (status = 404, description = "no such incident"),
        (status = 409, description = "no enabled plugin of that name to draft with"), (status = 502)),
    security(("bearer" = ["responder", "ic"])))]
pub async fn request(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Path(id): Path<String>,
    Body(input): Body<DraftIn>,
) -> Result<(StatusCode, Json<Vec<StoredProposal>>), ApiError> {
    let who = caller.principal();
    let kind = ProposalKind::parse(&format!("draft-{}", input.kind))
        .filter(|kind| *kind != ProposalKind::DraftReport)
        .ok_or_else(|| {
            ApiError::invalid(
                "kind",
                format!("`{}` is not one of status-update, postmortem", input.kind),
            )
        })?;
    state.store().incident(&id).await?;
    let name = input.plugin.as_deref().unwrap_or(DEFAULT_DRAFTER);
    let (source, output) = draft(&state, name, &id, kind).await?;
    let mut queued = Vec::new();
    for proposal in output.proposals {
        let new = NewProposal {
            incident: Some(id.clone()),
            plugin: source.clone(),
            requested_by: Some(who.name.clone()),
            action: None,
            proposal: convert::proposal_from_wit(proposal),
        };
        queued.push(state.gate().propose(new).await?);
    }
    if queued.is_empty() {
        return Err(ApiError::Upstream(format!(
            "{name} returned no draft for incident `{id}`"
        )));
    }
    Ok((StatusCode::CREATED, Json(queued)))
}

/// The reviewer's working text, which may hold edits not saved yet.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegenerateIn {
    /// The text as the reviewer has it now, at most 262,144 characters; default: the stored text.
    #[schema(max_length = 262144)]
    pub body: Option<String>,
    /// The revision the reviewer started from; a newer stored one answers 409.
    #[serde(default, deserialize_with = "crate::body::whole::option_i64")]
    pub revision: Option<i64>,
}

/// The proposal after the splice, and the sections it now has.
#[derive(Debug, Serialize, ToSchema)]
pub struct Regenerated {
    /// The proposal as revised, the fresh section spliced into the reviewer's text.
    #[schema(value_type = Object)]
    pub proposal: StoredProposal,
    /// The sections of the revised text, in order.
    #[schema(value_type = [Object])]
    pub sections: Vec<SectionRef>,
}

/// Re-draft one section of a pending draft, keeping the reviewer's edits to the others.
#[utoipa::path(post, path = "/v1/proposals/{id}/sections/{section}/regenerate",
    params(("id" = String, Path), ("section" = String, Path, description = "a section's key or heading, in any case: `impact`, `Impact`, `next-update`, `Contributing factors`")),
    request_body = RegenerateIn,
    responses((status = 200, body = Regenerated), (status = 404, description = "no such proposal"),
        (status = 409, description = "the proposal is decided, its text changed since `revision`, or its plugin is not enabled"),
        (status = 422, description = "the proposal is not a draft about an incident, or its text has no such section"), (status = 502)),
    security(("bearer" = ["reviewer"])))]
pub async fn regenerate(
    State(state): State<AppState>,
    caller: Allowed<may::Decide>,
    Path((id, section)): Path<(String, String)>,
    Body(input): Body<RegenerateIn>,
) -> Result<Json<Regenerated>, ApiError> {
    let who = caller.principal();
    let proposal = state.gate().proposal(&id).await?;
    if proposal.state != ProposalState::Pending {
        return Err(ApiError::Conflict(format!(
            "proposal {id} is {}; only a pending draft can change",
            proposal.state
        )));
    }
    let Some(incident) = proposal
        .incident
        .clone()
        .filter(|_| proposal.kind != ProposalKind::SuggestedAction)
    else {
        return Err(ApiError::invalid(
            "id",
            "only a draft about an incident has sections to regenerate",
        ));
    };
    // `Impact` as the README and the page show it, or `impact` as the key: the same section.
    let section = sections::key_for(&section);
    let working = input.body.unwrap_or_else(|| proposal.body.clone());
    if !sections::keys(&working).contains(&section) {
        let err = sections::splice(&working, "", &section).expect_err("the section is missing");
        return Err(ApiError::invalid("section", err.to_string()));
    }
    let (_, output) = draft(&state, &proposal.plugin.name, &incident, proposal.kind).await?;
    let fresh = output
        .proposals
        .into_iter()
        .map(convert::proposal_from_wit)
        .find(|p| p.kind == proposal.kind)
        .ok_or_else(|| {
            ApiError::Upstream(format!(
                "{} returned no {} this time",
                proposal.plugin.name,
                proposal.kind.as_str()
            ))
        })?;
    let spliced = sections::splice(&working, &fresh.body, &section)
        .map_err(|e| ApiError::Upstream(e.to_string()))?;
    let mut evidence = proposal.evidence.clone();
    evidence.extend(
        fresh
            .evidence
            .into_iter()
            .filter(|e| !proposal.evidence.contains(e)),
    );
    let changes = vec![
        Change {
            kind: ChangeKind::Edit,
            section: None,
            body: working,
        },
        Change {
            kind: ChangeKind::Regenerate,
            section: Some(section),
            body: spliced,
        },
    ];
    let seen = input.revision.unwrap_or(proposal.revision);
    let proposal = state
        .gate()
        .revise(&who, &id, seen, changes, Some(evidence))
        .await?;
    let sections = sections::sections(&proposal.body);
    Ok(Json(Regenerated { proposal, sections }))
}

/// Which question asks a drafting plugin for this kind of draft.
fn query_for(kind: ProposalKind) -> Result<&'static str, ApiError> {
    match kind {
        ProposalKind::DraftStatusUpdate => Ok("status-update"),
        ProposalKind::DraftPostmortem => Ok("postmortem"),
        ProposalKind::SuggestedAction => Err(ApiError::invalid(
            "kind",
            "a suggested action is not drafted on request",
        )),
        // The report is about many incidents and made by the host: POST /v1/report/drafts.
        ProposalKind::DraftReport => Err(ApiError::invalid(
            "kind",
            "`report` is not one of status-update, postmortem (queue a report with POST /v1/report/drafts)",
        )),
    }
}

/// Asks the enabled plugin `name` for a draft of `kind` about `incident`, off the async
/// threads, and writes its capability calls to the audit log as the plugin queue does.
async fn draft(
    state: &AppState,
    name: &str,
    incident: &str,
    kind: ProposalKind,
) -> Result<(PluginRef, Output), ApiError> {
    let plugins = state.plugins().clone();
    let index = plugins.iter().position(|p| p.name() == name).ok_or_else(|| {
        ApiError::Conflict(format!("no enabled plugin `{name}` to draft with; install and enable it, then restart `rhyme serve`"))
    })?;
    let query = Query {
        text: query_for(kind)?.to_string(),
        incident: Some(incident.to_string()),
        limit: 1,
    };
    let ctx = CallContext {
        now: state.store().now(),
    };
    let started = std::time::Instant::now();
    let plugin: &LoadedPlugin = &plugins[index];
    let result = plugin.on_query(ctx, &query).await;
    state.metrics().record_call(
        plugin.name(),
        "query",
        started.elapsed(),
        result.as_ref().map(|_| ()),
    );
    let report = result.map_err(|e| ApiError::Upstream(e.to_string()))?;
    let source = plugin_ref(plugin);
    let detail = serde_json::json!({"incident": incident, "trigger": "query"});
    audit_calls(state.store(), &source, &report.capability_calls, detail).await?;
    Ok((source, report.value))
}
