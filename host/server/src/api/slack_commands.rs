//! The `/rhyme` slash command: `/rhyme seen-before <what you see>` and `/rhyme status`, typed
//! in an incident's channel. Slack posts the command as a signed form and wants an answer
//! within 3 seconds; `status` is read from the store at once, while `seen-before` runs the
//! plugin in the sandbox and may take longer, so it is acknowledged at once and answered
//! through the command's `response_url`. The typing user acts as the Rhyme token holder an
//! admin mapped them to, and needs a role that may read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use rhyme_store::{Evidence, FindingKind, Permission};
use serde_json::{Value, json};

use super::seen_before::{AskOut, answer};
use super::slack_form::{field, signed_form, who};
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::slack_app::blocks::{ephemeral, escape};
use crate::state::AppState;

const ROUTE: &str = "/v1/slack/commands";
/// Matches shown in Slack: a channel is not the place for twenty.
const MATCHES: u32 = 3;
const USAGE: &str = "Try `/rhyme seen-before <what you see>` (past incidents like it, what broke and how it was fixed) or `/rhyme status` (this channel's incident and its signatures).";

/// Receive a `/rhyme` slash command (signed by Slack).
#[utoipa::path(post, path = "/v1/slack/commands", request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Slack's slash command request: `command`, `text`, `user_id`, `channel_id`, `response_url`, ..."),
    params(
        ("X-Slack-Signature" = String, Header, description = "`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the app's signing secret"),
        ("X-Slack-Request-Timestamp" = String, Header, description = "when Slack sent it, in seconds since the epoch; at most 300 s from the server's clock"),
    ),
    responses((status = 200, body = Object, description = "Slack's message: the answer, or the acknowledgement of an answer that follows through `response_url`"),
        (status = 401, description = "the signature is missing, malformed, does not match, or is too old; `detail` says which"),
        (status = 404, description = "no Slack signing secret is configured on this host"),
        (status = 422, description = "a field Slack always sends is missing; `field` names it")))]
pub async fn commands(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let form = signed_form(&state, ROUTE, &headers, &body)?;
    let user = field(&form, "user_id")?;
    let channel = field(&form, "channel_id")?;
    let text = field(&form, "text")?.trim().to_string();
    let response_url = field(&form, "response_url")?.to_string();
    let who = match who(&state, user).await {
        Ok(who) => who,
        Err(refused) => return Ok(Json(ephemeral(&refused, false))),
    };
    if let Err(refused) = Caller(who).require(Permission::Read) {
        return Ok(Json(ephemeral(&format!("Rhyme refused: {refused}"), false)));
    }
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
    match verb {
        "status" => Ok(Json(status(&state, channel).await?)),
        "seen-before" if !rest.trim().is_empty() => {
            let question = rest.trim().to_string();
            let acknowledged = json!({"response_type": "ephemeral",
                "text": format!("Looking for past incidents like “{}”…", escape(&question))});
            tokio::spawn(async move {
                let message = match answer(&state, Some(question), None, MATCHES).await {
                    Ok(out) => seen_before_message(&out),
                    Err(error) => ephemeral(&format!("Rhyme could not answer: {error}"), false),
                };
                if let Err(error) = state
                    .slack_app()
                    .responder()
                    .respond(&response_url, &message)
                    .await
                {
                    tracing::warn!(%error, "answering a Slack command");
                }
            });
            Ok(Json(acknowledged))
        }
        _ => Ok(Json(ephemeral(USAGE, false))),
    }
}

/// The matches as a message in the channel: each with what broke and how it was fixed.
fn seen_before_message(out: &AskOut) -> Value {
    let mut lines = vec![format!("*Seen before?* “{}”", escape(&out.question))];
    if out.matches.is_empty() {
        lines.push("No past incident in the corpus looks like this.".into());
    }
    for (n, m) in out.matches.iter().enumerate() {
        let title = match &m.url {
            Some(url) => format!("<{url}|{}>", escape(&m.title).replace('|', "¦")),
            None => escape(&m.title),
        };
        let company = m
            .company
            .as_deref()
            .map(|c| format!(" ({})", escape(c)))
            .unwrap_or_default();
        lines.push(format!(
            "{}. {title}{company} · confidence {:.2}",
            n + 1,
            m.confidence
        ));
        if let Some(broke) = &m.what_broke {
            lines.push(format!("   What broke: {}", escape(broke)));
        }
        if let Some(fix) = &m.fix_or_lesson {
            lines.push(format!("   Fix or lesson: {}", escape(fix)));
        }
    }
    json!({"response_type": "in_channel", "text": lines.join("\n")})
}

/// The channel's incident: title, severity, signatures with a link to their plot, and how
/// many nudges it has had.
async fn status(state: &AppState, channel: &str) -> Result<Value, ApiError> {
    let store = state.store();
    let Some(incident) = store.bound_incident("slack", channel).await? else {
        return Ok(ephemeral(
            "This channel is not bound to a Rhyme incident: bind it with `POST /v1/incidents/{id}/slack-channel`.",
            false,
        ));
    };
    let found = store.incident(&incident).await?;
    let findings = store.findings(&incident).await?;
    let base = state.slack_app().link_base().map(str::to_string);
    let mut lines = vec![format!(
        "*{}* · {} · `{}`",
        escape(&found.title),
        escape(&found.severity),
        escape(&incident)
    )];
    let signatures: Vec<String> = findings
        .iter()
        .filter(|f| f.finding.kind == FindingKind::Signature)
        .map(|f| {
            let plot = f.finding.evidence.iter().find_map(|e| match e {
                Evidence::Window(w) => Some(w.series.clone()),
                _ => None,
            });
            let line = format!("{}: {}", f.finding.subject, f.finding.title);
            match (plot, &base) {
                (Some(series), Some(base)) => format!(
                    "• <{base}/v1/series/{incident}/{series}.svg|{}>",
                    escape(&line).replace('|', "¦")
                ),
                _ => format!("• {}", escape(&line)),
            }
        })
        .collect();
    if signatures.is_empty() {
        lines.push("No graph signature yet.".into());
    } else {
        lines.push("Signatures:".into());
        lines.extend(signatures);
    }
    let nudges = findings
        .iter()
        .filter(|f| f.finding.kind == FindingKind::Nudge)
        .count();
    lines.push(format!("Nudges so far: {nudges}."));
    Ok(json!({"response_type": "ephemeral", "text": lines.join("\n")}))
}
