//! `rhyme eval themes --corpus FILE`: how the recurring-mechanism grouping agrees with the
//! corpus's category labels, beside a TF-IDF k-means baseline with the same number of clusters,
//! on the same entries, in the same run.
//!
//! Prints `{"id","group","baseline_group","categories"}` per labelled entry (the grouping
//! `rhyme themes` would make with its defaults), then a summary with:
//! - `default`: the shipped settings on every labelled entry (the settings were chosen by the
//!   cross-validation below, on this corpus, so this figure is in-sample);
//! - `in_sample_tuned`: the settings that score best on all entries, scored on them: an
//!   optimistic ceiling;
//! - `cross_validated`: for each of K folds, the settings that score best on the other
//!   folds, applied to the held-out fold's entries alone; the mean of the held-out figures is
//!   the one to quote. The baseline is scored on the same held-out entries, same k.
//!
//! Tuning maximises the adjusted Rand index against the primary category.
//!
//! The categories name causes at a coarser grain than mechanisms, so ARI against them peaks
//! at coarse groups. With `--queries` (the seen-before queries, whose grade 2 means "same
//! failure mechanism"), `mechanism_pairs` scores the grouping of the whole corpus against
//! pairs of entries graded 2 for one query, with the settings cross-validated over folds of
//! query archetypes (a mechanism's queries never straddle training and held-out). That choice
//! is the one `rhyme themes` ships ([`themes::DEFAULT_THRESHOLD`]).

use std::path::Path;

use serde::Serialize;
use serde_json::json;

use rhyme_eval::themes::{self as eval, Agreement, CAVEATS};
use rhyme_seen_before::corpus::Postmortem;
use rhyme_seen_before::themes::{self, Dendrogram, Embedded, kmeans, mechanism_text};

use super::Context;
use super::corpus::load_embedder;

/// Pulls towards the closest catalogue mechanism tried (0 = the embedding alone).
pub(super) const WEIGHTS: [f32; 4] = [0.0, 0.25, 0.5, 1.0];

/// Cosine-distance thresholds tried: 0.10 to 0.90 by 0.02.
pub(super) fn thresholds() -> impl Iterator<Item = f32> {
    (5..=45).map(|i| i as f32 * 0.02)
}

/// Folds when `--folds` is not given.
pub(super) const DEFAULT_FOLDS: usize = 5;

/// The labelled entries, their vectors at every weight tried, and their baseline texts.
struct Set {
    ids: Vec<String>,
    labels: Vec<Vec<String>>,
    texts: Vec<String>,
    /// `represented[w][i]`: entry `i` at `WEIGHTS[w]`.
    represented: Vec<Vec<Vec<f32>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(super) struct Setting {
    pub(super) threshold: f32,
    pub(super) catalogue_weight: f32,
}

/// The method's and the baseline's figures on one set of entries.
#[derive(Debug, Serialize)]
struct Scored {
    #[serde(flatten)]
    setting: Setting,
    method: Agreement,
    baseline: Agreement,
}

pub(super) fn run(
    ctx: &Context,
    corpus: &Path,
    queries: Option<&Path>,
    folds: Option<usize>,
) -> anyhow::Result<()> {
    let docs = rhyme_eval::seen_before::load_corpus(corpus)?;
    let queries = queries
        .map(rhyme_eval::seen_before::load_queries)
        .transpose()?;
    let (labelled, unlabelled): (Vec<&Postmortem>, Vec<&Postmortem>) =
        docs.iter().partition(|d| !d.categories.is_empty());
    let labelled: Vec<Postmortem> = labelled.into_iter().cloned().collect();
    anyhow::ensure!(
        labelled.len() >= 4,
        "{}: only {} entries have categories; at least 4 are needed",
        corpus.display(),
        labelled.len()
    );
    let embedder = load_embedder(ctx)?;
    let mechanism_pairs = match &queries {
        Some(queries) => Some(super::themes_pairs::run(
            &docs,
            queries,
            embedder.as_ref(),
            folds.unwrap_or(DEFAULT_FOLDS),
        )?),
        None => None,
    };
    let embedded = Embedded::new(&labelled, embedder.as_ref())?;
    let set = Set {
        ids: labelled.iter().map(|d| d.id.clone()).collect(),
        labels: labelled.iter().map(|d| d.categories.clone()).collect(),
        texts: labelled.iter().map(mechanism_text).collect(),
        represented: WEIGHTS.iter().map(|&w| embedded.represent(w)).collect(),
    };
    let all: Vec<usize> = (0..set.ids.len()).collect();

    let shipped = Setting {
        threshold: themes::DEFAULT_THRESHOLD,
        catalogue_weight: themes::DEFAULT_CATALOGUE_WEIGHT,
    };
    let (groups, baseline_groups) = grouping(&set, &all, shipped);
    for i in &all {
        println!(
            "{}",
            json!({ "id": set.ids[*i], "group": groups[*i], "baseline_group": baseline_groups[*i], "categories": set.labels[*i] })
        );
    }
    let default = score(&set, &all, shipped);
    let per_category = eval::per_category(&groups, &set.labels);
    let per_category_baseline = eval::per_category(&baseline_groups, &set.labels);
    let in_sample = score(&set, &all, tune(&set, &all));
    let cross_validated = cross_validate(&set, folds.unwrap_or(DEFAULT_FOLDS))?;

    let summary = json!({
        "method": "MiniLM embedding of title + summary, pulled towards the closest mechanism-catalogue entry; average linkage under a cosine-distance threshold",
        "baseline": "TF-IDF (title + summary) spherical k-means, k = the method's cluster count on the same entries",
        "entries": docs.len(),
        "scored": labelled.len(),
        "excluded_without_categories": unlabelled.len(),
        "multi_label": "ari, nmi and purity_grouped use each entry's first category; pairwise precision/recall and per_category use all of them",
        "tuned_on": "adjusted Rand index against the primary category",
        "ari": cross_validated.mean.method.ari,
        "nmi": cross_validated.mean.method.nmi,
        "cross_validated": cross_validated,
        "in_sample_tuned": in_sample,
        "default": default,
        "per_category": per_category,
        "per_category_baseline": per_category_baseline,
        "mechanism_pairs": mechanism_pairs,
        "caveats": CAVEATS,
    });
    println!("{}", json!({ "summary": summary }));
    Ok(())
}

/// The method's clusters over `items` at `setting`, and the baseline's with as many clusters.
fn grouping(set: &Set, items: &[usize], setting: Setting) -> (Vec<usize>, Vec<usize>) {
    let w = WEIGHTS
        .iter()
        .position(|&w| w == setting.catalogue_weight)
        .unwrap_or(0);
    let vectors: Vec<Vec<f32>> = items
        .iter()
        .map(|&i| set.represented[w][i].clone())
        .collect();
    let method = Dendrogram::build(&vectors).cut(setting.threshold);
    let k = method.iter().max().map_or(1, |m| m + 1);
    let texts: Vec<String> = items.iter().map(|&i| set.texts[i].clone()).collect();
    let baseline = kmeans::kmeans(&kmeans::tfidf(&texts), k);
    (method, baseline)
}

fn score(set: &Set, items: &[usize], setting: Setting) -> Scored {
    let labels: Vec<Vec<String>> = items.iter().map(|&i| set.labels[i].clone()).collect();
    let (method, baseline) = grouping(set, items, setting);
    Scored {
        setting,
        method: eval::agreement(&method, &labels),
        baseline: eval::agreement(&baseline, &labels),
    }
}

/// The weight and threshold with the best ARI on `items` (the first best, so the smallest
/// weight and threshold among ties).
fn tune(set: &Set, items: &[usize]) -> Setting {
    let labels: Vec<Vec<String>> = items.iter().map(|&i| set.labels[i].clone()).collect();
    let primary = eval::primary_classes(&labels);
    let mut best = (
        f64::MIN,
        Setting {
            threshold: 0.0,
            catalogue_weight: 0.0,
        },
    );
    for (w, &weight) in WEIGHTS.iter().enumerate() {
        let vectors: Vec<Vec<f32>> = items
            .iter()
            .map(|&i| set.represented[w][i].clone())
            .collect();
        let tree = Dendrogram::build(&vectors);
        for threshold in thresholds() {
            let ari = eval::adjusted_rand_index(&tree.cut(threshold), &primary);
            if ari > best.0 {
                best = (
                    ari,
                    Setting {
                        threshold,
                        catalogue_weight: weight,
                    },
                );
            }
        }
    }
    best.1
}

#[derive(Debug, Serialize)]
struct CrossValidated {
    folds: usize,
    /// Means over the folds of the held-out figures.
    mean: Means,
    per_fold: Vec<Scored>,
}

#[derive(Debug, Serialize)]
struct Means {
    method: Mean,
    baseline: Mean,
}

#[derive(Debug, Default, Serialize)]
struct Mean {
    ari: f64,
    nmi: f64,
    purity_grouped: f64,
    pairwise_precision: f64,
    pairwise_recall: f64,
}

impl Mean {
    fn of<'a>(figures: impl Iterator<Item = &'a Agreement>) -> Mean {
        let all: Vec<&Agreement> = figures.collect();
        let n = all.len().max(1) as f64;
        let mean = |f: fn(&Agreement) -> f64| all.iter().map(|a| f(a)).sum::<f64>() / n;
        Mean {
            ari: mean(|a| a.ari),
            nmi: mean(|a| a.nmi),
            purity_grouped: mean(|a| a.purity_grouped.unwrap_or(0.0)),
            pairwise_precision: mean(|a| a.pairwise.precision),
            pairwise_recall: mean(|a| a.pairwise.recall),
        }
    }
}

/// Settings chosen on K−1 folds, scored on the K-th; folds stratified by primary category.
fn cross_validate(set: &Set, k: usize) -> anyhow::Result<CrossValidated> {
    let ids: Vec<&str> = set.ids.iter().map(String::as_str).collect();
    let strata: Vec<&str> = set.labels.iter().map(|l| l[0].as_str()).collect();
    let folds = rhyme_eval::folds::assign(&ids, &strata, k)?;
    let per_fold: Vec<Scored> = (0..k)
        .map(|fold| {
            let (held, train): (Vec<usize>, Vec<usize>) =
                (0..ids.len()).partition(|&i| folds[i] == fold);
            score(set, &held, tune(set, &train))
        })
        .collect();
    Ok(CrossValidated {
        folds: k,
        mean: Means {
            method: Mean::of(per_fold.iter().map(|s| &s.method)),
            baseline: Mean::of(per_fold.iter().map(|s| &s.baseline)),
        },
        per_fold,
    })
}
