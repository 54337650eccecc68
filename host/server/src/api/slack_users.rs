//! Who each Slack user is in Rhyme, managed by an admin: a Slack user id mapped to the name
//! of an active token, whose holder (and role) the Slack user's clicks and commands act as.

use axum::Json;
use axum::extract::{Path, State};
use rhyme_store::SlackUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Allowed, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;

/// The token whose holder the Slack user is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlackUserIn {
    /// The name of an active API token (`rhyme token list`); the Slack user acts with its role.
    pub token_name: String,
}

/// A Slack user's mapping.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlackUserOut {
    /// Slack's user id.
    pub slack_user_id: String,
    /// The token whose holder they are.
    pub token_name: String,
    /// When the mapping was made, in milliseconds since the Unix epoch.
    pub mapped_at: i64,
    /// Who made it.
    pub mapped_by: String,
}

impl From<SlackUser> for SlackUserOut {
    fn from(user: SlackUser) -> Self {
        SlackUserOut {
            slack_user_id: user.slack_user_id,
            token_name: user.token_name,
            mapped_at: user.mapped_at,
            mapped_by: user.mapped_by,
        }
    }
}

/// Map a Slack user to the holder of a token, replacing any earlier mapping (admin only).
#[utoipa::path(put, path = "/v1/slack/users/{slack_user_id}", params(("slack_user_id" = String, Path, description = "Slack's user id, such as U0123ABC")),
    request_body = SlackUserIn,
    responses((status = 200, body = SlackUserOut),
        (status = 422, description = "`slack_user_id` is not a Slack user id, or `token_name` names no active token")),
    security(("bearer" = ["admin"])))]
pub async fn map(
    State(state): State<AppState>,
    caller: Allowed<may::ManageTokens>,
    Path(slack_user_id): Path<String>,
    Body(input): Body<SlackUserIn>,
) -> Result<Json<SlackUserOut>, ApiError> {
    let user = state
        .store()
        .map_slack_user(&caller.actor(), &slack_user_id, &input.token_name)
        .await?;
    Ok(Json(user.into()))
}

/// Remove a Slack user's mapping: their clicks and commands are refused from then on (admin only).
#[utoipa::path(delete, path = "/v1/slack/users/{slack_user_id}", params(("slack_user_id" = String, Path, description = "Slack's user id, such as U0123ABC")),
    responses((status = 200, body = SlackUserOut), (status = 404, description = "the Slack user is not mapped")),
    security(("bearer" = ["admin"])))]
pub async fn unmap(
    State(state): State<AppState>,
    caller: Allowed<may::ManageTokens>,
    Path(slack_user_id): Path<String>,
) -> Result<Json<SlackUserOut>, ApiError> {
    let user = state
        .store()
        .unmap_slack_user(&caller.actor(), &slack_user_id)
        .await?;
    Ok(Json(user.into()))
}
