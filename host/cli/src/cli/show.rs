//! How findings and proposals look in a terminal: one line a tired person can read first,
//! then the detail and the evidence indented below it.

use serde_json::json;

use rhyme_world::types::{Evidence, Finding, FindingKind, Output, ProposalKind};

use super::Context;

/// Prints a plugin's output.
pub(super) fn output(ctx: &Context, plugin: &str, output: &Output) {
    if ctx.json {
        println!("{}", to_json(plugin, output));
        return;
    }
    if output.findings.is_empty() && output.proposals.is_empty() {
        println!("{plugin}: nothing to report");
    }
    output_findings(plugin, output);
    for p in &output.proposals {
        let kind = match p.kind {
            ProposalKind::DraftStatusUpdate => "draft status update",
            ProposalKind::DraftPostmortem => "draft postmortem",
            ProposalKind::SuggestedAction => "suggested action",
        };
        println!("◆ {kind} (waits for a reviewer): {}", p.title);
        for line in p.body.lines() {
            println!("    {line}");
        }
    }
}

/// Prints the findings only.
pub(super) fn output_findings(plugin: &str, output: &Output) {
    for f in &output.findings {
        finding(plugin, f);
    }
}

/// `HH:MM` in UTC.
pub(super) fn hh_mm(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map_or_else(|| at_ms.to_string(), |t| t.format("%H:%M").to_string())
}

/// A finding as it fires during a replay: the time, the title, the message, and the events
/// it rests on quoted briefly so the reader need not scroll back.
pub(super) fn fired(
    now: i64,
    plugin: &str,
    f: &Finding,
    events: &[rhyme_world::types::TimelineEvent],
) {
    println!(
        "{}  ● {:<9} {}   ({plugin})",
        hh_mm(now),
        kind_name(f.kind),
        f.title
    );
    for line in f.detail.lines().filter(|l| !l.trim().is_empty()) {
        println!("           {line}");
    }
    for e in &f.evidence {
        if let Evidence::Event(id) = e
            && let Some(event) = events.iter().find(|x| &x.id == id)
        {
            let text: String = event.text.chars().take(90).collect();
            println!(
                "           ↳ #{id} {} {}: {text}",
                hh_mm(event.at),
                if event.actor.is_empty() {
                    &event.kind
                } else {
                    &event.actor
                }
            );
        }
    }
}

/// `YYYY-MM-DD HH:MM` in UTC, the resolution timelines use.
pub(super) fn utc(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms).map_or_else(
        || at_ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

fn finding(plugin: &str, f: &Finding) {
    println!(
        "● {:<16} {}   ({plugin}, confidence {:.2})",
        kind_name(f.kind),
        f.title,
        f.confidence
    );
    for line in f.detail.lines().filter(|l| !l.trim().is_empty()) {
        println!("    {line}");
    }
    if !f.evidence.is_empty() {
        println!(
            "    evidence: {}",
            f.evidence
                .iter()
                .map(evidence)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn kind_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Signature => "signature",
        FindingKind::SimilarIncident => "seen before",
        FindingKind::Nudge => "nudge",
        FindingKind::Note => "note",
    }
}

fn evidence(e: &Evidence) -> String {
    match e {
        Evidence::Event(id) => format!("event {id}"),
        Evidence::Postmortem(id) => format!("postmortem {id}"),
        Evidence::Finding(id) => format!("finding {id}"),
        Evidence::Window(w) => format!("{} {} → {} UTC", w.series, utc(w.start), utc(w.end)),
    }
}

/// The JSON form of an output.
pub(super) fn to_json(plugin: &str, output: &Output) -> serde_json::Value {
    let findings: Vec<_> = output
        .findings
        .iter()
        .map(|f| json!({
            "kind": kind_name(f.kind), "subject": f.subject, "title": f.title, "detail": f.detail,
            "evidence": f.evidence.iter().map(evidence).collect::<Vec<_>>(), "confidence": f.confidence, "at": f.at,
        }))
        .collect();
    let proposals: Vec<_> = output
        .proposals
        .iter()
        .map(|p| json!({ "title": p.title, "body": p.body, "rationale": p.rationale, "evidence": p.evidence.iter().map(evidence).collect::<Vec<_>>() }))
        .collect();
    json!({ "plugin": plugin, "findings": findings, "proposals": proposals })
}
