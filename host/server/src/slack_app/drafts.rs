//! Status-update drafts announced in their incident's thread of its bound channel: the
//! draft's title, a link to its review page and an *Approve* button, which goes through the
//! gate as the clicking reviewer. Only pending drafts queued after the channel was bound, once
//! each (keyed by the proposal's id).
//!
//! The thread is the incident's in that channel: the one recorded before, else the first
//! message of that channel in the incident's timeline (recorded then, so it stays the same).
//! Nothing is announced to the channel itself: a channel whose incident has no Slack message
//! in its timeline yet gets its announcements once it has one.
//!
//! Once a reviewer decided (in Slack, on the review page or through the API), the announcement
//! is replaced (`chat.update`) by what became of the draft, once. An approved draft is posted
//! once: by the gate's sink where `[gate.routes] draft-status-update` names one (the
//! announcement says so once that sink took it), else by the Slack app in the thread.

use rhyme_store::approval::{
    ProposalFilter, ProposalKind, ProposalState, StoredProposal, VerdictKind,
};
use rhyme_store::outbox::OutboxState;
use rhyme_store::slack::SlackChannel;
use rhyme_store::{Gate, Result, Store};

use super::blocks::{announcement_key, approved_update, draft_announcement, draft_settled};
use super::{SlackApp, queue_once};

/// Where a thread was found, as recorded.
const FROM_TIMELINE: &str = "timeline";

/// Queues an announcement for every pending status-update draft of a bound channel's
/// incident not yet announced, and the follow-ups of announced drafts that were decided; how
/// many messages were queued.
pub async fn announce(gate: &Gate, app: &SlackApp) -> Result<usize> {
    let store = gate.store();
    let mut queued = 0;
    for channel in store.slack_channels().await? {
        let filter = ProposalFilter {
            state: None,
            incident: Some(channel.incident.clone()),
        };
        let drafts = gate.proposals(&filter).await?;
        let drafts = drafts.iter().filter(|p| {
            p.kind == ProposalKind::DraftStatusUpdate && p.created_at >= channel.bound_at
        });
        for draft in drafts {
            let key = announcement_key(&draft.id);
            let announced = store.slack_message_queued(&key).await?;
            if draft.state != ProposalState::Pending {
                if announced {
                    queued += settle(gate, app, &channel, draft).await?;
                }
                continue;
            }
            if announced {
                continue;
            }
            let Some(thread) = thread_of(store, &channel).await? else {
                tracing::info!(incident = %channel.incident, channel = %channel.channel,
                    "a draft to announce, but no thread yet: it is announced once the channel has a message in the incident's timeline");
                continue;
            };
            let payload = draft_announcement(
                &channel.channel,
                &thread,
                &draft.id,
                &draft.title,
                app.link_base(),
            );
            queued += queue_once(store, &key, &channel.incident, &payload).await?;
        }
    }
    Ok(queued)
}

/// The `ts` of the incident's thread in the channel: recorded before, else the first Slack
/// message of this channel in the incident's timeline (recorded now).
pub async fn thread_of(store: &Store, channel: &SlackChannel) -> Result<Option<String>> {
    if let Some(ts) = store
        .slack_thread(&channel.channel, &channel.incident)
        .await?
    {
        return Ok(Some(ts));
    }
    let prefix = format!("slack-{}-", channel.channel);
    let events = store.events(&channel.incident).await?;
    let first = events
        .iter()
        .filter_map(|e| Some((e.at, e.id.strip_prefix(&prefix)?)))
        .filter(|(_, ts)| is_slack_ts(ts))
        .min();
    let Some((_, ts)) = first else {
        return Ok(None);
    };
    let kept = store
        .keep_slack_thread(&channel.channel, &channel.incident, ts, FROM_TIMELINE)
        .await?;
    Ok(Some(kept))
}

/// `1700000000.000100`: seconds, a dot, microseconds.
fn is_slack_ts(ts: &str) -> bool {
    ts.split_once('.').is_some_and(|(s, us)| {
        !s.is_empty()
            && !us.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && us.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The follow-ups of an announced draft that was decided: the approved text posted in the
/// thread when no sink of the gate publishes it, and the announcement updated, each once;
/// how many were queued (none while the gate's sink has yet to take it).
async fn settle(
    gate: &Gate,
    app: &SlackApp,
    channel: &SlackChannel,
    draft: &StoredProposal,
) -> Result<usize> {
    let store = gate.store();
    let done_key = format!("draft-settled:{}", draft.id);
    if store.slack_message_queued(&done_key).await? {
        return Ok(0);
    }
    let decisions = gate.decisions(&draft.id).await?;
    let by = |verdict: VerdictKind| -> Vec<&str> {
        decisions
            .iter()
            .filter(|d| d.verdict == verdict)
            .map(|d| d.reviewer.as_str())
            .collect()
    };
    let mut queued = 0;
    let outcome = match draft.state {
        ProposalState::Approved => {
            let approved_by = by(VerdictKind::Approve);
            let approvers = approved_by.join(", ");
            match gate.config().publish_to(draft) {
                Some(sink) => {
                    let entry = store.outbox_of(&draft.id).await?;
                    match entry.map(|e| (e.state, e.last_error)) {
                        Some((OutboxState::Due, _)) => return Ok(0),
                        Some((OutboxState::Delivered, _)) => {
                            format!("Approved by {approvers}; posted once, to `{sink}`.")
                        }
                        Some((OutboxState::Failed, error)) => format!(
                            "Approved by {approvers}; posting to `{sink}` failed: {}",
                            error.unwrap_or_default()
                        ),
                        None => format!("Approved by {approvers}."),
                    }
                }
                None => {
                    let Some(thread) = thread_of(store, channel).await? else {
                        return Ok(0);
                    };
                    let text = rhyme_sinks::slack::message(
                        &serde_json::json!({
                            "title": draft.title,
                            "incident": draft.incident,
                            "approved_by": approved_by,
                            "body": draft.body,
                        }),
                        app.link_base(),
                    );
                    let post = approved_update(&channel.channel, &thread, &text);
                    let key = format!("draft-post:{}", draft.id);
                    queued += queue_once(store, &key, &channel.incident, &post).await?;
                    format!("Approved by {approvers}; posted once, in this thread.")
                }
            }
        }
        ProposalState::Rejected => format!(
            "Rejected by {}; nothing was posted.",
            by(VerdictKind::Reject).join(", ")
        ),
        ProposalState::Withdrawn => {
            "Withdrawn: it expired before a reviewer decided; nothing was posted.".to_string()
        }
        ProposalState::Pending => return Ok(0),
    };
    let update = draft_settled(
        &channel.channel,
        &draft.id,
        &draft.title,
        &outcome,
        app.link_base(),
    );
    queued += queue_once(store, &done_key, &channel.incident, &update).await?;
    Ok(queued)
}
