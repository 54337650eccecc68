//! Nudges to the IC of a bound channel. Each nudge finding is one episode of one pattern (the
//! anti-pattern plugin fires once per episode, and the finding's id covers the moment), so
//! keying the queued message by the finding's id posts at most one message per pattern per
//! episode, across passes and replicas. A pattern the IC acknowledged or muted is not posted;
//! nudges found before the channel was bound are not posted either (binding a channel late
//! should not replay an incident's history into it).

use rhyme_store::{FindingKind, Result, Store};

use super::blocks::nudge_message;
use super::{SlackApp, queue_once};

/// Queues a message for every nudge not yet queued on an incident bound to a channel; how
/// many were queued.
pub async fn announce(store: &Store, app: &SlackApp) -> Result<usize> {
    let mut queued = 0;
    for channel in store.slack_channels().await? {
        let findings = store.findings(&channel.incident).await?;
        let nudges = findings
            .iter()
            .filter(|f| f.finding.kind == FindingKind::Nudge && f.created_at >= channel.bound_at);
        for finding in nudges {
            let key = format!("nudge:{}", finding.id);
            if store.slack_message_queued(&key).await?
                || store
                    .nudge_silenced(&channel.incident, &finding.finding.subject)
                    .await?
            {
                continue;
            }
            let Some(ic) =
                incident_commander(store, &channel.incident, channel.ic.as_deref()).await?
            else {
                tracing::info!(incident = %channel.incident, channel = %channel.channel,
                    "a nudge for the IC, but no IC the Slack app can reach: name one when binding the channel (`ic`)");
                continue;
            };
            let ids = finding.finding.cited_events();
            let events = store.events_with_ids(&channel.incident, &ids).await?;
            let payload = nudge_message(&channel.channel, &ic, finding, &events, app.link_base());
            queued += queue_once(store, &key, &channel.incident, &payload).await?;
        }
    }
    Ok(queued)
}

/// The IC's Slack user id: the latest timeline event by someone in the `ic` role whose
/// Slack user is known (the event's actor is a Slack id, or a token name mapped to one),
/// else the IC named when the channel was bound.
async fn incident_commander(
    store: &Store,
    incident: &str,
    bound_ic: Option<&str>,
) -> Result<Option<String>> {
    let events = store.events(incident).await?;
    for event in events
        .iter()
        .rev()
        .filter(|e| e.role.eq_ignore_ascii_case("ic"))
    {
        if looks_like_slack_user(&event.actor) {
            return Ok(Some(event.actor.clone()));
        }
        if let Some(user) = store.slack_user_of(&event.actor).await? {
            return Ok(Some(user));
        }
    }
    Ok(bound_ic.map(str::to_string))
}

fn looks_like_slack_user(actor: &str) -> bool {
    actor.len() >= 3
        && actor.starts_with(['U', 'W'])
        && actor
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
