//! The incident commander's answers to nudges: acknowledge (seen) or mute (not now).

use axum::Json;
use axum::extract::{Path, State};
use rhyme_store::{NudgeTriage, Permission};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::server::auth::Caller;
use crate::server::body::Body;
use crate::server::problem::ApiError;
use crate::server::state::AppState;
use crate::server::time::ApiTime;

#[utoipa::path(get, path = "/v1/incidents/{id}/nudges", params(("id" = String, Path)),
    responses((status = 200, body = [Object])), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Vec<NudgeTriage>>, ApiError> {
    caller.require(Permission::Read)?;
    state.store().incident(&id).await?;
    Ok(Json(state.store().nudge_triage(&id).await?))
}

#[utoipa::path(post, path = "/v1/incidents/{id}/nudges/{pattern}/acknowledge", params(("id" = String, Path), ("pattern" = String, Path)),
    responses((status = 200, body = Object), (status = 403), (status = 404)), security(("bearer" = ["ic"])))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, pattern)): Path<(String, String)>,
) -> Result<Json<NudgeTriage>, ApiError> {
    let who = caller.require(Permission::TriageNudges)?;
    Ok(Json(state.store().acknowledge_nudge(&who, &id, &pattern).await?))
}

/// Silence a nudge, until a time if given.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteIn {
    #[schema(value_type = Option<String>)]
    pub until: Option<ApiTime>,
}

#[utoipa::path(post, path = "/v1/incidents/{id}/nudges/{pattern}/mute", params(("id" = String, Path), ("pattern" = String, Path)),
    request_body = MuteIn, responses((status = 200, body = Object), (status = 403), (status = 404)), security(("bearer" = ["ic"])))]
pub async fn mute(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, pattern)): Path<(String, String)>,
    Body(input): Body<MuteIn>,
) -> Result<Json<NudgeTriage>, ApiError> {
    let who = caller.require(Permission::TriageNudges)?;
    Ok(Json(state.store().mute_nudge(&who, &id, &pattern, input.until.map(|t| t.0)).await?))
}
