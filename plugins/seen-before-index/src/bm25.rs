//! Okapi BM25 over whole documents, kept as an inverted index so that it can be serialised
//! with the rest of the plugin's index and scored without re-reading the corpus.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Term-frequency saturation: the usual value.
const K1: f32 = 1.2;
/// Length normalisation: the usual value; long write-ups should not win by length alone.
const B: f32 = 0.75;

/// An inverted index over a fixed list of documents (addressed by position).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bm25 {
    /// term -> (document position, occurrences), one entry per document holding the term.
    postings: HashMap<String, Vec<(u32, u32)>>,
    doc_lengths: Vec<u32>,
    average_length: f32,
}

impl Bm25 {
    /// Indexes documents given as term lists (see [`crate::text::terms`]).
    pub fn build(docs: &[Vec<String>]) -> Self {
        let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        for (position, terms) in docs.iter().enumerate() {
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for term in terms {
                *counts.entry(term).or_default() += 1;
            }
            for (term, count) in counts {
                postings
                    .entry(term.to_string())
                    .or_default()
                    .push((position as u32, count));
            }
        }
        let doc_lengths: Vec<u32> = docs.iter().map(|d| d.len() as u32).collect();
        let total: u64 = doc_lengths.iter().map(|&l| u64::from(l)).sum();
        Self {
            postings,
            average_length: total as f32 / docs.len().max(1) as f32,
            doc_lengths,
        }
    }

    /// An index holding only some terms' postings (the rest read as absent), over documents
    /// of the given lengths: what one query needs, read back from storage.
    pub fn from_parts(postings: HashMap<String, Vec<(u32, u32)>>, doc_lengths: Vec<u32>) -> Self {
        let total: u64 = doc_lengths.iter().map(|&l| u64::from(l)).sum();
        Self {
            postings,
            average_length: total as f32 / doc_lengths.len().max(1) as f32,
            doc_lengths,
        }
    }

    /// Every indexed term with its postings: (document position, occurrences).
    pub fn postings(&self) -> impl Iterator<Item = (&str, &[(u32, u32)])> {
        self.postings
            .iter()
            .map(|(t, p)| (t.as_str(), p.as_slice()))
    }

    /// Length in terms of every document, by position.
    pub fn doc_lengths(&self) -> &[u32] {
        &self.doc_lengths
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.doc_lengths.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.doc_lengths.is_empty()
    }

    /// Inverse document frequency (the smoothed, always positive variant).
    pub fn idf(&self, term: &str) -> f32 {
        let n = self.len() as f32;
        let df = self.postings.get(term).map_or(0, Vec::len) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// BM25 score of every document for a bag of query terms, each with a weight (1 for the
    /// responder's own words, less for expansion terms). Repeated terms count repeatedly.
    pub fn scores(&self, query: &[(String, f32)]) -> Vec<f32> {
        let mut out = vec![0.0; self.len()];
        for (term, weight) in query {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            let idf = self.idf(term);
            for &(doc, tf) in postings {
                let tf = tf as f32;
                let length = self.doc_lengths[doc as usize] as f32 / self.average_length;
                let saturation = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length));
                out[doc as usize] += weight * idf * saturation;
            }
        }
        out
    }

    /// True when `term` occurs in document `position`.
    pub fn contains(&self, position: usize, term: &str) -> bool {
        self.postings
            .get(term)
            .is_some_and(|p| p.iter().any(|&(doc, _)| doc as usize == position))
    }
}

/// Each term with weight 1.
pub(crate) fn unweighted(terms: Vec<String>) -> Vec<(String, f32)> {
    terms.into_iter().map(|t| (t, 1.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(texts: &[&str]) -> Vec<Vec<String>> {
        texts
            .iter()
            .map(|t| t.split(' ').map(String::from).collect())
            .collect()
    }

    #[test]
    fn rarer_terms_and_matches_score_higher() {
        let index = Bm25::build(&docs(&["dns outage dns", "disk outage", "cpu outage"]));
        let s = index.scores(&unweighted(vec!["dns".into(), "outage".into()]));
        assert!(s[0] > s[1] && s[1] == s[2] && s[1] > 0.0);
        assert!(index.idf("dns") > index.idf("outage"));
        assert!(index.contains(0, "dns") && !index.contains(1, "dns"));
    }

    #[test]
    fn weights_scale_contributions() {
        let index = Bm25::build(&docs(&["dns", "disk"]));
        let full = index.scores(&[("dns".into(), 1.0)])[0];
        let half = index.scores(&[("dns".into(), 0.5)])[0];
        assert!((full - 2.0 * half).abs() < 1e-6);
    }
}
