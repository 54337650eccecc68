//! The plugin's persistent index: the postmortems, a BM25 index over their text, and for
//! each postmortem the failure mechanisms it most resembles.
//!
//! With embeddings (from the host's `embed` capability) each postmortem is matched against
//! the [mechanism catalogue](crate::mechanisms) and its text is extended with the symptoms
//! of its closest mechanisms, so that a responder's description of symptoms finds it. Without
//! embeddings the index is plain BM25. The whole index is serde-serialisable.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bm25::Bm25;
use crate::mechanisms::MECHANISMS;
use crate::passages::{is_head, passages};
use crate::postmortem::Postmortem;
use crate::text::terms;
use crate::vector::{dot, mean, normalized, top_k};

/// Mechanisms attached to each postmortem. Two covers a primary cause and a contributing one
/// (a certificate expiry that became a cascading outage) without diluting either.
pub const MECHANISMS_PER_DOC: usize = 2;

/// Vectors the index is built from, all from the same embedding model.
#[derive(Debug, Clone, Default)]
pub struct Embeddings {
    /// One vector per passage, keyed by passage id (see [`crate::passages::passages`]).
    pub passages: HashMap<String, Vec<f32>>,
    /// One vector per [`MECHANISMS`] entry, of [`crate::Mechanism::description`], in order.
    pub mechanism_descriptions: Vec<Vec<f32>>,
    /// One vector per [`MECHANISMS`] entry, of its `symptoms` text, in order.
    pub mechanism_symptoms: Vec<Vec<f32>>,
}

/// Why an index could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    /// The number of mechanism vectors does not match the catalogue.
    MechanismVectors { expected: usize, got: usize },
    /// Two postmortems share an id.
    DuplicateId(String),
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MechanismVectors { expected, got } => {
                write!(
                    f,
                    "expected {expected} mechanism vectors (one per catalogue entry), got {got}"
                )
            }
            Self::DuplicateId(id) => write!(f, "postmortem id {id} appears twice"),
        }
    }
}

impl std::error::Error for IndexError {}

/// A postmortem as stored in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedDoc {
    pub doc: Postmortem,
    /// Positions in [`MECHANISMS`], closest first; empty for a lexical-only index.
    pub mechanisms: Vec<usize>,
}

/// Everything ranking needs, serialisable so that the host can persist it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub docs: Vec<IndexedDoc>,
    pub lexical: Bm25,
    /// Symptom vectors of the catalogue, to recognise mechanisms in a query; empty for a
    /// lexical-only index.
    pub mechanism_symptoms: Vec<Vec<f32>>,
    positions: HashMap<String, usize>,
}

impl Index {
    /// Plain BM25 over title, summaries and text: no embeddings, no mechanism knowledge.
    pub fn lexical(docs: Vec<Postmortem>) -> Result<Self, IndexError> {
        let docs = docs
            .into_iter()
            .map(|doc| IndexedDoc {
                doc,
                mechanisms: Vec::new(),
            })
            .collect();
        Self::assemble(docs, Vec::new())
    }

    /// The full index: mechanisms recognised from the passage vectors, text extended with
    /// their symptoms. Postmortems without passage vectors get no mechanisms.
    pub fn build(docs: Vec<Postmortem>, vectors: &Embeddings) -> Result<Self, IndexError> {
        for got in [
            vectors.mechanism_descriptions.len(),
            vectors.mechanism_symptoms.len(),
        ] {
            if got != MECHANISMS.len() {
                return Err(IndexError::MechanismVectors {
                    expected: MECHANISMS.len(),
                    got,
                });
            }
        }
        let docs = docs
            .into_iter()
            .map(|doc| {
                let mechanisms = closest_mechanisms(&doc, vectors);
                IndexedDoc { doc, mechanisms }
            })
            .collect();
        Self::assemble(docs, vectors.mechanism_symptoms.clone())
    }

    /// An index from parts already computed (a BM25 index possibly holding only the terms one
    /// query needs, see [`crate::stored`]). Fails when two documents share an id.
    pub fn from_parts(
        docs: Vec<IndexedDoc>,
        lexical: Bm25,
        mechanism_symptoms: Vec<Vec<f32>>,
    ) -> Result<Self, IndexError> {
        let mut positions = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            if positions.insert(d.doc.id.clone(), i).is_some() {
                return Err(IndexError::DuplicateId(d.doc.id.clone()));
            }
        }
        Ok(Self {
            docs,
            lexical,
            mechanism_symptoms,
            positions,
        })
    }

    fn assemble(
        docs: Vec<IndexedDoc>,
        mechanism_symptoms: Vec<Vec<f32>>,
    ) -> Result<Self, IndexError> {
        let lexical = Bm25::build(&docs.iter().map(indexed_terms).collect::<Vec<_>>());
        Self::from_parts(docs, lexical, mechanism_symptoms)
    }

    /// Position of a postmortem id in [`Index::docs`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Puts the full text of a postmortem in place of what the index held for its id (see
    /// [`crate::stored::partial_index`]); an unknown id changes nothing.
    pub fn replace_doc(&mut self, doc: Postmortem) {
        if let Some(position) = self.position(&doc.id) {
            self.docs[position].doc = doc;
        }
    }

    /// True when the index carries mechanism knowledge (it was built with embeddings).
    pub fn has_mechanisms(&self) -> bool {
        !self.mechanism_symptoms.is_empty()
    }
}

/// The postmortem's own terms plus the symptom words of its mechanisms.
fn indexed_terms(d: &IndexedDoc) -> Vec<String> {
    let mut out = terms(&d.doc.all_text());
    for &m in &d.mechanisms {
        out.extend(terms(MECHANISMS[m].symptoms));
    }
    out
}

/// The document's vector (its head passage averaged with the mean of all its passages, so
/// both the summary and the details count) compared with every mechanism description.
fn closest_mechanisms(doc: &Postmortem, vectors: &Embeddings) -> Vec<usize> {
    let ids: Vec<String> = passages(doc).into_iter().map(|p| p.id).collect();
    let found: Vec<(&String, &Vec<f32>)> = ids
        .iter()
        .filter_map(|id| vectors.passages.get(id).map(|v| (id, v)))
        .collect();
    let Some(head) = found
        .iter()
        .find(|(id, _)| is_head(id))
        .map(|(_, v)| v.as_slice())
    else {
        return Vec::new();
    };
    let all: Vec<&[f32]> = found.iter().map(|(_, v)| v.as_slice()).collect();
    let centroid = normalized(mean(&all));
    let doc_vector = mean(&[head, &centroid]);
    let similarities: Vec<f32> = vectors
        .mechanism_descriptions
        .iter()
        .map(|m| dot(&doc_vector, m))
        .collect();
    top_k(&similarities, MECHANISMS_PER_DOC)
}
