//! `rhyme replay --slack CHANNEL`: the ephemeral message the Slack app would send the IC for
//! each nudge of a replay, rendered as text, built by the same code the server posts with.

use rhyme_server::slack_app::blocks::{as_text, nudge_message};
use rhyme_world::types::{Evidence, Finding, FindingKind, TimelineEvent};

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
        finding: rhyme_store::Finding {
            kind: rhyme_store::FindingKind::Nudge,
            subject: finding.subject.clone(),
            title: finding.title.clone(),
            detail: finding.detail.clone(),
            evidence: finding
                .evidence
                .iter()
                .filter_map(|e| match e {
                    Evidence::Event(id) => Some(rhyme_store::Evidence::Event(id.clone())),
                    _ => None,
                })
                .collect(),
            confidence: finding.confidence,
            at: finding.at,
        },
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
