//! The mechanism-pair part of `rhyme eval themes --queries FILE`: the whole corpus grouped at
//! every setting tried, scored against pairs of entries graded 2 ("same failure mechanism")
//! for one seen-before query. Settings are chosen on the queries of K−1 folds of archetypes and
//! scored on the K-th; the corpus grouping itself uses no label, so only the setting is fitted.

use std::collections::BTreeSet;

use serde::Serialize;

use rhyme_eval::seen_before::Query;
use rhyme_eval::themes::{MechanismPairs, PairScore, pair_score, related_pairs};
use rhyme_runtime::capability::backend::Embedder;
use rhyme_seen_before::corpus::Postmortem;
use rhyme_seen_before::themes::{self, Dendrogram, Embedded, kmeans, mechanism_text};

use super::themes_eval::{Setting, WEIGHTS, thresholds};

/// One setting's grouping of the corpus, and the baseline's with as many clusters.
struct Grouped {
    setting: Setting,
    method: Vec<usize>,
    baseline: Option<Vec<usize>>,
}

#[derive(Debug, Serialize)]
struct Scored {
    #[serde(flatten)]
    setting: Setting,
    method: PairScore,
    baseline: PairScore,
    /// Groups of two or more the setting makes over the whole corpus.
    groups: usize,
}

#[derive(Debug, Serialize)]
pub(super) struct PairsSummary {
    queries: usize,
    archetypes: usize,
    same_pairs: usize,
    /// Held-out figures of each fold, settings chosen on the others.
    cross_validated: Vec<Scored>,
    /// Means over the folds of the held-out F1, settings chosen on the other folds.
    cross_validated_f1: Means,
    /// The setting best on all queries.
    in_sample_setting: Setting,
    /// Means over the same folds of the F1 of the setting best on all queries: optimistic,
    /// and comparable with `cross_validated_f1` (each fold's pairs are scored among that
    /// fold's entries, so a fold's figure is not one of the whole set).
    in_sample_f1: Means,
    /// The shipped settings (the cross-validation's most common choice), on all queries.
    default: Scored,
}

#[derive(Debug, Serialize)]
struct Means {
    method: f64,
    baseline: f64,
}

pub(super) fn run(
    docs: &[Postmortem],
    queries: &[Query],
    embedder: &dyn Embedder,
    k: usize,
) -> anyhow::Result<PairsSummary> {
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let embedded = Embedded::new(docs, embedder)?;
    let tfidf = kmeans::tfidf(&docs.iter().map(mechanism_text).collect::<Vec<_>>());
    let mut grouped: Vec<Grouped> = Vec::new();
    for &weight in &WEIGHTS {
        let tree = Dendrogram::build(&embedded.represent(weight));
        for threshold in thresholds() {
            grouped.push(Grouped {
                setting: Setting {
                    threshold,
                    catalogue_weight: weight,
                },
                method: tree.cut(threshold),
                baseline: None,
            });
        }
    }
    let related = related_pairs(queries);
    let archetype = |q: &Query| q.archetype.clone().unwrap_or_else(|| q.id.clone());
    let archetypes: Vec<String> = queries
        .iter()
        .map(archetype)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names: Vec<&str> = archetypes.iter().map(String::as_str).collect();
    let fold_of_archetype = rhyme_eval::folds::assign(&names, &vec![0u8; names.len()], k)?;
    let fold = |q: &Query| fold_of_archetype[archetypes.binary_search(&archetype(q)).unwrap_or(0)];

    let everything = MechanismPairs::of(queries);
    let best_all = best(&grouped, &ids, &everything, &related);
    let mut cross_validated = Vec::with_capacity(k);
    let mut in_sample = Vec::with_capacity(k);
    for f in 0..k {
        let train = MechanismPairs::of(queries.iter().filter(|q| fold(q) != f));
        let held = MechanismPairs::of(queries.iter().filter(|q| fold(q) == f));
        let best = best(&grouped, &ids, &train, &related);
        cross_validated.push(score(&mut grouped[best], &ids, &held, &related, &tfidf));
        in_sample.push(score(&mut grouped[best_all], &ids, &held, &related, &tfidf));
    }
    let shipped = grouped
        .iter()
        .position(|g| {
            (g.setting.threshold - themes::DEFAULT_THRESHOLD).abs() < 1e-4
                && g.setting.catalogue_weight == themes::DEFAULT_CATALOGUE_WEIGHT
        })
        .ok_or_else(|| anyhow::anyhow!("the shipped setting is not on the grid tried"))?;
    let default = score(&mut grouped[shipped], &ids, &everything, &related, &tfidf);
    let mean = |scores: &[Scored], f: fn(&Scored) -> f64| {
        scores.iter().map(f).sum::<f64>() / scores.len().max(1) as f64
    };
    Ok(PairsSummary {
        queries: queries.len(),
        archetypes: archetypes.len(),
        same_pairs: everything.same.len(),
        cross_validated_f1: Means {
            method: mean(&cross_validated, |s| s.method.f1),
            baseline: mean(&cross_validated, |s| s.baseline.f1),
        },
        in_sample_setting: grouped[best_all].setting,
        in_sample_f1: Means {
            method: mean(&in_sample, |s| s.method.f1),
            baseline: mean(&in_sample, |s| s.baseline.f1),
        },
        cross_validated,
        default,
    })
}

/// The grouping with the best F1 on `pairs` (the first among ties).
fn best(
    grouped: &[Grouped],
    ids: &[&str],
    pairs: &MechanismPairs,
    related: &BTreeSet<(String, String)>,
) -> usize {
    let mut best = (f64::MIN, 0);
    for (i, g) in grouped.iter().enumerate() {
        let f1 = pair_score(ids, &g.method, pairs, related).f1;
        if f1 > best.0 {
            best = (f1, i);
        }
    }
    best.1
}

fn score(
    grouped: &mut Grouped,
    ids: &[&str],
    pairs: &MechanismPairs,
    related: &BTreeSet<(String, String)>,
    tfidf: &kmeans::Tfidf,
) -> Scored {
    let k = grouped.method.iter().max().map_or(1, |m| m + 1);
    let baseline = grouped
        .baseline
        .get_or_insert_with(|| kmeans::kmeans(tfidf, k));
    let mut sizes = std::collections::BTreeMap::<usize, usize>::new();
    grouped
        .method
        .iter()
        .for_each(|&c| *sizes.entry(c).or_default() += 1);
    Scored {
        setting: grouped.setting,
        method: pair_score(ids, &grouped.method, pairs, related),
        baseline: pair_score(ids, baseline, pairs, related),
        groups: sizes.values().filter(|&&s| s >= 2).count(),
    }
}
