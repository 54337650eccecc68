//! Replays every labelled timeline of `../shared/data/timelines` through [`anti_patterns::evaluate`]
//! exactly as the host drives the plugin (a call on every event and on every minute's tick, with
//! the nudges fired so far passed back in), scores the nudges with `rhyme-eval`, and prints the
//! summary: overall, and split by writing style (`tl-c-*` and the real ones, on which the rules were
//! developed, versus the informal `tl-d-*` chat style, used as the check set).
//!
//! Run with `cargo test -p anti-patterns --test eval_timelines -- --nocapture` to see the figures;
//! set `RHYME_TIMELINES=/some/folder` to score another folder of the same format instead (figures
//! only: the floors belong to the shared set).
//! The test fails below floors set a little under the figures reached, so that no later change
//! lowers them unnoticed. It is skipped, with a note, where the data folder is absent.

use std::path::PathBuf;

use anti_patterns::{Event, IncidentInfo, Nudge, PriorNudge, Thresholds, evaluate};
use rhyme_eval::nudges::{self, PredictedNudge, Summary, Timeline};

fn timelines_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/timelines")
}

fn incident(t: &Timeline) -> IncidentInfo {
    let severity = t
        .severity
        .as_ref()
        .map(|s| serde_json::from_value(s.as_str().into()).expect("severity"));
    IncidentInfo {
        severity,
        update_cadence_minutes: t.update_cadence_minutes,
    }
}

fn events(t: &Timeline) -> Vec<Event> {
    t.events
        .iter()
        .map(|e| Event {
            id: e.index as u64,
            at: e.at,
            actor: e.actor.clone(),
            // As the plugin's glue does: a recorded change is the pipeline's, a system event.
            role: if anti_patterns::model::is_change_record(&e.kind, &e.text) {
                Some(anti_patterns::Role::System)
            } else {
                e.role
                    .as_ref()
                    .map(|r| serde_json::from_value(r.as_str().into()).expect("role"))
            },
            kind: serde_json::from_value(e.kind.as_str().into()).expect("kind"),
            text: e.text.clone(),
        })
        .collect()
}

/// Every nudge the plugin fires over the timeline, driven like the host drives it.
fn replay(t: &Timeline, config: &Thresholds) -> Vec<Nudge> {
    let (info, events) = (incident(t), events(t));
    let mut fired: Vec<Nudge> = Vec::new();
    for call in nudges::replay_calls(t) {
        let already: Vec<PriorNudge> = fired.iter().map(PriorNudge::from).collect();
        fired.extend(evaluate(
            &info,
            &events[..call.events],
            call.now,
            &already,
            config,
        ));
    }
    fired
}

fn predicted(fired: &[Nudge]) -> Vec<PredictedNudge> {
    fired
        .iter()
        .map(|n| PredictedNudge {
            pattern: n.pattern.id().to_string(),
            at: n.at,
            evidence: n.evidence.clone(),
        })
        .collect()
}

fn score(runs: &[(&Timeline, Vec<PredictedNudge>)]) -> Summary {
    nudges::score(runs.iter().map(|(t, p)| (*t, p.as_slice()))).expect("score")
}

fn print(name: &str, s: &Summary) {
    let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
    println!(
        "{name:>22}: timelines {:>2}  expected {:>2}  predicted {:>2}  correct {:>2}  precision {}  recall {}  on-time {}  nudges on well-run {}",
        s.timelines,
        s.overall.expected,
        s.overall.predicted,
        s.overall.correct,
        f(s.overall.precision),
        f(s.overall.recall),
        f(s.on_time_share),
        s.nudges_on_well_run
    );
}

#[test]
fn nudges_on_the_labelled_timelines() {
    let other = std::env::var_os("RHYME_TIMELINES").map(PathBuf::from);
    let dir = other.clone().unwrap_or_else(timelines_dir);
    if !dir.exists() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let timelines = nudges::load_dir(&dir).expect("timelines load");
    let config = Thresholds::default();
    let runs: Vec<(&Timeline, Vec<PredictedNudge>)> = timelines
        .iter()
        .map(|t| (t, predicted(&replay(t, &config))))
        .collect();
    let all = score(&runs);
    for t in &all.per_timeline {
        for n in &t.nudges {
            println!(
                "  {:<26} {:<27} +{:>7.1} min  {:?}",
                t.id, n.pattern, n.minute, n.verdict
            );
        }
        for m in &t.missed {
            println!("  {:<26} {:<27} MISSED", t.id, m);
        }
    }
    let (check, dev): (Vec<_>, Vec<_>) = runs
        .iter()
        .cloned()
        .partition(|(t, _)| t.id.starts_with("tl-d-"));
    print("all", &all);
    print("developed on (c, real)", &score(&dev));
    print("check (d, chat style)", &score(&check));
    for (pattern, p) in &all.per_pattern {
        println!(
            "  {pattern:<27} expected {}  predicted {}  correct {}  on time {}",
            p.expected, p.predicted, p.correct, p.on_time
        );
    }
    println!(
        "{}",
        serde_json::json!({ "summary": all_without_timelines(&all) })
    );
    if other.is_some() {
        return;
    }

    assert_eq!(
        all.nudges_on_well_run, 0,
        "nudges fired on well-run timelines"
    );
    assert!(
        all.overall.precision.unwrap_or(0.0) >= FLOOR_PRECISION,
        "precision below floor"
    );
    assert!(
        all.overall.recall.unwrap_or(0.0) >= FLOOR_RECALL,
        "recall below floor"
    );
    assert!(
        all.on_time_share.unwrap_or(0.0) >= FLOOR_ON_TIME,
        "on-time share below floor"
    );
}

/// Eight probe timelines written for this crate, apart from the shared data and in yet another
/// voice (`tests/probes/`). Scored before any rule was adjusted to them they gave precision 0.83,
/// recall 0.83 and one nudge on a well-run probe; the three cue gaps they exposed (an IC claimed
/// as "incident command", "you've got it" as a handover, "nope" as no news) were then closed, so
/// they now guard against regressions rather than measure generalisation.
#[test]
fn nudges_on_the_probe_timelines() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/probes");
    let timelines = nudges::load_dir(&dir).expect("probes load");
    let config = Thresholds::default();
    let runs: Vec<(&Timeline, Vec<PredictedNudge>)> = timelines
        .iter()
        .map(|t| (t, predicted(&replay(t, &config))))
        .collect();
    let probes = score(&runs);
    print("probes", &probes);
    assert_eq!(probes.nudges_on_well_run, 0);
    assert!(
        probes.overall.precision.unwrap_or(0.0) >= 0.8
            && probes.overall.recall.unwrap_or(0.0) >= 0.8
    );
}

// Floors a little under the figures reached on the shared set (1.00 / 1.00 / 1.00 with rules
// written after reading it; the held-out set will be lower): a change that loses a hit or adds a
// false positive on these 28 timelines fails here.
const FLOOR_PRECISION: f64 = 0.95;
const FLOOR_RECALL: f64 = 0.95;
const FLOOR_ON_TIME: f64 = 0.95;

fn all_without_timelines(s: &Summary) -> serde_json::Value {
    let mut value = serde_json::to_value(s).expect("summary serializes");
    value
        .as_object_mut()
        .expect("object")
        .remove("per_timeline");
    value
}

/// The least share of shared timelines whose nudges (patterns, in order) survive each variant
/// when replayed natively. The end-to-end test (`tests/tests/all/robustness.rs`) asks the same of
/// the sandboxed plugin through `rhyme eval nudges`; this one runs in seconds.
const VARIANT_FLOOR: f64 = 0.92;
/// The floor for the `reworded` variant, set after measuring it: 24/28 (0.857) with the
/// phrase-list cues alone, 26/28 (0.929) once handovers, waits, varied theories and presence
/// after mitigation were read as acts (`src/acts.rs`). The two it still changes are off-channel
/// references said in other words.
const REWORDED_FLOOR: f64 = 0.92;

/// Every timeline rewritten by every metamorphic variant ([`rhyme_eval::variants`]), replayed
/// natively: prints the share of timelines whose nudges stay the same and the labelled scores of
/// the rewritten set. The `reworded` variant says each act in other words than the usual ones, so
/// its figures are the check on rules that read phrases rather than acts.
#[test]
fn nudges_survive_the_metamorphic_variants() {
    use rhyme_eval::variants::{Variant, rewrite_timeline};
    let other = std::env::var_os("RHYME_TIMELINES").map(PathBuf::from);
    let dir = other.clone().unwrap_or_else(timelines_dir);
    if !dir.exists() {
        eprintln!("skipped: {} not found", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let originals: Vec<(PathBuf, serde_json::Value)> = files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let value = serde_json::from_str(&text).unwrap();
            (p, value)
        })
        .collect();
    let config = Thresholds::default();
    let run = |path: &PathBuf, value: &serde_json::Value| {
        let t = nudges::parse_timeline(&value.to_string(), path).expect("timeline parses");
        let fired = predicted(&replay(&t, &config));
        (t, fired)
    };
    let base: Vec<(Timeline, Vec<PredictedNudge>)> =
        originals.iter().map(|(p, v)| run(p, v)).collect();
    let patterns = |p: &[PredictedNudge]| p.iter().map(|n| n.pattern.clone()).collect::<Vec<_>>();
    let mut failures = Vec::new();
    for variant in Variant::ALL {
        let rewritten: Vec<(Timeline, Vec<PredictedNudge>)> = originals
            .iter()
            .map(|(p, v)| run(p, &rewrite_timeline(v, variant)))
            .collect();
        let mut kept = 0;
        for ((t, before), (_, after)) in base.iter().zip(&rewritten) {
            if patterns(before) == patterns(after) {
                kept += 1;
            } else {
                println!(
                    "  {}: {} {:?} became {:?}",
                    variant.name(),
                    t.id,
                    patterns(before),
                    patterns(after)
                );
            }
        }
        let share = f64::from(kept) / originals.len() as f64;
        let runs: Vec<(&Timeline, Vec<PredictedNudge>)> =
            rewritten.iter().map(|(t, p)| (t, p.clone())).collect();
        print(variant.name(), &score(&runs));
        println!(
            "{:>22}: {kept}/{} timelines kept their nudges ({share:.3})",
            variant.name(),
            originals.len()
        );
        let floor = if variant == Variant::Reworded {
            REWORDED_FLOOR
        } else {
            VARIANT_FLOOR
        };
        if share < floor {
            failures.push(format!("{} {share:.3}", variant.name()));
        }
    }
    if other.is_none() {
        assert!(failures.is_empty(), "under the floor: {failures:?}");
    }
}
