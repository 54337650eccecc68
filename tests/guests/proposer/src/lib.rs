//! Proposes what it is told to: an event of kind `proposal` becomes a suggested action whose
//! body is the event's text (`draft-status-update` and `draft-postmortem` become drafts). Every event also gets a note saying how many events the
//! `incidents` capability showed it, so tests can see the durable store behind it.

use rhyme_pdk::types::{
    Evidence, Finding, FindingKind, Incident, Output, PluginInfo, Proposal, ProposalKind,
    TimelineEvent, Trigger,
};
use rhyme_pdk::{Guest, incidents};

struct Proposer;

impl Guest for Proposer {
    fn describe() -> PluginInfo {
        rhyme_pdk::info(
            "proposer",
            "0.2.0",
            "Proposes event texts as suggested actions",
        )
        .triggers(&[Trigger::TimelineEvent])
        .capabilities(&["incidents"])
        .build()
    }

    fn on_event(incident: Incident, event: TimelineEvent) -> Result<Output, String> {
        let seen = incidents::timeline(&incident.id)
            .map_err(|e| format!("{e:?}"))?
            .len();
        let mut note = Finding::new(
            FindingKind::Note,
            &event.id,
            "Timeline read",
            &format!("{seen} events"),
        );
        note.evidence = vec![Evidence::Event(event.id.clone())];
        let mut proposals = Vec::new();
        let kind = match event.kind.as_str() {
            "proposal" => Some(ProposalKind::SuggestedAction),
            "draft-status-update" => Some(ProposalKind::DraftStatusUpdate),
            "draft-postmortem" => Some(ProposalKind::DraftPostmortem),
            _ => None,
        };
        if let Some(kind) = kind {
            proposals.push(Proposal {
                kind,
                title: format!("Do what event {} asks", event.id),
                body: event.text.clone(),
                rationale: "asked for by the test".into(),
                evidence: vec![Evidence::Event(event.id)],
            });
        }
        Ok(Output {
            findings: vec![note],
            proposals,
        })
    }

    rhyme_pdk::unused_handlers!(on_tick, on_series, on_query);
}

rhyme_pdk::export!(Proposer with_types_in rhyme_pdk::bindings);
