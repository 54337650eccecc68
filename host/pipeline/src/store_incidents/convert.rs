//! Between the store's records and the contract's (`wit/0.2.0/types.wit`). The two mirror each other
//! field for field, except that the store does not keep an incident's update cadence.

use rhyme_store as store;
use rhyme_store::approval::{Proposal as StoreProposal, ProposalKind as StoreProposalKind};

use rhyme_world::Sample;
use rhyme_world::types as wit;

/// A stored incident as the contract's; the update cadence, not stored, is `None`.
pub fn incident_to_wit(i: store::Incident) -> wit::Incident {
    wit::Incident {
        id: i.id,
        title: i.title,
        severity: i.severity,
        service: i.service,
        started: i.started,
        ended: i.ended,
        update_cadence_minutes: None,
    }
}

/// A stored timeline event as the contract's, with the change it stands for, if any.
pub fn event_to_wit(e: store::TimelineEvent) -> wit::TimelineEvent {
    wit::TimelineEvent {
        id: e.id,
        at: e.at,
        actor: e.actor,
        role: e.role,
        kind: e.kind,
        text: e.text,
        change: e.change.map(change_to_wit),
    }
}

/// A stored change as the contract's (`rhyme:plugin@0.2.0`); the store's empty `freeze` is
/// the contract's `none`.
pub fn change_to_wit(c: store::changes::Change) -> wit::Change {
    use store::changes::ChangeKind as K;
    wit::Change {
        id: c.id,
        kind: match c.kind {
            K::Deploy => wit::ChangeKind::Deploy,
            K::Rollback => wit::ChangeKind::Rollback,
            K::Config => wit::ChangeKind::Config,
            K::FeatureFlag => wit::ChangeKind::FeatureFlag,
            K::Infrastructure => wit::ChangeKind::Infrastructure,
            K::FreezeStart => wit::ChangeKind::FreezeStart,
            K::FreezeEnd => wit::ChangeKind::FreezeEnd,
        },
        service: c.service,
        environment: c.environment,
        actor: c.actor,
        at: c.at,
        revision: c.revision,
        link: c.link,
        summary: c.summary,
        source: c.source,
        freeze: Some(c.freeze).filter(|f| !f.is_empty()),
    }
}

/// A stored metric series, with its points, as the contract's.
pub fn series_to_wit(s: store::MetricSeries) -> wit::MetricSeries {
    let samples = s.points.into_iter().map(|p| Sample {
        at: p.at,
        value: p.value,
    });
    wit::MetricSeries::from_samples(s.name, s.unit, samples)
}

/// A stored postmortem as the contract's.
pub fn postmortem_to_wit(p: store::Postmortem) -> wit::Postmortem {
    wit::Postmortem {
        id: p.id,
        title: p.title,
        company: p.company,
        summary: p.summary,
        body: p.body,
        categories: p.categories,
        url: p.url,
    }
}

/// A stored finding as the contract's, to hand back to plugins.
pub fn finding_to_wit(f: store::Finding) -> wit::Finding {
    wit::Finding {
        kind: match f.kind {
            store::FindingKind::Signature => wit::FindingKind::Signature,
            store::FindingKind::SimilarIncident => wit::FindingKind::SimilarIncident,
            store::FindingKind::Nudge => wit::FindingKind::Nudge,
            store::FindingKind::Note => wit::FindingKind::Note,
        },
        subject: f.subject,
        title: f.title,
        detail: f.detail,
        evidence: f.evidence.into_iter().map(evidence_to_wit).collect(),
        confidence: f.confidence,
        at: f.at,
    }
}

/// A plugin's finding as the store keeps it.
pub fn finding_from_wit(f: wit::Finding) -> store::Finding {
    store::Finding {
        kind: match f.kind {
            wit::FindingKind::Signature => store::FindingKind::Signature,
            wit::FindingKind::SimilarIncident => store::FindingKind::SimilarIncident,
            wit::FindingKind::Nudge => store::FindingKind::Nudge,
            wit::FindingKind::Note => store::FindingKind::Note,
        },
        subject: f.subject,
        title: f.title,
        detail: f.detail,
        evidence: f.evidence.into_iter().map(evidence_from_wit).collect(),
        confidence: f.confidence,
        at: f.at,
    }
}

/// A plugin's proposal as the store keeps it, before it enters the approval gate.
pub fn proposal_from_wit(p: wit::Proposal) -> StoreProposal {
    StoreProposal {
        kind: match p.kind {
            wit::ProposalKind::DraftStatusUpdate => StoreProposalKind::DraftStatusUpdate,
            wit::ProposalKind::DraftPostmortem => StoreProposalKind::DraftPostmortem,
            wit::ProposalKind::SuggestedAction => StoreProposalKind::SuggestedAction,
        },
        title: p.title,
        body: p.body,
        rationale: p.rationale,
        evidence: p.evidence.into_iter().map(evidence_from_wit).collect(),
    }
}

fn evidence_to_wit(e: store::Evidence) -> wit::Evidence {
    match e {
        store::Evidence::Event(id) => wit::Evidence::Event(id),
        store::Evidence::Postmortem(id) => wit::Evidence::Postmortem(id),
        store::Evidence::Finding(id) => wit::Evidence::Finding(id),
        store::Evidence::Window(w) => wit::Evidence::Window(wit::SeriesWindow {
            series: w.series,
            start: w.start,
            end: w.end,
        }),
    }
}

fn evidence_from_wit(e: wit::Evidence) -> store::Evidence {
    match e {
        wit::Evidence::Event(id) => store::Evidence::Event(id),
        wit::Evidence::Postmortem(id) => store::Evidence::Postmortem(id),
        wit::Evidence::Finding(id) => store::Evidence::Finding(id),
        wit::Evidence::Window(w) => store::Evidence::Window(store::SeriesWindow {
            series: w.series,
            start: w.start,
            end: w.end,
        }),
    }
}
