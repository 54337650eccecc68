//! The webhook sink: POSTs the action as JSON, with the outbox id as `Idempotency-Key` so the
//! receiver can tell a retry from a new action. 2xx is delivered; a timeout, a refused
//! connection, 408, 425, 429 and 5xx are retried (honouring `Retry-After` in seconds); any
//! other answer means the receiver rejects the request itself, and retrying will not help.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

use crate::SinkConfigError as Error;
use crate::{Delivery, Sink, SinkError, SinkFuture};

type Result<T, E = Error> = std::result::Result<T, E>;

/// How long one POST may take, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// POSTs approved actions to a URL.
#[derive(Debug, Clone)]
pub struct WebhookSink {
    url: reqwest::Url,
    client: reqwest::Client,
    headers: HeaderMap,
}

impl WebhookSink {
    /// A sink for `url` (http or https).
    pub fn new(url: &str) -> Result<Self> {
        Self::with_timeout(url, DEFAULT_TIMEOUT)
    }

    /// A sink for `url` (http or https) whose POSTs give up after `timeout`.
    pub fn with_timeout(url: &str, timeout: Duration) -> Result<Self> {
        let (url, client) = http_client(url, timeout)?;
        Ok(WebhookSink {
            url,
            client,
            headers: HeaderMap::new(),
        })
    }

    /// Sends `name: value` with every request (an `Authorization` header, say).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let name =
            HeaderName::try_from(name).map_err(|e| Error::invalid("header", e.to_string()))?;
        let value =
            HeaderValue::try_from(value).map_err(|e| Error::invalid("header", e.to_string()))?;
        self.headers.insert(name, value);
        Ok(self)
    }

    async fn post(&self, delivery: &Delivery) -> Result<(), SinkError> {
        let response = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", &delivery.key)
            .body(delivery.payload.to_string())
            .send()
            .await
            .map_err(|e| SinkError::Retryable {
                why: describe(&e),
                after: None,
            })?;
        classify(response.status(), response.headers())
    }
}

impl Sink for WebhookSink {
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a> {
        Box::pin(self.post(delivery))
    }
}

/// Parses `url` (http or https only) and builds a client whose requests give up after
/// `timeout`.
pub(crate) fn http_client(url: &str, timeout: Duration) -> Result<(reqwest::Url, reqwest::Client)> {
    let url = reqwest::Url::parse(url).map_err(|e| Error::invalid("url", e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "url",
            format!("scheme `{}` is not http(s)", url.scheme()),
        ));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| Error::invalid("url", format!("cannot build an HTTP client: {e}")))?;
    Ok((url, client))
}

/// What a status means for the delivery.
fn classify(status: StatusCode, headers: &HeaderMap) -> Result<(), SinkError> {
    if status.is_success() {
        return Ok(());
    }
    let why = format!("the webhook answered {status}");
    let transient = status.is_server_error() || matches!(status.as_u16(), 408 | 425 | 429);
    if transient {
        Err(SinkError::Retryable {
            why,
            after: retry_after(headers),
        })
    } else {
        Err(SinkError::Permanent { why })
    }
}

/// `Retry-After` given in seconds (the HTTP-date form is left to the backoff).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the webhook did not answer in time".to_string()
    } else if error.is_connect() {
        format!("cannot connect to the webhook: {error}")
    } else {
        format!("sending to the webhook failed: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_by_whether_a_retry_can_help() {
        let mut headers = HeaderMap::new();
        assert!(classify(StatusCode::NO_CONTENT, &headers).is_ok());
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &headers),
            Err(SinkError::Retryable {
                why: "the webhook answered 429 Too Many Requests".into(),
                after: Some(Duration::from_secs(7))
            })
        );
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, &HeaderMap::new()),
            Err(SinkError::Retryable { after: None, .. })
        ));
        assert!(matches!(
            classify(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new()),
            Err(SinkError::Permanent { .. })
        ));
    }

    #[test]
    fn only_http_urls_are_accepted() {
        assert!(WebhookSink::new("ftp://example.org/x").is_err());
        assert!(WebhookSink::new("not a url").is_err());
        assert!(WebhookSink::new("https://example.org/hook").is_ok());
    }
}
