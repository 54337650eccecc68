//! Which changes could have set off an onset, best first. A candidate came strictly before the
//! onset, less than the window before it, on the onset's service or one it depends on (or
//! where either side's service is unknown); a freeze is never one. Its score weighs:
//!
//! - the gap: the shorter, the likelier (linear from 1 at the onset to 0 at the window's edge);
//! - the relation: the same service 1, a dependency 0.7, unknown 0.4;
//! - the kind: deploy 1, config 0.9, feature flag 0.85, infrastructure 0.8, rollback 0.3 (it
//!   usually restores a state known to work);
//! - a rollback of it before the onset: it was undone before the trouble, so the score is cut
//!   to a third; a rollback after the onset: someone already acted on it (said, not scored).

use crate::change::{Change, Kind};

/// Where something started going wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Onset {
    pub at: i64,
    /// The affected service; empty when unknown.
    pub service: String,
    /// In words: "alert HighErrorRate", "cliff-drop in checkout_error_rate".
    pub label: String,
}

/// How a candidate's service relates to the onset's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Same,
    Dependency,
    Unknown,
}

/// A change that may have set off the onset.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub change: Change,
    /// From the change to the onset, in milliseconds (> 0).
    pub lag_ms: i64,
    pub relation: Relation,
    /// 0..1, higher is likelier.
    pub score: f64,
    /// A later rollback of the same service (and revision, when both name one).
    pub rolled_back: Option<Change>,
}

impl Candidate {
    /// Whether the rollback came before the onset (the change was already undone).
    pub fn undone_before_onset(&self, onset_at: i64) -> bool {
        self.rolled_back.as_ref().is_some_and(|r| r.at < onset_at)
    }
}

/// The candidates for `onset` among `changes`, best first. `depends_on(a)` lists what service
/// `a` depends on.
pub fn rank(
    onset: &Onset,
    changes: &[Change],
    window_ms: i64,
    depends_on: &dyn Fn(&str) -> Vec<String>,
) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = changes
        .iter()
        .filter(|c| !matches!(c.kind, Kind::FreezeStart | Kind::FreezeEnd))
        .filter(|c| c.at < onset.at && onset.at - c.at < window_ms)
        .filter_map(|c| {
            let relation = relation(&onset.service, &c.service, depends_on)?;
            let lag_ms = onset.at - c.at;
            let rolled_back = rollback_of(c, changes);
            let mut candidate = Candidate {
                change: c.clone(),
                lag_ms,
                relation,
                score: 0.0,
                rolled_back,
            };
            candidate.score = score(&candidate, onset.at, window_ms);
            Some(candidate)
        })
        .collect();
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.change.at.cmp(&a.change.at))
    });
    found
}

fn relation(
    onset: &str,
    change: &str,
    depends_on: &dyn Fn(&str) -> Vec<String>,
) -> Option<Relation> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if onset.is_empty() || change.is_empty() {
        Some(Relation::Unknown)
    } else if same(onset, change) {
        Some(Relation::Same)
    } else if depends_on(onset).iter().any(|d| same(d, change)) {
        Some(Relation::Dependency)
    } else {
        None
    }
}

/// The first rollback after `change` of its service, naming its revision or none.
fn rollback_of(change: &Change, changes: &[Change]) -> Option<Change> {
    if change.kind == Kind::Rollback {
        return None;
    }
    changes
        .iter()
        .filter(|r| r.kind == Kind::Rollback && r.at > change.at)
        .filter(|r| r.service.eq_ignore_ascii_case(&change.service))
        .filter(|r| {
            r.revision.is_empty() || change.revision.is_empty() || r.revision == change.revision
        })
        .min_by_key(|r| r.at)
        .cloned()
}

fn score(c: &Candidate, onset_at: i64, window_ms: i64) -> f64 {
    let gap = 1.0 - c.lag_ms as f64 / window_ms as f64;
    let relation = match c.relation {
        Relation::Same => 1.0,
        Relation::Dependency => 0.7,
        Relation::Unknown => 0.4,
    };
    let kind = match c.change.kind {
        Kind::Deploy => 1.0,
        Kind::Config => 0.9,
        Kind::FeatureFlag => 0.85,
        Kind::Infrastructure => 0.8,
        Kind::Rollback => 0.3,
        Kind::FreezeStart | Kind::FreezeEnd => 0.0,
    };
    let base = 0.45 * gap + 0.35 * relation + 0.2 * kind;
    if c.undone_before_onset(onset_at) {
        base / 3.0
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const HOUR: i64 = 60 * MIN;

    fn change(id: &str, kind: &str, service: &str, minute: i64) -> Change {
        let text = format!("x\nservice: {service}\nrevision: v1.{minute}");
        Change::read(id, kind, minute * MIN, "ci", &text).unwrap()
    }

    fn onset(minute: i64) -> Onset {
        Onset {
            at: minute * MIN,
            service: "checkout".into(),
            label: "alert HighErrorRate".into(),
        }
    }

    fn deps(service: &str) -> Vec<String> {
        if service == "checkout" {
            vec!["cart-service".into()]
        } else {
            vec![]
        }
    }

    fn ids(found: &[Candidate]) -> Vec<&str> {
        found.iter().map(|c| c.change.event_id.as_str()).collect()
    }

    #[test]
    fn after_the_onset_too_early_or_unrelated_is_no_candidate() {
        let changes = [
            change("after", "deploy", "checkout", 31),
            change("same-time", "deploy", "checkout", 30),
            change("too-early", "deploy", "checkout", -40),
            change("unrelated", "deploy", "search", 25),
            change("freeze", "freeze-start", "checkout", 20),
            change("ok", "deploy", "checkout", 24),
        ];
        assert_eq!(ids(&rank(&onset(30), &changes, HOUR, &deps)), ["ok"]);
    }

    #[test]
    fn same_service_beats_a_dependency_and_sooner_beats_later() {
        let changes = [
            change("dep", "deploy", "cart-service", 25),
            change("same-old", "deploy", "checkout", 0),
            change("same", "deploy", "checkout", 24),
        ];
        let found = rank(&onset(30), &changes, HOUR, &deps);
        assert_eq!(ids(&found), ["same", "dep", "same-old"]);
        assert_eq!(found[1].relation, Relation::Dependency);
    }

    #[test]
    fn a_change_rolled_back_before_the_onset_sinks_and_one_after_is_marked() {
        let rb = "rolled back\nservice: checkout\nrevision: v1.20";
        let changes = [
            change("undone", "deploy", "checkout", 20),
            Change::read("rb", "rollback", 22 * MIN, "ana", rb).unwrap(),
            change("flag", "feature-flag", "checkout", 10),
        ];
        let found = rank(&onset(30), &changes, HOUR, &deps);
        assert_eq!(found[0].change.event_id, "flag", "{found:#?}");
        let undone = found
            .iter()
            .find(|c| c.change.event_id == "undone")
            .unwrap();
        assert!(undone.undone_before_onset(30 * MIN));
        let later = rank(&onset(21), &changes, HOUR, &deps);
        assert_eq!(later[0].change.event_id, "undone");
        assert_eq!(later[0].rolled_back.as_ref().unwrap().event_id, "rb");
    }
}
