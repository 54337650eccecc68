//! `rhyme replay` and `rhyme eval nudges` through the real binary and the built anti-pattern
//! plugin: nudges fire when the silence crosses its threshold, stay quiet on a well-run
//! incident, and the evaluation holds its floor.

use rhyme_tests::{eval_summary, install_builtin, outcome, rhyme, shared_data};

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "anti-patterns");
    (tmp, data)
}

/// A SEV1 where a stakeholder keeps asking and nobody posts an update for an hour.
const SILENT_SEV1: &str = r#"{"id": "t-silent", "title": "Login failures, no updates", "kind": "constructed",
 "source_url": null, "severity": "SEV1", "update_cadence_minutes": 15,
 "events": [
  {"at": "2026-01-05T10:00:00Z", "actor": "alertmanager", "role": "system", "kind": "alert", "text": "login error rate above 20%"},
  {"at": "2026-01-05T10:02:00Z", "actor": "Ines", "role": "ic", "kind": "role_change", "text": "I'm IC. Omar on ops, Lea on comms."},
  {"at": "2026-01-05T10:05:00Z", "actor": "Omar", "role": "ops", "kind": "message", "text": "auth pods restarting, looking at why"},
  {"at": "2026-01-05T10:20:00Z", "actor": "Omar", "role": "ops", "kind": "action", "text": "rolled back the auth config change from 09:50"},
  {"at": "2026-01-05T10:31:00Z", "actor": "Priya", "role": "stakeholder", "kind": "message", "text": "support is getting calls, any update we can share?"},
  {"at": "2026-01-05T10:50:00Z", "actor": "Omar", "role": "ops", "kind": "message", "text": "error rate falling after the rollback"},
  {"at": "2026-01-05T11:05:00Z", "actor": "Priya", "role": "stakeholder", "kind": "message", "text": "still nothing on the status page?"}
 ],
 "expected_nudges": [], "notes": "written for Rhyme's tests"}"#;

#[test]
fn replay_prints_an_update_black_hole_with_its_evidence() {
    let (tmp, data) = setup();
    let file = tmp.path().join("silent.json");
    std::fs::write(&file, SILENT_SEV1).unwrap();
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["replay", file.to_str().unwrap(), "--speed", "0"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Update black hole"), "{out}");
    assert!(out.contains("↳ #"), "a nudge quotes its evidence: {out}");
    let (code, out, _) = outcome(&rhyme(
        &data,
        &["--json", "replay", file.to_str().unwrap(), "--speed", "0"],
    ));
    assert_eq!(code, 0);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "update-black-hole");
    assert!(first["message"].as_str().unwrap().chars().count() <= 140);
    // It fires once the silence crosses the SEV1 cadence, not at the next message.
    let at = first["at"].as_str().unwrap();
    assert!(
        at > "2026-01-05 10:17" && at < "2026-01-05 10:31",
        "fired at {at}"
    );
}

#[test]
fn a_bad_timeline_is_refused_with_its_file() {
    let (tmp, data) = setup();
    let file = tmp.path().join("bad.json");
    std::fs::write(&file, r#"{"id": "x", "events": "nope"}"#).unwrap();
    let (code, _, err) = outcome(&rhyme(&data, &["replay", file.to_str().unwrap()]));
    assert_ne!(code, 0);
    assert!(err.contains("bad.json"), "{err}");
}

#[test]
fn eval_through_the_sandbox_holds_its_floor() {
    let Some(shared) = shared_data() else { return };
    let (_tmp, data) = setup();
    let folder = shared.join("timelines");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["eval", "nudges", "--timelines", folder.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{err}");
    let summary = eval_summary(&out);
    let (p, r) = (
        summary["precision"].as_f64().unwrap(),
        summary["recall"].as_f64().unwrap(),
    );
    let well_run = summary["nudges_on_well_run"].as_u64().unwrap();
    let on_time = summary["on_time_share"].as_f64().unwrap();
    eprintln!(
        "nudges: precision {p:.3}, recall {r:.3}, on well-run {well_run}, on time {on_time:.3}"
    );
    // Floors a little under the measured 1.00 / 1.00 / 0 / 1.00.
    assert!(p >= 0.95 && r >= 0.95 && on_time >= 0.95, "{summary}");
    assert_eq!(well_run, 0, "a nudge on a well-run incident is a defect");
}

#[test]
fn eval_with_folds_says_nothing_is_fitted_and_prints_each_fold() {
    let Some(shared) = shared_data() else { return };
    let (_tmp, data) = setup();
    let folder = shared.join("timelines");
    let run = |extra: &[&str]| {
        let mut args = vec!["eval", "nudges", "--timelines", folder.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (code, out, err) = outcome(&rhyme(&data, &args));
        assert_eq!(code, 0, "{err}");
        let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        last
    };
    let plain = run(&[]);
    let folded = run(&["--folds", "4"]);
    // Nothing is fitted: the held-out figures are the in-sample ones.
    assert_eq!(plain["summary"], folded["summary"]);
    let validation = &folded["validation"];
    assert_eq!(validation["folds"], 4);
    assert!(
        validation["fitted"]
            .as_str()
            .unwrap()
            .starts_with("nothing")
    );
    let folds = validation["per_fold"].as_array().unwrap();
    assert_eq!(folds.len(), 4);
    let timelines: u64 = folds.iter().map(|f| f["items"].as_u64().unwrap()).sum();
    let expected = plain["summary"]["per_timeline"].as_array().unwrap().len() as u64;
    assert_eq!(
        timelines, expected,
        "every timeline is held out exactly once"
    );
    let (code, _, err) = outcome(&rhyme(
        &data,
        &[
            "eval",
            "nudges",
            "--timelines",
            folder.to_str().unwrap(),
            "--folds",
            "1",
        ],
    ));
    assert_ne!(code, 0);
    assert!(err.contains("--folds 1"), "{err}");
}
