//! Delivery of the Slack app's own messages (the store's Slack outbox): claim what is due,
//! call the Web API, settle. The same lease, backoff and attempt limit as approved actions,
//! with Slack's `Retry-After` as the least wait after a 429.

use rhyme_store::slack::SlackOutcome;
use rhyme_store::{Result, Store, new_id};

use crate::{DeliveryPolicy, Sink, SinkError, SlackApi};

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
    let lease_ms = i64::try_from(policy.lease.as_millis()).unwrap_or(i64::MAX);
    let mut report = SlackReport::default();
    for claim in store
        .claim_slack_due(&owner, policy.batch, lease_ms)
        .await?
    {
        let delivery = crate::Delivery {
            key: claim.id.clone(),
            payload: claim.payload.clone(),
            attempt: u32::try_from(claim.attempts).unwrap_or(u32::MAX),
            at: store.now(),
        };
        let result = api.deliver(&delivery).await;
        let failures = u32::try_from(claim.attempts).unwrap_or(u32::MAX);
        let (outcome, list) = match &result {
            Ok(()) => (SlackOutcome::Delivered, &mut report.delivered),
            Err(SinkError::Retryable { why, after }) if failures < policy.max_attempts => {
                let wait = policy
                    .backoff
                    .delay(failures)
                    .max(after.unwrap_or_default());
                let at = store
                    .now()
                    .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
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
