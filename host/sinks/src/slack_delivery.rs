//! Delivery of the Slack app's own messages (the store's Slack outbox): claim what is due,
//! call the Web API, settle. The same lease, backoff and attempt limit as approved actions,
//! with Slack's `Retry-After` as the least wait after a 429.

use std::time::Duration;

use rhyme_store::outbox::OutboxState;
use rhyme_store::slack::SlackOutcome;
use rhyme_store::{Result, Store, new_id};
use serde_json::Value;

use crate::{DeliveryPolicy, SinkError, SlackApi};

/// How long a `chat.update` waits, at least, for the message it replaces to be posted.
const WAIT_FOR_ORIGINAL: Duration = Duration::from_secs(1);

/// What one pass did: ids delivered, to be retried, failed for good.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlackReport {
    /// Posted, and recorded as such.
    pub delivered: Vec<String>,
    /// Failed this time; due again later.
    pub retrying: Vec<String>,
    /// Refused by Slack for good, or out of attempts.
    pub failed: Vec<String>,
}

/// One pass over the due Slack messages.
pub async fn deliver_slack_due(
    store: &Store,
    api: &SlackApi,
    policy: &DeliveryPolicy,
) -> Result<SlackReport> {
    let owner = new_id();
    let mut report = SlackReport::default();
    for claim in store
        .claim_slack_due(&owner, policy.batch, policy.lease_ms())
        .await?
    {
        let delivery = crate::Delivery {
            key: claim.id.clone(),
            payload: claim.payload.clone(),
            attempt: u32::try_from(claim.attempts).unwrap_or(u32::MAX),
            at: store.now(),
        };
        let result = match resolve(store, &delivery.payload).await? {
            Ok(payload) => api.send(&payload).await,
            Err(waiting) => Err(waiting),
        };
        let failures = u32::try_from(claim.attempts).unwrap_or(u32::MAX);
        let (outcome, list) = match &result {
            Ok(answer) => {
                let ts = answer
                    .get("ts")
                    .or_else(|| answer.get("message_ts"))
                    .and_then(|ts| ts.as_str());
                (SlackOutcome::Delivered { ts }, &mut report.delivered)
            }
            Err(SinkError::Retryable { why, after }) if failures < policy.max_attempts => {
                let (_, at) = policy.retry_at(store.now(), failures, *after);
                tracing::info!(slack_message = %claim.id, %why, "Slack message will be retried");
                (
                    SlackOutcome::RetryAt { at, error: why },
                    &mut report.retrying,
                )
            }
            Err(SinkError::Retryable { why, .. } | SinkError::Permanent { why }) => {
                tracing::warn!(slack_message = %claim.id, %why, "Slack message failed for good");
                (SlackOutcome::Failed { error: why }, &mut report.failed)
            }
        };
        if store.settle_slack_message(&claim, outcome).await? {
            list.push(claim.id.clone());
        }
    }
    Ok(report)
}

/// The payload as it is sent. A `chat.update` queued before the message it replaces was
/// posted names that message by its dedupe key (`"ts_of": "draft:..."`) rather than by `ts`:
/// the `ts` Slack gave it is filled in here, once it was posted; until then the update waits
/// (retried like a 429), and it fails for good if the original never will be posted.
async fn resolve(store: &Store, payload: &Value) -> Result<std::result::Result<Value, SinkError>> {
    let Some(key) = payload.get("ts_of").and_then(Value::as_str) else {
        return Ok(Ok(payload.clone()));
    };
    let posted = store.slack_message_posted(key).await?;
    let gone = |why: String| Ok(Err(SinkError::Permanent { why }));
    match posted {
        Some(posted) if posted.state == OutboxState::Due => Ok(Err(SinkError::Retryable {
            why: format!("the message `{key}` this updates is not posted yet"),
            after: Some(WAIT_FOR_ORIGINAL),
        })),
        Some(posted) => match (posted.state, posted.ts) {
            (OutboxState::Delivered, Some(ts)) => {
                let mut payload = payload.clone();
                payload["message"]["ts"] = Value::String(ts);
                if let Some(fields) = payload.as_object_mut() {
                    fields.remove("ts_of");
                }
                Ok(Ok(payload))
            }
            (OutboxState::Delivered, None) => gone(format!(
                "Slack gave the message `{key}` this updates no `ts`, so it cannot be updated"
            )),
            _ => gone(format!(
                "the message `{key}` this updates was never posted (it failed)"
            )),
        },
        None => gone(format!("no message `{key}` was queued for this to update")),
    }
}
