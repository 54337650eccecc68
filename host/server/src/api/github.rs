//! GitHub's webhook in: one URL for every event a repository's hook sends, dispatched on
//! `X-GitHub-Event` after the signature is checked. A successful `deployment_status` is a
//! change (see [`super::changes::github`]); an issue closed as completed moves the action items
//! whose ticket it is to done (see [`super::trackers`]). `ping` and every other event are
//! acknowledged and ignored with the reason, as GitHub expects a 2xx.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use utoipa::ToSchema;

use super::changes::ChangeAck;
use super::trackers::TrackerAck;
use super::{changes, hub_signature, trackers};
use crate::problem::ApiError;
use crate::state::AppState;

/// What became of a GitHub delivery.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum GithubAck {
    /// A `deployment_status` (or an event Rhyme does not read, acknowledged and ignored).
    Change(ChangeAck),
    /// An `issues` event.
    Tracker(TrackerAck),
}

/// Receive a GitHub webhook delivery, signed with the webhook's secret: a successful
/// `deployment_status` is stored as a deploy or rollback; an issue closed as completed moves the
/// action items it tracks to done.
#[utoipa::path(post, path = "/v1/ingest/github", request_body(content = Object, description = "GitHub's webhook body, as GitHub sends it (its content type is not checked: the signature covers the bytes)"),
    params(
        ("X-Hub-Signature-256" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body under the webhook's secret"),
        ("X-GitHub-Event" = Option<String>, Header, description = "`deployment_status` and `issues` are read; `ping` and every other event are acknowledged and ignored"),
        ("X-GitHub-Delivery" = Option<String>, Header, description = "the delivery's id, the same on a redelivery: a delivery is handled once"),
    ),
    responses((status = 200, body = GithubAck, description = "the change stored (or stored before), the action items moved to done, or acknowledged and ignored with the reason"),
        (status = 401, description = "the signature is missing, malformed or does not match; `detail` says which"),
        (status = 404, description = "no GitHub webhook secret is configured on this host"),
        (status = 422, description = "a delivery lacks a field Rhyme reads, or has it in the wrong form; `field` names it")))]
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<GithubAck>, ApiError> {
    let secret = state
        .webhook_secrets()
        .github
        .as_deref()
        .ok_or_else(|| ApiError::unconfigured("/v1/ingest/github", "GitHub webhook secret"))?;
    hub_signature::verify("GitHub", "X-Hub-Signature-256", secret, &headers, &body)
        .map_err(ApiError::Unauthenticated)?;
    let event = headers
        .get("x-github-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ack = match event {
        "deployment_status" => {
            GithubAck::Change(changes::github::deployment_status(&state, &body).await?)
        }
        "issues" => GithubAck::Tracker(trackers::github_issues(&state, &headers, &body).await?),
        other => GithubAck::Change(ChangeAck::ignored(format!(
            "a `{other}` event: only `deployment_status` and `issues` are read"
        ))),
    };
    Ok(Json(ack))
}
