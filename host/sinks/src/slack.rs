//! The Slack sink: posts an approved draft to a Slack incoming webhook (or anything that speaks
//! its protocol: Mattermost, Rocket.Chat) as one `{"text": ...}` message in Slack's mrkdwn:
//! the title in bold, who approved it, a link to the incident, then the draft.
//!
//! Slack answers 200 `ok`, or an error in plain text: 4xx (`invalid_payload`, `no_text`,
//! `channel_not_found`, `action_prohibited` ...) means the request itself is refused and a retry
//! cannot help; 429 and 5xx are retried, honouring `Retry-After`. Incoming webhooks ignore
//! idempotency keys, so the outbox's lease is what keeps a message from being posted twice.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use crate::SinkConfigError;
use crate::{Delivery, Sink, SinkError, SinkFuture};

/// Slack cuts `text` at 40,000 characters; stay under with room for the footer.
const MAX_TEXT_CHARS: usize = 38_000;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts approved drafts to a Slack incoming webhook.
#[derive(Debug, Clone)]
pub struct SlackSink {
    url: reqwest::Url,
    client: reqwest::Client,
    /// Where people open Rhyme (`https://rhyme.example.org`), for the incident link.
    link_base: Option<String>,
}

impl SlackSink {
    /// A sink for the webhook at `url` (http or https).
    pub fn new(url: &str) -> Result<Self, SinkConfigError> {
        let (url, client) = crate::webhook::http_client(url, TIMEOUT)?;
        Ok(SlackSink {
            url,
            client,
            link_base: None,
        })
    }

    /// Links the incident to `{base}/v1/incidents/{id}` in each message.
    pub fn linking_to(mut self, base: &str) -> Self {
        self.link_base = Some(base.trim_end_matches('/').to_string());
        self
    }

    async fn post(&self, delivery: &Delivery) -> std::result::Result<(), SinkError> {
        let text = message(&delivery.payload, self.link_base.as_deref());
        let body = serde_json::json!({ "text": text, "unfurl_links": false });
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| SinkError::Retryable {
                why: format!("posting to Slack failed: {e}"),
                after: None,
            })?;
        let status = response.status();
        let after = crate::webhook::retry_after(response.headers());
        let said = response.text().await.unwrap_or_default();
        classify(status, &said, after)
    }
}

impl Sink for SlackSink {
    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> SinkFuture<'a> {
        Box::pin(self.post(delivery))
    }
}

/// What Slack's answer means for the delivery.
fn classify(
    status: StatusCode,
    said: &str,
    after: Option<Duration>,
) -> std::result::Result<(), SinkError> {
    if status.is_success() {
        return Ok(());
    }
    let said: String = said.trim().chars().take(200).collect();
    let why = format!("Slack answered {status}: {said}");
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        Err(SinkError::Retryable { why, after })
    } else {
        Err(SinkError::Permanent { why })
    }
}

/// The message for an outbox payload, in Slack mrkdwn.
pub fn message(payload: &serde_json::Value, link_base: Option<&str>) -> String {
    let field = |name: &str| payload.get(name).and_then(|v| v.as_str()).unwrap_or("");
    let mut text = format!("*{}*\n", escape(field("title")));
    let incident = field("incident");
    if !incident.is_empty() {
        let incident_ref = match link_base {
            Some(base) => format!(
                "<{}/v1/incidents/{}|{}>",
                base.trim_end_matches('/'),
                escape(incident),
                escape(incident)
            ),
            None => format!("`{}`", escape(incident)),
        };
        text.push_str(&format!("Incident {incident_ref}"));
    }
    let approvers: Vec<&str> = payload
        .get("approved_by")
        .and_then(|a| a.as_array())
        .map_or(Vec::new(), |a| {
            a.iter().filter_map(|v| v.as_str()).collect()
        });
    if !approvers.is_empty() {
        text.push_str(&format!(" · approved by {}", escape(&approvers.join(", "))));
    }
    text.push_str("\n\n");
    let body = mrkdwn(field("body"));
    if body.chars().count() > MAX_TEXT_CHARS {
        let cut: String = body.chars().take(MAX_TEXT_CHARS).collect();
        text.push_str(&cut);
        text.push_str("\n… (cut: the full draft is in Rhyme)");
    } else {
        text.push_str(&body);
    }
    text
}

/// Markdown as the drafts write it (headings, `**bold**`, `- ` lists) in Slack's mrkdwn.
fn mrkdwn(markdown: &str) -> String {
    let lines: Vec<String> = markdown
        .lines()
        .map(|line| {
            let line = escape(line);
            let trimmed = line.trim_start();
            if let Some(heading) = trimmed
                .strip_prefix('#')
                .map(|h| h.trim_start_matches('#').trim())
            {
                return format!("*{heading}*");
            }
            let line = match trimmed.strip_prefix("- ").or(trimmed.strip_prefix("* ")) {
                Some(item) => format!("• {item}"),
                None => line.clone(),
            };
            line.replace("**", "*")
        })
        .collect();
    lines.join("\n")
}

/// Slack's three control characters, escaped as its docs ask.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_reads_as_slack_mrkdwn_with_a_link_to_the_incident() {
        let payload = serde_json::json!({
            "title": "Status update draft: Checkout errors", "incident": "inc-7", "approved_by": ["rita"],
            "body": "**[SEV1] Checkout errors**\n\n**Condition**\n- 5xx > 2% since 10:14 UTC [#1]\n## Impact\n",
        });
        let text = message(&payload, Some("https://rhyme.example.org/"));
        assert!(text.starts_with("*Status update draft: Checkout errors*\nIncident <https://rhyme.example.org/v1/incidents/inc-7|inc-7> · approved by rita"), "{text}");
        assert!(text.contains("*[SEV1] Checkout errors*\n\n*Condition*\n• 5xx &gt; 2% since 10:14 UTC [#1]\n*Impact*"), "{text}");
    }

    #[test]
    fn slack_refusals_are_permanent_and_throttling_is_retried() {
        assert!(classify(StatusCode::OK, "ok", None).is_ok());
        assert!(
            matches!(classify(StatusCode::BAD_REQUEST, "invalid_payload", None), Err(SinkError::Permanent { why }) if why.contains("invalid_payload"))
        );
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, "channel_not_found", None),
            Err(SinkError::Permanent { .. })
        ));
        assert_eq!(
            classify(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                Some(Duration::from_secs(30))
            ),
            Err(SinkError::Retryable {
                why: "Slack answered 429 Too Many Requests: rate_limited".into(),
                after: Some(Duration::from_secs(30))
            })
        );
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, "", None),
            Err(SinkError::Retryable { .. })
        ));
    }
}
