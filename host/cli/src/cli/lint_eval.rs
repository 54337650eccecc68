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

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use review_lint::blame::{self, classifier::Classifier};

use rhyme_eval::lint::{
    ActionItem, BlameItem, BlamePrediction, Elements, ElementsPrediction, LintSummary,
    read_action_items, read_blame, score_action_items, score_blame,
};
use rhyme_eval::lint_references::{Corpus, half_of};
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::blame_model::{TrainingFiles, Vectors, check_model, refit};

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
    /// The blame classifier's training sentence files, refitted per fold with `--folds`.
    pub(super) train_labels: Vec<PathBuf>,
    /// The blame classifier's training reference files.
    pub(super) train_references: Vec<PathBuf>,
}

/// How a sentence's blame is judged: the rules, then the sentence classifier where the
/// sentence's vector is known.
struct BlameJudge<'a> {
    classifier: Option<(&'a Vectors, &'a Classifier)>,
}

impl BlameJudge<'_> {
    fn is_blame(&self, text: &str) -> bool {
        match self.classifier {
            Some((vectors, model)) => blame::judge(text, vectors.get(text), model).is_some(),
            None => blame::detect(text).is_some(),
        }
    }
}

const RULES: BlameJudge<'static> = BlameJudge { classifier: None };

/// `rhyme eval lint`.
pub(super) fn run(
    ctx: &Context,
    sets: &LintSets<'_>,
    folds: Option<usize>,
    rules_only: bool,
) -> anyhow::Result<()> {
    let sentences = read_blame(sets.blame)?;
    let items = read_action_items(sets.action_items)?;
    let corpus = sets.corpus.map(Corpus::load).transpose()?;
    let mut references = Vec::new();
    for labels in &sets.references {
        let corpus = corpus
            .as_ref()
            .context("--blame-references needs --corpus")?;
        references.push((*labels, corpus.read_blame_references(labels)?));
    }
    let training =
        TrainingFiles::read(&sets.train_labels, &sets.train_references, corpus.as_ref())?;
    let classifier = Classifier::shipped();
    let corpus_sentences = corpus.as_ref().map(Corpus::sentences).unwrap_or_default();
    let vectors = if rules_only {
        None
    } else {
        let embedder = super::corpus::load_embedder(ctx)?;
        check_model(classifier, embedder.as_ref())?;
        let texts = (sentences.iter().map(|s| s.text.as_str()))
            .chain(
                references
                    .iter()
                    .flat_map(|(_, r)| r.iter().map(|s| s.text.as_str())),
            )
            .chain(
                corpus_sentences
                    .iter()
                    .map(|(_, s)| s.as_str())
                    .filter(|s| blame::needs_classifier(s)),
            )
            .chain(folds.map(|_| training.texts()).into_iter().flatten());
        Some(Vectors::embed(embedder.as_ref(), texts)?)
    };
    let judge = BlameJudge {
        classifier: vectors.as_ref().map(|v| (v, classifier)),
    };
    let blame_predictions = predict_blame(&sentences, &judge, true);
    let element_predictions = predict_elements(&items);
    let summary = LintSummary {
        blame: score_blame(&sentences, &blame_predictions)?,
        action_items: score_action_items(&items, &element_predictions)?,
    };
    let mut summary = serde_json::to_value(summary)?;
    if vectors.is_some() {
        let rules = predict_blame(&sentences, &RULES, false);
        summary["blame_rules_only"] = serde_json::to_value(score_blame(&sentences, &rules)?)?;
        summary["blame_classifier"] = json!({
            "embedding_model": classifier.embedding_model,
            "threshold": classifier.threshold,
            "trained_on": classifier.trained_on.iter().map(|s| &s.file).collect::<Vec<_>>(),
        });
    }
    if let Some(corpus) = &corpus {
        let mut files = Vec::new();
        for (labels, referenced) in &references {
            let predictions = predict_blame(referenced, &judge, false);
            let (whole, file) =
                reference_file(labels, referenced, &predictions, |i| &i.id, score_blame)?;
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
        let flagged = |judge: &BlameJudge| {
            (corpus_sentences.iter())
                .filter(|(_, s)| judge.is_blame(s))
                .count()
        };
        summary["corpus_sentences_flagged"] = json!({
            "sentences": corpus_sentences.len(),
            "flagged": flagged(&judge),
            "flagged_by_rules": flagged(&RULES),
        });
    }
    let validation = folds
        .map(|k| {
            let blame = match &vectors {
                Some(vectors) => classifier_folds(&sentences, &training, vectors, classifier, k)?,
                None => rule_folds(&sentences, &blame_predictions, k)?,
            };
            let action_items = item_folds(&items, &element_predictions, k)?;
            anyhow::Ok(json!({ "blame": blame, "action_items": action_items }))
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

/// Blame folds stratified by label, as the published split was made.
fn blame_strata(sentences: &[BlameItem]) -> (Vec<&str>, Vec<String>) {
    let ids = sentences.iter().map(|s| s.id.as_str()).collect();
    let strata = sentences.iter().map(|s| s.blame.to_string()).collect();
    (ids, strata)
}

/// Each fold's blame figures when only the rules judge.
fn rule_folds(
    sentences: &[BlameItem],
    blame: &[BlamePrediction],
    k: usize,
) -> anyhow::Result<serde_json::Value> {
    let (ids, strata) = blame_strata(sentences);
    super::folds::unfitted(&ids, &strata, k, "the blame rules", |held| {
        let labels: Vec<BlameItem> = held.iter().map(|&i| sentences[i].clone()).collect();
        let predicted: Vec<BlamePrediction> = held.iter().map(|&i| blame[i].clone()).collect();
        Ok(score_blame(&labels, &predicted)?)
    })
}

/// Cross-validated blame figures: per fold, the classifier is refitted without that fold's
/// sentences (on the training files, or on the other folds when none are given) and judges
/// the fold; `held_out` scores every sentence by the model that did not see it.
fn classifier_folds(
    sentences: &[BlameItem],
    training: &TrainingFiles,
    vectors: &Vectors,
    shipped: &Classifier,
    k: usize,
) -> anyhow::Result<serde_json::Value> {
    let (ids, strata) = blame_strata(sentences);
    let folds = rhyme_eval::folds::assign(&ids, &strata, k)?;
    let own = TrainingFiles::of(sentences.to_vec());
    let pool = if training.is_empty() { &own } else { training };
    let mut predictions = vec![None; sentences.len()];
    let mut per_fold = Vec::with_capacity(k);
    for fold in 0..k {
        let held: Vec<usize> = (0..ids.len()).filter(|&i| folds[i] == fold).collect();
        let held_ids: HashSet<&str> = held.iter().map(|&i| ids[i]).collect();
        let model = refit(
            &pool.examples(vectors, |id| !held_ids.contains(id)),
            shipped,
        )?;
        let judge = BlameJudge {
            classifier: Some((vectors, &model)),
        };
        let labels: Vec<BlameItem> = held.iter().map(|&i| sentences[i].clone()).collect();
        let predicted = predict_blame(&labels, &judge, false);
        for (&i, p) in held.iter().zip(&predicted) {
            predictions[i] = Some(p.clone());
        }
        let figures = score_blame(&labels, &predicted)?;
        per_fold.push(json!({ "fold": fold, "items": held.len(), "figures": figures }));
    }
    let predictions: Vec<BlamePrediction> = predictions.into_iter().flatten().collect();
    let trained_on = if training.is_empty() {
        "the other folds of this set"
    } else {
        "the training files without the fold's sentences"
    };
    Ok(json!({
        "folds": k,
        "fitted": format!(
            "the blame classifier's weights, refitted per fold on {trained_on} \
             (threshold and penalty fixed); the rules have nothing fitted"
        ),
        "held_out": score_blame(sentences, &predictions)?,
        "per_fold": per_fold,
    }))
}

/// Each fold's action-item figures, folds stratified by how many elements an item has.
fn item_folds(
    items: &[ActionItem],
    elements: &[ElementsPrediction],
    k: usize,
) -> anyhow::Result<serde_json::Value> {
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
    super::folds::unfitted(&ids, &strata, k, "the action-item checks", |held| {
        let labels: Vec<ActionItem> = held.iter().map(|&i| items[i].clone()).collect();
        let predicted: Vec<ElementsPrediction> =
            held.iter().map(|&i| elements[i].clone()).collect();
        Ok(score_action_items(&labels, &predicted)?)
    })
}

/// One prediction per sentence; `print` writes each as a JSON line.
fn predict_blame(sentences: &[BlameItem], judge: &BlameJudge, print: bool) -> Vec<BlamePrediction> {
    sentences
        .iter()
        .map(|sentence| {
            let blame = judge.is_blame(&sentence.text);
            if print {
                println!("{}", json!({ "id": sentence.id, "blame": blame }));
            }
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
