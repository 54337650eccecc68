//! The blame rules on the project's own labels of corpus sentences (`labels/*.jsonl`, kept by
//! reference), each file scored whole and in its two halves: `tune`, whose misses may be read
//! while changing rules, and `held_out`, which is only ever measured. Also counts how many of
//! all the corpus' sentences the rules flag, the figure that shows a rule firing too widely.
//!
//! Run with `--nocapture` to see the figures. `REVIEW_LINT_SHOW=tune` lists the tune half's
//! mismatches (there is no switch for the held-out half, on purpose), and
//! `REVIEW_LINT_HITS=<file>` writes every flagged corpus sentence that is not in a held-out
//! half, with its phrase, to that file.
//!
//! Skipped with a note when the shared corpus is absent.

use std::collections::HashSet;
use std::path::PathBuf;

use review_lint::{action_item, blame};
use rhyme_eval::lint::{
    ActionItem, BlameItem, BlamePrediction, BlameScore, Elements, ElementsPrediction,
    read_action_items, read_blame, score_action_items, score_blame,
};
use rhyme_eval::lint_references::{Corpus, half_of};

const LABEL_FILES: &[&str] = &["corpus-blame.jsonl", "corpus-blame-2.jsonl"];

fn paths() -> Option<(PathBuf, PathBuf)> {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = crate_dir.join("../../../shared/data/postmortems/corpus.jsonl");
    corpus.exists().then(|| (crate_dir.join("labels"), corpus))
}

fn load_corpus(path: &std::path::Path) -> Corpus {
    Corpus::load(path).expect("corpus")
}

fn score(items: &[BlameItem]) -> BlameScore {
    let predictions: Vec<BlamePrediction> = items
        .iter()
        .map(|i| BlamePrediction {
            id: i.id.clone(),
            blame: blame::detect(&i.text).is_some(),
        })
        .collect();
    score_blame(items, &predictions).unwrap()
}

fn line(name: &str, s: &BlameScore) -> String {
    format!(
        "{name:<32} n={:<3} blame={:<3} P={:.3} R={:.3} (tp {} fp {} fn {})",
        s.items,
        s.labelled_blame,
        s.precision,
        s.recall,
        s.true_positives,
        s.false_positives,
        s.false_negatives
    )
}

fn predict_elements(items: &[ActionItem]) -> Vec<ElementsPrediction> {
    items
        .iter()
        .map(|i| {
            let c = action_item::check(&i.text);
            ElementsPrediction {
                id: i.id.clone(),
                elements: Elements {
                    owner: c.owner,
                    verb: c.verb,
                    outcome: c.outcome,
                    ticket: c.ticket,
                    deadline: c.deadline,
                },
            }
        })
        .collect()
}

/// Action items of the corpus labelled per element (`corpus-action-items.jsonl`), by half.
#[test]
fn element_figures_on_the_corpus_action_items_by_half() {
    let Some((labels, corpus)) = paths() else {
        println!("note: ../shared/data/postmortems not found; skipping the corpus action items");
        return;
    };
    let items = load_corpus(&corpus)
        .read_action_item_references(&labels.join("corpus-action-items.jsonl"))
        .expect("action item labels");
    let show = std::env::var("REVIEW_LINT_SHOW").ok();
    for half in ["all", "tune", "held_out"] {
        let part: Vec<ActionItem> = items
            .iter()
            .filter(|i| half == "all" || half_of(&i.id) == half)
            .cloned()
            .collect();
        let predicted = predict_elements(&part);
        let s = score_action_items(&part, &predicted).unwrap();
        if half == "all" {
            // 0.836 when the set was labelled, 0.896 after issue 14's changes; the floor sits
            // under the second.
            assert!(s.verb.accuracy >= 0.85, "verb {:.3}", s.verb.accuracy);
        }
        println!(
            "corpus-action-items {half:<8} n={:<3} owner {:.3} verb {:.3} (fp {} fn {}) outcome {:.3} ticket {:.3} deadline {:.3}",
            s.items,
            s.owner.accuracy,
            s.verb.accuracy,
            s.verb.false_positives,
            s.verb.false_negatives,
            s.outcome.accuracy,
            s.ticket.accuracy,
            s.deadline.accuracy
        );
        if half == "tune" && show.as_deref() == Some("tune") {
            for (item, p) in part.iter().zip(&predicted) {
                for ((name, label), (_, got)) in
                    item.elements.named().into_iter().zip(p.elements.named())
                {
                    if label != got {
                        println!("  {} {name} label={label}: {}", item.id, item.text);
                    }
                }
            }
        }
    }
}

#[test]
fn figures_on_the_corpus_labels_by_half() {
    let Some((labels, corpus)) = paths() else {
        println!("note: ../shared/data/postmortems not found; skipping the corpus labels");
        return;
    };
    let corpus = load_corpus(&corpus);
    let show = std::env::var("REVIEW_LINT_SHOW").ok();
    let mut held_out = HashSet::new();
    for file in LABEL_FILES {
        let items = corpus
            .read_blame_references(&labels.join(file))
            .expect("labels");
        let whole = score(&items);
        println!("{}", line(&format!("{file} all"), &whole));
        if *file == "corpus-blame-2.jsonl" {
            // Nearly all hard negatives: 3 false positives when labelled, 0 after issue 14.
            assert!(whole.false_positives <= 2, "{}", line(file, &whole));
        }
        for half in ["tune", "held_out"] {
            let part: Vec<BlameItem> = items
                .iter()
                .filter(|i| half_of(&i.id) == half)
                .cloned()
                .collect();
            let s = score(&part);
            println!("{}", line(&format!("{file} {half}"), &s));
            if half == "held_out" {
                held_out.extend(part.iter().map(|i| i.text.clone()));
            } else if show.as_deref() == Some(half) {
                for i in &part {
                    let found = blame::detect(&i.text);
                    if found.is_some() != i.blame {
                        println!(
                            "  {} label={} got={:?}: {}",
                            i.id,
                            i.blame,
                            found.map(|f| f.phrase),
                            i.text
                        );
                    }
                }
            }
        }
    }
    let all = corpus.sentences();
    let hits: Vec<(String, String, String)> = all
        .iter()
        .filter_map(|(id, s)| blame::detect(s).map(|f| (id.clone(), f.phrase, s.clone())))
        .collect();
    println!("corpus sentences flagged: {} of {}", hits.len(), all.len());
    // 51 of 4,724 before issue 14's changes, 49 after: a rule that starts firing on ordinary
    // narration shows here first.
    assert!(hits.len() <= 58, "{} corpus sentences flagged", hits.len());
    if let Ok(out) = std::env::var("REVIEW_LINT_HITS") {
        let text: String = hits
            .iter()
            .filter(|(_, _, s)| !held_out.contains(s))
            .map(|(id, phrase, s)| format!("{id}\t{phrase}\t{s}\n"))
            .collect();
        std::fs::write(out, text).unwrap();
    }
}

/// The written sets labelled and committed before the rules ever ran on them (full text, no
/// corpus needed), as (file stem, sentences, of which blame, action items). Set 3's misses
/// have since been read (it is in-sample), and so have sets 4's to 10's; sets 11 and 12 were
/// committed before any rule ran on them, and measured first on the rules of the round that read
/// set 10; sets 13 and 14 were committed before any rule ran on them, and measured first on
/// the same rules. Every set up to 21 has since been read; each set's first run is in the labels
/// README.
const WRITTEN_SETS: &[(&str, usize, usize, usize)] = &[
    ("3", 80, 35, 50),
    ("4", 80, 35, 50),
    ("5", 80, 35, 50),
    ("6", 80, 35, 50),
    ("7", 80, 35, 50),
    ("8", 80, 35, 50),
    ("9", 80, 35, 50),
    ("10", 80, 35, 50),
    ("11", 80, 35, 50),
    ("12", 80, 35, 50),
    ("13", 80, 35, 50),
    ("14", 80, 35, 50),
    ("15", 80, 35, 50),
    ("16", 80, 35, 50),
    ("17", 80, 35, 50),
    ("18", 80, 35, 50),
    ("19", 80, 35, 50),
    ("20", 80, 35, 50),
    ("21", 80, 35, 50),
    ("22", 80, 35, 50),
    ("23", 80, 35, 50),
];

/// The written sets' figures are printed, never floored, so that no rule is tuned to them; the
/// counts check that the files are whole and that no blame label was flipped since.
#[test]
fn figures_on_the_written_sets_labelled_before_the_rules_ran() {
    let labels = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels");
    for &(set, n_sentences, n_blame, n_items) in WRITTEN_SETS {
        let blame_file = format!("written-blame-{set}.jsonl");
        let sentences = read_blame(&labels.join(&blame_file)).expect("written blame");
        let blame_count = sentences.iter().filter(|i| i.blame).count();
        assert_eq!(
            (sentences.len(), blame_count),
            (n_sentences, n_blame),
            "{blame_file} counts"
        );
        println!(
            "{}",
            line(&format!("written-blame-{set}"), &score(&sentences))
        );

        let items_file = format!("written-action-items-{set}.jsonl");
        let items = read_action_items(&labels.join(&items_file)).expect("written action items");
        assert_eq!(items.len(), n_items, "{items_file} count");
        let s = score_action_items(&items, &predict_elements(&items)).unwrap();
        println!(
            "written-action-items-{set} n={} owner {:.3} verb {:.3} outcome {:.3} ticket {:.3} deadline {:.3}",
            s.items,
            s.owner.accuracy,
            s.verb.accuracy,
            s.outcome.accuracy,
            s.ticket.accuracy,
            s.deadline.accuracy
        );
    }
}
