//! Slack's interactivity: a click on one of the Slack app's buttons arrives as a signed form
//! post whose `payload` field holds a `block_actions` JSON document. The clicking Slack user
//! acts as the Rhyme token holder an admin mapped them to, through the same store and gate
//! calls as the API routes, so the role check and the audit log are the server's own: an
//! IC's *Mute 30 min* is a mute by that IC; a responder's *Approve* is refused as the API
//! would refuse it. The outcome (done, or refused and why) is said to the clicking user alone
//! through the click's `response_url`; the HTTP answer is 200 whatever happened, as Slack
//! shows its own error to the user otherwise.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use rhyme_store::Permission;
use rhyme_store::approval::Verdict;
use serde::Deserialize;
use serde_json::Value;

use super::nudges::known_pattern;
use super::slack_form::{field, signed_form, who};
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::slack_app::blocks::{Action, Target, ephemeral};
use crate::state::AppState;

const ROUTE: &str = "/v1/slack/interactions";
/// How long *Mute 30 min* mutes.
const MUTE_MS: i64 = 30 * 60 * 1000;

#[derive(Debug, Deserialize)]
struct Interaction {
    #[serde(rename = "type")]
    kind: String,
    user: SlackUserRef,
    #[serde(default)]
    response_url: Option<String>,
    #[serde(default)]
    actions: Vec<ActionIn>,
}

#[derive(Debug, Deserialize)]
struct SlackUserRef {
    id: String,
}

#[derive(Debug, Deserialize)]
struct ActionIn {
    action_id: String,
    #[serde(default)]
    value: Option<String>,
}

/// Receive a click on one of the Slack app's buttons (Slack's `block_actions`, signed).
#[utoipa::path(post, path = "/v1/slack/interactions", request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Slack's interactivity request: a form whose `payload` field is the `block_actions` JSON"),
    params(
        ("X-Slack-Signature" = String, Header, description = "`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the app's signing secret"),
        ("X-Slack-Request-Timestamp" = String, Header, description = "when Slack sent it, in seconds since the epoch; at most 300 s from the server's clock"),
    ),
    responses((status = 200, body = Object, description = "what was done or why it was refused, also sent to the clicking user through `response_url`"),
        (status = 401, description = "the signature is missing, malformed, does not match, or is too old; `detail` says which"),
        (status = 404, description = "no Slack signing secret is configured on this host"),
        (status = 422, description = "`payload` is missing or is not a Slack interaction")))]
pub async fn interactions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let form = signed_form(&state, ROUTE, &headers, &body)?;
    let interaction: Interaction = serde_json::from_str(field(&form, "payload")?)
        .map_err(|e| ApiError::invalid("payload", format!("is not a Slack interaction: {e}")))?;
    if interaction.kind != "block_actions" {
        return Ok(Json(ephemeral(
            &format!(
                "Rhyme answers button clicks only, not `{}`.",
                interaction.kind
            ),
            false,
        )));
    }
    let Some(action) = interaction.actions.first() else {
        return Err(ApiError::invalid("payload.actions", "is empty"));
    };
    let (text, done) = match act(&state, &interaction.user.id, action).await {
        Ok(done) => (done, true),
        Err(refused) => (format!("Rhyme refused: {refused}"), false),
    };
    // Done on a nudge: its ephemeral message (which `chat.update` cannot edit) is replaced
    // by what became of it. Done on a draft: the announcement is seen by the whole thread, so
    // the clicking reviewer is answered beside it, and the announcement itself is updated
    // (`chat.update`, through the outbox) once the approved update is on its way. Refused: the
    // message stays, and the refusal comes beside it.
    let replace = done && action.action_id != Action::Approve.id();
    let answer = ephemeral(&text, replace);
    if let Some(url) = interaction.response_url.as_deref()
        && let Err(error) = state.slack_app().responder().respond(url, &answer).await
    {
        tracing::warn!(%error, "answering a Slack click");
    }
    Ok(Json(answer))
}

/// Does what the button says as the clicking user's Rhyme identity: what was done, or why
/// not, in words for them.
async fn act(state: &AppState, slack_user: &str, action: &ActionIn) -> Result<String, String> {
    let Some(kind) = Action::parse(&action.action_id) else {
        return Err(format!("`{}` is not a Rhyme button.", action.action_id));
    };
    let target: Target = action
        .value
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok())
        .ok_or("the button does not say what it is about.")?;
    let who = who(state, slack_user).await?;
    let name = who.name.clone();
    // A refusal is counted and logged as the API's refusals are (`rhyme_auth_failures_total`,
    // "request refused"); like them it is not an audit entry, as nothing was done.
    let said = |e: ApiError| {
        if let Some(reason) = e.auth_failure() {
            state.ops_metrics().record_auth_failure(reason);
            tracing::warn!(route = ROUTE, slack_user, token_name = %name, button = %action.action_id,
                auth_failure = reason, detail = %e, "Slack click refused");
        }
        e.to_string()
    };
    let store = state.store();
    match (kind, target) {
        (Action::Approve, Target::Proposal { proposal }) => {
            let who = Caller(who).require(Permission::Decide).map_err(said)?;
            state
                .gate()
                .decide(&who, &proposal, None, Verdict::Approve)
                .await
                .map_err(|e| said(e.into()))?;
            state.wake_delivery();
            Ok(format!(
                "Approved by {}: the update is posted once, and the announcement will say so.",
                who.name
            ))
        }
        (Action::Approve, Target::Nudge { .. }) => {
            Err("this button approves a proposal, and names none.".into())
        }
        (_, Target::Proposal { .. }) => Err("this button answers a nudge, and names none.".into()),
        (kind, Target::Nudge { incident, pattern }) => {
            let permission = if kind == Action::NotUseful {
                Permission::Read
            } else {
                Permission::TriageNudges
            };
            let who = Caller(who).require(permission).map_err(said)?;
            known_pattern(state, &incident, &pattern)
                .await
                .map_err(said)?;
            let store_said = |e: rhyme_store::Error| said(e.into());
            match kind {
                Action::Acknowledge => {
                    store
                        .acknowledge_nudge(&who, &incident, &pattern)
                        .await
                        .map_err(store_said)?;
                    Ok(format!("Acknowledged by {}: {pattern}.", who.name))
                }
                Action::Mute30 => {
                    let until = store.now().saturating_add(MUTE_MS);
                    store
                        .mute_nudge(&who, &incident, &pattern, Some(until))
                        .await
                        .map_err(store_said)?;
                    let at = chrono::DateTime::from_timestamp_millis(until)
                        .map(|t| t.format("%H:%M UTC").to_string())
                        .unwrap_or_default();
                    Ok(format!("Muted by {} until {at}: {pattern}.", who.name))
                }
                _ => {
                    store
                        .nudge_not_useful(&who, &incident, &pattern)
                        .await
                        .map_err(store_said)?;
                    Ok(format!(
                        "Noted, {}: {pattern} was not useful here. It counts against the pattern in the nudge evaluation.",
                        who.name
                    ))
                }
            }
        }
    }
}
