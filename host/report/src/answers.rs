//! Nudges fired in the window's incidents, per anti-pattern, and how the incident commanders
//! answered each: acknowledged, muted, or ignored (fired, never answered). Counted per
//! incident and pattern, the unit an answer is given in; who answered is never read.

use std::collections::{BTreeMap, BTreeSet};

use rhyme_store::Triage;
use rhyme_store::report::{NudgeAnswer, NudgeFired};
use serde::{Deserialize, Serialize};

/// One pattern's nudges and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternAnswers {
    /// The anti-pattern's id.
    pub pattern: String,
    /// Nudge findings stored (a detector may fire a pattern more than once per incident).
    pub fired: usize,
    /// Incidents it was fired on.
    pub incidents: usize,
    /// Incidents where the IC acknowledged it.
    pub acknowledged: usize,
    /// Incidents where the IC muted it.
    pub muted: usize,
    /// Incidents where it fired and nobody answered.
    pub ignored: usize,
}

/// Per pattern, most fired first; `answers` on patterns never fired count as answered too.
pub fn answers(fired: &[NudgeFired], answers: &[NudgeAnswer]) -> Vec<PatternAnswers> {
    let mut by_pattern: BTreeMap<&str, PatternAnswers> = BTreeMap::new();
    let mut fired_on: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let blank = |pattern: &str| PatternAnswers {
        pattern: pattern.to_string(),
        fired: 0,
        incidents: 0,
        acknowledged: 0,
        muted: 0,
        ignored: 0,
    };
    for f in fired {
        by_pattern
            .entry(&f.pattern)
            .or_insert_with(|| blank(&f.pattern))
            .fired += 1;
        fired_on.entry(&f.pattern).or_default().insert(&f.incident);
    }
    let mut answered: BTreeSet<(&str, &str)> = BTreeSet::new();
    for a in answers {
        let row = by_pattern
            .entry(&a.pattern)
            .or_insert_with(|| blank(&a.pattern));
        match a.triage {
            Triage::Acknowledged => row.acknowledged += 1,
            Triage::Muted => row.muted += 1,
        }
        answered.insert((&a.pattern, &a.incident));
    }
    for (pattern, incidents) in &fired_on {
        let row = by_pattern
            .get_mut(pattern)
            .expect("fired patterns have a row");
        row.incidents = incidents.len();
        row.ignored = incidents
            .iter()
            .filter(|i| !answered.contains(&(*pattern, **i)))
            .count();
    }
    let mut rows: Vec<PatternAnswers> = by_pattern.into_values().collect();
    rows.sort_by(|a, b| {
        b.fired
            .cmp(&a.fired)
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fired(incident: &str, pattern: &str) -> NudgeFired {
        NudgeFired {
            incident: incident.into(),
            pattern: pattern.into(),
        }
    }

    #[test]
    fn fired_patterns_are_acknowledged_muted_or_ignored_per_incident() {
        let f = [
            fired("a", "stalled-loop"),
            fired("a", "stalled-loop"),
            fired("b", "stalled-loop"),
            fired("c", "stalled-loop"),
            fired("a", "update-black-hole"),
        ];
        let a = [
            NudgeAnswer {
                incident: "a".into(),
                pattern: "stalled-loop".into(),
                triage: Triage::Acknowledged,
            },
            NudgeAnswer {
                incident: "b".into(),
                pattern: "stalled-loop".into(),
                triage: Triage::Muted,
            },
        ];
        let rows = answers(&f, &a);
        assert_eq!(
            rows[0],
            PatternAnswers {
                pattern: "stalled-loop".into(),
                fired: 4,
                incidents: 3,
                acknowledged: 1,
                muted: 1,
                ignored: 1,
            }
        );
        assert_eq!((rows[1].incidents, rows[1].ignored), (1, 1));
    }
}
