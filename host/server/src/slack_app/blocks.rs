//! The Slack app's messages in Block Kit, and the values its buttons carry. A button's
//! `value` names what it acts on (`{"incident": ..., "pattern": ...}` or `{"proposal": ...}`)
//! and its `action_id` what to do, so a click can be handled without any state kept between
//! posting and clicking.

use rhyme_store::{Evidence, StoredFinding, TimelineEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What a button does, as its `action_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Acknowledge the nudge (the IC has seen it).
    Acknowledge,
    /// Mute the nudge for 30 minutes.
    Mute30,
    /// Say the nudge was not useful.
    NotUseful,
    /// Approve a proposal (a reviewer).
    Approve,
}

impl Action {
    const ALL: [Action; 4] = [
        Action::Acknowledge,
        Action::Mute30,
        Action::NotUseful,
        Action::Approve,
    ];

    /// The button's `action_id`.
    pub fn id(self) -> &'static str {
        match self {
            Action::Acknowledge => "rhyme.nudge.acknowledge",
            Action::Mute30 => "rhyme.nudge.mute_30m",
            Action::NotUseful => "rhyme.nudge.not_useful",
            Action::Approve => "rhyme.proposal.approve",
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Action::Acknowledge => "Acknowledge",
            Action::Mute30 => "Mute 30 min",
            Action::NotUseful => "Not useful",
            Action::Approve => "Approve",
        }
    }

    /// The action whose `action_id` is `id`.
    pub fn parse(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// What a button acts on, carried in its `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Target {
    /// A nudge pattern on an incident.
    Nudge {
        /// The incident's id.
        incident: String,
        /// The anti-pattern's id.
        pattern: String,
    },
    /// A proposal.
    Proposal {
        /// The proposal's id.
        proposal: String,
    },
}

fn button(action: Action, target: &Target, primary: bool) -> Value {
    let mut button = json!({
        "type": "button",
        "action_id": action.id(),
        "text": {"type": "plain_text", "text": action.label()},
        "value": serde_json::to_string(target).expect("a target is plain strings"),
    });
    if primary {
        button["style"] = json!("primary");
    }
    button
}

/// Slack's three control characters, escaped as its docs ask.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A link to a Slack message from its channel and `ts` (`slack-{channel}-{ts}` event ids).
fn slack_permalink(event_id: &str) -> Option<String> {
    let rest = event_id.strip_prefix("slack-")?;
    let (channel, ts) = rest.split_once('-')?;
    Some(format!(
        "https://slack.com/archives/{channel}/p{}",
        ts.replace('.', "")
    ))
}

/// One line for a piece of evidence: a link to the Slack message it is, or the event's time,
/// actor and first words with a link to the incident's review page.
fn evidence_line(event: &TimelineEvent, link_base: Option<&str>, incident: &str) -> String {
    let when = chrono::DateTime::from_timestamp_millis(event.at)
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default();
    let words: String = event.text.chars().take(60).collect();
    let cut = if event.text.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    let label = escape(&format!("{when} {}: {words}{cut}", event.actor));
    let label = label.replace('|', "¦");
    match (slack_permalink(&event.id), link_base) {
        (Some(link), _) => format!("<{link}|{label}>"),
        (None, Some(base)) => format!("<{base}/review/incidents/{incident}|{label}>"),
        (None, None) => label,
    }
}

/// The ephemeral nudge to the IC: the nudge in one line, its evidence as links, and the three
/// buttons. `events` are the incident's events the finding cites.
pub fn nudge_message(
    channel: &str,
    ic: &str,
    finding: &StoredFinding,
    events: &[TimelineEvent],
    link_base: Option<&str>,
) -> Value {
    let target = Target::Nudge {
        incident: finding.incident.clone(),
        pattern: finding.finding.subject.clone(),
    };
    let line = format!(
        "Nudge ({}): {}",
        finding.finding.subject, finding.finding.title
    );
    let evidence: Vec<String> = finding
        .finding
        .evidence
        .iter()
        .filter_map(|e| match e {
            Evidence::Event(id) => events.iter().find(|ev| &ev.id == id),
            _ => None,
        })
        .map(|event| evidence_line(event, link_base, &finding.incident))
        .collect();
    let mut blocks = vec![json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": format!("*{}*", escape(&line))},
    })];
    if !evidence.is_empty() {
        blocks.push(json!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": format!("Evidence: {}", evidence.join(" · "))}],
        }));
    }
    blocks.push(json!({
        "type": "actions",
        "block_id": "rhyme.nudge",
        "elements": [
            button(Action::Acknowledge, &target, true),
            button(Action::Mute30, &target, false),
            button(Action::NotUseful, &target, false),
        ],
    }));
    json!({
        "method": "chat.postEphemeral",
        "message": {"channel": channel, "user": ic, "text": line, "blocks": blocks},
    })
}

/// A queued draft announced in the incident's thread (`thread_ts`): its title, a link to its
/// review page, and an Approve button for a reviewer. Never broadcast to the channel.
pub fn draft_announcement(
    channel: &str,
    thread_ts: &str,
    proposal: &str,
    title: &str,
    link_base: Option<&str>,
) -> Value {
    let line = format!("Draft waiting for a reviewer: {title}");
    json!({
        "method": "chat.postMessage",
        "message": {
            "channel": channel,
            "thread_ts": thread_ts,
            "text": line,
            "unfurl_links": false,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": format!("*{}*\n{}", escape(&line), review_link(proposal, link_base))}},
                {"type": "actions", "block_id": "rhyme.proposal",
                    "elements": [button(Action::Approve, &Target::Proposal {proposal: proposal.into()}, true)]},
            ],
        },
    })
}

fn review_link(proposal: &str, link_base: Option<&str>) -> String {
    match link_base {
        // The review page's queue lists it with its evidence and lint.
        Some(base) => format!("<{base}/review|review it> (proposal `{proposal}`)"),
        None => format!("review it in Rhyme (proposal `{proposal}`)"),
    }
}

/// The dedupe key of a draft's announcement, which a later `chat.update` names it by.
pub fn announcement_key(proposal: &str) -> String {
    format!("draft:{proposal}")
}

/// A `chat.update` of a draft's announcement once the draft was decided: the title, what
/// became of it (`outcome`, e.g. "Approved by ines; posted in this thread") and no button.
/// It names the announcement by its dedupe key (`ts_of`); the outbox fills in its `ts`.
pub fn draft_settled(
    channel: &str,
    proposal: &str,
    title: &str,
    outcome: &str,
    link_base: Option<&str>,
) -> Value {
    let line = format!("Draft: {title}");
    json!({
        "method": "chat.update",
        "ts_of": announcement_key(proposal),
        "message": {
            "channel": channel,
            "text": format!("{line} ({outcome})"),
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": format!("*{}*\n{}", escape(&line), review_link(proposal, link_base))}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(outcome)}]},
            ],
        },
    })
}

/// The approved status update, posted once in the incident's thread and, because a reviewer
/// approved it, also shown in the channel (`reply_broadcast`). `text` is Slack mrkdwn.
pub fn approved_update(channel: &str, thread_ts: &str, text: &str) -> Value {
    json!({
        "method": "chat.postMessage",
        "message": {
            "channel": channel,
            "thread_ts": thread_ts,
            "reply_broadcast": true,
            "text": text,
            "unfurl_links": false,
        },
    })
}

/// An answer through `response_url`, seen only by the person who clicked or typed;
/// `replace_original` replaces the message the button was on.
pub fn ephemeral(text: &str, replace_original: bool) -> Value {
    json!({"response_type": "ephemeral", "replace_original": replace_original, "text": text})
}

/// A queued message as a person would read it in Slack: its blocks' text, then its buttons
/// in brackets (for `make demo` and the log).
pub fn as_text(payload: &Value) -> String {
    let message = &payload["message"];
    let mut lines = vec![format!(
        "[{}{} in {}{}]",
        payload["method"].as_str().unwrap_or("?"),
        message["user"]
            .as_str()
            .map(|u| format!(" to {u}"))
            .unwrap_or_default(),
        message["channel"].as_str().unwrap_or("?"),
        message["thread_ts"]
            .as_str()
            .map(|ts| format!(", thread {ts}"))
            .unwrap_or_default(),
    )];
    let blocks = message["blocks"].as_array();
    if blocks.is_none_or(|b| b.is_empty()) {
        lines.push(message["text"].as_str().unwrap_or("").into());
    }
    for block in blocks.into_iter().flatten() {
        match block["type"].as_str() {
            Some("section") => lines.push(block["text"]["text"].as_str().unwrap_or("").into()),
            Some("context") => {
                for element in block["elements"].as_array().into_iter().flatten() {
                    lines.push(element["text"].as_str().unwrap_or("").into());
                }
            }
            Some("actions") => {
                let buttons: Vec<String> = block["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| format!("[{}]", b["text"]["text"].as_str().unwrap_or("?")))
                    .collect();
                lines.push(buttons.join(" "));
            }
            _ => {}
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use rhyme_store::{Finding, FindingKind, PluginRef};

    use super::*;

    fn finding() -> StoredFinding {
        StoredFinding {
            id: "f1".into(),
            incident: "inc-7".into(),
            plugin: PluginRef {
                name: "anti-patterns".into(),
                version: "0.1.0".into(),
            },
            finding: Finding {
                kind: FindingKind::Nudge,
                subject: "update-black-hole".into(),
                title: "No stakeholder update for 20 min".into(),
                detail: String::new(),
                evidence: vec![
                    Evidence::Event("slack-C1-1700000000.000100".into()),
                    Evidence::Event("a2".into()),
                ],
                confidence: 0.8,
                at: None,
            },
            created_at: 0,
        }
    }

    fn event(id: &str, text: &str) -> TimelineEvent {
        TimelineEvent {
            id: id.into(),
            at: 1_700_000_000_000,
            actor: "U0OMAR".into(),
            role: String::new(),
            kind: "message".into(),
            text: text.into(),
            change: None,
        }
    }

    #[test]
    fn a_nudge_is_one_line_with_its_evidence_linked_and_three_buttons() {
        let events = [
            event("slack-C1-1700000000.000100", "pods <restarting>"),
            event("a2", "rolled back"),
        ];
        let payload = nudge_message(
            "C1",
            "U0IC",
            &finding(),
            &events,
            Some("https://rhyme.example"),
        );
        assert_eq!(payload["method"], "chat.postEphemeral");
        assert_eq!(payload["message"]["user"], "U0IC");
        let text = as_text(&payload);
        assert!(
            text.contains("<https://slack.com/archives/C1/p1700000000000100|22:13 U0OMAR: pods &lt;restarting&gt;>"),
            "{text}"
        );
        assert!(
            text.contains("<https://rhyme.example/review/incidents/inc-7|"),
            "{text}"
        );
        assert!(
            text.ends_with("[Acknowledge] [Mute 30 min] [Not useful]"),
            "{text}"
        );
        let value = payload["message"]["blocks"][2]["elements"][1]["value"]
            .as_str()
            .unwrap();
        assert_eq!(
            serde_json::from_str::<Target>(value).unwrap(),
            Target::Nudge {
                incident: "inc-7".into(),
                pattern: "update-black-hole".into()
            }
        );
        assert_eq!(
            Action::parse(
                payload["message"]["blocks"][2]["elements"][1]["action_id"]
                    .as_str()
                    .unwrap()
            ),
            Some(Action::Mute30)
        );
    }
}
