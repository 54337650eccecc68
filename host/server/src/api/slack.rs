//! Slack's Events API in. Slack cannot send a bearer token, so the request's signature is the
//! authentication: `X-Slack-Signature` must be `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`
//! under the app's signing secret, and the timestamp within five minutes (a replayed request
//! is refused); each way a request can fail is named in the 401. A person's `message` in a
//! channel bound to an incident (`POST /v1/incidents/{id}/slack-channel`) becomes a timeline
//! event, its id taken from the channel and Slack's `ts`, so Slack's retries are stored once; a
//! file shared there (`file_share`), a thread reply sent to the channel too and a `/me`
//! message are a person's messages as well. Everything else is acknowledged and ignored, as
//! Slack expects a 200 quickly, with the reason in `ignored`: direct messages (private, never
//! stored), bots' messages (with the `bot_message` subtype or, as app bots' replies come,
//! without a subtype but with `bot_id` / `bot_profile`; a bot's events go through the API
//! instead), edits, deletions and channel notices.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use rhyme_store::TimelineEvent;
use rhyme_store::limits::MAX_EVENT_TEXT;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use super::shorten;
use crate::auth::{Allowed, may};
use crate::body::{Body, parse};
use crate::problem::{ApiError, Unauthenticated};
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
    /// `channel`, `group`, `im` (a direct message) or `mpim` (a group direct message).
    #[serde(default)]
    channel_type: Option<String>,
    /// Set on every message a bot posts, with or without the `bot_message` subtype.
    #[serde(default)]
    bot_id: Option<String>,
    /// Set on app bots' messages, which carry a `user` and no subtype.
    #[serde(default)]
    bot_profile: Option<serde::de::IgnoredAny>,
    /// The files of a `file_share`.
    #[serde(default)]
    files: Vec<SharedFile>,
}

#[derive(Debug, Deserialize)]
struct SharedFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

impl Message {
    /// Why this message is not a timeline event, or `None` when it is one: something a person
    /// said in a channel.
    fn ignored_because(&self) -> Option<String> {
        if let Some(kind @ ("im" | "mpim")) = self.channel_type.as_deref() {
            return Some(format!(
                "a direct message (channel_type `{kind}`): direct messages are private and never become timeline events"
            ));
        }
        let subtype = self.subtype.as_deref();
        if subtype == Some("bot_message") || self.bot_id.is_some() || self.bot_profile.is_some() {
            let bot = self.bot_id.as_deref().unwrap_or("without a bot_id");
            return Some(format!(
                "a bot's message (bot {bot}): only what people write becomes a timeline event; send a bot's events to POST /v1/incidents/{{id}}/events"
            ));
        }
        match subtype? {
            "file_share" | "thread_broadcast" | "me_message" => None,
            "message_changed" => Some(
                "an edit (message_changed): the timeline keeps each message as first sent".into(),
            ),
            "message_deleted" => {
                Some("a deletion (message_deleted): the timeline keeps what was said".into())
            }
            notice if notice.starts_with("channel_") || notice.starts_with("group_") => Some(
                format!("a channel notice ({notice}), not something a person said"),
            ),
            other => Some(format!(
                "a message of subtype `{other}`, not something a person said in the channel"
            )),
        }
    }

    /// The timeline event of a person's message; its id from the channel and `ts`, so that
    /// Slack's retries are stored once.
    fn event(&self) -> Result<TimelineEvent, ApiError> {
        let at = slack_ts(&self.ts).ok_or_else(|| {
            ApiError::invalid(
                "event.ts",
                format!("`{}` is not a Slack timestamp", self.ts),
            )
        })?;
        Ok(TimelineEvent {
            id: format!("slack-{}-{}", self.channel, self.ts),
            at,
            actor: self.user.clone(),
            role: String::new(),
            kind: "message".into(),
            text: shorten(&self.timeline_text(), MAX_EVENT_TEXT),
            change: None,
        })
    }

    /// The event's text: what was written, and the names of the files shared with it.
    fn timeline_text(&self) -> String {
        let names: Vec<&str> = self
            .files
            .iter()
            .filter_map(|f| f.name.as_deref().or(f.title.as_deref()))
            .filter(|name| !name.is_empty())
            .collect();
        match (self.text.trim().is_empty(), names.is_empty()) {
            (_, true) => self.text.clone(),
            (true, false) => format!("shared {}", names.join(", ")),
            (false, false) => format!("{} (shared {})", self.text, names.join(", ")),
        }
    }
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
#[utoipa::path(post, path = "/v1/ingest/slack", request_body(content = Object, description = "Slack's Events API request, as Slack sends it (its content type is not checked: the signature covers the bytes)"),
    params(
        ("X-Slack-Signature" = String, Header, description = "`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the app's signing secret"),
        ("X-Slack-Request-Timestamp" = String, Header, description = "when Slack sent it, in seconds since the epoch; at most 300 s from the server's clock"),
    ),
    responses((status = 200, body = SlackAck, description = "stored, or acknowledged and ignored with the reason"),
        (status = 401, description = "the signature is missing, malformed, does not match, or is too old; `detail` says which"),
        (status = 404, description = "no Slack signing secret is configured on this host"),
        (status = 422, description = "the event's `ts` is not a Slack timestamp"),
        (status = 429)))]
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SlackAck>, ApiError> {
    let secret = state
        .slack_secret()
        .ok_or_else(|| ApiError::unconfigured("/v1/ingest/slack", "Slack signing secret"))?;
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
    if let Some(reason) = message.ignored_because() {
        return Ok(ack(None, &reason));
    }
    let Some(incident) = state
        .store()
        .bound_incident(SOURCE, &message.channel)
        .await?
    else {
        return Ok(ack(None, "channel not bound to an incident"));
    };
    let event = message.event()?;
    let place = state.queue().reserve(Some(&incident), 1)?;
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

/// Checks Slack's signature and the request's age, saying which of them is wrong.
pub(crate) fn verify(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now_s: i64,
) -> Result<(), ApiError> {
    check_signature(secret, headers, body, now_s).map_err(ApiError::Unauthenticated)
}

fn check_signature(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now_s: i64,
) -> Result<(), Unauthenticated> {
    let header = |name: &str| {
        headers
            .get(name)
            .ok_or(Unauthenticated::SlackUnsigned)?
            .to_str()
            .map_err(|_| Unauthenticated::SlackMalformed("a header is not plain text"))
    };
    let timestamp = header("x-slack-request-timestamp")?;
    let signature = header("x-slack-signature")?;
    let sent: i64 = timestamp.trim().parse().map_err(|_| {
        Unauthenticated::SlackMalformed("`X-Slack-Request-Timestamp` is not a number of seconds")
    })?;
    let skew_s = now_s.saturating_sub(sent).saturating_abs();
    if skew_s > MAX_AGE_S {
        return Err(Unauthenticated::SlackStale {
            skew_s,
            max_s: MAX_AGE_S,
        });
    }
    let signature = signature
        .strip_prefix("v0=")
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(Unauthenticated::SlackMalformed(
            "`X-Slack-Signature` is not `v0=` followed by hex",
        ))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| Unauthenticated::SlackMismatch)
}

/// Slack's `ts` (`1700000000.000100`, seconds) as milliseconds: digits, a dot and at most nine
/// more digits, and a time `i64` milliseconds can hold.
fn slack_ts(ts: &str) -> Option<i64> {
    let (seconds, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(seconds) || !digits(fraction) || fraction.len() > 9 {
        return None;
    }
    let millis: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(3)
        .collect();
    seconds
        .parse::<i64>()
        .ok()?
        .checked_mul(1000)?
        .checked_add(millis.parse::<i64>().ok()?)
}

/// The channel to bind.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelIn {
    /// Slack's channel id (`C0123ABC`), not its name: no `#` in front, no spaces.
    #[schema(pattern = "^[^#\\s]\\S*$")]
    pub channel: String,
    /// The incident commander's Slack user id (`U0123ABC`): who gets the channel's nudges
    /// when the timeline names no IC the Slack app knows.
    #[serde(default)]
    #[schema(pattern = "^[UW][A-Z0-9]{2,31}$")]
    pub ic: Option<String>,
}

/// Bind a Slack channel to an incident, so the channel's messages become its timeline events.
#[utoipa::path(post, path = "/v1/incidents/{id}/slack-channel", params(("id" = String, Path)), request_body = ChannelIn,
    responses((status = 204, description = "bound"), (status = 404, description = "no such incident"),
        (status = 422, description = "`channel` is empty or looks like a channel's name")), security(("bearer" = ["responder", "ic"])))]
pub async fn bind(
    State(state): State<AppState>,
    _caller: Allowed<may::Ingest>,
    Path(id): Path<String>,
    Body(input): Body<ChannelIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    let channel = channel_id(&input.channel)?;
    // The IC first: a wrong id is refused (naming `ic`) before the channel is bound.
    if let Some(ic) = input.ic.as_deref() {
        state.store().incident(&id).await?;
        state.store().set_slack_channel_ic(channel, ic).await?;
    }
    state.store().bind(SOURCE, channel, &id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The channel id to bind, checked here so that an error names the body's `channel` field
/// (the store calls it a binding's `key`).
fn channel_id(text: &str) -> Result<&str, ApiError> {
    let channel = text.trim();
    if channel.is_empty() {
        return Err(ApiError::invalid(
            "channel",
            "is empty; give the Slack channel's id, such as C0123ABC",
        ));
    }
    if channel.starts_with('#') || channel.contains(char::is_whitespace) {
        return Err(ApiError::invalid(
            "channel",
            format!(
                "`{channel}` looks like a channel name; give the channel's id (C0123ABC), shown at the bottom of the channel's details in Slack"
            ),
        ));
    }
    Ok(channel)
}

#[cfg(test)]
#[path = "slack_proptests.rs"]
mod proptests;

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
    fn only_a_fresh_request_signed_with_the_secret_passes_and_each_failure_is_named() {
        let body = r#"{"type":"event_callback"}"#;
        let check = |headers: &HeaderMap, body: &[u8], now: i64| {
            check_signature("s3cret", headers, body, now)
        };
        assert_eq!(
            check(&signed("s3cret", 1_000, body), body.as_bytes(), 1_010),
            Ok(())
        );
        assert_eq!(
            check(&signed("other", 1_000, body), body.as_bytes(), 1_010),
            Err(Unauthenticated::SlackMismatch),
            "wrong secret"
        );
        assert_eq!(
            check(&signed("s3cret", 1_000, body), b"{}", 1_010),
            Err(Unauthenticated::SlackMismatch),
            "body changed"
        );
        assert_eq!(
            check(&signed("s3cret", 1_000, body), body.as_bytes(), 1_400),
            Err(Unauthenticated::SlackStale {
                skew_s: 400,
                max_s: MAX_AGE_S
            }),
            "replayed late"
        );
        assert_eq!(
            check(&HeaderMap::new(), body.as_bytes(), 1_000),
            Err(Unauthenticated::SlackUnsigned),
            "unsigned"
        );
        let mut garbled = signed("s3cret", 1_000, body);
        garbled.insert("x-slack-signature", "sha256=abc".parse().unwrap());
        assert!(matches!(
            check(&garbled, body.as_bytes(), 1_000),
            Err(Unauthenticated::SlackMalformed(_))
        ));
    }

    #[test]
    fn no_failure_message_shows_the_secret_or_the_signature() {
        let body = r#"{"type":"event_callback"}"#;
        let headers = signed("other", 1_000, body);
        let sent = headers["x-slack-signature"].to_str().unwrap().to_string();
        let detail = verify("s3cret", &headers, body.as_bytes(), 1_000)
            .unwrap_err()
            .problem()
            .detail;
        assert!(detail.contains("does not match"), "{detail}");
        assert!(
            !detail.contains("s3cret") && !detail.contains(&sent[3..]),
            "{detail}"
        );
    }

    #[test]
    fn slack_timestamps_become_milliseconds() {
        assert_eq!(slack_ts("1700000000.000100"), Some(1_700_000_000_000));
        assert_eq!(slack_ts("1700000000.5"), Some(1_700_000_000_500));
        assert_eq!(slack_ts("soon"), None);
    }

    /// Seconds past what `i64` milliseconds hold overflowed (a wrapped, far-off time in a
    /// release build), and anything after three fraction digits, control characters included,
    /// went unread into the event's id.
    #[test]
    fn a_ts_that_is_not_digits_or_too_large_is_refused() {
        assert_eq!(slack_ts("9223372036854775807.000"), None);
        assert_eq!(slack_ts("9223372036854775.807"), Some(i64::MAX));
        assert_eq!(slack_ts("1700000000.000\u{0}x"), None);
        assert_eq!(slack_ts("1700000000.1234567890"), None);
        assert_eq!(slack_ts("-1.5"), None);
        assert_eq!(slack_ts(".5"), None);
    }

    /// Slack takes 40,000 characters, up to 160 KB: more than the store keeps, so a long
    /// message is cut, and shows it, rather than refused (Slack would retry it in vain).
    #[test]
    fn a_message_longer_than_an_event_text_is_cut() {
        let message: Message = serde_json::from_value(serde_json::json!({
            "type": "message", "channel": "C1", "user": "U1", "ts": "1700000000.000100",
            "text": "火".repeat(40_000)}))
        .unwrap();
        let event = message.event().unwrap();
        assert!(event.text.len() <= MAX_EVENT_TEXT && event.text.ends_with('…'));
        assert_eq!(event.at, 1_700_000_000_000);
    }
}
