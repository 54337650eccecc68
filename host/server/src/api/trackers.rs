//! Trackers' webhooks: an issue closed in GitHub or moved to a done status in Jira moves the
//! action items whose ticket names it to `done` (never to verified: a person checks that the
//! change worked). A tracker cannot send a bearer token, so its signature is the
//! authentication (see [`super::hub_signature`]); GitHub's `issues` events arrive through the
//! one GitHub route ([`super::github`]), Jira's through [`jira`]. Each delivery is handled once,
//! by its id (`X-GitHub-Delivery`, `X-Atlassian-Webhook-Identifier`; the body's hash when a
//! sender gives none): a replay is acknowledged and changes nothing. Every other event is
//! acknowledged and ignored, with the reason.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use rhyme_store::actions::{TrackerClose, ticket_key};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::actions::ActionView;
use super::hub_signature;
use crate::body::parse;
use crate::problem::ApiError;
use crate::state::AppState;

/// What became of a tracker's delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackerAck {
    /// True when this delivery was handled before: nothing changed.
    pub replayed: bool,
    /// The items moved to done.
    pub moved: Vec<ActionView>,
    /// Why nothing was looked at, when the event is not an issue closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

impl TrackerAck {
    fn ignored(why: impl Into<String>) -> TrackerAck {
        TrackerAck {
            replayed: false,
            moved: Vec::new(),
            ignored: Some(why.into()),
        }
    }
}

#[derive(Debug, Deserialize)]
struct GithubIssues {
    action: String,
    issue: GithubIssue,
    #[serde(default)]
    sender: Option<GithubUser>,
}

#[derive(Debug, Deserialize)]
struct GithubIssue {
    html_url: String,
    #[serde(default)]
    state_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GithubUser {
    login: String,
}

/// What a signed `issues` delivery does: `closed` as completed moves the matching items to done.
pub(crate) async fn github_issues(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<TrackerAck, ApiError> {
    let payload: GithubIssues = parse(body)?;
    if payload.action != "closed" {
        return Ok(TrackerAck::ignored(format!(
            "issue {}: action `{}`, not `closed`",
            payload.issue.html_url, payload.action
        )));
    }
    if let Some(reason) = payload
        .issue
        .state_reason
        .as_deref()
        .filter(|r| *r != "completed")
    {
        return Ok(TrackerAck::ignored(format!(
            "issue {} was closed as `{reason}`, not completed: its items stay as they are",
            payload.issue.html_url
        )));
    }
    let close = TrackerClose {
        source: "github".into(),
        delivery: delivery_id(headers, "x-github-delivery", body),
        keys: ticket_key(&payload.issue.html_url).into_iter().collect(),
        issue: payload.issue.html_url,
        closed_by: payload.sender.map(|s| s.login),
    };
    close_items(state, &close).await
}

#[derive(Debug, Deserialize)]
struct JiraEvent {
    #[serde(rename = "webhookEvent")]
    webhook_event: String,
    #[serde(default)]
    issue: Option<JiraIssue>,
    #[serde(default)]
    changelog: Option<JiraChangelog>,
    #[serde(default)]
    user: Option<JiraUser>,
}

#[derive(Debug, Deserialize)]
struct JiraIssue {
    key: String,
    #[serde(rename = "self", default)]
    link: Option<String>,
    #[serde(default)]
    fields: Option<JiraFields>,
}

#[derive(Debug, Deserialize)]
struct JiraFields {
    #[serde(default)]
    status: Option<JiraStatus>,
}

#[derive(Debug, Deserialize)]
struct JiraStatus {
    #[serde(default)]
    name: String,
    #[serde(rename = "statusCategory", default)]
    category: Option<JiraCategory>,
}

#[derive(Debug, Deserialize)]
struct JiraCategory {
    key: String,
}

#[derive(Debug, Deserialize)]
struct JiraChangelog {
    #[serde(default)]
    items: Vec<JiraChange>,
}

#[derive(Debug, Deserialize)]
struct JiraChange {
    field: String,
    #[serde(rename = "toString", default)]
    to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JiraUser {
    #[serde(rename = "displayName", default)]
    display_name: Option<String>,
}

/// Receive Jira's `jira:issue_updated` webhook; a status change into the done category moves
/// matching items to done.
#[utoipa::path(post, path = "/v1/ingest/jira", request_body(content = Object, description = "Jira's webhook payload, as Jira sends it (its content type is not checked: the signature covers the bytes)"),
    params(
        ("X-Hub-Signature" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body under the webhook's secret"),
        ("X-Atlassian-Webhook-Identifier" = Option<String>, Header, description = "the delivery's id, the same on a retry: a delivery is handled once"),
    ),
    responses((status = 200, body = TrackerAck, description = "the items moved to done, or acknowledged and ignored with the reason"),
        (status = 401, description = "the signature is missing, malformed or does not match; `detail` says which"),
        (status = 404, description = "no Jira webhook secret is configured on this host"),
        (status = 422, description = "the body is not a Jira webhook payload (the field at fault is named)")))]
pub async fn jira(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TrackerAck>, ApiError> {
    let secret = state
        .webhook_secrets()
        .jira
        .as_deref()
        .ok_or_else(|| ApiError::unconfigured("/v1/ingest/jira", "Jira webhook secret"))?;
    hub_signature::verify("Jira", "X-Hub-Signature", secret, &headers, &body)
        .map_err(ApiError::Unauthenticated)?;
    jira_issue_updated(&state, &headers, &body).await.map(Json)
}

/// What a signed Jira delivery does: a status change into the done category moves the items
/// whose ticket is the issue to done.
async fn jira_issue_updated(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<TrackerAck, ApiError> {
    let payload: JiraEvent = parse(body)?;
    if payload.webhook_event != "jira:issue_updated" {
        return Ok(TrackerAck::ignored(format!(
            "a `{}` event: only `jira:issue_updated` closes action items",
            payload.webhook_event
        )));
    }
    let Some(issue) = payload.issue else {
        return Err(ApiError::invalid("issue", "missing from an issue event"));
    };
    let to_status = payload
        .changelog
        .iter()
        .flat_map(|c| &c.items)
        .find(|i| i.field == "status")
        .and_then(|i| i.to.clone());
    let Some(to_status) = to_status else {
        return Ok(TrackerAck::ignored(format!(
            "issue {}: its status did not change",
            issue.key
        )));
    };
    let status = issue.fields.as_ref().and_then(|f| f.status.as_ref());
    let done = match status.and_then(|s| s.category.as_ref()) {
        Some(category) => category.key == "done",
        None => to_status.eq_ignore_ascii_case("done"),
    };
    if !done {
        let name = status.map_or(to_status.as_str(), |s| s.name.as_str());
        return Ok(TrackerAck::ignored(format!(
            "issue {} moved to `{name}`, not a done status",
            issue.key
        )));
    }
    let mut keys: Vec<String> = ticket_key(&issue.key).into_iter().collect();
    keys.extend(issue.link.as_deref().and_then(ticket_key));
    let close = TrackerClose {
        source: "jira".into(),
        delivery: delivery_id(headers, "x-atlassian-webhook-identifier", body),
        keys,
        issue: issue.key,
        closed_by: payload.user.and_then(|u| u.display_name),
    };
    close_items(state, &close).await
}

async fn close_items(state: &AppState, close: &TrackerClose) -> Result<TrackerAck, ApiError> {
    let outcome = state.store().tracker_closed(close).await?;
    let now = state.store().now();
    Ok(TrackerAck {
        replayed: outcome.replayed,
        moved: outcome
            .moved
            .into_iter()
            .map(|item| ActionView::at(item, now))
            .collect(),
        ignored: None,
    })
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The sender's delivery id, or the body's hash when it sent none (a byte-identical replay is
/// then still recognised).
fn delivery_id(headers: &HeaderMap, name: &str, body: &[u8]) -> String {
    header(headers, name)
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(body))))
}
