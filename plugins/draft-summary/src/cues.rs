//! What a timeline line is for a draft: its normalised kind, who wrote it, and the word cues
//! that say it reports a symptom, an impact, an open ask, a cause, or work still under way.
//!
//! The cue lists describe the phenomena of incident chat (symptoms are errors, latency,
//! outages; asks are questions, waits and approvals), not the wording of any data file.

use crate::model::Event;

/// The event kinds a draft distinguishes; unknown kinds read as messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Alert,
    Metric,
    Message,
    StatusUpdate,
    Decision,
    Action,
    Mitigation,
    Resolution,
    RoleChange,
    Deploy,
}

pub(crate) fn kind(e: &Event) -> Kind {
    match e
        .kind
        .trim()
        .to_ascii_lowercase()
        .replace('-', "_")
        .as_str()
    {
        "alert" | "page" => Kind::Alert,
        "metric" => Kind::Metric,
        "status_update" | "status" => Kind::StatusUpdate,
        "decision" => Kind::Decision,
        "action" => Kind::Action,
        "mitigation" => Kind::Mitigation,
        "resolution" => Kind::Resolution,
        "role_change" => Kind::RoleChange,
        "deploy" => Kind::Deploy,
        _ => Kind::Message,
    }
}

fn role_is(e: &Event, wanted: &str) -> bool {
    e.role
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case(wanted))
}

/// Written by a bot or an alerting system rather than a person.
pub(crate) fn is_system(e: &Event) -> bool {
    role_is(e, "system")
}

pub(crate) fn is_stakeholder(e: &Event) -> bool {
    role_is(e, "stakeholder")
}

/// The text lowercased with punctuation turned to spaces and padded, so that a cue matches
/// only whole words or whole phrases.
fn words(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        out.push(if c.is_alphanumeric() || matches!(c, '%' | '\'' | '/') {
            c
        } else {
            ' '
        });
    }
    out.push(' ');
    out.split_whitespace()
        .fold(String::from(" "), |acc, w| acc + w + " ")
}

fn has_any(text: &str, cues: &[&str]) -> bool {
    let w = words(text);
    cues.iter().any(|c| w.contains(&format!(" {c} ")))
}

const SYMPTOM: &[&str] = &[
    "error",
    "errors",
    "failing",
    "failed",
    "failure",
    "failures",
    "down",
    "outage",
    "latency",
    "slow",
    "slower",
    "timeout",
    "timeouts",
    "timing out",
    "unavailable",
    "degraded",
    "5xx",
    "500",
    "502",
    "503",
    "504",
    "lag",
    "delayed",
    "stale",
    "loss",
    "lost",
    "broken",
    "crash",
    "crashing",
    "firing",
    "spike",
    "elevated",
    "full",
    "stuck",
    "unreachable",
    "dropping",
    "backlog",
    "saturated",
    "exhausted",
    "oom",
    "panic",
];

const IMPACT: &[&str] = &[
    "users",
    "user",
    "customers",
    "customer",
    "clients",
    "requests",
    "traffic",
    "checkout",
    "login",
    "logins",
    "signups",
    "payments",
    "orders",
    "delayed",
    "delay",
    "lost",
    "loss",
    "unavailable",
    "down",
    "outage",
    "stale",
    "dashboards",
    "impact",
    "affected",
    "affecting",
    "data loss",
    "degraded",
    "behind",
    "offline",
    "region",
    "regions",
    "site",
];

const ASK: &[&str] = &[
    "waiting",
    "waiting on",
    "waiting for",
    "blocked",
    "blocker",
    "pending",
    "need",
    "needs",
    "needed",
    "approval",
    "approve",
    "can someone",
    "anyone",
    "please",
    "pls",
    "help",
    "eta",
    "any news",
    "any update",
    "who",
];

const UNDER_WAY: &[&str] = &[
    "starting",
    "started",
    "running",
    "in progress",
    "ongoing",
    "rolling",
    "migrating",
    "investigating",
    "looking",
    "restoring",
    "copying",
    "monitoring",
    "draining",
    "rebuilding",
    "catching up",
    "recovering",
    "under way",
    "underway",
    "continuing",
    "retrying",
    "begins",
    "deploying",
    "testing",
    "working on",
];

const CAUSE: &[&str] = &[
    "because",
    "caused",
    "cause",
    "causes",
    "root cause",
    "due to",
    "triggered",
    "after the",
    "config",
    "configuration",
    "bug",
    "regression",
    "missing",
    "never",
    "no check",
    "assumed",
    "too low",
    "too high",
    "threshold",
    "expired",
    "misconfigured",
    "leak",
    "race",
    "only applied",
    "not covered",
    "did not cover",
    "had no",
    "without a",
    "limit",
    "exhausted",
];

const WENT_WELL: &[&str] = &[
    "saved",
    "worked",
    "helped",
    "quickly",
    "caught",
    "prevented",
    "no data loss",
    "no loss",
    "0 data loss",
    "good idea",
    "as expected",
    "smoothly",
    "contained",
    "limited the",
];

const COULD_BE_BETTER: &[&str] = &[
    "still waiting",
    "still no",
    "again",
    "duplicate",
    "double",
    "unusable",
    "gap",
    "unanswered",
    "no ic",
    "before any alert",
    "not covered",
    "had to look",
    "no runbook",
    "manual",
    "nobody",
    "no one",
    "who approved",
    "who's running",
    "failed again",
    "keeps failing",
    "confusion",
    "confused",
    "missed",
    "late",
    "too slow",
    "under pressure",
    "no alert",
];

const FOLLOW_UP: &[&str] = &[
    "follow up",
    "follow-up",
    "followup",
    "f/u",
    "action item",
    "action items",
    "todo",
    "to do",
    "postmortem item",
];

const DETECTION: &[&str] = &[
    "noticed",
    "detected",
    "detection",
    "spotted",
    "reported",
    "paged",
    "customer ticket",
    "customer report",
    "support ticket",
    "alerted",
];

const QUESTION_STARTS: &[&str] = &[
    "who", "what", "when", "can", "could", "any", "is", "are", "do",
];

pub(crate) fn reports_symptom(text: &str) -> bool {
    has_any(text, SYMPTOM)
}

pub(crate) fn reports_impact(text: &str) -> bool {
    has_any(text, IMPACT)
}

/// Words that mark a guess about the cause rather than a report of what is hurt.
const HEDGES: &[&str] = &[
    "probably",
    "likely",
    "maybe",
    "perhaps",
    "might",
    "suspect",
    "i think",
    "we think",
    "could be",
    "looks like",
    "seems",
    "my guess",
    "theory",
    "hypothesis",
];

/// A hypothesis ("probably the new index migration"): it belongs in the investigation, not
/// under what is affected, where a reader takes it as impact.
pub(crate) fn is_hypothesis(text: &str) -> bool {
    has_any(text, HEDGES)
}

/// Asks for something or says work is blocked.
pub(crate) fn is_ask(e: &Event) -> bool {
    let t = e.text.trim();
    let question = t.ends_with('?')
        || t.split_whitespace().next().is_some_and(|w| {
            QUESTION_STARTS.contains(
                &w.to_ascii_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        }) && t.contains('?');
    question || has_any(t, ASK)
}

pub(crate) fn is_under_way(text: &str) -> bool {
    has_any(text, UNDER_WAY)
}

pub(crate) fn names_cause(text: &str) -> bool {
    has_any(text, CAUSE)
}

pub(crate) fn went_well(text: &str) -> bool {
    has_any(text, WENT_WELL)
}

pub(crate) fn could_be_better(text: &str) -> bool {
    has_any(text, COULD_BE_BETTER)
}

pub(crate) fn tells_detection(text: &str) -> bool {
    has_any(text, DETECTION)
}

pub(crate) fn names_follow_up(text: &str) -> bool {
    has_any(text, FOLLOW_UP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, text: &str) -> Event {
        Event {
            id: "1".into(),
            at: 0,
            actor: None,
            role: None,
            kind: kind.into(),
            text: text.into(),
        }
    }

    #[test]
    fn normalises_kinds() {
        assert_eq!(kind(&ev("status-update", "")), Kind::StatusUpdate);
        assert_eq!(kind(&ev("role_change", "")), Kind::RoleChange);
        assert_eq!(kind(&ev("chatter", "")), Kind::Message);
    }

    #[test]
    fn cues_match_whole_words_only() {
        assert!(reports_symptom("Checkout errors at 4%"));
        assert!(!reports_symptom("terrorism drill"));
        assert!(is_ask(&ev(
            "message",
            "Still waiting on the throttle decision."
        )));
        assert!(is_ask(&ev("message", "Who owns the rollback?")));
        assert!(!is_ask(&ev("message", "Rollback done.")));
        assert!(is_under_way("Started migrating volumes"));
    }
}
