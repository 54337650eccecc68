//! Status-update drafts announced in their incident's channel: the draft's title, a link to
//! its review page and an *Approve* button, which goes through the gate as the clicking
//! reviewer. Only pending drafts queued after the channel was bound, once each (keyed by the
//! proposal's id); the approved text itself is published by the gate's sink, not here.

use rhyme_store::approval::{ProposalFilter, ProposalKind, ProposalState};
use rhyme_store::{Gate, Result};

use super::SlackApp;
use super::blocks::draft_announcement;

/// Queues an announcement for every pending status-update draft of a bound channel's
/// incident not yet announced; how many were queued.
pub async fn announce(gate: &Gate, app: &SlackApp) -> Result<usize> {
    let store = gate.store();
    let mut queued = 0;
    for channel in store.slack_channels().await? {
        let filter = ProposalFilter {
            state: Some(ProposalState::Pending),
            incident: Some(channel.incident.clone()),
        };
        let drafts = gate.proposals(&filter).await?;
        let drafts = drafts.iter().filter(|p| {
            p.kind == ProposalKind::DraftStatusUpdate && p.created_at >= channel.bound_at
        });
        for draft in drafts {
            let key = format!("draft:{}", draft.id);
            if store.slack_message_queued(&key).await? {
                continue;
            }
            let payload =
                draft_announcement(&channel.channel, &draft.id, &draft.title, app.link_base());
            if store
                .queue_slack_message(&key, &channel.incident, &payload)
                .await?
                .is_some()
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}
