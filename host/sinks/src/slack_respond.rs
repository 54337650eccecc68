//! Answering Slack through a `response_url`: the URL Slack sends with each button click and
//! slash command, good for a few answers within 30 minutes, no token needed. An answer is
//! `{"response_type": "ephemeral" | "in_channel", "replace_original": bool, "text", "blocks"}`.
//!
//! The URL comes inside a signed request, but it is still a URL a request made this server
//! call: only Slack's own hosts (and the configured API base's host, where tests run their
//! fake Slack) are called, so a forged or mistaken URL cannot point the server elsewhere.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use crate::SinkConfigError;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Where Slack's response URLs live (commercial and GovSlack).
const SLACK_HOSTS: &[&str] = &["hooks.slack.com", "hooks.slack-gov.com"];

/// Why an answer through a `response_url` was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RespondError {
    /// The URL is not one of Slack's response URLs.
    #[error("`response_url` {0}")]
    NotSlack(String),
    /// Slack could not be reached, or refused the answer.
    #[error("answering through `response_url` failed: {0}")]
    Failed(String),
}

/// Posts answers to Slack's response URLs.
#[derive(Debug, Clone)]
pub struct Responder {
    client: reqwest::Client,
    /// The configured API base's `host[:port]`, also trusted for response URLs.
    base: Option<String>,
}

impl Responder {
    /// A responder that also accepts response URLs on the host of `api_base` (Slack's own
    /// API base adds nothing; a test's fake Slack adds itself).
    pub fn new(api_base: &str) -> Result<Self, SinkConfigError> {
        let (url, client) = crate::webhook::http_client(api_base, TIMEOUT)
            .map_err(|e| SinkConfigError::invalid("api-base", e.why))?;
        let base = url.host_str().map(|host| authority(host, url.port()));
        Ok(Responder { client, base })
    }

    /// Posts `answer` to `response_url`.
    pub async fn respond(&self, response_url: &str, answer: &Value) -> Result<(), RespondError> {
        let url = reqwest::Url::parse(response_url)
            .map_err(|e| RespondError::NotSlack(format!("is not a URL: {e}")))?;
        let host = url.host_str().unwrap_or("");
        let slacks = url.scheme() == "https" && SLACK_HOSTS.contains(&host);
        let configured = self.base.as_deref() == Some(authority(host, url.port()).as_str());
        if !slacks && !configured {
            return Err(RespondError::NotSlack(format!(
                "is on `{}`, not one of Slack's hosts ({})",
                host,
                SLACK_HOSTS.join(", ")
            )));
        }
        let response = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(answer.to_string())
            .send()
            .await
            .map_err(|e| RespondError::Failed(e.without_url().to_string()))?;
        let status = response.status();
        if status == StatusCode::OK {
            return Ok(());
        }
        let said: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Err(RespondError::Failed(format!(
            "Slack answered {status}: {said}"
        )))
    }
}

/// `host:port` when a port is given, else `host`.
fn authority(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_slacks_hosts_and_the_configured_base_are_answered() {
        let responder = Responder::new("http://127.0.0.1:1/api").unwrap();
        let answer = serde_json::json!({"text": "x"});
        for wrong in [
            "http://169.254.169.254/latest/meta-data",
            "http://hooks.slack.com/actions/T/1/x",
            "https://hooks.slack.com.evil.example/actions",
            "http://127.0.0.1:2/api",
            "not a url",
        ] {
            assert!(
                matches!(
                    responder.respond(wrong, &answer).await,
                    Err(RespondError::NotSlack(_))
                ),
                "{wrong}"
            );
        }
        // The fake's host passes the check; nothing listens there, so the post itself fails.
        assert!(matches!(
            responder
                .respond("http://127.0.0.1:1/actions/1", &answer)
                .await,
            Err(RespondError::Failed(_))
        ));
    }
}
