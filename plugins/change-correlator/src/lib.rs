//! change-correlator: what changed before it broke. On each alert that fires and each graph
//! signature of an incident, it ranks the changes (deploys, rollbacks, config and feature-flag
//! flips, infrastructure changes) that preceded the onset ([`rank`]) and says which is the
//! likeliest trigger and why; when that change can be undone and was not yet, it proposes the
//! rollback, which waits in the approval gate. A change made during a declared freeze is
//! flagged on its own.
//!
//! The logic is plain Rust, tested natively ([`change`], [`rank`], [`analyse`]); the sandbox
//! glue is in `plugin.rs`, built only for `wasm32-wasip2`.

pub mod change;
pub mod rank;

use serde_json::json;

use crate::change::{Change, Kind};
use crate::rank::{Candidate, Onset, Relation, rank};

/// Subject prefix of the finding naming a change as the likeliest trigger (one per change).
pub const SUSPECT: &str = "change-suspect:";
/// Subject prefix of the finding flagging a change made during a freeze (one per change).
pub const IN_FREEZE: &str = "change-in-freeze:";

/// What the plugin reports, before it becomes contract types.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub subject: String,
    pub title: String,
    pub detail: String,
    /// Timeline event ids cited.
    pub events: Vec<String>,
    /// A series window cited: (series, start, end).
    pub window: Option<(String, i64, i64)>,
    pub confidence: f32,
    pub at: i64,
    /// The rollback proposed with it: (title, body).
    pub rollback: Option<(String, String)>,
}

/// An onset and what it cites.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited {
    pub onset: Onset,
    /// The alert's event id, when an alert.
    pub event: Option<String>,
    /// The signature's series window, when a signature.
    pub window: Option<(String, i64, i64)>,
}

/// Reports not made before (`already` holds the subjects of earlier findings): the likeliest
/// trigger of each onset, and each change made during a freeze.
pub fn analyse(
    onsets: &[Cited],
    changes: &[Change],
    window_ms: i64,
    depends_on: &dyn Fn(&str) -> Vec<String>,
    already: &[String],
) -> Vec<Report> {
    let mut reports: Vec<Report> = Vec::new();
    let said = |subject: &str, reports: &[Report]| {
        already.iter().any(|s| s == subject) || reports.iter().any(|r| r.subject == subject)
    };
    let mut sorted: Vec<&Cited> = onsets.iter().collect();
    sorted.sort_by_key(|c| c.onset.at);
    for cited in sorted {
        let found = rank(&cited.onset, changes, window_ms, depends_on);
        let Some(best) = found.first() else {
            continue;
        };
        let subject = format!("{SUSPECT}{}", best.change.event_id);
        if said(&subject, &reports) {
            continue;
        }
        reports.push(suspect(cited, best, &found[1..], subject));
    }
    for change in changes.iter().filter(|c| !c.freeze.is_empty()) {
        let subject = format!("{IN_FREEZE}{}", change.event_id);
        if !said(&subject, &reports) {
            reports.push(in_freeze(change, subject));
        }
    }
    reports
}

fn minutes(ms: i64) -> String {
    format!("{:.0} min", ms as f64 / 60_000.0)
}

fn suspect(cited: &Cited, best: &Candidate, others: &[Candidate], subject: String) -> Report {
    let c = &best.change;
    let onset = &cited.onset;
    let title = format!(
        "Likely trigger: {} {} {} before {}",
        c.kind.noun(),
        c.what(),
        minutes(best.lag_ms),
        onset.label
    );
    let mut why = vec![format!(
        "{} ({}) by {} at {} UTC, {} before {} began.",
        c.headline,
        c.kind.noun(),
        if c.actor.is_empty() {
            "someone unnamed"
        } else {
            &c.actor
        },
        clock(c.at),
        minutes(best.lag_ms),
        onset.label
    )];
    why.push(
        match best.relation {
            Relation::Same => "Same service as the onset.",
            Relation::Dependency => "A service the affected one depends on.",
            Relation::Unknown => "The service of the change or of the onset is not known.",
        }
        .to_string(),
    );
    if !c.freeze.is_empty() {
        why.push("It was made during a declared change freeze.".into());
    }
    match &best.rolled_back {
        Some(r) if r.at < onset.at => why.push(format!(
            "It was rolled back at {} UTC, before the onset: probably not the cause.",
            clock(r.at)
        )),
        Some(r) => why.push(format!("It was rolled back at {} UTC.", clock(r.at))),
        None => {}
    }
    if !c.link.is_empty() {
        why.push(format!("More: {}", c.link));
    }
    if !others.is_empty() {
        let rest: Vec<String> = others
            .iter()
            .take(3)
            .map(|o| {
                format!(
                    "{} {} ({} before, score {:.2})",
                    o.change.kind.noun(),
                    o.change.what(),
                    minutes(o.lag_ms),
                    o.score
                )
            })
            .collect();
        why.push(format!("Other candidates: {}.", rest.join("; ")));
    }
    let mut events = vec![c.event_id.clone()];
    events.extend(cited.event.clone());
    let rollback =
        (c.kind.can_roll_back() && best.rolled_back.is_none()).then(|| rollback(c, best, onset));
    Report {
        subject,
        title,
        detail: why.join(" "),
        events,
        window: cited.window.clone(),
        confidence: (0.3 + 0.6 * best.score).min(0.9) as f32,
        at: onset.at,
        rollback,
    }
}

fn rollback(c: &Change, best: &Candidate, onset: &Onset) -> (String, String) {
    let title = format!(
        "Roll back {}: {} before {}",
        c.what(),
        minutes(best.lag_ms),
        onset.label
    );
    let body = json!({
        "action": "rollback",
        "kind": c.kind.noun(),
        "service": c.service,
        "revision": c.revision,
        "environment": c.environment,
        "change": c.event_id,
        "changed_at": c.at,
        "link": c.link,
        "onset": {"at": onset.at, "what": onset.label},
        "score": (best.score * 100.0).round() / 100.0,
    });
    (title, body.to_string())
}

fn in_freeze(c: &Change, subject: String) -> Report {
    Report {
        subject,
        title: format!("{} {} during a change freeze", c.kind.noun(), c.what()),
        detail: format!(
            "{} by {} at {} UTC, while a change freeze was in force (freeze {}). A change in a freeze is a risk by itself: check it was approved as an exception.",
            c.headline,
            if c.actor.is_empty() {
                "someone unnamed"
            } else {
                &c.actor
            },
            clock(c.at),
            c.freeze
        ),
        events: vec![c.event_id.clone()],
        window: None,
        confidence: 0.9,
        at: c.at,
        rollback: None,
    }
}

/// `HH:MM` of a time in milliseconds, UTC.
fn clock(at: i64) -> String {
    let minutes = at.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The onset of an alert event: a firing alert, at its time; the service from its
/// `service=` label when the text shows one, else the incident's.
pub fn alert_onset(id: &str, at: i64, text: &str, incident_service: &str) -> Option<Cited> {
    if text
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("[RESOLVED]")
    {
        return None;
    }
    let service = text
        .split(['{', '}', ',', ' '])
        .find_map(|part| part.trim().strip_prefix("service="))
        .map(str::to_string)
        .unwrap_or_else(|| incident_service.to_string());
    let name = text
        .trim_start()
        .strip_prefix("[FIRING]")
        .unwrap_or(text)
        .split([' ', ':', '{'])
        .find(|w| !w.is_empty())
        .unwrap_or("alert");
    Some(Cited {
        onset: Onset {
            at,
            service,
            label: format!("alert {name}"),
        },
        event: Some(id.to_string()),
        window: None,
    })
}

/// Whether a timeline kind is an alert.
pub fn is_alert(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("alert")
}

/// Whether a timeline kind is a change.
pub fn is_change(kind: &str) -> bool {
    Kind::of(kind).is_some()
}

#[cfg(target_arch = "wasm32")]
mod plugin;

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const HOUR: i64 = 60 * MIN;

    fn deploy(id: &str, service: &str, minute: i64, freeze: &str) -> Change {
        let text = format!(
            "deployed {service} v4.18.0\nservice: {service}\nrevision: v4.18.0\nfreeze: {freeze}"
        );
        Change::read(id, "deploy", minute * MIN, "alice", &text).unwrap()
    }

    fn no_deps(_: &str) -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn the_best_candidate_is_named_once_with_a_rollback_proposal() {
        let alert = alert_onset(
            "a-1",
            30 * MIN,
            "[FIRING] HighErrorRate {service=cart-service}: 5xx",
            "",
        )
        .unwrap();
        assert_eq!(alert.onset.service, "cart-service");
        assert_eq!(alert.onset.label, "alert HighErrorRate");
        let changes = [
            deploy("change:d-1", "cart-service", 24, ""),
            deploy("change:d-2", "search", 29, ""),
        ];
        let reports = analyse(std::slice::from_ref(&alert), &changes, HOUR, &no_deps, &[]);
        assert_eq!(reports.len(), 1, "{reports:#?}");
        let r = &reports[0];
        assert_eq!(r.subject, "change-suspect:change:d-1");
        assert_eq!(
            r.title,
            "Likely trigger: deploy cart-service v4.18.0 6 min before alert HighErrorRate"
        );
        assert_eq!(r.events, ["change:d-1", "a-1"]);
        let (title, body) = r.rollback.clone().unwrap();
        assert_eq!(
            title,
            "Roll back cart-service v4.18.0: 6 min before alert HighErrorRate"
        );
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (body["action"].as_str(), body["revision"].as_str()),
            (Some("rollback"), Some("v4.18.0"))
        );
        let again = analyse(
            &[alert],
            &changes,
            HOUR,
            &no_deps,
            std::slice::from_ref(&r.subject),
        );
        assert!(again.is_empty(), "said before");
    }

    #[test]
    fn a_change_in_a_freeze_is_flagged_even_without_an_onset() {
        let reports = analyse(
            &[],
            &[deploy("change:d-1", "cart", 1, "f-1")],
            HOUR,
            &no_deps,
            &[],
        );
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].subject, "change-in-freeze:change:d-1");
        assert!(
            reports[0].detail.contains("freeze f-1"),
            "{}",
            reports[0].detail
        );
    }

    #[test]
    fn a_resolved_alert_is_no_onset() {
        assert!(alert_onset("a", 0, "[RESOLVED] HighErrorRate", "shop").is_none());
        assert_eq!(
            alert_onset("a", 0, "disk full", "shop")
                .unwrap()
                .onset
                .service,
            "shop"
        );
    }
}
