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
//! When matches belong to a recurring group of the corpus (the groups `rhyme themes` shows),
//! the finding says so in its title and opens its detail with the group and the action items
//! promised after the group's latest incident that has any, with where each stands now.
//!
//! Each ask is a stored plugin job like any other ([`rhyme_store::JobWork::SeenBefore`]):
//! written with the incident (or after the signature), its finding stored with the job's step,
//! taken over by recovery when the process dies before it is done.

use std::sync::Arc;

use rhyme_store::{Evidence, Finding, FindingKind, Gate, JobLease, JobStep, JobWork, Store};

use crate::worker::{audit_calls, plugin_ref};
use rhyme_seen_before::question;
use rhyme_seen_before::service::{SeenBefore, SeenMatch};
use rhyme_seen_before::themes::promises::{Promises, cut};
use rhyme_seen_before::themes::{NoNotes, Theme};

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
    let answer = service
        .answer(&text, FINDING_MATCHES, &feedback, now)
        .await?;
    let source = plugin_ref(service.plugin());
    let detail = serde_json::json!({"incident": incident, "trigger": reason.subject()});
    if let Err(e) = audit_calls(store, &source, &answer.capability_calls, detail).await {
        tracing::error!("audit: {e}");
    }
    let findings = if answer.matches.is_empty() {
        Vec::new()
    } else {
        let recurring = recurring(service, store, &answer.matches).await;
        vec![finding(&text, &answer.matches, reason, recurring.as_ref())]
    };
    let step = JobStep { job, step: 0 };
    gate.store_plugin_output(Some(step), incident, &source, &findings, Vec::new())
        .await?;
    Ok(())
}

/// The recurring group (of the corpus's, at the default settings) the best-ranked match that
/// is in one belongs to, with the ranks (1-based) of the matches in it, and the store's
/// promises. `None` when no match is in a group; a grouping or store failure is logged and
/// the finding goes out without it.
pub struct Recurring {
    /// The group.
    pub theme: Theme,
    /// Ranks of the matches that are members, 1-based, best first.
    pub ranks: Vec<usize>,
    /// The store's action items, as they stood when the finding was made.
    pub promises: Promises,
}

async fn recurring(
    service: &Arc<SeenBefore>,
    store: &Store,
    matches: &[SeenMatch],
) -> Option<Recurring> {
    let grouping = service.clone();
    let grouped = tokio::task::spawn_blocking(move || grouping.themes(&NoNotes)).await;
    let themes = match grouped {
        Ok(Ok((_, themes))) => themes,
        Ok(Err(e)) => {
            tracing::warn!("seen-before finding made without recurring groups: {e}");
            return None;
        }
        Err(e) => {
            tracing::error!("themes thread: {e}");
            return None;
        }
    };
    let (ranks, theme) = in_group(themes, matches)?;
    let promises = match Promises::load(store).await {
        Ok(promises) => promises,
        Err(e) => {
            tracing::warn!("seen-before finding made without the action items: {e}");
            Promises::default()
        }
    };
    Some(Recurring {
        theme,
        ranks,
        promises,
    })
}

/// The group holding the best-ranked match that is in a group, with the ranks of the matches
/// it holds.
fn in_group(themes: Vec<Theme>, matches: &[SeenMatch]) -> Option<(Vec<usize>, Theme)> {
    themes
        .into_iter()
        .filter_map(|theme| {
            let ranks: Vec<usize> = matches
                .iter()
                .enumerate()
                .filter(|(_, m)| theme.members.iter().any(|member| member.id == m.id))
                .map(|(i, _)| i + 1)
                .collect();
            (!ranks.is_empty()).then_some((ranks, theme))
        })
        .min_by_key(|(ranks, _)| ranks[0])
}

impl Recurring {
    /// What the title adds: "recurring: certificate expiry, 3rd time".
    fn title(&self) -> String {
        format!(
            "recurring: {}, {} time",
            self.theme.mechanism.replace('-', " "),
            ordinal(self.theme.members.len() + 1)
        )
    }

    /// The lines the detail opens with: the group, then the promises made after its latest
    /// incident that has any, and where they stand.
    fn lines(&self) -> Vec<String> {
        let theme = &self.theme;
        let which = match self.ranks.as_slice() {
            [one] => format!("match {one} belongs"),
            [rest @ .., last] => format!(
                "matches {} and {last} belong",
                rest.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [] => "no match belongs".to_string(),
        };
        let dates: Vec<&str> = theme
            .members
            .iter()
            .filter_map(|m| m.date.as_deref())
            .collect();
        let when = match (dates.first(), dates.last()) {
            (Some(first), Some(last)) if first != last => format!(", {first} to {last}"),
            (Some(only), _) => format!(", {only}"),
            _ => String::new(),
        };
        let mut lines = vec![format!(
            "Recurring: {which} to a group of {} past incidents with the same mechanism ({}{when}); this would be the {}.",
            theme.members.len(),
            theme.mechanism.replace('-', " "),
            ordinal(theme.members.len() + 1)
        )];
        match self.promises.last_time(&theme.members) {
            Some((member, items)) => {
                let date = member
                    .date
                    .as_deref()
                    .map(|d| format!(", {d}"))
                    .unwrap_or_default();
                lines.push(format!(
                    "Promised last time ({}{date}): {}",
                    member.id,
                    self.promises.tally(&items)
                ));
                for item in items.iter().take(PROMISES_SHOWN) {
                    lines.push(format!("   - {}", self.promises.item_line(item)));
                }
                if items.len() > PROMISES_SHOWN {
                    lines.push(format!(
                        "   - … {} more: rhyme actions list --postmortem {}",
                        items.len() - PROMISES_SHOWN,
                        items[0].postmortem
                    ));
                }
            }
            None => lines.push("No action items were recorded after these incidents.".into()),
        }
        lines
    }
}

/// Promises from last time listed in the finding.
const PROMISES_SHOWN: usize = 3;

/// 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// One finding for the whole answer: the matches in order, each with what broke and the fix,
/// and every matched postmortem as evidence. When matches belong to a recurring group, the
/// title says so and the detail opens with the group and the promises made last time.
fn finding(
    question: &str,
    matches: &[SeenMatch],
    reason: Reason,
    recurring: Option<&Recurring>,
) -> Finding {
    let best = &matches[0];
    // The recurring part before the closest match's heading, which may be cut.
    let title = format!(
        "Seen before? {} similar past incident{}{}, closest: {}",
        matches.len(),
        if matches.len() == 1 { "" } else { "s" },
        recurring
            .map(|r| format!(" ({})", r.title()))
            .unwrap_or_default(),
        best.heading()
    );
    let mut detail = vec![format!("Asked: {}", cut(question, 300))];
    if let Some(recurring) = recurring {
        detail.extend(recurring.lines());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_seen_before::themes::Member;
    use rhyme_store::{ActionItem, ActionStatus, NewActionItem};

    fn seen(id: &str) -> SeenMatch {
        SeenMatch {
            id: id.into(),
            company: None,
            title: format!("title of {id}"),
            date: None,
            what_broke: None,
            fix_or_lesson: None,
            why: None,
            url: None,
            confidence: 0.8,
            feedback_shift: 0.0,
            feedback: Vec::new(),
        }
    }

    fn member(id: &str, date: &str) -> Member {
        Member {
            id: id.into(),
            title: format!("title of {id}"),
            date: Some(date.into()),
            company: None,
            incident: None,
        }
    }

    fn promise(postmortem: &str, text: &str, status: ActionStatus) -> ActionItem {
        ActionItem {
            id: format!("{postmortem}-{text}"),
            postmortem: postmortem.into(),
            source: "import".into(),
            incident: None,
            service: None,
            written: NewActionItem {
                line: 1,
                text: text.into(),
                ..NewActionItem::default()
            },
            status,
            status_reason: None,
            status_by: None,
            status_at: 0,
            created_at: 0,
        }
    }

    #[test]
    fn ordinals() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
    }

    #[test]
    fn a_finding_whose_matches_recur_says_so_with_last_times_promises() {
        let theme = Theme {
            mechanism: "certificate-expiry".into(),
            shared_terms: Vec::new(),
            members: vec![member("pm-a", "2023-07-11"), member("pm-b", "2024-09-30")],
            span_days: Some(447),
            notes: Vec::new(),
        };
        let other = Theme {
            members: vec![member("pm-x", "2020-01-01"), member("pm-y", "2021-01-01")],
            ..theme.clone()
        };
        let matches = [seen("pm-b"), seen("pm-z"), seen("pm-a")];
        let (ranks, found) = in_group(vec![other, theme], &matches).unwrap();
        assert_eq!(ranks, [1, 3]);
        let recurring = Recurring {
            theme: found,
            ranks,
            promises: Promises::new(
                vec![
                    promise("pm-a", "Alert a month before expiry", ActionStatus::Planned),
                    promise("pm-b", "Check the whole chain", ActionStatus::Verified),
                    promise(
                        "pm-b",
                        "Test renewals with a strict client",
                        ActionStatus::Planned,
                    ),
                ],
                0,
            ),
        };
        let f = finding("TLS failing", &matches, Reason::Opened, Some(&recurring));
        assert!(
            f.title.starts_with(
                "Seen before? 3 similar past incidents (recurring: certificate expiry, 3rd time), closest:"
            ),
            "{}",
            f.title
        );
        let lines: Vec<&str> = f.detail.lines().collect();
        assert_eq!(
            lines[1..5],
            [
                "Recurring: matches 1 and 3 belong to a group of 2 past incidents with the same mechanism (certificate expiry, 2023-07-11 to 2024-09-30); this would be the 3rd.",
                "Promised last time (pm-b, 2024-09-30): 1 still open, 1 verified",
                "   - \"Check the whole chain\": verified",
                "   - \"Test renewals with a strict client\": still planned",
            ]
        );
        let without = Recurring {
            promises: Promises::default(),
            ..recurring
        };
        let f = finding("TLS failing", &matches, Reason::Opened, Some(&without));
        assert!(
            f.detail
                .contains("No action items were recorded after these incidents."),
            "{}",
            f.detail
        );
        let plain = finding("TLS failing", &matches, Reason::Opened, None);
        assert!(!plain.title.contains("recurring"), "{}", plain.title);
    }
}
