//! Slack's Web API as a bot: `chat.postMessage`, `chat.postEphemeral` and `chat.update`, with
//! the app's bot token (`xoxb-…`) as `Authorization: Bearer`. Unlike an incoming webhook, the
//! Web API answers HTTP 200 for most refusals and says so in the body
//! (`{"ok": false, "error": "channel_not_found"}`), so the body decides, not the status; HTTP
//! 429 carries `Retry-After`, which the outbox honours through [`SinkError::Retryable`].
//!
//! As a [`Sink`], an outbox payload `{"method": "chat.postEphemeral", "message": {...}}` is
//! sent as is: the message is built by whoever queued it, so a retry posts the same bytes.
//!
//! The token is held in a [`BotToken`], whose `Debug` and `Display` never show it: a token
//! cannot reach a log line, an error or an outbox row through formatting.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

use crate::{Delivery, Sink, SinkConfigError, SinkError, SinkFuture};

/// Where Slack's Web API lives; tests point a client at a local fake instead.
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";
const TIMEOUT: Duration = Duration::from_secs(10);

/// A Slack bot token. Printed, it shows only its kind (`xoxb-…`), never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct BotToken(String);

impl BotToken {
    /// A token as Slack issued it: `xoxb-` for a bot (or `xoxp-` for a user token), no spaces.
    pub fn new(token: &str) -> Result<Self, SinkConfigError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(SinkConfigError::invalid("bot-token", "is empty"));
        }
        if !(token.starts_with("xoxb-") || token.starts_with("xoxp-")) {
            // Saying what it starts with would show part of a secret pasted by mistake.
            return Err(SinkConfigError::invalid(
                "bot-token",
                "does not start with `xoxb-`: give the Bot User OAuth Token from the app's OAuth & Permissions page",
            ));
        }
        if token.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(SinkConfigError::invalid(
                "bot-token",
                "contains spaces or control characters",
            ));
        }
        Ok(BotToken(token.to_string()))
    }

    /// The `Authorization` header's value; the only way the secret leaves this type.
    fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.0.get(..5).unwrap_or("xox?-");
        write!(f, "{kind}…(redacted)")
    }
}

/// The Web API methods Rhyme calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A message everyone in the channel (or thread) sees.
    PostMessage,
    /// A message only one user in the channel sees, and that is gone when they reload.
    PostEphemeral,
    /// Replace the text and blocks of a message the app posted.
    Update,
}

impl Method {
    /// Slack's name for it, the last part of its URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::PostMessage => "chat.postMessage",
            Method::PostEphemeral => "chat.postEphemeral",
            Method::Update => "chat.update",
        }
    }

    /// The method Slack calls `name`, if Rhyme calls it.
    pub fn parse(name: &str) -> Option<Method> {
        [Method::PostMessage, Method::PostEphemeral, Method::Update]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a Web API call did not do what was asked. Never holds the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlackApiError {
    /// No answer: connection refused, timed out, cut off.
    #[error("{method}: Slack could not be reached: {why}")]
    Unreachable {
        /// The method called.
        method: Method,
        /// What went wrong.
        why: String,
    },
    /// HTTP 429: the app is over its rate limit for this method.
    #[error("{method}: Slack is rate limiting the app (HTTP 429){}", after.map(|a| format!(", retry after {} s", a.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The method called.
        method: Method,
        /// `Retry-After`, when Slack sent it.
        after: Option<Duration>,
    },
    /// An HTTP status other than 200 or 429.
    #[error("{method}: Slack answered HTTP {status}")]
    Status {
        /// The method called.
        method: Method,
        /// The status code.
        status: u16,
    },
    /// `{"ok": false, "error": ...}`: Slack refused the call, and said why.
    #[error("{method}: Slack refused the call: {error}")]
    Refused {
        /// The method called.
        method: Method,
        /// Slack's error code (`channel_not_found`, `not_in_channel`, `invalid_auth`, ...).
        error: String,
    },
    /// A 200 whose body is not Slack's `{"ok": ...}` object.
    #[error("{method}: Slack's answer is not its JSON: {why}")]
    Garbled {
        /// The method called.
        method: Method,
        /// What was wrong with the body.
        why: String,
    },
}

/// Slack error codes after which the same call may well succeed later.
const TRANSIENT: &[&str] = &[
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
];

impl SlackApiError {
    /// Whether calling again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            SlackApiError::Unreachable { .. } | SlackApiError::RateLimited { .. } => true,
            SlackApiError::Status { status, .. } => *status >= 500,
            SlackApiError::Refused { error, .. } => TRANSIENT.contains(&error.as_str()),
            SlackApiError::Garbled { .. } => false,
        }
    }
}

impl From<SlackApiError> for SinkError {
    fn from(error: SlackApiError) -> SinkError {
        let after = match &error {
            SlackApiError::RateLimited { after, .. } => *after,
            _ => None,
        };
        if error.is_retryable() {
            SinkError::Retryable {
                why: error.to_string(),
                after,
            }
        } else {
            SinkError::Permanent {
                why: error.to_string(),
            }
        }
    }
}

/// A client of Slack's Web API holding the bot token.
#[derive(Debug, Clone)]
pub struct SlackApi {
    /// `https://slack.com/api`, without the trailing slash.
    base: String,
    token: BotToken,
    client: reqwest::Client,
}

impl SlackApi {
    /// A client calling the API at `base` (http or https; [`DEFAULT_API_BASE`] for Slack's own).
    pub fn new(base: &str, token: BotToken) -> Result<Self, SinkConfigError> {
        let (url, client) = crate::webhook::http_client(base, TIMEOUT)
            .map_err(|e| SinkConfigError::invalid("api-base", e.why))?;
        Ok(SlackApi {
            base: url.as_str().trim_end_matches('/').to_string(),
            token,
            client,
        })
    }

    /// Calls `method` with `body` as JSON; Slack's answer when it says `"ok": true`.
    pub async fn call(&self, method: Method, body: &Value) -> Result<Value, SlackApiError> {
        let response = self
            .client
            .post(format!("{}/{}", self.base, method.as_str()))
            .header(AUTHORIZATION, self.token.bearer())
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| SlackApiError::Unreachable {
                method,
                why: e.without_url().to_string(),
            })?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let after = crate::webhook::retry_after(response.headers());
            return Err(SlackApiError::RateLimited { method, after });
        }
        if status != StatusCode::OK {
            return Err(SlackApiError::Status {
                method,
                status: status.as_u16(),
            });
        }
        let text = response
            .text()
            .await
            .map_err(|e| SlackApiError::Unreachable {
                method,
                why: e.without_url().to_string(),
            })?;
        answer(method, &text)
    }

    /// `chat.postMessage`: `message` holds `channel`, and `text` and/or `blocks` (and
    /// `thread_ts` to reply in a thread).
    pub async fn post_message(&self, message: &Value) -> Result<Value, SlackApiError> {
        self.call(Method::PostMessage, message).await
    }

    /// `chat.postEphemeral`: `message` holds `channel`, `user`, and `text` and/or `blocks`.
    pub async fn post_ephemeral(&self, message: &Value) -> Result<Value, SlackApiError> {
        self.call(Method::PostEphemeral, message).await
    }

    /// `chat.update`: `message` holds `channel`, the `ts` of the message to replace, and the
    /// new `text` and/or `blocks`.
    pub async fn update(&self, message: &Value) -> Result<Value, SlackApiError> {
        self.call(Method::Update, message).await
    }

    /// Sends an outbox payload (`{"method": ..., "message": {...}}`); Slack's answer, which
    /// holds the posted message's `ts` (`message_ts` for `chat.postEphemeral`).
    pub async fn send(&self, payload: &Value) -> Result<Value, SinkError> {
        let (method, message) = outbox_call(payload)?;
        Ok(self.call(method, message).await?)
    }

    async fn deliver_payload(&self, delivery: &Delivery) -> Result<(), SinkError> {
        self.send(&delivery.payload).await.map(|_| ())
    }
}

/// The method and message of an outbox payload queued for the Slack app.
fn outbox_call(payload: &Value) -> Result<(Method, &Value), SinkError> {
    let refuse = |why: String| SinkError::Permanent { why };
    let name = payload
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| refuse("the payload's `method` is missing or not text".into()))?;
    let method = Method::parse(name).ok_or_else(|| {
        refuse(format!(
            "the payload's `method` `{name}` is not chat.postMessage, chat.postEphemeral or chat.update"
        ))
    })?;
    let message = payload
        .get("message")
        .filter(|m| m.is_object())
        .ok_or_else(|| refuse("the payload's `message` is missing or not an object".into()))?;
    Ok((method, message))
}

/// Slack's 200 answer: the body when `ok` is true, its `error` otherwise.
fn answer(method: Method, text: &str) -> Result<Value, SlackApiError> {
    let garbled = |why: String| SlackApiError::Garbled { method, why };
    let body: Value = serde_json::from_str(text).map_err(|e| garbled(e.to_string()))?;
    match body.get("ok").and_then(Value::as_bool) {
        Some(true) => Ok(body),
        Some(false) => Err(SlackApiError::Refused {
            method,
            error: body
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("(no error code)")
                .chars()
                .take(100)
                .collect(),
        }),
        None => Err(garbled("`ok` is missing or not true/false".into())),
    }
}

impl Sink for SlackApi {
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a> {
        Box::pin(self.deliver_payload(delivery))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints() {
        let token = BotToken::new("xoxb-123-456-abcdef").unwrap();
        assert_eq!(format!("{token}"), "xoxb-…(redacted)");
        assert_eq!(format!("{token:?}"), "xoxb-…(redacted)");
        let api = SlackApi::new("http://127.0.0.1:9/api/", token).unwrap();
        assert!(!format!("{api:?}").contains("abcdef"), "{api:?}");
        assert_eq!(api.base, "http://127.0.0.1:9/api");
    }

    #[test]
    fn a_wrong_token_or_base_names_the_setting() {
        assert_eq!(BotToken::new(" ").unwrap_err().field, "bot-token");
        let pasted = BotToken::new("hunter2-secret").unwrap_err();
        assert_eq!(pasted.field, "bot-token");
        assert!(!pasted.why.contains("hunter2"), "{pasted}");
        let token = BotToken::new("xoxb-1").unwrap();
        assert_eq!(
            SlackApi::new("ftp://slack", token).unwrap_err().field,
            "api-base"
        );
    }

    #[test]
    fn slack_says_ok_false_in_a_200_and_that_is_an_error() {
        let method = Method::PostEphemeral;
        assert!(answer(method, r#"{"ok":true,"message_ts":"1.2"}"#).is_ok());
        assert_eq!(
            answer(method, r#"{"ok":false,"error":"user_not_in_channel"}"#),
            Err(SlackApiError::Refused {
                method,
                error: "user_not_in_channel".into()
            })
        );
        assert!(matches!(
            answer(method, "ok"),
            Err(SlackApiError::Garbled { .. })
        ));
        assert!(matches!(
            answer(method, r#"{"error":"x"}"#),
            Err(SlackApiError::Garbled { .. })
        ));
    }

    #[test]
    fn refusals_are_permanent_and_throttling_and_outages_are_retried() {
        let method = Method::PostMessage;
        let refused: SinkError = SlackApiError::Refused {
            method,
            error: "channel_not_found".into(),
        }
        .into();
        assert!(
            matches!(refused, SinkError::Permanent { why } if why.contains("channel_not_found"))
        );
        let limited: SinkError = SlackApiError::RateLimited {
            method,
            after: Some(Duration::from_secs(30)),
        }
        .into();
        assert_eq!(
            limited,
            SinkError::Retryable {
                why:
                    "chat.postMessage: Slack is rate limiting the app (HTTP 429), retry after 30 s"
                        .into(),
                after: Some(Duration::from_secs(30))
            }
        );
        assert!(
            SlackApiError::Status {
                method,
                status: 503
            }
            .is_retryable()
        );
        assert!(
            !SlackApiError::Status {
                method,
                status: 404
            }
            .is_retryable()
        );
    }

    #[test]
    fn an_outbox_payload_names_its_method_and_message() {
        let payload = serde_json::json!({"method": "chat.postEphemeral",
            "message": {"channel": "C1", "user": "U1", "text": "hi"}});
        let (method, message) = outbox_call(&payload).unwrap();
        assert_eq!(method, Method::PostEphemeral);
        assert_eq!(message["user"], "U1");
        let wrong = serde_json::json!({"method": "chat.delete", "message": {}});
        assert!(
            matches!(outbox_call(&wrong), Err(SinkError::Permanent { why }) if why.contains("`method`"))
        );
        let no_message = serde_json::json!({"method": "chat.update"});
        assert!(
            matches!(outbox_call(&no_message), Err(SinkError::Permanent { why }) if why.contains("`message`"))
        );
    }
}
