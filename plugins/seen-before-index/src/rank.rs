//! Ranking: BM25 (with the query extended by the vocabulary of the mechanisms its symptoms
//! suggest) fused with the dense similarities the host's vector search returns, then the
//! leading candidates cross-checked by mechanism against the strongest matches.

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
    /// Weight of the mechanism cross-check (see [`CROSS_CHECK_VOTERS`]) in standard units;
    /// 0 turns it off.
    pub cross_check_weight: f32,
}

/// The strongest matches that vote in the mechanism cross-check: a candidate recognised as
/// the same kind of failure as they are moves up, one that shares no mechanism with them
/// moves down. The best match itself stays first.
pub const CROSS_CHECK_VOTERS: usize = 3;
/// Candidates (by fused score) that the cross-check re-orders; the rest follow unchanged.
pub const CROSS_CHECK_CANDIDATES: usize = 30;

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            limit: 5,
            lexical_weight: 0.45,
            expansion_weight: 0.75,
            expansion_mechanisms: 2,
            head_weight: 0.5,
            cross_check_weight: 0.2,
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
    let ranked = cross_checked(index, signals.fused(options), options.cross_check_weight);
    ranked
        .scored
        .into_iter()
        .take(options.limit)
        .map(|s| {
            let context = signals.context(s.position, ranked.raised_by.get(&s.position));
            explain(index, &context, s.score)
        })
        .collect()
}

/// All documents by fused score, best first, without explanations (for evaluation).
pub fn scores(
    index: &Index,
    query: Query<'_>,
    dense_hits: &[DenseHit],
    options: &RankOptions,
) -> Vec<Scored> {
    let fused = Signals::compute(index, query, dense_hits, options).fused(options);
    cross_checked(index, fused, options.cross_check_weight).scored
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
    /// When the cross-check moved this document up: the stronger match it agrees with and
    /// the mechanism they share.
    pub raised_by: Option<&'a RaisedBy>,
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

    fn context<'a>(&'a self, position: usize, raised_by: Option<&'a RaisedBy>) -> MatchContext<'a> {
        MatchContext {
            position,
            query_text: self.query_text,
            best_passage: self.best_passage.get(&position).map(String::as_str),
            query_mechanisms: &self.query_mechanisms,
            raised_by,
        }
    }
}

/// The stronger match a document was moved up for, and the mechanism they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RaisedBy {
    pub voter: usize,
    pub mechanism: usize,
}

/// A ranking after the cross-check, with the reason of every document it moved up.
struct CrossChecked {
    scored: Vec<Scored>,
    raised_by: HashMap<usize, RaisedBy>,
}

/// The cross-check of the leading candidates by mechanism. Documents that share the failure
/// mechanism (as recognised at import, [`crate::Index::build`]) tend to be relevant together,
/// so each of the first [`CROSS_CHECK_CANDIDATES`] is scored by how far its mechanisms agree
/// with those of the [`CROSS_CHECK_VOTERS`] strongest other matches (Jaccard overlap, each
/// voter weighted by `exp` of its fused score minus the best one's); that agreement is put in
/// standard units over the candidates and added at `weight`. The best match stays first and
/// no other candidate is shown above it; documents past the candidates keep their order.
/// Without mechanisms (a lexical index) nothing changes.
fn cross_checked(index: &Index, fused: Vec<Scored>, weight: f32) -> CrossChecked {
    let unchanged = |scored| CrossChecked {
        scored,
        raised_by: HashMap::new(),
    };
    if weight <= 0.0 || fused.len() < 2 {
        return unchanged(fused);
    }
    let candidates = fused.len().min(CROSS_CHECK_CANDIDATES);
    let voters = &fused[..fused.len().min(CROSS_CHECK_VOTERS)];
    let best = voters[0].score;
    let mechanisms = |s: &Scored| index.docs[s.position].mechanisms.as_slice();
    let support: Vec<f32> = fused[..candidates]
        .iter()
        .map(|c| {
            let (mut agreement, mut total) = (0.0, 0.0);
            for v in voters.iter().filter(|v| v.position != c.position) {
                let w = (v.score - best).exp();
                agreement += w * jaccard(mechanisms(c), mechanisms(v));
                total += w;
            }
            if total > 0.0 { agreement / total } else { 0.0 }
        })
        .collect();
    let z = standardized(&support);
    if z.iter().all(|&x| x == 0.0) {
        return unchanged(fused);
    }
    let top = fused[0].score;
    let mut raised_by = HashMap::new();
    let mut head: Vec<Scored> = fused[1..candidates]
        .iter()
        .zip(&z[1..])
        .map(|(c, &z)| {
            if z > 0.0
                && let Some(reason) = agreement_with(index, c.position, voters)
            {
                raised_by.insert(c.position, reason);
            }
            Scored {
                position: c.position,
                score: c.score + weight * z,
            }
        })
        .collect();
    head.sort_by(|a, b| b.score.total_cmp(&a.score));
    // Shown below the best match, so never scored above it.
    head.iter_mut().for_each(|s| s.score = s.score.min(top));
    let mut scored = Vec::with_capacity(fused.len());
    scored.push(fused[0].clone());
    scored.extend(head);
    scored.extend(fused[candidates..].iter().cloned());
    CrossChecked { scored, raised_by }
}

/// The strongest voter (other than the document) that shares a mechanism with it.
fn agreement_with(index: &Index, position: usize, voters: &[Scored]) -> Option<RaisedBy> {
    let own = &index.docs[position].mechanisms;
    voters
        .iter()
        .filter(|v| v.position != position)
        .find_map(|v| {
            own.iter()
                .find(|m| index.docs[v.position].mechanisms.contains(m))
                .map(|&mechanism| RaisedBy {
                    voter: v.position,
                    mechanism,
                })
        })
}

/// Shared elements over all distinct elements; 0 when either list is empty.
fn jaccard(a: &[usize], b: &[usize]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.iter().filter(|x| !a.contains(x)).count();
    shared as f32 / union as f32
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bm25::Bm25;
    use crate::index::IndexedDoc;
    use crate::postmortem::Postmortem;

    fn index(mechanisms: &[&[usize]]) -> Index {
        let docs = mechanisms
            .iter()
            .enumerate()
            .map(|(i, m)| IndexedDoc {
                doc: Postmortem {
                    id: format!("pm-{i}"),
                    ..Postmortem::default()
                },
                mechanisms: m.to_vec(),
            })
            .collect();
        Index::from_parts(docs, Bm25::default(), Vec::new()).unwrap()
    }

    fn fused(scores: &[f32]) -> Vec<Scored> {
        scores
            .iter()
            .enumerate()
            .map(|(position, &score)| Scored { position, score })
            .collect()
    }

    fn order(c: &CrossChecked) -> Vec<usize> {
        c.scored.iter().map(|s| s.position).collect()
    }

    #[test]
    fn candidates_of_the_leaders_mechanism_move_up_and_the_best_match_stays_first() {
        // The three leaders are dns failures (0); document 3 is another, 2 is not.
        let index = index(&[&[0, 1], &[0, 2], &[5, 6], &[0, 3], &[7, 8]]);
        let ranked = cross_checked(&index, fused(&[2.0, 1.9, 1.8, 1.7, 1.0]), 0.1);
        assert_eq!(order(&ranked), vec![0, 1, 3, 2, 4]);
        assert!(ranked.scored.iter().all(|s| s.score <= 2.0));
        let reason = ranked.raised_by[&3];
        assert_eq!((reason.voter, reason.mechanism), (0, 0));
        assert!(!ranked.raised_by.contains_key(&2));
    }

    #[test]
    fn without_mechanisms_or_weight_nothing_moves() {
        let scores = [2.0, 1.9, 1.8, 1.7];
        let lexical = index(&[&[], &[], &[], &[]]);
        assert_eq!(
            order(&cross_checked(&lexical, fused(&scores), 0.5)),
            vec![0, 1, 2, 3]
        );
        let known = index(&[&[0, 1], &[2, 3], &[2, 4], &[0, 1]]);
        let off = cross_checked(&known, fused(&scores), 0.0);
        assert_eq!(order(&off), vec![0, 1, 2, 3]);
        assert!(off.raised_by.is_empty());
    }

    #[test]
    fn jaccard_of_mechanism_lists() {
        assert_eq!(jaccard(&[1, 2], &[2, 3]), 1.0 / 3.0);
        assert_eq!(jaccard(&[1, 2], &[2, 1]), 1.0);
        assert_eq!(jaccard(&[], &[1]), 0.0);
    }
}
