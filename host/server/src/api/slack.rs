//! Slack's Events API in. Slack cannot send a bearer token, so the request's signature is the
//! authentication: `X-Slack-Signature` must be `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`
//! under the app's signing secret, and the timestamp within five minutes (a replayed request
//! is refused). A `message` in a channel bound to an incident (`POST
//! /v1/incidents/{id}/slack-channel`) becomes a timeline event, its id taken from the channel
//! and Slack's `ts`, so Slack's retries are stored once. Everything else is acknowledged and
//! ignored, as Slack expects a 200 quickly.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use rhyme_store::{Permission, TimelineEvent};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::body::{Body, parse};
use crate::problem::ApiError;
use crate::state::AppState;

/// The binding source for channels.
const SOURCE: &str = "slack";
/// How old a signed request may be, in seconds.
const MAX_AGE_S: i64 = 300;

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    challenge: Option<String>,
    #[serde(default)]
    event: Option<Message>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    ts: String,
}

/// What became of the Slack event.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlackAck {
    /// For Slack's `url_verification`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// The incident the message was added to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    /// Why nothing was stored, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// Receive a signed Slack Events API request; a message in a bound channel becomes a timeline event.
#[utoipa::path(post, path = "/v1/ingest/slack", request_body = Object,
    responses((status = 200, body = SlackAck), (status = 401, description = "missing, wrong or stale signature"), (status = 404, description = "no signing secret configured")))]
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SlackAck>, ApiError> {
    let secret = state.slack_secret().ok_or_else(|| ApiError::NotFound {
        what: "route".into(),
        id: "/v1/ingest/slack (no Slack signing secret configured)".into(),
    })?;
    verify(secret, &headers, &body, state.store().now() / 1000)?;
    let envelope: Envelope = parse(&body)?;
    let ack = |incident: Option<String>, ignored: &str| {
        Json(SlackAck {
            challenge: None,
            incident,
            ignored: Some(ignored.to_string()),
        })
    };
    if envelope.kind == "url_verification" {
        return Ok(Json(SlackAck {
            challenge: envelope.challenge,
            incident: None,
            ignored: None,
        }));
    }
    let Some(message) = envelope
        .event
        .filter(|e| envelope.kind == "event_callback" && e.kind == "message")
    else {
        return Ok(ack(None, "not a message event"));
    };
    if message.subtype.is_some() {
        return Ok(ack(
            None,
            "edits, joins and bot messages are not timeline events",
        ));
    }
    let Some(incident) = state
        .store()
        .bound_incident(SOURCE, &message.channel)
        .await?
    else {
        return Ok(ack(None, "channel not bound to an incident"));
    };
    let at = slack_ts(&message.ts).ok_or_else(|| {
        ApiError::invalid(
            "event.ts",
            format!("`{}` is not a Slack timestamp", message.ts),
        )
    })?;
    let event = TimelineEvent {
        id: format!("slack-{}-{}", message.channel, message.ts),
        at,
        actor: message.user,
        role: String::new(),
        kind: "message".into(),
        text: message.text,
    };
    let place = state.queue().reserve()?;
    let lease = state.queue().lease();
    let (batch, job) = state
        .store()
        .add_events_with_job(
            &incident,
            std::slice::from_ref(&event),
            lease,
            Some("slack"),
        )
        .await?;
    place.send_stored_events(
        job,
        incident.clone(),
        vec![event],
        &batch.stored,
        "slack".into(),
    );
    Ok(Json(SlackAck {
        challenge: None,
        incident: Some(incident),
        ignored: None,
    }))
}

/// Checks Slack's signature and the request's age.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8], now_s: i64) -> Result<(), ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthenticated)
    };
    let timestamp = header("x-slack-request-timestamp")?;
    let sent: i64 = timestamp.parse().map_err(|_| ApiError::Unauthenticated)?;
    if (now_s - sent).abs() > MAX_AGE_S {
        return Err(ApiError::Unauthenticated);
    }
    let signature = header("x-slack-signature")?
        .strip_prefix("v0=")
        .ok_or(ApiError::Unauthenticated)?;
    let signature = hex::decode(signature).map_err(|_| ApiError::Unauthenticated)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| ApiError::Unauthenticated)
}

/// Slack's `ts` (`1700000000.000100`, seconds) as milliseconds.
fn slack_ts(ts: &str) -> Option<i64> {
    let (seconds, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    let millis: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(3)
        .collect();
    Some(seconds.parse::<i64>().ok()? * 1000 + millis.parse::<i64>().ok()?)
}

/// The channel to bind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelIn {
    /// Slack's channel id (`C0123ABC`).
    pub channel: String,
}

/// Bind a Slack channel to an incident, so the channel's messages become its timeline events.
#[utoipa::path(post, path = "/v1/incidents/{id}/slack-channel", params(("id" = String, Path)), request_body = ChannelIn,
    responses((status = 204), (status = 404)), security(("bearer" = ["responder", "ic"])))]
pub async fn bind(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(input): Body<ChannelIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    caller.require(Permission::Ingest)?;
    state.store().bind(SOURCE, &input.channel, &id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(secret: &str, ts: i64, body: &str) -> HeaderMap {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("v0:{ts}:{body}").as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert("x-slack-request-timestamp", ts.to_string().parse().unwrap());
        headers.insert(
            "x-slack-signature",
            format!("v0={}", hex::encode(mac.finalize().into_bytes()))
                .parse()
                .unwrap(),
        );
        headers
    }

    #[test]
    fn only_a_fresh_request_signed_with_the_secret_passes() {
        let body = r#"{"type":"event_callback"}"#;
        assert!(
            verify(
                "s3cret",
                &signed("s3cret", 1_000, body),
                body.as_bytes(),
                1_010
            )
            .is_ok()
        );
        assert!(
            verify(
                "s3cret",
                &signed("other", 1_000, body),
                body.as_bytes(),
                1_010
            )
            .is_err(),
            "wrong secret"
        );
        assert!(
            verify("s3cret", &signed("s3cret", 1_000, body), b"{}", 1_010).is_err(),
            "body changed"
        );
        assert!(
            verify(
                "s3cret",
                &signed("s3cret", 1_000, body),
                body.as_bytes(),
                1_400
            )
            .is_err(),
            "replayed late"
        );
        assert!(
            verify("s3cret", &HeaderMap::new(), body.as_bytes(), 1_000).is_err(),
            "unsigned"
        );
    }

    #[test]
    fn slack_timestamps_become_milliseconds() {
        assert_eq!(slack_ts("1700000000.000100"), Some(1_700_000_000_000));
        assert_eq!(slack_ts("1700000000.5"), Some(1_700_000_000_500));
        assert_eq!(slack_ts("soon"), None);
    }
}
