//! `rhyme replay --slack CHANNEL`: the ephemeral message the Slack app would send the IC for
//! each nudge of a replay, rendered as text, built by the same code the server posts with.

use rhyme_pipeline::store_incidents::convert;
use rhyme_server::slack_app::blocks::{as_text, nudge_message};
use rhyme_world::types::{Finding, FindingKind, TimelineEvent};

/// The Slack message for a fired nudge, as text; `None` for findings that are not nudges.
pub(super) fn nudge(
    channel: &str,
    incident: &str,
    plugin: &str,
    finding: &Finding,
    events: &[TimelineEvent],
    now: i64,
) -> Option<String> {
    if finding.kind != FindingKind::Nudge {
        return None;
    }
    // The IC as the timeline names them so far; Slack would get their mapped user id.
    let ic = events
        .iter()
        .rev()
        .filter(|e| e.at <= now && e.role.eq_ignore_ascii_case("ic") && !e.actor.is_empty())
        .map(|e| format!("@{}", e.actor))
        .next()
        .unwrap_or_else(|| "@the-ic".into());
    let stored = rhyme_store::StoredFinding {
        id: String::new(),
        incident: incident.to_string(),
        plugin: rhyme_store::PluginRef {
            name: plugin.to_string(),
            version: String::new(),
        },
        // The stored form the server posts from; the message shows only the evidence that
        // names events, as it does for a stored nudge.
        finding: convert::finding_from_wit(finding.clone()),
        created_at: now,
    };
    let events: Vec<rhyme_store::TimelineEvent> = events
        .iter()
        .map(|e| rhyme_store::TimelineEvent {
            id: e.id.clone(),
            at: e.at,
            actor: e.actor.clone(),
            role: e.role.clone(),
            kind: e.kind.clone(),
            text: e.text.clone(),
            change: None,
        })
        .collect();
    Some(as_text(&nudge_message(
        channel, &ic, &stored, &events, None,
    )))
}
