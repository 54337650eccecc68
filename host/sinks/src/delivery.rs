//! Delivery: claim what is due, deliver each claim to its sink (concurrently), and record the
//! result. [`keep_delivering`] runs a pass when an approval wakes it, and on a timer for
//! retries and for rows another replica approved.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use rhyme_store::outbox::Claim;

use crate::{Backoff, Delivery, SinkError, Sinks};
use rhyme_store::Result;
use rhyme_store::new_id;
use rhyme_store::{Gate, Store, Timestamp, Turns};

/// How delivery behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Rows claimed per call.
    pub batch: u32,
    /// How long a claim is held; longer than any sink's own timeout.
    pub lease: Duration,
    /// How long to wait before retrying a failed delivery.
    pub backoff: Backoff,
    /// Attempts before a row is marked failed.
    pub max_attempts: u32,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            batch: 32,
            lease: Duration::from_secs(60),
            backoff: Backoff::default(),
            // With the default backoff: about two days of trying.
            max_attempts: 600,
        }
    }
}

impl DeliveryPolicy {
    /// The claim lease in milliseconds, as the store takes it (saturating: a lease too long
    /// for an `i64` is as good as forever).
    pub(crate) fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// When to try again after `failures` failed attempts, the last retryable, as of `now`:
    /// the backoff's delay, or the wait the sink asked for (`after`) where that is longer.
    /// The wait, and the time it ends (epoch milliseconds).
    pub(crate) fn retry_at(
        &self,
        now: Timestamp,
        failures: u32,
        after: Option<Duration>,
    ) -> (Duration, Timestamp) {
        let wait = self.backoff.delay(failures).max(after.unwrap_or_default());
        let at = now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
        (wait, at)
    }
}

/// What one delivery pass did, by outbox id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Delivered and recorded as such.
    pub delivered: Vec<String>,
    /// Failed this time but scheduled for another attempt.
    pub retrying: Vec<String>,
    /// Marked failed for good: refused by the receiver, or out of attempts.
    pub failed: Vec<String>,
    /// Delivered, but the lease had run out and another worker held the row by then.
    pub lease_lost: Vec<String>,
    /// The sink of each id above, so outcomes can be counted per sink.
    pub sinks: BTreeMap<String, String>,
}

impl DeliveryReport {
    /// Each attempt of the pass as (sink, outcome), the outcome being `delivered`,
    /// `retrying`, `failed` or `lease-lost`.
    pub fn outcomes(&self) -> impl Iterator<Item = (&str, &'static str)> {
        let lists = [
            (&self.delivered, "delivered"),
            (&self.retrying, "retrying"),
            (&self.failed, "failed"),
            (&self.lease_lost, "lease-lost"),
        ];
        lists.into_iter().flat_map(move |(ids, outcome)| {
            ids.iter().map(move |id| {
                let sink = self.sinks.get(id).map_or("unknown", String::as_str);
                (sink, outcome)
            })
        })
    }
}

/// One pass with the default policy.
pub async fn deliver_due(store: &Store, sinks: &Sinks) -> Result<DeliveryReport> {
    deliver_due_with(store, sinks, &DeliveryPolicy::default()).await
}

/// One pass: claims due rows for the sinks we have and delivers them.
pub async fn deliver_due_with(
    store: &Store,
    sinks: &Sinks,
    policy: &DeliveryPolicy,
) -> Result<DeliveryReport> {
    let owner = new_id();
    let claims = store
        .claim_due(&sinks.names(), &owner, policy.batch, policy.lease_ms())
        .await?;
    let mut attempts = JoinSet::new();
    for claim in claims {
        let Some(sink) = sinks.get(&claim.sink) else {
            continue;
        };
        let delivery = Delivery {
            key: claim.id.clone(),
            payload: claim.payload.clone(),
            attempt: u32::try_from(claim.attempts).unwrap_or(u32::MAX),
            at: store.now(),
        };
        attempts.spawn(async move {
            let result = sink.deliver(&delivery).await;
            (claim, result)
        });
    }
    let mut report = DeliveryReport::default();
    while let Some(joined) = attempts.join_next().await {
        let (claim, result) = joined.expect("a delivery task panicked");
        record_attempt(store, policy, &claim, result, &mut report).await?;
    }
    Ok(report)
}

/// Records one attempt's result.
async fn record_attempt(
    store: &Store,
    policy: &DeliveryPolicy,
    claim: &Claim,
    result: std::result::Result<(), SinkError>,
    report: &mut DeliveryReport,
) -> Result<()> {
    let id = claim.id.clone();
    report.sinks.insert(id.clone(), claim.sink.clone());
    match result {
        Ok(()) => {
            let list = if store.mark_delivered(claim).await? {
                &mut report.delivered
            } else {
                &mut report.lease_lost
            };
            list.push(id);
        }
        Err(SinkError::Permanent { why }) => {
            tracing::warn!(outbox = %id, sink = %claim.sink, %why, "delivery refused for good");
            store.mark_failed(claim, &why).await?;
            report.failed.push(id);
        }
        Err(SinkError::Retryable { why, after }) => {
            let failures = u32::try_from(claim.attempts).unwrap_or(u32::MAX);
            if failures >= policy.max_attempts {
                store
                    .mark_failed(claim, &format!("gave up after {failures} attempts: {why}"))
                    .await?;
                report.failed.push(id);
                return Ok(());
            }
            let (wait, at) = policy.retry_at(store.now(), failures, after);
            tracing::info!(outbox = %id, sink = %claim.sink, %why, retry_in_ms = wait.as_millis() as u64, "delivery will be retried");
            store.schedule_retry(claim, &why, at).await?;
            report.retrying.push(id);
        }
    }
    Ok(())
}

/// Delivers due outbox entries and withdraws expired proposals: at once when `wake` is
/// notified (the server does so after each approval), and every `every` otherwise (retries
/// that came due, approvals made by another replica). Each pass's report goes to `observe`
/// (the server counts its outcomes for `/metrics`).
pub async fn keep_delivering(
    gate: Gate,
    sinks: Sinks,
    every: Duration,
    wake: Arc<Notify>,
    observe: impl Fn(&DeliveryReport) + Send + 'static,
) {
    let mut turns = Turns::new(every, wake);
    loop {
        turns.next().await;
        if let Err(e) = gate.withdraw_expired().await {
            tracing::error!("withdrawing expired proposals: {e}");
        }
        match deliver_due(gate.store(), &sinks).await {
            Ok(report) => {
                for id in &report.failed {
                    tracing::error!(outbox = %id, "delivery failed for good");
                }
                observe(&report);
            }
            Err(e) => tracing::error!("outbox delivery: {e}"),
        }
    }
}
