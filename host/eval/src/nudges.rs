//! The nudge evaluation set (`timelines/*.json`) and its scoring.
//!
//! The timelines are read by `rhyme_core::timeline` (re-exported here). [`score`] compares the nudges a detector fired on each timeline
//! with those labels, using the README's rules:
//!
//! - a predicted nudge of the right pattern inside `[not_before, by]` is a hit; after `by` it is
//!   correct but late; before `not_before` it is premature, which counts as a false positive;
//! - a pattern the timeline does not expect is a false positive, and so is a second nudge for an
//!   expectation already matched: a nudge fires once per episode, and repeats are noise;
//! - `update-black-hole` is not scored on real timelines without a stated cadence, because those
//!   list only some of the public updates.
//!
//! ```
//! use rhyme_eval::nudges::{parse_timeline, score, PredictedNudge};
//! let json = r#"{"id": "t1", "title": "x", "kind": "constructed", "severity": "SEV2",
//!   "update_cadence_minutes": 30,
//!   "events": [{"at": "2024-01-01T00:00:00Z", "actor": null, "role": "system",
//!               "kind": "alert", "text": "a"}],
//!   "expected_nudges": [{"pattern": "stalled-loop", "not_before": "2024-01-01T00:20:00Z",
//!                        "by": "2024-01-01T00:30:00Z", "evidence": [0]}]}"#;
//! let timeline = parse_timeline(json, "t1.json".as_ref()).unwrap();
//! let fired = vec![PredictedNudge { pattern: "stalled-loop".into(), at: timeline.events[0].at + 21 * 60, evidence: vec![0] }];
//! let summary = score([(&timeline, fired.as_slice())]).unwrap();
//! assert_eq!(summary.overall.recall, Some(1.0));
//! assert_eq!(summary.on_time_share, Some(1.0));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use rhyme_core::timeline::{
    ExpectedNudge, PATTERNS, ReplayCall, Timeline, TimelineError, TimelineEvent, TimelineKind,
    load_dir, load_file, parse_timeline, replay_calls,
};

/// A nudge a detector fired: `at` in Unix seconds, `evidence` as event indices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PredictedNudge {
    /// The pattern id the detector reported; must be one of [`PATTERNS`].
    pub pattern: String,
    /// When the nudge fired, in Unix seconds of incident time.
    pub at: i64,
    /// 0-based indices of the timeline events the detector cites.
    pub evidence: Vec<u64>,
}

/// Why predictions could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum NudgesError {
    /// A timeline file or folder could not be loaded.
    #[error(transparent)]
    Timeline(#[from] TimelineError),
    /// A predicted nudge names a pattern that is not in [`PATTERNS`].
    #[error("timeline {id}: predicted nudge has unknown pattern `{pattern}`")]
    UnknownPattern {
        /// Id of the timeline the nudge was fired on.
        id: String,
        /// The unknown pattern id.
        pattern: String,
    },
}

/// How one predicted nudge was judged against the timeline's expected nudges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Judgement {
    /// Right pattern, inside `[not_before, by]`.
    Hit,
    /// Right pattern, after `by`: correct, but too late to help.
    Late,
    /// Right pattern, before `not_before`: a false positive.
    Premature,
    /// Right pattern, but its expectations were already matched: a false positive.
    Repeat,
    /// A pattern the timeline does not expect: a false positive.
    Unexpected,
    /// A pattern this timeline does not score (see [`Timeline::scores`]).
    NotScored,
}

impl Judgement {
    fn correct(self) -> bool {
        matches!(self, Judgement::Hit | Judgement::Late)
    }

    fn false_positive(self) -> bool {
        matches!(
            self,
            Judgement::Premature | Judgement::Repeat | Judgement::Unexpected
        )
    }
}

/// One predicted nudge and how it was judged, for the per-timeline report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgedNudge {
    /// The pattern id the detector reported.
    pub pattern: String,
    /// When the nudge fired, in Unix seconds.
    pub at: i64,
    /// How the nudge was judged.
    pub verdict: Judgement,
    /// Minutes after the timeline's first event, to read the report against the file.
    pub minute: f64,
    /// Share of this nudge's evidence that the matched expectation also lists (correct ones only).
    pub evidence_overlap: Option<f64>,
}

/// The outcome on one timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineScore {
    /// The timeline's id.
    pub id: String,
    /// Whether the timeline expects no nudge at all.
    pub well_run: bool,
    /// Every nudge fired on the timeline, in time order, with its verdict.
    pub nudges: Vec<JudgedNudge>,
    /// Expected patterns no nudge matched.
    pub missed: Vec<String>,
}

/// Predictions against expectations, counted and as ratios: for one pattern, or for all of
/// them together ([`Summary::overall`]). One type for both, so the totals are read exactly
/// as each pattern's figures are.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    /// Expected nudges over all timelines.
    pub expected: usize,
    /// Scored predictions (not-scored ones are left out).
    pub predicted: usize,
    /// Predictions that matched an expectation, on time or late.
    pub correct: usize,
    /// Correct predictions fired by their `by` time (hits).
    pub on_time: usize,
    /// `correct / predicted`: the share of scored predictions that were correct; `None` when
    /// nothing was predicted.
    pub precision: Option<f64>,
    /// `correct / expected`: the share of expected nudges matched by a correct prediction;
    /// `None` when none were expected.
    pub recall: Option<f64>,
}

impl Score {
    /// The same counts with their ratios worked out.
    fn with_ratios(self) -> Score {
        Score {
            precision: ratio(self.correct, self.predicted),
            recall: ratio(self.correct, self.expected),
            ..self
        }
    }
}

/// The figures over a set of timelines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of timelines scored.
    pub timelines: usize,
    /// Number of those timelines that expect no nudge.
    pub well_run_timelines: usize,
    /// The counts and ratios over every pattern (its fields stand at this level in JSON).
    #[serde(flatten)]
    pub overall: Score,
    /// Nudges fired on timelines that expect none: each one is a defect.
    pub nudges_on_well_run: usize,
    /// Share of correct nudges fired by their `by` time.
    pub on_time_share: Option<f64>,
    /// Mean share of a correct nudge's evidence that its expectation lists.
    pub evidence_overlap: Option<f64>,
    /// The counts and ratios per pattern id, for every pattern of [`PATTERNS`].
    pub per_pattern: BTreeMap<String, Score>,
    /// The verdicts on each timeline, in input order.
    pub per_timeline: Vec<TimelineScore>,
}

/// Scores the nudges fired on each timeline (a timeline with no entry counts as silent).
pub fn score<'a>(
    runs: impl IntoIterator<Item = (&'a Timeline, &'a [PredictedNudge])>,
) -> Result<Summary, NudgesError> {
    let mut per_timeline = Vec::new();
    let mut expected_by_pattern: BTreeMap<String, usize> = BTreeMap::new();
    for (timeline, fired) in runs {
        if let Some(bad) = fired
            .iter()
            .find(|n| !PATTERNS.contains(&n.pattern.as_str()))
        {
            return Err(NudgesError::UnknownPattern {
                id: timeline.id.clone(),
                pattern: bad.pattern.clone(),
            });
        }
        for e in &timeline.expected {
            *expected_by_pattern.entry(e.pattern.clone()).or_default() += 1;
        }
        per_timeline.push(judge_timeline(timeline, fired));
    }
    Ok(summarise(per_timeline, expected_by_pattern))
}

fn judge_timeline(timeline: &Timeline, fired: &[PredictedNudge]) -> TimelineScore {
    let start = timeline.events.first().map_or(0, |e| e.at);
    let mut order: Vec<usize> = (0..fired.len()).collect();
    order.sort_by_key(|&i| (fired[i].at, i));
    let mut verdicts: Vec<Option<(Judgement, Option<usize>)>> = vec![None; fired.len()];
    let mut matched = vec![false; timeline.expected.len()];
    for late in [false, true] {
        for (x, expectation) in timeline.expected.iter().enumerate() {
            if matched[x] {
                continue;
            }
            let pick = order.iter().copied().find(|&i| {
                let n = &fired[i];
                verdicts[i].is_none()
                    && n.pattern == expectation.pattern
                    && n.at >= expectation.not_before
                    && (late || n.at <= expectation.by)
            });
            if let Some(i) = pick {
                matched[x] = true;
                verdicts[i] = Some((
                    if late {
                        Judgement::Late
                    } else {
                        Judgement::Hit
                    },
                    Some(x),
                ));
            }
        }
    }
    let nudges = order
        .iter()
        .map(|&i| {
            let n = &fired[i];
            let (verdict, matched_to) =
                verdicts[i].unwrap_or_else(|| (unmatched_verdict(timeline, n), None));
            JudgedNudge {
                pattern: n.pattern.clone(),
                at: n.at,
                verdict,
                minute: (n.at - start) as f64 / 60.0,
                evidence_overlap: matched_to
                    .map(|x| overlap(&n.evidence, &timeline.expected[x].evidence)),
            }
        })
        .collect();
    let missed = timeline
        .expected
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(e, _)| e.pattern.clone())
        .collect();
    TimelineScore {
        id: timeline.id.clone(),
        well_run: timeline.well_run(),
        nudges,
        missed,
    }
}

fn unmatched_verdict(timeline: &Timeline, nudge: &PredictedNudge) -> Judgement {
    if !timeline.scores(&nudge.pattern) {
        return Judgement::NotScored;
    }
    let same: Vec<&ExpectedNudge> = timeline
        .expected
        .iter()
        .filter(|e| e.pattern == nudge.pattern)
        .collect();
    if same.is_empty() {
        Judgement::Unexpected
    } else if same.iter().any(|e| nudge.at < e.not_before) {
        Judgement::Premature
    } else {
        Judgement::Repeat
    }
}

fn overlap(predicted: &[u64], expected: &[usize]) -> f64 {
    if predicted.is_empty() {
        return 0.0;
    }
    let shared = predicted
        .iter()
        .filter(|&&p| expected.iter().any(|&e| e as u64 == p))
        .count();
    shared as f64 / predicted.len() as f64
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

fn summarise(
    per_timeline: Vec<TimelineScore>,
    expected_by_pattern: BTreeMap<String, usize>,
) -> Summary {
    let mut per_pattern: BTreeMap<String, Score> = PATTERNS
        .iter()
        .map(|p| {
            let expected = expected_by_pattern.get(*p).copied().unwrap_or(0);
            (
                p.to_string(),
                Score {
                    expected,
                    ..Score::default()
                },
            )
        })
        .collect();
    let mut overlaps = Vec::new();
    let mut nudges_on_well_run = 0;
    for t in &per_timeline {
        for n in &t.nudges {
            if t.well_run && n.verdict != Judgement::NotScored {
                nudges_on_well_run += 1;
            }
            let entry = per_pattern.entry(n.pattern.clone()).or_default();
            if n.verdict.correct() || n.verdict.false_positive() {
                entry.predicted += 1;
            }
            if n.verdict.correct() {
                entry.correct += 1;
                overlaps.extend(n.evidence_overlap);
            }
            if n.verdict == Judgement::Hit {
                entry.on_time += 1;
            }
        }
    }
    for score in per_pattern.values_mut() {
        *score = std::mem::take(score).with_ratios();
    }
    let total = |f: fn(&Score) -> usize| per_pattern.values().map(f).sum::<usize>();
    let overall = Score {
        expected: total(|p| p.expected),
        predicted: total(|p| p.predicted),
        correct: total(|p| p.correct),
        on_time: total(|p| p.on_time),
        ..Score::default()
    }
    .with_ratios();
    Summary {
        timelines: per_timeline.len(),
        well_run_timelines: per_timeline.iter().filter(|t| t.well_run).count(),
        on_time_share: ratio(overall.on_time, overall.correct),
        overall,
        nudges_on_well_run,
        evidence_overlap: (!overlaps.is_empty())
            .then(|| overlaps.iter().sum::<f64>() / overlaps.len() as f64),
        per_pattern,
        per_timeline,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    const T0: i64 = 1_700_000_000;

    fn timeline(
        kind: TimelineKind,
        cadence: Option<u32>,
        expected: Vec<ExpectedNudge>,
    ) -> Timeline {
        let event = |index: usize, minute: i64| TimelineEvent {
            index,
            at: T0 + minute * 60,
            actor: None,
            role: Some("system".into()),
            kind: "alert".into(),
            text: "x".into(),
        };
        Timeline {
            id: "t".into(),
            title: "t".into(),
            kind,
            severity: Some("SEV2".into()),
            update_cadence_minutes: cadence,
            events: vec![event(0, 0), event(1, 5)],
            expected,
            path: PathBuf::from("t.json"),
        }
    }

    fn expect(pattern: &str, from: i64, to: i64, evidence: Vec<usize>) -> ExpectedNudge {
        ExpectedNudge {
            pattern: pattern.into(),
            not_before: T0 + from * 60,
            by: T0 + to * 60,
            evidence,
        }
    }

    fn fired(pattern: &str, minute: i64, evidence: Vec<u64>) -> PredictedNudge {
        PredictedNudge {
            pattern: pattern.into(),
            at: T0 + minute * 60,
            evidence,
        }
    }

    fn verdicts(t: &Timeline, nudges: &[PredictedNudge]) -> Vec<Judgement> {
        judge_timeline(t, nudges)
            .nudges
            .iter()
            .map(|n| n.verdict)
            .collect()
    }

    #[test]
    fn a_nudge_inside_the_window_is_a_hit_and_after_it_is_late() {
        let t = timeline(
            TimelineKind::Constructed,
            Some(30),
            vec![expect("stalled-loop", 20, 30, vec![0, 1])],
        );
        assert_eq!(
            verdicts(&t, &[fired("stalled-loop", 25, vec![1])]),
            [Judgement::Hit]
        );
        assert_eq!(
            verdicts(&t, &[fired("stalled-loop", 31, vec![1])]),
            [Judgement::Late]
        );
    }

    #[test]
    fn early_repeated_and_unexpected_nudges_are_false_positives() {
        let t = timeline(
            TimelineKind::Constructed,
            Some(30),
            vec![expect("stalled-loop", 20, 30, vec![1])],
        );
        let nudges = [
            fired("stalled-loop", 10, vec![]),
            fired("stalled-loop", 22, vec![]),
            fired("stalled-loop", 26, vec![]),
            fired("tunnel-vision", 27, vec![]),
        ];
        let expected = [
            Judgement::Premature,
            Judgement::Hit,
            Judgement::Repeat,
            Judgement::Unexpected,
        ];
        assert_eq!(verdicts(&t, &nudges), expected);
        let summary = score([(&t, nudges.as_slice())]).unwrap();
        assert_eq!((summary.overall.predicted, summary.overall.correct), (4, 1));
        assert_eq!(summary.overall.precision, Some(0.25));
    }

    #[test]
    fn a_late_nudge_does_not_take_the_place_of_a_later_hit() {
        let t = timeline(
            TimelineKind::Constructed,
            Some(30),
            vec![
                expect("blame-language", 0, 5, vec![]),
                expect("blame-language", 40, 45, vec![]),
            ],
        );
        let v = verdicts(
            &t,
            &[
                fired("blame-language", 10, vec![]),
                fired("blame-language", 42, vec![]),
            ],
        );
        assert_eq!(v, [Judgement::Late, Judgement::Hit]);
    }

    #[test]
    fn update_black_hole_is_not_scored_on_real_timelines_without_a_cadence() {
        let t = timeline(TimelineKind::Real, None, vec![]);
        let nudges = [fired("update-black-hole", 40, vec![])];
        assert_eq!(verdicts(&t, &nudges), [Judgement::NotScored]);
        let summary = score([(&t, nudges.as_slice())]).unwrap();
        assert_eq!(
            (summary.overall.predicted, summary.nudges_on_well_run),
            (0, 0)
        );
    }

    #[test]
    fn nudges_on_a_well_run_timeline_are_counted() {
        let t = timeline(TimelineKind::Constructed, Some(30), vec![]);
        let nudges = [fired("stalled-loop", 40, vec![])];
        let summary = score([(&t, nudges.as_slice())]).unwrap();
        assert_eq!(summary.nudges_on_well_run, 1);
        assert_eq!(summary.overall.recall, None);
    }

    #[test]
    fn evidence_overlap_is_the_share_of_predicted_ids_the_label_lists() {
        let t = timeline(
            TimelineKind::Constructed,
            Some(30),
            vec![expect("stalled-loop", 20, 30, vec![0, 1])],
        );
        let nudges = [fired("stalled-loop", 25, vec![1, 7])];
        assert_eq!(
            score([(&t, nudges.as_slice())]).unwrap().evidence_overlap,
            Some(0.5)
        );
    }

    #[test]
    fn unknown_patterns_and_bad_files_are_errors_that_name_the_field() {
        let t = timeline(TimelineKind::Constructed, Some(30), vec![]);
        assert!(score([(&t, [fired("nope", 1, vec![])].as_slice())]).is_err());
        let json = r#"{"id": "x", "title": "x", "kind": "real", "severity": null,
            "update_cadence_minutes": null,
            "events": [{"at": "yesterday", "actor": null, "role": null, "kind": "alert", "text": ""}],
            "expected_nudges": []}"#;
        let error = parse_timeline(json, Path::new("x.json"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("x.json") && error.contains("events[0].at"),
            "{error}"
        );
    }
}
