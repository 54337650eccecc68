//! Errors as `application/problem+json` (RFC 9457). Every answer names what was wrong and,
//! for bad input, the field at fault (`field`, a path such as `events[3].at`); nothing about
//! the host's internals (database errors, file paths) reaches the client: those go to the log.
//!
//! Each answer also carries a [`Refused`] in its extensions, for the access log and the
//! metrics (`crate::access`): what was sent, and which authentication check failed.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No bearer token, an unknown or revoked one, or a bad Slack signature; says which; 401.
    #[error("{0}")]
    Unauthenticated(Unauthenticated),
    /// The gate refuses this caller (deciding their own proposal, a second vote); 403.
    #[error("{0}")]
    Forbidden(String),
    /// The caller's role lacks the permission; says which role has it; 403. Apart from
    /// [`ApiError::Forbidden`] so that `/metrics` counts it as an authorization failure.
    #[error("{0}")]
    WrongRole(String),
    /// The thing named does not exist (or the route is unknown); 404.
    #[error("{what} `{id}` not found")]
    NotFound {
        /// What was looked for: `incident`, `proposal`, `series`, `route`, ...
        what: String,
        /// The id that was not found.
        id: String,
    },
    /// A field of the input is wrong; `field` is its path; 422.
    #[error("`{field}`: {why}")]
    Invalid {
        /// The path of the field at fault, such as `events[3].at`.
        field: String,
        /// What is wrong with it.
        why: String,
    },
    /// The body is not JSON at all, or is cut short; 400.
    #[error("{0}")]
    Malformed(String),
    /// The request clashes with what is stored (already decided, text changed, id in use); 409.
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the server accepts; 413.
    #[error("the request body is larger than {limit} bytes")]
    TooLarge {
        /// The largest body accepted, in bytes.
        limit: usize,
    },
    /// Storing the input would take what an incident holds past a limit (points in a series,
    /// events in a timeline); says which record, the limit and the counts; nothing was stored; 413.
    #[error("`{field}`: {why}")]
    OverLimit {
        /// The input field that brought too much (`points`, `events`).
        field: String,
        /// The record, the limit and the counts.
        why: String,
    },
    /// A body was sent with a content type other than `application/json`; 415.
    #[error("send the body as `application/json`")]
    UnsupportedMediaType,
    /// The plugin queue is full; nothing was stored; 429.
    #[error("the host is busy running plugins; nothing was stored, retry after {retry_after} s")]
    Busy {
        /// Seconds to wait before retrying, also sent as `Retry-After`.
        retry_after: u64,
    },
    /// A feature this host runs without (not enabled, a model missing); says which and why; 503.
    #[error("{0}")]
    Unavailable(String),
    /// Something on the host's side; the detail is logged, not sent; 500.
    #[error("internal error")]
    Internal,
    /// A plugin asked on the request's behalf failed or answered nothing usable; 502.
    #[error("{0}")]
    Upstream(String),
}

/// Why a request was not authenticated, said so that the person at the other end knows what
/// to fix. No message echoes a secret or says anything about tokens other than the one sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unauthenticated {
    /// No `Authorization` header at all.
    #[error(
        "no bearer token: send `Authorization: Bearer SECRET` (an admin creates one with `rhyme token create`)"
    )]
    NoToken,
    /// An `Authorization` header that is not `Bearer SECRET`.
    #[error("the `Authorization` header is not `Bearer SECRET`")]
    NotBearer,
    /// A bearer token this server never issued.
    #[error(
        "the bearer token is not one this server issued: check it was copied whole and is for this server"
    )]
    UnknownToken,
    /// A bearer token that was revoked.
    #[error("the bearer token was revoked; ask an admin for a new one")]
    RevokedToken,
    /// A Slack request without its signature headers.
    #[error(
        "no Slack signature: `X-Slack-Signature` and `X-Slack-Request-Timestamp` are required on this route"
    )]
    SlackUnsigned,
    /// A Slack signature header that is not `v0=` and hex, or a timestamp that is not a number.
    #[error("the Slack signature headers are malformed: {0}")]
    SlackMalformed(&'static str),
    /// A Slack request signed too long ago (or in the future): a replay, or a clock out of step.
    #[error(
        "the Slack request timestamp is {skew_s} s away from this server's clock (at most {max_s} s is accepted): a replayed request, or a clock out of sync"
    )]
    SlackStale {
        /// How far the timestamp is from the server's clock, in seconds.
        skew_s: i64,
        /// The largest difference accepted, in seconds.
        max_s: i64,
    },
    /// A Slack signature that does not match the body under the configured signing secret.
    #[error(
        "the Slack signature does not match: the configured signing secret is not this Slack app's, or the body was changed on the way"
    )]
    SlackMismatch,
    /// A signed webhook (GitHub, Jira, Argo CD) without its signature or secret header.
    #[error("no {sender} signature: the `{header}` header is required on this route")]
    WebhookUnsigned {
        /// Who should have signed it: `GitHub`, `Argo CD`.
        sender: &'static str,
        /// The header that is missing.
        header: &'static str,
    },
    /// A signed webhook's signature header in the wrong form.
    #[error("the {sender} signature header is malformed: {why}")]
    WebhookMalformed {
        /// Who should have signed it.
        sender: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A signed webhook whose signature or secret does not match the configured secret.
    #[error(
        "the {sender} signature or secret does not match: the configured webhook secret is not the sender's, or the body was changed on the way"
    )]
    WebhookMismatch {
        /// Who should have signed it.
        sender: &'static str,
    },
}

impl Unauthenticated {
    /// The failure as a metric label (`rhyme_auth_failures_total{reason}`).
    pub fn reason(&self) -> &'static str {
        match self {
            Unauthenticated::NoToken => "missing-token",
            Unauthenticated::NotBearer => "not-bearer",
            Unauthenticated::UnknownToken => "unknown-token",
            Unauthenticated::RevokedToken => "revoked-token",
            Unauthenticated::SlackUnsigned => "slack-unsigned",
            Unauthenticated::SlackMalformed(_) => "slack-malformed",
            Unauthenticated::SlackStale { .. } => "slack-stale",
            Unauthenticated::SlackMismatch => "slack-bad-signature",
            Unauthenticated::WebhookUnsigned { .. } => "webhook-unsigned",
            Unauthenticated::WebhookMalformed { .. } => "webhook-malformed",
            Unauthenticated::WebhookMismatch { .. } => "webhook-bad-signature",
        }
    }

    /// Whether the failure is about a bearer token (so the answer carries `WWW-Authenticate`).
    fn is_bearer(&self) -> bool {
        matches!(
            self,
            Unauthenticated::NoToken
                | Unauthenticated::NotBearer
                | Unauthenticated::UnknownToken
                | Unauthenticated::RevokedToken
        )
    }
}

/// Every label [`ApiError::auth_failure`] can give, so each is exported from zero.
pub const AUTH_FAILURES: &[&str] = &[
    "missing-token",
    "not-bearer",
    "unknown-token",
    "revoked-token",
    "wrong-role",
    "slack-unsigned",
    "slack-malformed",
    "slack-stale",
    "slack-bad-signature",
    "webhook-unsigned",
    "webhook-malformed",
    "webhook-bad-signature",
];

/// What a refused request was told, left in the response's extensions for the middleware
/// that logs and counts refusals (so that `into_response` itself does nothing but answer).
#[derive(Debug, Clone)]
pub struct Refused {
    /// The problem document's `detail`: written for the client, so it holds no secret.
    pub detail: String,
    /// Which authentication or authorization check failed, if one did.
    pub auth_failure: Option<&'static str>,
}

/// The problem document (RFC 9457 members plus `field`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase, such as `Unprocessable Entity`.
    pub title: String,
    /// The HTTP status code, the same as the response's.
    pub status: u16,
    /// What was wrong with this request, in plain words.
    pub detail: String,
    /// The input field at fault, as a path (`events[3].at`), for bad input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// A signed webhook's route on a host without that sender's secret: 404, as if the route
    /// were not there, naming the secret that would enable it.
    pub fn unconfigured(route: &str, secret: &str) -> ApiError {
        ApiError::NotFound {
            what: "route".into(),
            id: format!("{route} (no {secret} configured)"),
        }
    }

    /// An `Invalid` error for `field` (a path such as `events[3].at`), saying why.
    pub fn invalid(field: impl Into<String>, why: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            why: why.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::WrongRole(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge { .. } | ApiError::OverLimit { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(_) | ApiError::WrongRole(_) => "forbidden",
            ApiError::NotFound { .. } => "not-found",
            ApiError::Invalid { .. } => "invalid-field",
            ApiError::Malformed(_) => "malformed-body",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge { .. } => "body-too-large",
            ApiError::OverLimit { .. } => "over-limit",
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::Busy { .. } => "busy",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal => "internal",
            ApiError::Upstream(_) => "plugin-failed",
        }
    }

    /// The authentication or authorization check that failed, as a metric label (one of
    /// [`AUTH_FAILURES`]); `None` for every other refusal.
    pub fn auth_failure(&self) -> Option<&'static str> {
        match self {
            ApiError::Unauthenticated(why) => Some(why.reason()),
            ApiError::WrongRole(_) => Some("wrong-role"),
            _ => None,
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            kind: format!("urn:rhyme:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            field: match self {
                ApiError::Invalid { field, .. } | ApiError::OverLimit { field, .. } => {
                    Some(field.clone())
                }
                _ => None,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).expect("problems serialise");
        let mut response = (self.status(), body).into_response();
        response.extensions_mut().insert(Refused {
            detail: problem.detail,
            auth_failure: self.auth_failure(),
        });
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Busy { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unauthenticated(why) if why.is_bearer() => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

impl From<rhyme_store::Error> for ApiError {
    fn from(error: rhyme_store::Error) -> ApiError {
        use rhyme_store::Error as E;
        match error {
            E::NotFound { what, id } => ApiError::NotFound {
                what: what.to_string(),
                id,
            },
            E::Forbidden { why } => ApiError::Forbidden(why),
            E::Invalid { field, why } => ApiError::Invalid { field, why },
            E::OverLimit { field, why } => ApiError::OverLimit { field, why },
            e @ (E::AlreadyDecided { .. } | E::Conflict { .. }) => {
                ApiError::Conflict(e.to_string())
            }
            other => {
                tracing::error!("store: {other}");
                ApiError::Internal
            }
        }
    }
}

impl From<rhyme_pipeline::queue::QueueFull> for ApiError {
    fn from(full: rhyme_pipeline::queue::QueueFull) -> Self {
        ApiError::Busy {
            retry_after: full.retry_after,
        }
    }
}

/// The answer to a request whose handler panicked: logged with what the panic said, answered
/// as [`ApiError::Internal`] (the caller learns nothing of the server's insides), and the
/// server goes on serving every other request.
pub fn handler_panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    tracing::error!(panic = %what, "a request handler panicked; answered 500");
    ApiError::Internal.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_router_goes_on() {
        use axum::body::Body;
        use axum::http::Request;
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if true {
                        panic!("secret detail of a bug");
                    }
                    "unreachable"
                }),
            )
            .route("/fine", axum::routing::get(|| async { "ok" }))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                handler_panicked,
            ));
        let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
        let answer = app.clone().oneshot(get("/boom")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            answer.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(answer.into_body(), 1 << 16)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("urn:rhyme:problem:internal"), "{text}");
        assert!(!text.contains("secret detail"), "{text}");
        let answer = app.oneshot(get("/fine")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }

    #[test]
    fn a_database_failure_does_not_reach_the_client() {
        let error = ApiError::from(rhyme_store::Error::Corrupt {
            table: "secret_table",
            why: "x".into(),
        });
        let problem = error.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("secret_table"));
    }

    #[test]
    fn too_much_for_an_incident_is_413_naming_the_field() {
        let error = ApiError::from(rhyme_store::Error::OverLimit {
            field: "points".into(),
            why: "series `rps` would hold 11 points".into(),
        });
        let problem = error.problem();
        assert_eq!(problem.status, 413);
        assert_eq!(problem.field.as_deref(), Some("points"));
        assert_eq!(
            problem.detail,
            "`points`: series `rps` would hold 11 points"
        );
    }

    #[test]
    fn every_auth_failure_label_is_listed() {
        let failures = [
            ApiError::Unauthenticated(Unauthenticated::NoToken),
            ApiError::Unauthenticated(Unauthenticated::NotBearer),
            ApiError::Unauthenticated(Unauthenticated::UnknownToken),
            ApiError::Unauthenticated(Unauthenticated::RevokedToken),
            ApiError::WrongRole("no".into()),
            ApiError::Unauthenticated(Unauthenticated::SlackUnsigned),
            ApiError::Unauthenticated(Unauthenticated::SlackMalformed("x")),
            ApiError::Unauthenticated(Unauthenticated::SlackStale {
                skew_s: 1,
                max_s: 0,
            }),
            ApiError::Unauthenticated(Unauthenticated::SlackMismatch),
            ApiError::Unauthenticated(Unauthenticated::WebhookUnsigned {
                sender: "GitHub",
                header: "X-Hub-Signature-256",
            }),
            ApiError::Unauthenticated(Unauthenticated::WebhookMalformed {
                sender: "GitHub",
                why: "x",
            }),
            ApiError::Unauthenticated(Unauthenticated::WebhookMismatch { sender: "GitHub" }),
        ];
        let labels: Vec<_> = failures.iter().filter_map(ApiError::auth_failure).collect();
        assert_eq!(labels, AUTH_FAILURES);
        assert_eq!(ApiError::Forbidden("gate".into()).auth_failure(), None);
    }

    #[test]
    fn bad_input_names_the_field() {
        let problem = ApiError::invalid("events[2].at", "has no time zone").problem();
        assert_eq!(problem.field.as_deref(), Some("events[2].at"));
        assert_eq!(problem.status, 422);
    }
}
