//! `rhyme eval lint` on the labelled sentences and action items holds its floor.

use rhyme_tests::{eval_summary, outcome, rhyme, shared_data};

/// `rhyme eval lint` on the shared dev sets, with `extra` arguments: exit code, stdout, stderr.
fn eval_dev_sets(shared: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let (blame, items) = (
        shared.join("lint/blame.jsonl"),
        shared.join("lint/action_items.jsonl"),
    );
    let mut args = vec![
        "eval",
        "lint",
        "--blame",
        blame.to_str().unwrap(),
        "--action-items",
        items.to_str().unwrap(),
    ];
    args.extend(extra);
    outcome(&rhyme(tmp.path(), &args))
}

#[test]
fn eval_lint_holds_its_floor() {
    let Some(shared) = shared_data() else { return };
    let (code, out, err) = eval_dev_sets(&shared, &[]);
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
    // The blame classifier is refitted per fold on the files the shipped model names.
    let (train_labels, train_references) = classifier_training(&root, &shared);
    let mut args: Vec<&str> = args.to_vec();
    args.push("--train-labels");
    args.extend(train_labels.iter().map(|p| p.to_str().unwrap()));
    args.push("--train-references");
    args.extend(train_references.iter().map(|p| p.to_str().unwrap()));
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
    // The classifier's figure is earned on folds it was not fitted to, beside the rules'.
    let held_out = &last["validation"]["blame"]["held_out"];
    assert_eq!(held_out["items"], 112, "{held_out}");
    assert!(held_out["precision"].as_f64().unwrap() >= 0.9, "{held_out}");
    let fitted = last["validation"]["blame"]["fitted"].as_str().unwrap();
    assert!(fitted.contains("refitted per fold"), "{fitted}");
    assert!(last["summary"]["blame_rules_only"]["recall"].is_number());
    // The classifier reads what the rules miss, so it may only add flags.
    let by_rules = flagged["flagged_by_rules"].as_u64().unwrap();
    assert!(
        flagged["flagged"].as_u64().unwrap() >= by_rules,
        "{flagged}"
    );
}

/// The training files the shipped blame classifier names, split into sentence files and
/// corpus reference files, resolved from the repository root (`../shared` beside it).
fn classifier_training(
    root: &std::path::Path,
    shared: &std::path::Path,
) -> (Vec<std::path::PathBuf>, Vec<std::path::PathBuf>) {
    let model = root.join("plugins/review-lint/model/blame-classifier.json");
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    let files = model["trained_on"].as_array().unwrap().iter();
    let paths = files.map(|f| {
        let file = f["file"].as_str().unwrap();
        match file.strip_prefix("../shared/data/") {
            Some(rest) => shared.join(rest),
            None => root.join(file),
        }
    });
    paths.partition(|p| !p.to_string_lossy().contains("corpus-blame"))
}

#[test]
fn eval_lint_rules_only_needs_no_model_and_scores_the_rules() {
    let Some(shared) = shared_data() else { return };
    let (code, out, err) = eval_dev_sets(&shared, &["--rules-only"]);
    assert_eq!(code, 0, "{err}");
    let summary = eval_summary(&out);
    assert!(summary.get("blame_rules_only").is_none(), "{summary}");
    assert!(
        summary["blame"]["precision"].as_f64().unwrap() >= 0.95,
        "{summary}"
    );
}
