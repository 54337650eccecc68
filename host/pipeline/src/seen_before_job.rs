//! The seen-before finding of an incident, made off the request path by the plugin worker.
//!
//! When: once when the incident is opened (its title, and for an Alertmanager group its
//! alerts), and once more after its first graph signature is found. The first answer comes
//! from little more than a title; a signature ("stair-step rise in memory") is a diagnosis,
//! the strongest words the question can get, and it arrives minutes into the incident, while
//! the answer still helps. Later refreshes (every event, every tick) would repeat near-same
//! answers into the findings and cost a plugin call each; a responder who wants a fresh one
//! asks `POST /v1/seen-before` with the incident.
//!
//! Each ask is a stored plugin job like any other ([`rhyme_store::JobWork::SeenBefore`]):
//! written with the incident (or after the signature), its finding stored with the job's step,
//! taken over by recovery when the process dies before it is done.

use std::sync::Arc;

use rhyme_store::{Evidence, Finding, FindingKind, Gate, JobLease, JobStep, JobWork};

use crate::worker::{audit_calls, plugin_ref};
use rhyme_seen_before::question;
use rhyme_seen_before::service::{SeenBefore, SeenMatch};

/// Matches in the finding.
pub const FINDING_MATCHES: u32 = 3;

/// How long a seen-before job that failed waits before it is tried again.
const RETRY_AFTER_MS: i64 = 30_000;

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

impl Reason {
    /// The reason whose finding has this subject.
    pub fn from_subject(subject: &str) -> Option<Reason> {
        [Reason::Opened, Reason::FirstSignature]
            .into_iter()
            .find(|r| r.subject() == subject)
    }

    /// The stored job's work for this reason.
    pub fn work(self) -> JobWork {
        JobWork::SeenBefore(self.subject().to_string())
    }
}

/// Runs the stored seen-before job `job`: asks about `incident` and stores the answer as its
/// finding together with the job's step, then deletes the job; a failure gives the job back
/// for a later try (and recovery takes it over if this process dies first). Without a
/// seen-before service the job is dropped: there is nobody to ask.
pub async fn run(
    service: Option<&Arc<SeenBefore>>,
    gate: &Gate,
    job: &str,
    incident: &str,
    reason: Reason,
) {
    let outcome = match service {
        Some(service) => ask_and_store(service, gate, job, incident, reason).await,
        None => Ok(()),
    };
    let store = gate.store();
    let settled = match outcome {
        Ok(()) => store.finish_plugin_job(job).await,
        Err(e) => {
            tracing::warn!(
                incident,
                "seen-before finding not made, tried again later: {e:#}"
            );
            store
                .release_plugin_job(job, store.now().saturating_add(RETRY_AFTER_MS))
                .await
        }
    };
    if let Err(e) = settled {
        tracing::error!(incident, job, "settling a seen-before job: {e}");
    }
}

/// After a signature finding: writes a stored job to ask again, unless the incident already
/// has that finding, and runs it on a task of its own, so the incident's other jobs do not
/// wait for it.
pub async fn after_signature(
    service: &Arc<SeenBefore>,
    gate: &Gate,
    lease: &JobLease,
    incident: &str,
) {
    let store = gate.store();
    let reason = Reason::FirstSignature;
    match store.findings(incident).await {
        Ok(found) if found.iter().any(|f| f.finding.subject == reason.subject()) => return,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(incident, "seen-before refresh skipped: {e}");
            return;
        }
    }
    let job = match store.add_plugin_job(incident, reason.work(), lease).await {
        Ok(job) => job,
        Err(e) => {
            tracing::warn!(incident, "seen-before refresh skipped: {e}");
            return;
        }
    };
    let (service, gate, incident) = (service.clone(), gate.clone(), incident.to_string());
    tokio::spawn(async move {
        run(Some(&service), &gate, &job.id, &incident, reason).await;
    });
}

async fn ask_and_store(
    service: &Arc<SeenBefore>,
    gate: &Gate,
    job: &str,
    incident: &str,
    reason: Reason,
) -> anyhow::Result<()> {
    let store = gate.store();
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
    let findings = if answer.matches.is_empty() {
        Vec::new()
    } else {
        vec![finding(&text, &answer.matches, reason)]
    };
    let step = JobStep { job, step: 0 };
    gate.store_plugin_output(Some(step), incident, &source, &findings, Vec::new())
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
