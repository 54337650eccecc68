//! An open incident told as a seen-before question: its title, the signatures found, its
//! alerts and its latest timeline entries, in the plugin's own order
//! (`seen_before_index::IncidentQuestion`). The host builds the text itself, so that the question a
//! responder gives feedback on is the very text that was ranked.

use rhyme_store::{FindingKind, Store};

/// The question for incident `id`, as of what the store holds now.
pub async fn for_incident(store: &Store, id: &str) -> rhyme_store::Result<String> {
    let incident = store.incident(id).await?;
    let timeline = store.events(id).await?;
    let findings = store.findings(id).await?;
    let question = seen_before_index::IncidentQuestion {
        title: incident.title,
        alerts: timeline
            .iter()
            .filter(|e| e.kind.eq_ignore_ascii_case("alert"))
            .map(|e| e.text.clone())
            .collect(),
        timeline: timeline
            .iter()
            .filter(|e| !e.kind.eq_ignore_ascii_case("alert"))
            .map(|e| e.text.clone())
            .collect(),
        signatures: findings
            .iter()
            .filter(|f| f.finding.kind == FindingKind::Signature)
            .map(|f| f.finding.title.clone())
            .collect(),
    };
    Ok(question.to_text())
}
