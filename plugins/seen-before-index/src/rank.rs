//! Ranking: BM25 (with the query extended by the vocabulary of the mechanisms its symptoms
//! suggest) fused with the dense similarities the host's vector search returns.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bm25::unweighted;
use crate::explain::{Match, explain};
use crate::index::Index;
use crate::mechanisms::MECHANISMS;
use crate::passages::{doc_id_of, is_head};
use crate::text::terms;
use crate::vector::{dot, standardized, standardized_over, top_k};

/// What the responder asked, and its embedding when the host could provide one.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub text: &'a str,
    pub vector: Option<&'a [f32]>,
}

/// One result of the host's vector search: a passage id (`DOC#N`) or a document id, and its
/// cosine similarity to the query. Ask for [`DENSE_HITS_WANTED`] hits: documents missing
/// from the hits only get a floor score, which costs accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseHit {
    pub id: String,
    pub score: f32,
}

/// Passages to request from vector search per query. Exact search over a few thousand
/// 384-dimension vectors costs well under a millisecond; on the 1,171-passage dev corpus,
/// 200 hits instead of 1000 lowered MRR by 0.02 and recall@5 by 0.01.
pub const DENSE_HITS_WANTED: usize = 1000;

/// Knobs of the fusion. The defaults are the weights chosen independently on each half of
/// the labelled dev queries (split by archetype) and checked on the other half.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankOptions {
    /// How many matches to return.
    pub limit: usize,
    /// Share of the lexical score in the fused score; 0 ranks by dense similarity only.
    pub lexical_weight: f32,
    /// Weight of mechanism vocabulary added to the query, relative to the query's own words.
    pub expansion_weight: f32,
    /// Mechanisms whose vocabulary is added to the query.
    pub expansion_mechanisms: usize,
    /// Share of the head passage (title and summary) in a document's dense score; the rest
    /// is its best passage.
    pub head_weight: f32,
}

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            limit: 5,
            lexical_weight: 0.45,
            expansion_weight: 0.75,
            expansion_mechanisms: 2,
            head_weight: 0.5,
        }
    }
}

/// A scored document, before explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub position: usize,
    pub score: f32,
}

/// The best `options.limit` postmortems for `query`, each explained.
pub fn rank(
    index: &Index,
    query: Query<'_>,
    dense_hits: &[DenseHit],
    options: &RankOptions,
) -> Vec<Match> {
    let signals = Signals::compute(index, query, dense_hits, options);
    signals
        .fused(options)
        .into_iter()
        .take(options.limit)
        .map(|s| explain(index, &signals.context(s.position), s.score))
        .collect()
}

/// All documents by fused score, best first, without explanations (for evaluation).
pub fn scores(
    index: &Index,
    query: Query<'_>,
    dense_hits: &[DenseHit],
    options: &RankOptions,
) -> Vec<Scored> {
    Signals::compute(index, query, dense_hits, options).fused(options)
}

/// Every term whose postings the lexical score of `query` reads: its own words and those of
/// the mechanisms its vector suggests (given the catalogue's symptom vectors).
pub fn lexical_terms(
    mechanism_symptoms: &[Vec<f32>],
    query: Query<'_>,
    options: &RankOptions,
) -> Vec<String> {
    let mut out = terms(query.text);
    if let Some(vector) = query.vector.filter(|_| !mechanism_symptoms.is_empty()) {
        for (m, _) in closest(mechanism_symptoms, vector, options.expansion_mechanisms) {
            out.extend(terms(MECHANISMS[m].terms));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Per-document evidence gathered for one query.
pub(crate) struct Signals<'q> {
    pub query_text: &'q str,
    pub lexical: Vec<f32>,
    /// `None` when the host supplied no dense hits.
    pub dense: Option<Vec<f32>>,
    /// Best passage per document among the dense hits.
    pub best_passage: HashMap<usize, String>,
    /// Documents with at least one dense hit.
    pub covered: Vec<bool>,
    /// Mechanisms the query's symptoms suggest, most likely first.
    pub query_mechanisms: Vec<usize>,
}

/// What explaining one document needs to know about the query.
pub(crate) struct MatchContext<'a> {
    pub position: usize,
    pub query_text: &'a str,
    pub best_passage: Option<&'a str>,
    pub query_mechanisms: &'a [usize],
}

impl<'q> Signals<'q> {
    fn compute(
        index: &Index,
        query: Query<'q>,
        dense_hits: &[DenseHit],
        options: &RankOptions,
    ) -> Self {
        let query_terms = terms(query.text);
        let query_mechanisms =
            suggested_mechanisms(index, query.vector, options.expansion_mechanisms);
        let lexical = lexical_scores(
            index,
            &query_terms,
            query.vector,
            &query_mechanisms,
            options,
        );
        let (dense, best_passage) = dense_scores(index, dense_hits, options.head_weight);
        let covered = (0..index.docs.len())
            .map(|i| best_passage.contains_key(&i))
            .collect();
        let query_mechanisms = query_mechanisms.into_iter().map(|(m, _)| m).collect();
        Self {
            query_text: query.text,
            lexical,
            dense,
            best_passage,
            covered,
            query_mechanisms,
        }
    }

    fn fused(&self, options: &RankOptions) -> Vec<Scored> {
        let lexical = standardized(&self.lexical);
        let combined: Vec<f32> = match &self.dense {
            None => lexical,
            Some(dense) => {
                let w = options.lexical_weight.clamp(0.0, 1.0);
                let dense = standardized_over(dense, &self.covered);
                lexical
                    .iter()
                    .zip(&dense)
                    .map(|(l, d)| w * l + (1.0 - w) * d)
                    .collect()
            }
        };
        top_k(&combined, combined.len())
            .into_iter()
            .map(|position| Scored {
                position,
                score: combined[position],
            })
            .collect()
    }

    fn context(&self, position: usize) -> MatchContext<'_> {
        MatchContext {
            position,
            query_text: self.query_text,
            best_passage: self.best_passage.get(&position).map(String::as_str),
            query_mechanisms: &self.query_mechanisms,
        }
    }
}

/// Mechanisms whose typical symptoms read most like the query, with their similarity.
fn suggested_mechanisms(index: &Index, vector: Option<&[f32]>, k: usize) -> Vec<(usize, f32)> {
    let Some(vector) = vector.filter(|_| index.has_mechanisms()) else {
        return Vec::new();
    };
    closest(&index.mechanism_symptoms, vector, k)
}

fn closest(mechanism_symptoms: &[Vec<f32>], vector: &[f32], k: usize) -> Vec<(usize, f32)> {
    let similarities: Vec<f32> = mechanism_symptoms.iter().map(|m| dot(vector, m)).collect();
    top_k(&similarities, k)
        .into_iter()
        .map(|m| (m, similarities[m]))
        .collect()
}

/// BM25 over the query's words plus, at reduced weight, the vocabulary of the suggested
/// mechanisms (scaled by how strongly each is suggested).
fn lexical_scores(
    index: &Index,
    query_terms: &[String],
    vector: Option<&[f32]>,
    mechanisms: &[(usize, f32)],
    options: &RankOptions,
) -> Vec<f32> {
    let mut bag = unweighted(query_terms.to_vec());
    if vector.is_some() {
        for &(m, similarity) in mechanisms {
            let weight = options.expansion_weight * similarity.max(0.0);
            bag.extend(terms(MECHANISMS[m].terms).into_iter().map(|t| (t, weight)));
        }
    }
    index.lexical.scores(&bag)
}

/// Per-document dense score: a blend of the head passage's similarity and the best
/// passage's. Documents the search did not return get the lowest returned score, since all
/// that is known is that they ranked below it.
fn dense_scores(
    index: &Index,
    hits: &[DenseHit],
    head_weight: f32,
) -> (Option<Vec<f32>>, HashMap<usize, String>) {
    if hits.is_empty() {
        return (None, HashMap::new());
    }
    let floor = hits.iter().map(|h| h.score).fold(f32::INFINITY, f32::min);
    let mut head = vec![None; index.docs.len()];
    let mut best: Vec<Option<(f32, &str)>> = vec![None; index.docs.len()];
    for hit in hits {
        let Some(position) = index.position(doc_id_of(&hit.id)) else {
            continue;
        };
        if is_head(&hit.id) || !hit.id.contains('#') {
            head[position] = Some(hit.score);
        }
        if best[position].is_none_or(|(s, _)| hit.score > s) {
            best[position] = Some((hit.score, hit.id.as_str()));
        }
    }
    let scores = head
        .iter()
        .zip(&best)
        .map(|(h, b)| {
            let best = b.map_or(floor, |(s, _)| s);
            head_weight * h.unwrap_or(floor) + (1.0 - head_weight) * best
        })
        .collect();
    let passages = best
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|(_, id)| (i, id.to_string())))
        .collect();
    (Some(scores), passages)
}
