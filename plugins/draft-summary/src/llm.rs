//! The LLM drafter: the prompt that hands a model the same facts the deterministic drafter
//! uses (timeline events with their ids, findings), and the check its answer must pass before
//! it may replace the deterministic draft. The model answers in JSON, one statement per line
//! of the draft, each citing event ids; the draft is then rendered exactly like the
//! deterministic one, so reviewers, the lint and the evaluation read both the same way.
//!
//! An answer is rejected (and the deterministic draft used instead) when it is not that JSON,
//! lacks a CAN part (or a postmortem summary), cites an event id that is not on the timeline,
//! cites nothing, or uses blame language.
//!
//! ```
//! use draft_summary::{Event, Incident, llm};
//!
//! let incident = Incident { id: "inc-1".into(), title: "Checkout errors".into(), severity: None,
//!     service: None, started: 0, update_cadence_minutes: None };
//! let events = [Event { id: "e1".into(), at: 60, actor: None, role: Some("system".into()),
//!     kind: "alert".into(), text: "5xx above 2%".into() }];
//! let answer = r#"{"condition":[{"text":"Checkout returns errors.","cites":["e1"]}],
//!     "action":[{"text":"Responders are looking.","cites":["e1"]}],
//!     "need":[{"text":"Nothing yet.","cites":["e1"]}]}"#;
//! let update = llm::read_status_update(answer, &incident, &events, 120, 30).unwrap();
//! assert!(update.to_markdown().contains("Checkout returns errors. [#e1]"));
//! let bad = answer.replace("\"e1\"]}],\n    \"need", "\"e9\"]}],\n    \"need");
//! assert!(llm::read_status_update(&bad, &incident, &events, 120, 30).unwrap_err().contains("e9"));
//! ```

use serde::{Deserialize, Serialize};

use crate::can::StatusUpdate;
use crate::model::{Event, Finding, Incident, Statement};
use crate::postmortem::PostmortemDraft;
use crate::time::{hh_mm, stamp};
use crate::{postmortem, select};

/// Events handed to the model at most: the first few (how it began) and the latest.
const MAX_EVENTS: usize = 300;
const FIRST_EVENTS: usize = 30;
/// Longest event text handed over, in characters.
const MAX_EVENT_CHARS: usize = 400;
/// Longest statement accepted from the model, in characters.
const MAX_STATEMENT_CHARS: usize = 600;
/// Most statements kept per CAN part or postmortem section.
const MAX_PER_PART: usize = 6;
/// Tokens the model may answer with.
pub const MAX_TOKENS: u32 = 2000;

const RULES: &str = "Rules: use only facts in the events and findings given; never guess. \
Every statement cites, in `cites`, the ids of the events it rests on, copied exactly from the `id` fields. \
Write blamelessly: describe what in the system or process made the failure possible or the work hard; \
never say that a person or team should have done something, and never name human error as a cause. \
Times are UTC, HH:MM. Answer with the JSON object only, no prose and no code fence.";

/// A (role, content) chat message.
pub type Message = (&'static str, String);

/// The chat that asks for a CAN status update as of `now`.
pub fn status_update_prompt(
    incident: &Incident,
    events: &[Event],
    findings: &[Finding],
    now: i64,
) -> Vec<Message> {
    let system = format!(
        "You write incident status updates for stakeholders in CAN form: Condition (what is happening, \
what is affected, since when), Action (what was done, what is under way), Need (who must do what, blockers; \
say plainly when nothing is needed). Answer with JSON: \
{{\"condition\":[{{\"text\":\"...\",\"cites\":[\"ID\"]}}],\"action\":[...],\"need\":[...]}}, \
one to four short statements per part. {RULES}"
    );
    vec![
        ("system", system),
        ("user", facts(incident, events, findings, now)),
    ]
}

/// The chat that asks for a postmortem draft as of `now`, section by section.
pub fn postmortem_prompt(
    incident: &Incident,
    events: &[Event],
    findings: &[Finding],
    now: i64,
) -> Vec<Message> {
    let headings: Vec<String> = postmortem::headings()
        .map(|(h, about)| format!("\"{h}\" ({about})"))
        .collect();
    let system = format!(
        "You write blameless postmortem drafts. Answer with JSON: \
{{\"sections\":[{{\"heading\":\"Summary\",\"statements\":[{{\"text\":\"...\",\"cites\":[\"ID\"]}}]}}, ...]}} \
with these headings, in this order: {}. Leave a section's statements empty when the facts say nothing \
for it; the team will write it. Action items only as the timeline states them. {RULES}",
        headings.join(", ")
    );
    vec![
        ("system", system),
        ("user", facts(incident, events, findings, now)),
    ]
}

/// The incident, its events up to `now` and the findings, as JSON for the model.
fn facts(incident: &Incident, events: &[Event], findings: &[Finding], now: i64) -> String {
    let seen = select::seen(events, now);
    let kept: Vec<&&Event> = if seen.len() > MAX_EVENTS {
        seen.iter()
            .take(FIRST_EVENTS)
            .chain(seen.iter().skip(seen.len() - (MAX_EVENTS - FIRST_EVENTS)))
            .collect()
    } else {
        seen.iter().collect()
    };
    let dated = select::dated(&seen);
    let mut out = String::new();
    out.push_str(&format!(
        "Incident {} \"{}\", severity {}, service {}, started {} UTC; now {} UTC.\n",
        incident.id,
        incident.title,
        incident.severity.as_deref().unwrap_or("not set"),
        incident.service.as_deref().unwrap_or("not set"),
        stamp(incident.started, dated),
        stamp(now, dated)
    ));
    if kept.len() < seen.len() {
        out.push_str(&format!(
            "{} events; the first {FIRST_EVENTS} and the latest are given.\n",
            seen.len()
        ));
    }
    out.push_str("Events, oldest first (one JSON object per line):\n");
    for e in kept {
        let line = EventLine {
            id: &e.id,
            at: stamp(e.at, dated),
            actor: e.actor.as_deref(),
            role: e.role.as_deref(),
            kind: &e.kind,
            text: clip(&e.text, MAX_EVENT_CHARS),
        };
        out.push_str(&to_json(&line));
        out.push('\n');
    }
    if !findings.is_empty() {
        out.push_str("Findings of other analyses (one JSON object per line):\n");
        for f in findings {
            let line = FindingLine {
                kind: &f.kind,
                title: &f.title,
                detail: clip(&f.detail, MAX_EVENT_CHARS),
                evidence: &f.evidence,
            };
            out.push_str(&to_json(&line));
            out.push('\n');
        }
    }
    out
}

/// One event as handed to the model; fields in this order, `null` for a missing actor or role.
#[derive(Serialize)]
struct EventLine<'a> {
    id: &'a str,
    at: String,
    actor: Option<&'a str>,
    role: Option<&'a str>,
    kind: &'a str,
    text: String,
}

/// One finding as handed to the model.
#[derive(Serialize)]
struct FindingLine<'a> {
    kind: &'a str,
    title: &'a str,
    detail: String,
    evidence: &'a [String],
}

/// One compact JSON line.
fn to_json(line: &impl Serialize) -> String {
    serde_json::to_string(line).expect("strings and options always serialise")
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[derive(Deserialize)]
struct RawStatement {
    text: String,
    #[serde(default)]
    cites: Vec<RawId>,
}

/// Models write ids as strings or, when they look numeric, as numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawId {
    Text(String),
    Number(i64),
}

#[derive(Deserialize)]
struct RawCan {
    #[serde(default)]
    condition: Vec<RawStatement>,
    #[serde(default)]
    action: Vec<RawStatement>,
    #[serde(default)]
    need: Vec<RawStatement>,
}

#[derive(Deserialize)]
struct RawPostmortem {
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
struct RawSection {
    heading: String,
    #[serde(default)]
    statements: Vec<RawStatement>,
}

/// Reads and checks the model's status update; `Err` says why it was rejected.
pub fn read_status_update(
    answer: &str,
    incident: &Incident,
    events: &[Event],
    now: i64,
    cadence_minutes: u32,
) -> Result<StatusUpdate, String> {
    let raw: RawCan = parse(answer)?;
    let known = Known::new(events, now);
    let mut parts = Vec::new();
    for (name, statements) in [
        ("Condition", raw.condition),
        ("Action", raw.action),
        ("Need", raw.need),
    ] {
        let part = statements_of(name, statements, &known)?;
        if part.is_empty() {
            return Err(format!("the draft has no {name} part"));
        }
        parts.push(part);
    }
    let need = parts.pop().expect("three parts");
    let action = parts.pop().expect("three parts");
    let condition = parts.pop().expect("three parts");
    Ok(StatusUpdate::new(
        incident,
        now,
        cadence_minutes,
        condition,
        action,
        need,
    ))
}

/// Reads and checks the model's postmortem; `Err` says why it was rejected.
pub fn read_postmortem(
    answer: &str,
    incident: &Incident,
    events: &[Event],
    now: i64,
) -> Result<PostmortemDraft, String> {
    let raw: RawPostmortem = parse(answer)?;
    let known = Known::new(events, now);
    let mut by_heading: Vec<(String, Vec<Statement>)> = Vec::new();
    for section in raw.sections {
        let Some((heading, _)) =
            postmortem::headings().find(|(h, _)| h.eq_ignore_ascii_case(section.heading.trim()))
        else {
            return Err(format!(
                "section `{}` is not one of the postmortem format",
                section.heading
            ));
        };
        let statements = statements_of(heading, section.statements, &known)?;
        by_heading.push((heading.to_string(), statements));
    }
    let mut sections = Vec::new();
    for (heading, about) in postmortem::headings() {
        let statements = by_heading
            .iter()
            .find(|(h, _)| h == heading)
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        if heading == "Summary" && statements.is_empty() {
            return Err("the draft has no summary".into());
        }
        sections.push(postmortem::section(heading, statements, about));
    }
    Ok(PostmortemDraft::new(incident, now, known.dated, sections))
}

/// The JSON object in the answer; models sometimes wrap it in a code fence or a sentence.
fn parse<T: for<'de> Deserialize<'de>>(answer: &str) -> Result<T, String> {
    let start = answer.find('{').ok_or("the answer holds no JSON object")?;
    let end = answer.rfind('}').ok_or("the answer holds no JSON object")?;
    if end < start {
        return Err("the answer holds no JSON object".into());
    }
    serde_json::from_str(&answer[start..=end])
        .map_err(|e| format!("the answer is not the JSON asked for: {e}"))
}

/// The event ids a statement may cite: those on the timeline up to the draft's time.
struct Known<'a> {
    ids: Vec<&'a str>,
    /// Whether the draft's times carry a date.
    dated: bool,
}

impl<'a> Known<'a> {
    fn new(events: &'a [Event], now: i64) -> Known<'a> {
        let seen = select::seen(events, now);
        Known {
            ids: seen.iter().map(|e| e.id.as_str()).collect(),
            dated: select::dated(&seen),
        }
    }
}

fn statements_of(
    part: &str,
    raw: Vec<RawStatement>,
    known: &Known,
) -> Result<Vec<Statement>, String> {
    let mut out = Vec::new();
    for (i, s) in raw.into_iter().take(MAX_PER_PART).enumerate() {
        let at = format!("{part}, statement {}", i + 1);
        let (body, mut cites) = split_citations(&s.text);
        cites.extend(s.cites.into_iter().map(|c| match c {
            RawId::Text(t) => t.trim().trim_start_matches('#').to_string(),
            RawId::Number(n) => n.to_string(),
        }));
        cites.dedup();
        if body.is_empty() {
            return Err(format!("{at} is empty"));
        }
        if body.chars().count() > MAX_STATEMENT_CHARS {
            return Err(format!(
                "{at} is longer than {MAX_STATEMENT_CHARS} characters"
            ));
        }
        if cites.is_empty() {
            return Err(format!("{at} cites no event"));
        }
        if let Some(unknown) = cites.iter().find(|c| !known.ids.contains(&c.as_str())) {
            return Err(format!(
                "{at} cites event `{unknown}`, which is not on the timeline"
            ));
        }
        if let Some((_, found)) = review_lint::blame::scan(&body).into_iter().next() {
            return Err(format!("{at} uses blame language (`{}`)", found.phrase));
        }
        out.push(Statement::new(body, cites));
    }
    Ok(out)
}

/// The text without `[#id]` markers the model may have written inline, and those ids.
fn split_citations(text: &str) -> (String, Vec<String>) {
    let mut body = String::new();
    let mut cites = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("[#") {
        body.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => {
                cites.extend(
                    rest[i + 2..i + j]
                        .split(',')
                        .map(|c| c.trim().trim_start_matches('#').to_string())
                        .filter(|c| !c.is_empty()),
                );
                rest = &rest[i + j + 1..];
            }
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    body.push_str(rest);
    let mut body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    for mark in [".", ",", ";", ":"] {
        body = body.replace(&format!(" {mark}"), mark);
    }
    (body, cites)
}

/// A one-line account of the facts handed over, for the proposal's rationale.
pub fn describe_facts(events: &[Event], findings: &[Finding], now: i64) -> String {
    let seen = select::seen(events, now);
    let last = seen
        .last()
        .map_or("none".to_string(), |e| format!("{} UTC", hh_mm(e.at)));
    format!(
        "{} timeline events (latest {last}) and {} findings",
        seen.len(),
        findings.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> Incident {
        Incident {
            id: "inc-7".into(),
            title: "Search latency".into(),
            severity: Some("SEV2".into()),
            service: Some("search".into()),
            started: 0,
            update_cadence_minutes: None,
        }
    }

    fn events() -> Vec<Event> {
        let ev = |id: &str, at: i64, kind: &str, text: &str| Event {
            id: id.into(),
            at,
            actor: Some("ana".into()),
            role: Some("ops".into()),
            kind: kind.into(),
            text: text.into(),
        };
        vec![
            ev("a1", 60, "alert", "p99 latency above 2 s"),
            ev(
                "a2",
                300,
                "action",
                "Scaled the search pool \"blue\" to 12 nodes",
            ),
            ev("a3", 9_000, "message", "later"),
        ]
    }

    #[test]
    fn the_prompt_carries_every_event_id_up_to_now_and_asks_for_citations() {
        let chat = status_update_prompt(&incident(), &events(), &[], 600);
        assert_eq!(chat[0].0, "system");
        assert!(chat[0].1.contains("cites") && chat[0].1.contains("blamelessly"));
        let user = &chat[1].1;
        assert!(
            user.contains("\"id\":\"a1\"") && user.contains("\"id\":\"a2\""),
            "{user}"
        );
        assert!(
            !user.contains("\"a3\""),
            "events after the draft time stay out: {user}"
        );
        assert!(
            user.contains(r#"pool \"blue\""#),
            "event text is escaped as JSON: {user}"
        );
    }

    #[test]
    fn accepts_fenced_json_with_inline_and_numeric_citations() {
        let answer = "Here you go:\n```json\n{\"condition\":[{\"text\":\"Search is slow since 00:01 UTC [#a1].\"}],\
            \"action\":[{\"text\":\"Scaled the pool.\",\"cites\":[\"a2\"]}],\"need\":[{\"text\":\"Nothing needed.\",\"cites\":[\"#a2\"]}]}\n```";
        let update = read_status_update(answer, &incident(), &events(), 600, 30).unwrap();
        assert_eq!(
            update.condition[0],
            Statement::new("Search is slow since 00:01 UTC.", vec!["a1".into()])
        );
        assert_eq!(update.next_update, 600 + 30 * 60);
        assert!(
            read_status_update(
                r#"{"condition":[{"text":"x","cites":[1]}],"action":[],"need":[]}"#,
                &incident(),
                &events(),
                600,
                30
            )
            .is_err()
        );
    }

    #[test]
    fn rejects_missing_parts_unknown_or_future_ids_and_blame() {
        let can = |need: &str| {
            format!(
                r#"{{"condition":[{{"text":"Search is slow.","cites":["a1"]}}],"action":[{{"text":"Scaled.","cites":["a2"]}}],"need":[{need}]}}"#
            )
        };
        let reject =
            |answer: &str| read_status_update(answer, &incident(), &events(), 600, 30).unwrap_err();
        assert!(reject(&can("")).contains("no Need part"));
        assert!(
            reject(&can(r#"{"text":"x","cites":["a3"]}"#)).contains("`a3`"),
            "events after now are not citable"
        );
        assert!(reject(&can(r#"{"text":"x","cites":["zz"]}"#)).contains("`zz`"));
        assert!(reject(&can(r#"{"text":"x","cites":[]}"#)).contains("cites no event"));
        assert!(reject(&can(r#"{"text":"The on-call engineer should have checked the pool size.","cites":["a2"]}"#)).contains("blame"));
        assert!(reject("no json here").contains("no JSON"));
    }

    #[test]
    fn a_postmortem_keeps_the_format_and_asks_the_team_for_empty_sections() {
        let answer = r#"{"sections":[{"heading":"summary","statements":[{"text":"Search was slow for four minutes.","cites":["a1","a2"]}]},
            {"heading":"Mitigation","statements":[{"text":"Scaling the pool ended it.","cites":["a2"]}]}]}"#;
        let draft = read_postmortem(answer, &incident(), &events(), 600).unwrap();
        assert_eq!(draft.sections.len(), postmortem::headings().count());
        assert_eq!(draft.section("Summary").unwrap().statements.len(), 1);
        assert!(draft.section("Impact").unwrap().prompt.is_some());
        let bad =
            r#"{"sections":[{"heading":"Root cause","statements":[{"text":"x","cites":["a1"]}]}]}"#;
        assert!(
            read_postmortem(bad, &incident(), &events(), 600)
                .unwrap_err()
                .contains("Root cause")
        );
    }
}
