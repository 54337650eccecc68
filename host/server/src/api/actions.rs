//! Action items promised in approved postmortems: listing (any role), one item, and moving
//! one along its lifecycle. Moving along (planned, in-progress, done) is open to responders,
//! incident commanders and reviewers; closing (verified, dropped) to incident commanders and
//! reviewers, and dropping needs a reason. Every move is in the audit log.

use axum::Json;
use axum::extract::{Path, State};
use rhyme_store::{ActionFilter, ActionItem, ActionStatus, Permission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Allowed, Caller, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::query::Params;
use crate::state::AppState;

/// Which items to list, in the query string; every parameter narrows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only items of this incident id.
    #[param(value_type = String, required = false)]
    pub incident: Option<String>,
    /// Only items of this postmortem (the approved proposal's id, or an imported
    /// postmortem's id).
    #[param(value_type = String, required = false)]
    pub postmortem: Option<String>,
    /// Only items in this status.
    #[param(value_type = String, required = false, pattern = "^(planned|in-progress|done|verified|dropped)$")]
    pub status: Option<String>,
    /// Only items of this service.
    #[param(value_type = String, required = false)]
    pub service: Option<String>,
    /// `true`: only open items (planned, in-progress) whose deadline has passed.
    #[param(value_type = String, required = false, pattern = "^(true|false)$")]
    pub overdue: Option<String>,
}

/// An action item, and whether it is overdue now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    /// The item as stored: its text, elements, what it lacks, status and who last moved it.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub item: ActionItem,
    /// Open (planned or in-progress) with its deadline's last day past.
    pub overdue: bool,
}

impl ActionView {
    /// The item and whether it is overdue at `now`.
    pub(crate) fn at(item: ActionItem, now: i64) -> ActionView {
        let overdue = item.overdue_at(now);
        ActionView { item, overdue }
    }
}

/// List action items, oldest first.
#[utoipa::path(get, path = "/v1/actions", params(ListQuery),
    responses((status = 200, body = [ActionView]), (status = 422, description = "`status` or `overdue` is not one of its values")),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ListQuery>,
) -> Result<Json<Vec<ActionView>>, ApiError> {
    caller.require(Permission::Read)?;
    let now = state.store().now();
    let overdue = match query.overdue.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "overdue",
                format!("`{other}` is not true or false"),
            ));
        }
    };
    let filter = ActionFilter {
        incident: query.incident,
        postmortem: query.postmortem,
        status: query
            .status
            .as_deref()
            .map(|s| ActionStatus::parse("status", s))
            .transpose()?,
        service: query.service,
        overdue_at: overdue.then_some(now),
    };
    let items = state.store().action_items(&filter).await?;
    Ok(Json(
        items.into_iter().map(|i| ActionView::at(i, now)).collect(),
    ))
}

/// One action item.
#[utoipa::path(get, path = "/v1/actions/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ActionView), (status = 404, description = "no such action item")),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ActionView>, ApiError> {
    caller.require(Permission::Read)?;
    let item = state.store().action_item(&id).await?;
    Ok(Json(ActionView::at(item, state.store().now())))
}

/// The status to move an item to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// `planned`, `in-progress`, `done`, `verified` or `dropped`.
    #[schema(pattern = "^(planned|in-progress|done|verified|dropped)$")]
    pub status: String,
    /// Why (required to drop an item); kept with the status and in the audit log.
    #[schema(max_length = 262144)]
    pub reason: Option<String>,
}

/// Move an action item to another status (verified and dropped: incident commander or
/// reviewer only).
#[utoipa::path(post, path = "/v1/actions/{id}/status", params(("id" = String, Path)), request_body = StatusIn,
    responses((status = 200, body = ActionView), (status = 404, description = "no such action item"),
        (status = 403, description = "the role may not make this move: verified and dropped need the ic or reviewer role"),
        (status = 409, description = "the lifecycle does not allow this move from the item's status (the allowed ones are named)"),
        (status = 422, description = "`status` is not a status, or `reason` is missing for dropped")),
    security(("bearer" = ["responder", "ic", "reviewer"])))]
pub async fn set_status(
    State(state): State<AppState>,
    caller: Allowed<may::TrackActions>,
    Path(id): Path<String>,
    Body(input): Body<StatusIn>,
) -> Result<Json<ActionView>, ApiError> {
    let status = ActionStatus::parse("status", &input.status)?;
    let who = caller.principal();
    let item = state
        .store()
        .set_action_status(&who, &id, status, input.reason.as_deref())
        .await?;
    Ok(Json(ActionView::at(item, state.store().now())))
}
