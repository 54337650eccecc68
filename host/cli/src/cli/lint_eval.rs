//! `rhyme eval lint`: the review lint (the `review-lint` library the plugins compile in, run
//! natively here) on its labelled sets.
//!
//! Two blame sets can be scored side by side: the published dev sentences (`--blame`), which
//! the rules were written against, and sentences of the corpus that the project labelled
//! after the rules were written (`--blame-references`, kept by reference, read with
//! `--corpus`). The second is the fairer figure for sentences the rules have never seen. Each
//! reference file is scored whole and in its two halves (`tune`, whose misses may be read while
//! changing rules, and `held_out`, only measured; see `lint_references::half_of`), and with a
//! corpus the summary also counts how many of all its sentences the rules flag.
//! Nothing in the lint is fitted by a procedure, so `--folds` reports the same figures with
//! each fold's own beside them.

use std::path::Path;

use rhyme_eval::lint::{
    ActionItem, BlameItem, BlamePrediction, Elements, ElementsPrediction, LintSummary,
    read_action_items, read_blame, score_action_items, score_blame,
};
use rhyme_eval::lint_references::{Corpus, half_of};
use serde::Serialize;
use serde_json::json;

/// What `rhyme eval lint` reads.
pub(super) struct LintSets<'a> {
    pub(super) blame: &'a Path,
    pub(super) action_items: &'a Path,
    /// The project's labels of corpus sentences (any number of files).
    pub(super) references: Vec<&'a Path>,
    /// The project's per-element labels of corpus action items (any number of files).
    pub(super) item_references: Vec<&'a Path>,
    /// The corpus the references point into.
    pub(super) corpus: Option<&'a Path>,
}

/// `rhyme eval lint`.
pub(super) fn run(sets: &LintSets<'_>, folds: Option<usize>) -> anyhow::Result<()> {
    let sentences = read_blame(sets.blame)?;
    let items = read_action_items(sets.action_items)?;
    let blame_predictions = predict_blame(&sentences);
    let element_predictions = predict_elements(&items);
    let summary = LintSummary {
        blame: score_blame(&sentences, &blame_predictions)?,
        action_items: score_action_items(&items, &element_predictions)?,
    };
    let mut summary = serde_json::to_value(summary)?;
    if let Some(corpus) = sets.corpus {
        let corpus = Corpus::load(corpus)?;
        let mut files = Vec::new();
        for labels in &sets.references {
            let referenced = corpus.read_blame_references(labels)?;
            let predictions = predict_blame(&referenced);
            let (whole, file) =
                reference_file(labels, &referenced, &predictions, |i| &i.id, score_blame)?;
            if files.is_empty() {
                // The first file keeps the key it has always had.
                summary["blame_corpus_labels"] = serde_json::to_value(&whole)?;
            }
            files.push(file);
        }
        summary["blame_corpus_label_files"] = json!(files);
        let mut item_files = Vec::new();
        for labels in &sets.item_references {
            let referenced = corpus.read_action_item_references(labels)?;
            let predictions = predict_elements(&referenced);
            let (_, file) = reference_file(
                labels,
                &referenced,
                &predictions,
                |i| &i.id,
                score_action_items,
            )?;
            item_files.push(file);
        }
        if !item_files.is_empty() {
            summary["action_item_corpus_label_files"] = json!(item_files);
        }
        let sentences = corpus.sentences();
        let flagged = sentences
            .iter()
            .filter(|(_, s)| review_lint::blame::detect(s).is_some())
            .count();
        summary["corpus_sentences_flagged"] =
            json!({ "sentences": sentences.len(), "flagged": flagged });
    }
    let validation = folds
        .map(|k| {
            fold_figures(
                &sentences,
                &blame_predictions,
                &items,
                &element_predictions,
                k,
            )
        })
        .transpose()?;
    super::folds::print_summary(summary, validation);
    Ok(())
}

/// One reference file's entry in the summary, and its score over all rows: the file's name,
/// that score (`all`), and the score of each half (`tune`, `held_out`; see [`half_of`]).
/// Blame sentences and action items are scored alike, each with its own `score`.
fn reference_file<L: Clone, P: Clone, S: Serialize>(
    path: &Path,
    labels: &[L],
    predictions: &[P],
    id: impl Fn(&L) -> &String,
    score: impl Fn(&[L], &[P]) -> rhyme_eval::lint::Result<S>,
) -> anyhow::Result<(S, serde_json::Value)> {
    let whole = score(labels, predictions)?;
    let mut file = json!({
        "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "all": whole,
    });
    for half in ["tune", "held_out"] {
        let (labels, predicted): (Vec<L>, Vec<P>) = labels
            .iter()
            .zip(predictions)
            .filter(|(item, _)| half_of(id(item)) == half)
            .map(|(item, p)| (item.clone(), p.clone()))
            .unzip();
        file[half] = serde_json::to_value(score(&labels, &predicted)?)?;
    }
    Ok((whole, file))
}

/// Each fold's figures: blame folds stratified by label, action-item folds by how many
/// elements an item has, as the published split was made.
fn fold_figures(
    sentences: &[BlameItem],
    blame: &[BlamePrediction],
    items: &[ActionItem],
    elements: &[ElementsPrediction],
    k: usize,
) -> anyhow::Result<serde_json::Value> {
    let ids: Vec<&str> = sentences.iter().map(|s| s.id.as_str()).collect();
    let strata: Vec<String> = sentences.iter().map(|s| s.blame.to_string()).collect();
    let what = "the blame rules and the action-item checks";
    let blame_folds = super::folds::unfitted(&ids, &strata, k, what, |held| {
        let labels: Vec<BlameItem> = held.iter().map(|&i| sentences[i].clone()).collect();
        let predicted: Vec<BlamePrediction> = held.iter().map(|&i| blame[i].clone()).collect();
        Ok(score_blame(&labels, &predicted)?)
    })?;
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let strata: Vec<String> = items
        .iter()
        .map(|i| {
            i.elements
                .named()
                .iter()
                .filter(|(_, on)| *on)
                .count()
                .to_string()
        })
        .collect();
    let item_folds = super::folds::unfitted(&ids, &strata, k, what, |held| {
        let labels: Vec<ActionItem> = held.iter().map(|&i| items[i].clone()).collect();
        let predicted: Vec<ElementsPrediction> =
            held.iter().map(|&i| elements[i].clone()).collect();
        Ok(score_action_items(&labels, &predicted)?)
    })?;
    Ok(json!({ "blame": blame_folds, "action_items": item_folds }))
}

fn predict_blame(sentences: &[BlameItem]) -> Vec<BlamePrediction> {
    sentences
        .iter()
        .map(|sentence| {
            let blame = review_lint::blame::detect(&sentence.text).is_some();
            println!("{}", json!({ "id": sentence.id, "blame": blame }));
            BlamePrediction {
                id: sentence.id.clone(),
                blame,
            }
        })
        .collect()
}

fn predict_elements(items: &[ActionItem]) -> Vec<ElementsPrediction> {
    items
        .iter()
        .map(|item| {
            let check = review_lint::action_item::check(&item.text);
            let elements = Elements {
                owner: check.owner,
                verb: check.verb,
                outcome: check.outcome,
                ticket: check.ticket,
                deadline: check.deadline,
            };
            println!("{}", json!({ "id": item.id, "elements": elements }));
            ElementsPrediction {
                id: item.id.clone(),
                elements,
            }
        })
        .collect()
}
