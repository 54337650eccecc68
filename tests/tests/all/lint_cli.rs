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

#[test]
fn eval_lint_scores_the_corpus_labels_and_prints_each_fold() {
    let Some(shared) = shared_data() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (blame, items, references, references_2, corpus) = (
        shared.join("lint/blame.jsonl"),
        shared.join("lint/action_items.jsonl"),
        root.join("plugins/review-lint/labels/corpus-blame.jsonl"),
        root.join("plugins/review-lint/labels/corpus-blame-2.jsonl"),
        shared.join("postmortems/corpus.jsonl"),
    );
    let item_references = root.join("plugins/review-lint/labels/corpus-action-items.jsonl");
    let args = [
        "eval",
        "lint",
        "--blame",
        blame.to_str().unwrap(),
        "--action-items",
        items.to_str().unwrap(),
        "--blame-references",
        references.to_str().unwrap(),
        references_2.to_str().unwrap(),
        "--action-item-references",
        item_references.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--folds",
        "5",
    ];
    let (code, out, err) = outcome(&rhyme(tmp.path(), &args));
    assert_eq!(code, 0, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let corpus_labels = &last["summary"]["blame_corpus_labels"];
    assert_eq!(
        corpus_labels["items"], 184,
        "every reference resolves to its sentence"
    );
    let (p, r) = (
        corpus_labels["precision"].as_f64().unwrap(),
        corpus_labels["recall"].as_f64().unwrap(),
    );
    eprintln!("lint on the project's corpus labels: blame precision {p:.3}, recall {r:.3}");
    // Measured 0.941 / 0.533 before the rules were generalised, 0.950 / 0.800 after (closing
    // note of issue 14); the floors sit under the second.
    assert!(p >= 0.90 && r >= 0.75, "{corpus_labels}");
    // Each reference file whole and by half; the halves add up to the whole.
    let files = last["summary"]["blame_corpus_label_files"]
        .as_array()
        .unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in files {
        let n = |part: &str| file[part]["items"].as_u64().unwrap();
        assert_eq!(n("tune") + n("held_out"), n("all"), "{file}");
    }
    assert_eq!(files[1]["all"]["items"], 434, "{}", files[1]);
    // The second set (issue 14) is nearly all hard negatives: it guards precision.
    assert!(
        files[1]["all"]["false_positives"].as_u64().unwrap() <= 2,
        "{}",
        files[1]
    );
    let item_files = last["summary"]["action_item_corpus_label_files"]
        .as_array()
        .unwrap();
    assert_eq!(item_files[0]["all"]["items"], 67, "{}", item_files[0]);
    let flagged = &last["summary"]["corpus_sentences_flagged"];
    assert!(flagged["sentences"].as_u64().unwrap() > 4000, "{flagged}");
    for part in ["blame", "action_items"] {
        let folds = last["validation"][part]["per_fold"].as_array().unwrap();
        assert_eq!(folds.len(), 5, "{part}");
    }
}
