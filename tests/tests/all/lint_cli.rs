//! `rhyme eval lint` on the labelled sentences and action items holds its floor.

use rhyme_tests::{eval_summary, outcome, rhyme, shared_data};

#[test]
fn eval_lint_holds_its_floor() {
    let Some(shared) = shared_data() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (blame, items) = (
        shared.join("lint/blame.jsonl"),
        shared.join("lint/action_items.jsonl"),
    );
    let args = [
        "eval",
        "lint",
        "--blame",
        blame.to_str().unwrap(),
        "--action-items",
        items.to_str().unwrap(),
    ];
    let (code, out, err) = outcome(&rhyme(tmp.path(), &args));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.iter().any(|l| l.get("blame").is_some())
            && lines.iter().any(|l| l.get("elements").is_some())
    );
    let summary = eval_summary(&out);
    let (p, r) = (
        summary["blame"]["precision"].as_f64().unwrap(),
        summary["blame"]["recall"].as_f64().unwrap(),
    );
    let worst = summary["action_items"]["min_accuracy"].as_f64().unwrap();
    eprintln!("lint: blame precision {p:.3}, recall {r:.3}; worst action-item element {worst:.3}");
    // Floors a little under the measured 1.000 / 0.978 / 0.979.
    assert!(p >= 0.95 && r >= 0.93, "{summary}");
    assert!(worst >= 0.95, "{summary}");
}
