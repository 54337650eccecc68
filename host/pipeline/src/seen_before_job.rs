//! The seen-before finding of an incident, made off the request path by the plugin worker.
//!
//! When: once when the incident is opened (its title, and for an Alertmanager group its
//! alerts), and once more after its first graph signature is found. The first answer comes
//! from little more than a title; a signature ("stair-step rise in memory") is a diagnosis,
//! the strongest words the question can get, and it arrives minutes into the incident, while
//! the answer still helps. Later refreshes (every event, every tick) would repeat near-same
//! answers into the findings and cost a plugin call each; a responder who wants a fresh one
//! asks `POST /v1/seen-before` with the incident.

use std::sync::Arc;

use rhyme_store::{Evidence, Finding, FindingKind, Store};

use crate::worker::{audit_calls, plugin_ref};
use rhyme_seen_before::question;
use rhyme_seen_before::service::{SeenBefore, SeenMatch};

/// Matches in the finding.
pub const FINDING_MATCHES: u32 = 3;

/// Why the incident is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The incident was just opened.
    Opened,
    /// Its first graph signature was just found.
    FirstSignature,
}

impl Reason {
    /// The finding's subject: one finding per reason and incident.
    pub fn subject(self) -> &'static str {
        match self {
            Reason::Opened => "seen-before/opened",
            Reason::FirstSignature => "seen-before/after-signature",
        }
    }
}

/// Asks about `incident` and stores the answer as its finding; failures are logged.
pub async fn run(service: &Arc<SeenBefore>, store: &Store, incident: &str, reason: Reason) {
    if let Err(e) = ask_and_store(service, store, incident, reason).await {
        tracing::warn!(incident, "seen-before finding not made: {e:#}");
    }
}

/// After a signature finding: asks again unless it was already done for this incident.
pub async fn after_signature(service: &Arc<SeenBefore>, store: &Store, incident: &str) {
    match store.findings(incident).await {
        Ok(found)
            if found
                .iter()
                .any(|f| f.finding.subject == Reason::FirstSignature.subject()) => {}
        Ok(_) => run(service, store, incident, Reason::FirstSignature).await,
        Err(e) => tracing::warn!(incident, "seen-before refresh skipped: {e}"),
    }
}

async fn ask_and_store(
    service: &Arc<SeenBefore>,
    store: &Store,
    incident: &str,
    reason: Reason,
) -> anyhow::Result<()> {
    let text = question::for_incident(store, incident).await?;
    let feedback = store.seen_before_feedback().await?;
    let now = store.now();
    let asking = service.clone();
    let question = text.clone();
    let answer = tokio::task::spawn_blocking(move || {
        asking.answer(&question, FINDING_MATCHES, &feedback, now)
    })
    .await??;
    let source = plugin_ref(service.plugin());
    let detail = serde_json::json!({"incident": incident, "trigger": reason.subject()});
    if let Err(e) = audit_calls(store, &source, &answer.capability_calls, detail).await {
        tracing::error!("audit: {e}");
    }
    if answer.matches.is_empty() {
        return Ok(());
    }
    store
        .add_findings(
            incident,
            &source,
            &[finding(&text, &answer.matches, reason)],
        )
        .await?;
    Ok(())
}

/// One finding for the whole answer: the matches in order, each with what broke and the fix,
/// and every matched postmortem as evidence.
fn finding(question: &str, matches: &[SeenMatch], reason: Reason) -> Finding {
    let best = &matches[0];
    let title = format!(
        "Seen before? {} similar past incident{}, closest: {}",
        matches.len(),
        if matches.len() == 1 { "" } else { "s" },
        best.heading()
    );
    let mut detail = vec![format!("Asked: {}", cut(question, 300))];
    for (rank, m) in matches.iter().enumerate() {
        let mut lines = m.lines();
        lines[0] = format!("{}. {}", rank + 1, lines[0]);
        detail.extend(lines);
    }
    Finding {
        kind: FindingKind::SimilarIncident,
        subject: reason.subject().to_string(),
        title: cut(&title, 200),
        detail: detail.join("\n"),
        evidence: matches
            .iter()
            .map(|m| Evidence::Postmortem(m.id.clone()))
            .collect(),
        confidence: best.confidence.clamp(0.0, 1.0),
        at: None,
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}
