//! The "seen before?" evaluation set (`postmortems/corpus.jsonl` + `queries.jsonl`) and its
//! scoring.
//!
//! [`load_corpus`] and [`load_queries`] read the two files; [`score_query`] compares one
//! ranked list of corpus ids with a query's graded labels, and [`summarize`] averages the
//! per-query figures overall, on low-overlap queries (a responder describing symptoms in
//! words the relevant postmortems do not use), on high-overlap ones, and on the
//! symptom-style queries. Metrics follow the data README:
//!
//! - recall@5: relevant ids (grade >= 1) in the top 5, divided by `min(5, |relevant|)`;
//! - success@5: 1 when any relevant id is in the top 5;
//! - MRR: reciprocal rank of the first relevant id within the top 10 (0 if none);
//! - nDCG@10: gain `2^grade - 1`, discount `log2(rank + 1)`, normalised by the ideal order
//!   of the query's own labels.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use rhyme_core::jsonl::{self, JsonlError};
pub use rhyme_core::postmortem::Postmortem;

/// Ranks that count for MRR and nDCG.
pub const CUTOFF: usize = 10;
/// Ranks that count for recall and success.
pub const RECALL_AT: usize = 5;

/// One labelled query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Query {
    /// The query's id (`q-NNN`).
    pub id: String,
    /// The incident description, as a responder would type it. Also read from `text`, the
    /// name the external postmortem sets (`external/postmortems/queries.jsonl`) give it.
    #[serde(alias = "text")]
    pub query: String,
    /// Corpus id to grade: 2 = same mechanism or lesson, 1 = closely related.
    pub relevant: BTreeMap<String, u8>,
    /// The failure mechanism the query was written for (e.g. `expired-certificate`).
    #[serde(default)]
    pub archetype: Option<String>,
    /// `low` or `high`.
    #[serde(default)]
    pub lexical_overlap: Option<String>,
    /// Highest share, over grade-2 entries, of the query's content words in the entry's
    /// title and summary.
    #[serde(default)]
    pub lexical_overlap_score: Option<f64>,
    /// `symptom` for a responder's first description of what they see.
    #[serde(default)]
    pub style: Option<String>,
}

impl Query {
    /// True when the query shares few words with its relevant postmortems.
    pub fn is_low_overlap(&self) -> bool {
        self.lexical_overlap.as_deref() == Some("low")
    }

    /// True for symptom-style queries.
    pub fn is_symptom_style(&self) -> bool {
        self.style.as_deref() == Some("symptom")
    }
}

/// Why a file could not be read or a prediction could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum SeenBeforeError {
    /// The corpus or queries file could not be read, has a bad line, or repeats an id.
    #[error(transparent)]
    File(#[from] JsonlError),
    /// A query has an empty `relevant` map.
    #[error("{path}:{line}: query {id} has no relevant ids")]
    NoRelevant {
        /// The queries file.
        path: PathBuf,
        /// 1-based line number of the query.
        line: usize,
        /// The query's id.
        id: String,
    },
    /// A ranking names the same corpus id twice within its first ten ids.
    #[error("query {id}: ranked list names {doc} twice")]
    RepeatedInRanking {
        /// The query's id.
        id: String,
        /// The corpus id that appears twice.
        doc: String,
    },
}

/// Reads `corpus.jsonl` (see `rhyme_core::postmortem`).
pub fn load_corpus(path: &Path) -> Result<Vec<Postmortem>, SeenBeforeError> {
    Ok(rhyme_core::postmortem::load_corpus(path)?)
}

/// Reads `queries.jsonl`: one query per non-empty line, ids unique, each with labels.
pub fn load_queries(path: &Path) -> Result<Vec<Query>, SeenBeforeError> {
    let items: Vec<(usize, Query)> = jsonl::read(path)?;
    jsonl::check_unique(path, items.iter().map(|(line, q)| (*line, q.id.as_str())))?;
    if let Some((line, q)) = items.iter().find(|(_, q)| q.relevant.is_empty()) {
        return Err(SeenBeforeError::NoRelevant {
            path: path.to_path_buf(),
            line: *line,
            id: q.id.clone(),
        });
    }
    Ok(items.into_iter().map(|(_, q)| q).collect())
}

/// The per-query line of `rhyme eval seen-before`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    /// The query's id.
    pub id: String,
    /// The first ten ids of the ranking that was scored.
    pub ranked: Vec<String>,
    /// Relevant ids in the top 5, divided by `min(5, |relevant|)`.
    pub recall_at_5: f64,
    /// 1 when any relevant id is in the top 5, else 0.
    pub success_at_5: f64,
    /// `1 / rank` of the first relevant id within the top 10; 0 when there is none.
    pub reciprocal_rank: f64,
    /// DCG of the top 10 (gain `2^grade - 1`, discount `log2(rank + 1)`) over the ideal DCG.
    pub ndcg_at_10: f64,
    /// Whether the query is labelled low-overlap.
    pub low_overlap: bool,
    /// Whether the query is symptom-style.
    pub symptom_style: bool,
}

/// Scores one ranking (best first; only the first ten ids count) against a query's labels.
pub fn score_query(query: &Query, ranked: &[String]) -> Result<ItemScore, SeenBeforeError> {
    let top: Vec<String> = ranked.iter().take(CUTOFF).cloned().collect();
    if let Some(doc) = first_repeat(&top) {
        return Err(SeenBeforeError::RepeatedInRanking {
            id: query.id.clone(),
            doc: doc.to_string(),
        });
    }
    let grade = |doc: &String| query.relevant.get(doc).copied().unwrap_or(0);
    let hits_at_5 = top.iter().take(RECALL_AT).filter(|d| grade(d) > 0).count();
    let first_hit = top.iter().position(|d| grade(d) > 0);
    Ok(ItemScore {
        id: query.id.clone(),
        recall_at_5: hits_at_5 as f64 / query.relevant.len().min(RECALL_AT) as f64,
        success_at_5: if hits_at_5 > 0 { 1.0 } else { 0.0 },
        reciprocal_rank: first_hit.map_or(0.0, |rank| 1.0 / (rank + 1) as f64),
        ndcg_at_10: ndcg(&top.iter().map(grade).collect::<Vec<_>>(), &query.relevant),
        low_overlap: query.is_low_overlap(),
        symptom_style: query.is_symptom_style(),
        ranked: top,
    })
}

fn first_repeat(ids: &[String]) -> Option<&str> {
    let mut seen = HashSet::new();
    ids.iter()
        .find(|id| !seen.insert(id.as_str()))
        .map(String::as_str)
}

fn dcg(grades: impl Iterator<Item = u8>) -> f64 {
    grades
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, g)| (2f64.powi(i32::from(g)) - 1.0) / (rank as f64 + 2.0).log2())
        .sum()
}

fn ndcg(grades_in_rank_order: &[u8], labels: &BTreeMap<String, u8>) -> f64 {
    let mut ideal: Vec<u8> = labels.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(ideal.into_iter());
    if best == 0.0 {
        return 0.0;
    }
    dcg(grades_in_rank_order.iter().copied()) / best
}

/// Mean figures over a group of queries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Number of queries in the group.
    pub n: usize,
    /// Mean recall@5 over the group.
    pub recall_at_5: f64,
    /// Share of the group's queries with a relevant id in the top 5.
    pub success_at_5: f64,
    /// Mean reciprocal rank (within the top 10) over the group.
    pub mrr: f64,
    /// Mean nDCG@10 over the group.
    pub ndcg_at_10: f64,
}

impl Metrics {
    /// Averages the given per-query scores (all zero for an empty group).
    pub fn of<'a>(items: impl IntoIterator<Item = &'a ItemScore>) -> Self {
        let items: Vec<&ItemScore> = items.into_iter().collect();
        let n = items.len();
        let mean = |f: fn(&ItemScore) -> f64| {
            if n == 0 {
                0.0
            } else {
                items.iter().map(|i| f(i)).sum::<f64>() / n as f64
            }
        };
        Self {
            n,
            recall_at_5: mean(|i| i.recall_at_5),
            success_at_5: mean(|i| i.success_at_5),
            mrr: mean(|i| i.reciprocal_rank),
            ndcg_at_10: mean(|i| i.ndcg_at_10),
        }
    }
}

/// The `{"summary": ...}` line of `rhyme eval seen-before`: overall figures at the top level,
/// then the same figures per query group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Figures over every query (serialised flat, at the top level).
    #[serde(flatten)]
    pub all: Metrics,
    /// Figures over the low-overlap queries.
    pub low_overlap: Metrics,
    /// Figures over every query not labelled low-overlap.
    pub high_overlap: Metrics,
    /// Figures over the symptom-style queries.
    pub symptom_style: Metrics,
}

/// Summarises per-query scores overall and per group.
pub fn summarize(items: &[ItemScore]) -> Summary {
    Summary {
        all: Metrics::of(items),
        low_overlap: Metrics::of(items.iter().filter(|i| i.low_overlap)),
        high_overlap: Metrics::of(items.iter().filter(|i| !i.low_overlap)),
        symptom_style: Metrics::of(items.iter().filter(|i| i.symptom_style)),
    }
}

/// Scores every query with `rank` (the system under test) and returns the per-query lines.
pub fn evaluate<E>(
    queries: &[Query],
    mut rank: impl FnMut(&Query) -> Result<Vec<String>, E>,
) -> Result<Vec<ItemScore>, EvalError<E>> {
    queries
        .iter()
        .map(|q| {
            let ranked = rank(q).map_err(EvalError::Ranker)?;
            score_query(q, &ranked).map_err(EvalError::Scoring)
        })
        .collect()
}

/// A failure of [`evaluate`]: either the system under test or the scoring.
#[derive(Debug, thiserror::Error)]
pub enum EvalError<E> {
    /// The system under test failed to rank a query.
    #[error("ranking failed: {0}")]
    Ranker(E),
    /// A ranking could not be scored (e.g. it repeats an id).
    #[error(transparent)]
    Scoring(SeenBeforeError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(relevant: &[(&str, u8)], overlap: &str) -> Query {
        Query {
            id: "q".into(),
            query: "text".into(),
            relevant: relevant.iter().map(|(d, g)| (d.to_string(), *g)).collect(),
            archetype: None,
            lexical_overlap: Some(overlap.into()),
            lexical_overlap_score: None,
            style: None,
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn perfect_ranking_scores_one_everywhere() {
        let q = query(&[("a", 2), ("b", 1)], "high");
        let s = score_query(&q, &ids(&["a", "b", "x"])).unwrap();
        assert_eq!(
            (s.recall_at_5, s.success_at_5, s.reciprocal_rank),
            (1.0, 1.0, 1.0)
        );
        assert!((s.ndcg_at_10 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn graded_order_matters_for_ndcg_only() {
        let q = query(&[("a", 2), ("b", 1)], "high");
        let s = score_query(&q, &ids(&["b", "a"])).unwrap();
        assert_eq!((s.recall_at_5, s.reciprocal_rank), (1.0, 1.0));
        // dcg = 1/log2(2) + 3/log2(3); ideal = 3/log2(2) + 1/log2(3).
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((s.ndcg_at_10 - expected).abs() < 1e-12);
    }

    #[test]
    fn recall_divides_by_at_most_five_and_mrr_stops_at_ten() {
        let relevant: Vec<(String, u8)> = (0..7).map(|i| (format!("r{i}"), 1)).collect();
        let refs: Vec<(&str, u8)> = relevant.iter().map(|(d, g)| (d.as_str(), *g)).collect();
        let q = query(&refs, "low");
        let s = score_query(&q, &ids(&["x", "r0", "r1", "y", "z", "r2"])).unwrap();
        assert!((s.recall_at_5 - 2.0 / 5.0).abs() < 1e-12);
        assert_eq!(s.reciprocal_rank, 0.5);
        let late: Vec<String> = (0..10)
            .map(|i| format!("x{i}"))
            .chain(["r0".into()])
            .collect();
        assert_eq!(score_query(&q, &late).unwrap().reciprocal_rank, 0.0);
    }

    #[test]
    fn repeated_ids_are_rejected() {
        let q = query(&[("a", 2)], "high");
        let err = score_query(&q, &ids(&["a", "a"])).unwrap_err();
        assert!(err.to_string().contains("names a twice"));
    }

    #[test]
    fn summary_splits_by_overlap() {
        let hit = score_query(&query(&[("a", 2)], "high"), &ids(&["a"])).unwrap();
        let miss = score_query(&query(&[("a", 2)], "low"), &ids(&["b"])).unwrap();
        let summary = summarize(&[hit, miss]);
        assert_eq!(summary.all.n, 2);
        assert_eq!(summary.all.mrr, 0.5);
        assert_eq!(summary.low_overlap.mrr, 0.0);
        assert_eq!(summary.high_overlap.mrr, 1.0);
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["mrr"], 0.5);
        assert_eq!(json["low_overlap"]["n"], 1);
    }

    #[test]
    fn the_question_is_read_from_query_or_text() {
        for field in ["query", "text"] {
            let line =
                format!(r#"{{"id": "q-1", "{field}": "disk full", "relevant": {{"pm-1": 2}}}}"#);
            let q: Query = serde_json::from_str(&line).unwrap();
            assert_eq!(q.query, "disk full", "{field}");
            assert!(!q.is_low_overlap() && q.archetype.is_none());
        }
        let both = r#"{"id": "q-1", "query": "a", "text": "b", "relevant": {"pm-1": 2}}"#;
        assert!(
            serde_json::from_str::<Query>(both).is_err(),
            "two questions in one line"
        );
    }

    #[test]
    fn shared_data_loads_when_present() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/postmortems");
        if !dir.is_dir() {
            eprintln!("skipping: {} not found", dir.display());
            return;
        }
        let corpus = load_corpus(&dir.join("corpus.jsonl")).unwrap();
        let queries = load_queries(&dir.join("queries.jsonl")).unwrap();
        let known: HashSet<&str> = corpus.iter().map(|p| p.id.as_str()).collect();
        assert!(corpus.len() > 100 && !queries.is_empty());
        for q in &queries {
            assert!(
                q.relevant.keys().all(|id| known.contains(id.as_str())),
                "{}",
                q.id
            );
        }
        let external = dir.join("../external/postmortems/queries.jsonl");
        if external.is_file() {
            let queries = load_queries(&external).unwrap();
            assert!(queries.iter().all(|q| !q.query.is_empty()));
        }
    }
}
