//! The released contract `rhyme:plugin@0.1.0` (`wit/0.1.0`, never edited), kept so that
//! components built against it keep loading and running.
//!
//! The host works in the current version's types only. This module is the one place that
//! knows 0.1.0: its `bindgen!`, the conversions between its records and the current ones, and
//! the glue that serves each 0.1.0 host import through the current import of the same name,
//! so every capability has one implementation whichever version a plugin was built against.
//!
//! What a 0.1.0 plugin sees is what it saw before 0.2.0: a timeline event's `change` record
//! is dropped (its `text` keeps the `key: value` lines the host has always written for it).

use crate::rhyme::plugin as current;
use crate::types as cur;

#[allow(missing_docs)]
mod bindings {
    plugin_bindgen!(
        "../../wit/0.1.0",
        // The glue below implements each 0.1.0 import for every host of the current one; the
        // generated `impl Host for &mut T` would overlap with it.
        skip_mut_forwarding_impls: true,
    );
}

/// The 0.1.0 interfaces, each with its `add_to_linker` under its 0.1.0 name.
pub use bindings::rhyme::plugin as interfaces;
/// The 0.1.0 world as wasmtime instantiates it.
pub use bindings::{Plugin, PluginPre};

use bindings::rhyme::plugin::{
    clock, config, embed, incidents, llm, log, types as old, vector_search,
};

// ---- current -> 0.1.0: what the host hands a 0.1.0 plugin ----

/// An incident as 0.1.0 writes it (the same fields).
pub fn incident(i: &cur::Incident) -> old::Incident {
    old::Incident {
        id: i.id.clone(),
        title: i.title.clone(),
        severity: i.severity.clone(),
        service: i.service.clone(),
        started: i.started,
        ended: i.ended,
        update_cadence_minutes: i.update_cadence_minutes,
    }
}

/// A timeline event without its `change` record, which 0.1.0 does not have: the event's
/// `text` already says the change in `key: value` lines, as it did before 0.2.0.
pub fn event(e: &cur::TimelineEvent) -> old::TimelineEvent {
    old::TimelineEvent {
        id: e.id.clone(),
        at: e.at,
        actor: e.actor.clone(),
        role: e.role.clone(),
        kind: e.kind.clone(),
        text: e.text.clone(),
    }
}

/// A metric series as 0.1.0 writes it.
pub fn series(s: &cur::MetricSeries) -> old::MetricSeries {
    old::MetricSeries {
        name: s.name.clone(),
        unit: s.unit.clone(),
        // 0.1.0 carries the samples as records; 0.2.0 as columns.
        points: s
            .samples()
            .map(|p| old::Point {
                at: p.at,
                value: p.value,
            })
            .collect(),
    }
}

/// A question as 0.1.0 writes it.
pub fn query(q: &cur::Query) -> old::Query {
    old::Query {
        text: q.text.clone(),
        incident: q.incident.clone(),
        limit: q.limit,
    }
}

fn postmortem(p: cur::Postmortem) -> old::Postmortem {
    old::Postmortem {
        id: p.id,
        title: p.title,
        company: p.company,
        summary: p.summary,
        body: p.body,
        categories: p.categories,
        url: p.url,
    }
}

fn finding(f: cur::Finding) -> old::Finding {
    old::Finding {
        kind: match f.kind {
            cur::FindingKind::Signature => old::FindingKind::Signature,
            cur::FindingKind::SimilarIncident => old::FindingKind::SimilarIncident,
            cur::FindingKind::Nudge => old::FindingKind::Nudge,
            cur::FindingKind::Note => old::FindingKind::Note,
        },
        subject: f.subject,
        title: f.title,
        detail: f.detail,
        evidence: f.evidence.into_iter().map(evidence).collect(),
        confidence: f.confidence,
        at: f.at,
    }
}

fn evidence(e: cur::Evidence) -> old::Evidence {
    match e {
        cur::Evidence::Event(id) => old::Evidence::Event(id),
        cur::Evidence::Window(w) => old::Evidence::Window(old::SeriesWindow {
            series: w.series,
            start: w.start,
            end: w.end,
        }),
        cur::Evidence::Postmortem(id) => old::Evidence::Postmortem(id),
        cur::Evidence::Finding(id) => old::Evidence::Finding(id),
    }
}

fn host_error(e: cur::HostError) -> old::HostError {
    match e {
        cur::HostError::Denied(m) => old::HostError::Denied(m),
        cur::HostError::Invalid(m) => old::HostError::Invalid(m),
        cur::HostError::Unavailable(m) => old::HostError::Unavailable(m),
        cur::HostError::Failed(m) => old::HostError::Failed(m),
    }
}

// ---- 0.1.0 -> current: what a 0.1.0 plugin hands back ----

/// A 0.1.0 plugin's output in the current types (the same fields).
pub fn output(o: old::Output) -> cur::Output {
    cur::Output {
        findings: o.findings.into_iter().map(finding_back).collect(),
        proposals: o.proposals.into_iter().map(proposal_back).collect(),
    }
}

/// What a 0.1.0 plugin says about itself, in the current types.
pub fn info(i: old::PluginInfo) -> cur::PluginInfo {
    cur::PluginInfo {
        name: i.name,
        version: i.version,
        description: i.description,
        triggers: i
            .triggers
            .into_iter()
            .map(|t| match t {
                old::Trigger::TimelineEvent => cur::Trigger::TimelineEvent,
                old::Trigger::ClockTick => cur::Trigger::ClockTick,
                old::Trigger::MetricSeries => cur::Trigger::MetricSeries,
                old::Trigger::Query => cur::Trigger::Query,
            })
            .collect(),
        capabilities: i.capabilities,
    }
}

fn finding_back(f: old::Finding) -> cur::Finding {
    cur::Finding {
        kind: match f.kind {
            old::FindingKind::Signature => cur::FindingKind::Signature,
            old::FindingKind::SimilarIncident => cur::FindingKind::SimilarIncident,
            old::FindingKind::Nudge => cur::FindingKind::Nudge,
            old::FindingKind::Note => cur::FindingKind::Note,
        },
        subject: f.subject,
        title: f.title,
        detail: f.detail,
        evidence: f.evidence.into_iter().map(evidence_back).collect(),
        confidence: f.confidence,
        at: f.at,
    }
}

fn proposal_back(p: old::Proposal) -> cur::Proposal {
    cur::Proposal {
        kind: match p.kind {
            old::ProposalKind::DraftStatusUpdate => cur::ProposalKind::DraftStatusUpdate,
            old::ProposalKind::DraftPostmortem => cur::ProposalKind::DraftPostmortem,
            old::ProposalKind::SuggestedAction => cur::ProposalKind::SuggestedAction,
        },
        title: p.title,
        body: p.body,
        rationale: p.rationale,
        evidence: p.evidence.into_iter().map(evidence_back).collect(),
    }
}

fn evidence_back(e: old::Evidence) -> cur::Evidence {
    match e {
        old::Evidence::Event(id) => cur::Evidence::Event(id),
        old::Evidence::Window(w) => cur::Evidence::Window(cur::SeriesWindow {
            series: w.series,
            start: w.start,
            end: w.end,
        }),
        old::Evidence::Postmortem(id) => cur::Evidence::Postmortem(id),
        old::Evidence::Finding(id) => cur::Evidence::Finding(id),
    }
}

// ---- the 0.1.0 host imports, served by the current ones ----
//
// Each impl covers every `T` that serves the current interface, so the host's one
// implementation (on its call state) answers both versions; only the records are converted.

impl<T: ?Sized> old::Host for T {}

impl<T: current::config::Host + ?Sized> config::Host for T {
    fn get(&mut self) -> String {
        current::config::Host::get(self)
    }
}

impl<T: current::log::Host + ?Sized> log::Host for T {
    fn write(&mut self, level: log::Level, message: String) {
        let level = match level {
            log::Level::Debug => current::log::Level::Debug,
            log::Level::Info => current::log::Level::Info,
            log::Level::Warn => current::log::Level::Warn,
            log::Level::Error => current::log::Level::Error,
        };
        current::log::Host::write(self, level, message)
    }
}

impl<T: current::clock::Host + ?Sized> clock::Host for T {
    fn now(&mut self) -> old::Timestamp {
        current::clock::Host::now(self)
    }
}

impl<T: current::embed::Host + ?Sized> embed::Host for T {
    async fn dimensions(&mut self) -> u32 {
        current::embed::Host::dimensions(self).await
    }

    async fn embed(&mut self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, old::HostError> {
        current::embed::Host::embed(self, texts)
            .await
            .map_err(host_error)
    }
}

impl<T: current::vector_search::Host + ?Sized> vector_search::Host for T {
    async fn upsert(
        &mut self,
        collection: String,
        items: Vec<vector_search::Item>,
    ) -> Result<(), old::HostError> {
        let items = items
            .into_iter()
            .map(|i| current::vector_search::Item {
                id: i.id,
                vector: i.vector,
                payload: i.payload,
            })
            .collect();
        current::vector_search::Host::upsert(self, collection, items)
            .await
            .map_err(host_error)
    }

    async fn nearest(
        &mut self,
        collection: String,
        vector: Vec<f32>,
        k: u32,
    ) -> Result<Vec<vector_search::Hit>, old::HostError> {
        let hits = current::vector_search::Host::nearest(self, collection, vector, k)
            .await
            .map_err(host_error)?;
        Ok(hits
            .into_iter()
            .map(|h| vector_search::Hit {
                id: h.id,
                score: h.score,
                payload: h.payload,
            })
            .collect())
    }

    async fn get(
        &mut self,
        collection: String,
        ids: Vec<String>,
    ) -> Result<Vec<vector_search::Item>, old::HostError> {
        let items = current::vector_search::Host::get(self, collection, ids)
            .await
            .map_err(host_error)?;
        Ok(items
            .into_iter()
            .map(|i| vector_search::Item {
                id: i.id,
                vector: i.vector,
                payload: i.payload,
            })
            .collect())
    }
}

impl<T: current::llm::Host + ?Sized> llm::Host for T {
    async fn chat(
        &mut self,
        messages: Vec<llm::Message>,
        max_tokens: u32,
    ) -> Result<String, old::HostError> {
        let messages = messages
            .into_iter()
            .map(|m| current::llm::Message {
                role: m.role,
                content: m.content,
            })
            .collect();
        current::llm::Host::chat(self, messages, max_tokens)
            .await
            .map_err(host_error)
    }
}

impl<T: current::incidents::Host + ?Sized> incidents::Host for T {
    async fn get(&mut self, id: String) -> Result<Option<old::Incident>, old::HostError> {
        let found = current::incidents::Host::get(self, id)
            .await
            .map_err(host_error)?;
        Ok(found.as_ref().map(incident))
    }

    async fn timeline(
        &mut self,
        incident_id: String,
    ) -> Result<Vec<old::TimelineEvent>, old::HostError> {
        let events = current::incidents::Host::timeline(self, incident_id).await;
        events
            .map(|e| e.iter().map(event).collect())
            .map_err(host_error)
    }

    async fn timeline_since(
        &mut self,
        incident_id: String,
        since: old::Timestamp,
    ) -> Result<Vec<old::TimelineEvent>, old::HostError> {
        let events = current::incidents::Host::timeline_since(self, incident_id, since).await;
        events
            .map(|e| e.iter().map(event).collect())
            .map_err(host_error)
    }

    async fn timeline_of_kinds(
        &mut self,
        incident_id: String,
        kinds: Vec<String>,
    ) -> Result<Vec<old::TimelineEvent>, old::HostError> {
        let events = current::incidents::Host::timeline_of_kinds(self, incident_id, kinds).await;
        events
            .map(|e| e.iter().map(event).collect())
            .map_err(host_error)
    }

    async fn series(
        &mut self,
        incident_id: String,
    ) -> Result<Vec<old::MetricSeries>, old::HostError> {
        let all = current::incidents::Host::series(self, incident_id).await;
        all.map(|s| s.iter().map(series).collect())
            .map_err(host_error)
    }

    async fn findings(&mut self, incident_id: String) -> Result<Vec<old::Finding>, old::HostError> {
        let all = current::incidents::Host::findings(self, incident_id).await;
        all.map(|f| f.into_iter().map(finding).collect())
            .map_err(host_error)
    }

    async fn past_postmortem(
        &mut self,
        id: String,
    ) -> Result<Option<old::Postmortem>, old::HostError> {
        let found = current::incidents::Host::past_postmortem(self, id).await;
        found.map(|p| p.map(postmortem)).map_err(host_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change_event() -> cur::TimelineEvent {
        cur::TimelineEvent {
            id: "change:gh-1".into(),
            at: 5,
            actor: "alice".into(),
            role: String::new(),
            kind: "rollback".into(),
            text: "rolled back cart-service v4.18.0\nservice: cart-service".into(),
            change: Some(cur::Change {
                id: "gh-1".into(),
                kind: cur::ChangeKind::Rollback,
                service: "cart-service".into(),
                environment: String::new(),
                actor: "alice".into(),
                at: 5,
                revision: "v4.18.0".into(),
                link: String::new(),
                summary: String::new(),
                source: "github".into(),
                freeze: None,
            }),
        }
    }

    #[test]
    fn a_change_reaches_a_0_1_plugin_as_the_text_it_always_had() {
        let old = event(&change_event());
        assert_eq!(old.id, "change:gh-1");
        assert_eq!(old.kind, "rollback");
        assert_eq!(
            old.text,
            "rolled back cart-service v4.18.0\nservice: cart-service"
        );
    }

    #[test]
    fn output_keeps_every_field_and_evidence() {
        let window = old::Evidence::Window(old::SeriesWindow {
            series: "p99".into(),
            start: 1,
            end: 2,
        });
        let back = output(old::Output {
            findings: vec![old::Finding {
                kind: old::FindingKind::Nudge,
                subject: "s".into(),
                title: "t".into(),
                detail: "d".into(),
                evidence: vec![old::Evidence::Event("e1".into()), window],
                confidence: 0.5,
                at: Some(3),
            }],
            proposals: vec![old::Proposal {
                kind: old::ProposalKind::SuggestedAction,
                title: "roll back".into(),
                body: "b".into(),
                rationale: "r".into(),
                evidence: vec![old::Evidence::Finding("f1".into())],
            }],
        });
        let f = &back.findings[0];
        assert!(matches!(f.kind, cur::FindingKind::Nudge));
        assert_eq!((f.subject.as_str(), f.at), ("s", Some(3)));
        assert!(
            matches!(&f.evidence[1], cur::Evidence::Window(w) if w.series == "p99" && w.end == 2)
        );
        let p = &back.proposals[0];
        assert!(matches!(p.kind, cur::ProposalKind::SuggestedAction));
        assert!(matches!(&p.evidence[0], cur::Evidence::Finding(id) if id == "f1"));
    }

    #[test]
    fn findings_handed_back_keep_their_kind_and_evidence() {
        let f = finding(cur::Finding {
            kind: cur::FindingKind::Signature,
            subject: "cliff-drop".into(),
            title: "t".into(),
            detail: String::new(),
            evidence: vec![cur::Evidence::Postmortem("pm-1".into())],
            confidence: 0.9,
            at: None,
        });
        assert!(matches!(f.kind, old::FindingKind::Signature));
        assert!(matches!(&f.evidence[0], old::Evidence::Postmortem(id) if id == "pm-1"));
    }
}
