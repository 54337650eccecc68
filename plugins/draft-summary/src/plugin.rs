//! The sandbox face of the drafter. Asked (`on-query`) for a `status-update` or a
//! `postmortem` about an incident, it reads the incident, its timeline and the findings made
//! so far through `incidents`, asks the model through `llm` (when granted) and keeps its draft
//! only if it passes the checks of [`crate::llm`], else drafts deterministically; lints the
//! draft, and returns it as a proposal saying who wrote it: nothing is published until a
//! reviewer approves it.

use rhyme_pdk::types::HostError;
use rhyme_pdk::types::{
    Evidence, Finding as WitFinding, FindingKind, Output, PluginInfo, Proposal, ProposalKind,
    Query, TimelineEvent, Trigger,
};
use rhyme_pdk::{Guest, clock, incidents};

use crate::{Event, Finding, Incident, LintNote, Statement, lint, llm, postmortem, status_update};

struct DraftSummary;

/// The cadence used when the incident has none and its severity says nothing.
const DEFAULT_CADENCE_MINUTES: u32 = 30;

impl Guest for DraftSummary {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "draft-summary",
            env!("CARGO_PKG_VERSION"),
            "Drafts CAN status updates and postmortems, every line cited",
        )
        .triggers(&[Trigger::Query])
        // `llm` is optional in plugin.toml: linked, but denied until the operator grants it.
        .capabilities(&["incidents", "clock", "llm"])
        .build()
    }

    fn on_query(query: Query) -> Result<Output, String> {
        let id = query
            .incident
            .ok_or("ask about an incident: the query needs an incident id")?;
        let incident = incidents::get(&id)
            .map_err(|e| format!("reading incident {id}: {e:?}"))?
            .ok_or(format!("no incident `{id}`"))?;
        let timeline =
            incidents::timeline(&id).map_err(|e| format!("reading the timeline: {e:?}"))?;
        let findings = incidents::findings(&id).map_err(|e| format!("reading findings: {e:?}"))?;
        let now = clock::now().div_euclid(1000);
        let incident = Incident {
            id: incident.id,
            title: incident.title,
            severity: non_empty(incident.severity),
            service: non_empty(incident.service),
            started: incident.started.div_euclid(1000),
            update_cadence_minutes: incident.update_cadence_minutes,
        };
        let events =
            crate::changes::for_draft(timeline.iter().map(event).collect(), incident.started);
        let findings: Vec<Finding> = findings.iter().map(finding).collect();
        let (kind, title, body, cited, drafter) = match query.text.trim() {
            "" | "status-update" | "status update" => {
                let cadence = incident
                    .update_cadence_minutes
                    .unwrap_or(DEFAULT_CADENCE_MINUTES);
                let chat = llm::status_update_prompt(&incident, &events, &findings, now);
                let (draft, drafter) = match ask_model(&chat)
                    .and_then(|a| llm::read_status_update(&a, &incident, &events, now, cadence))
                {
                    Ok(draft) => (draft, Drafter::Model),
                    Err(why) => (
                        status_update(&incident, &events, &findings, now, cadence),
                        Drafter::Fallback(why),
                    ),
                };
                let cited = cites([&draft.condition, &draft.action, &draft.need]);
                (
                    ProposalKind::DraftStatusUpdate,
                    "Status update draft",
                    draft.to_markdown(),
                    cited,
                    drafter,
                )
            }
            "postmortem" => {
                let chat = llm::postmortem_prompt(&incident, &events, &findings, now);
                let (draft, drafter) = match ask_model(&chat)
                    .and_then(|a| llm::read_postmortem(&a, &incident, &events, now))
                {
                    Ok(draft) => (draft, Drafter::Model),
                    Err(why) => (
                        postmortem(&incident, &events, &findings, now),
                        Drafter::Fallback(why),
                    ),
                };
                let cited = cites(draft.sections.iter().map(|s| &s.statements));
                (
                    ProposalKind::DraftPostmortem,
                    "Postmortem draft",
                    draft.to_markdown(),
                    cited,
                    drafter,
                )
            }
            other => {
                return Err(format!(
                    "unknown draft `{other}`: ask for `status-update` or `postmortem`"
                ));
            }
        };
        let notes = lint(&body);
        let facts = llm::describe_facts(&events, &findings, now);
        let proposal = Proposal {
            kind,
            title: format!(
                "{title}: {}",
                rhyme_pdk::time::truncate_chars(&incident.title, 60)
            ),
            rationale: drafter.rationale(&facts),
            evidence: cited.into_iter().map(Evidence::Event).collect(),
            body,
        };
        Ok(Output {
            findings: notes.iter().map(note).collect(),
            proposals: vec![proposal],
        })
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

/// Who wrote the draft, for the reviewer.
enum Drafter {
    /// The model, and its answer passed every check.
    Model,
    /// The deterministic drafter; the model was not asked, failed, or was rejected, and why.
    Fallback(String),
}

impl Drafter {
    fn rationale(&self, facts: &str) -> String {
        match self {
            Drafter::Model => format!(
                "Drafted by the LLM (the `llm` capability) from {facts}; its answer passed the checks: every part present, only existing events cited, no blame language."
            ),
            Drafter::Fallback(why) => format!(
                "Drafted by the deterministic drafter from {facts}; every line cites its events. LLM draft not used: {why}."
            ),
        }
    }
}

/// The model's answer to `chat`, or why there is none.
fn ask_model(chat: &[llm::Message]) -> Result<String, String> {
    let messages: Vec<rhyme_pdk::llm::Message> = chat
        .iter()
        .map(|(role, content)| rhyme_pdk::llm::Message {
            role: role.to_string(),
            content: content.clone(),
        })
        .collect();
    rhyme_pdk::llm::chat(&messages, llm::MAX_TOKENS).map_err(|e| match e {
        HostError::Denied(_) => "the `llm` capability is not granted to this plugin".to_string(),
        HostError::Unavailable(m) => format!("the LLM is unavailable ({m})"),
        HostError::Invalid(m) | HostError::Failed(m) => format!("the LLM call failed ({m})"),
    })
}

fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

fn event(e: &TimelineEvent) -> Event {
    Event {
        id: e.id.clone(),
        at: e.at.div_euclid(1000),
        actor: non_empty(e.actor.clone()),
        role: non_empty(e.role.clone()),
        kind: e.kind.clone(),
        text: e.text.clone(),
    }
}

fn finding(f: &WitFinding) -> Finding {
    let kind = match f.kind {
        FindingKind::Signature => "signature",
        FindingKind::SimilarIncident => "similar-incident",
        FindingKind::Nudge => "nudge",
        FindingKind::Note => "note",
    };
    let evidence = f.evidence.iter().filter_map(|e| match e {
        Evidence::Event(id) => Some(id.clone()),
        _ => None,
    });
    Finding {
        kind: kind.into(),
        subject: f.subject.clone(),
        title: f.title.clone(),
        detail: f.detail.clone(),
        evidence: evidence.collect(),
    }
}

/// Every event id cited, once, in order of first citation.
fn cites<'a>(parts: impl IntoIterator<Item = &'a Vec<Statement>>) -> Vec<String> {
    let mut seen = Vec::new();
    for id in parts.into_iter().flatten().flat_map(|s| s.cites.iter()) {
        if !seen.contains(id) {
            seen.push(id.clone());
        }
    }
    seen
}

/// A lint note as a finding the reviewer sees beside the draft.
fn note(n: &LintNote) -> WitFinding {
    let title = format!(
        "Review lint, line {}: {}",
        n.line,
        rhyme_pdk::time::truncate_chars(&n.message, 50)
    );
    let detail = format!("{}\nSuggestion: {}", n.excerpt, n.suggestion);
    WitFinding::new(FindingKind::Note, "review-lint", &title, &detail)
}

rhyme_pdk::export!(DraftSummary with_types_in rhyme_pdk::bindings);
