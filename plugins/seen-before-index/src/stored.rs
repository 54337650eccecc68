//! How an [`Index`] is laid out in the host's `vector-search` collections.
//!
//! Each plugin call runs in a fresh instance, so the plugin cannot keep its index in memory.
//! Reading the whole index back on every query would copy the corpus into the sandbox each
//! time; instead it is stored in pieces, keyed so that one query reads only what it needs:
//!
//! | collection | item id | vector | payload |
//! |---|---|---|---|
//! | [`PASSAGES`] | passage id `DOC#N` | the passage's embedding | fingerprint of its text |
//! | [`MECHANISM_SYMPTOMS`] | catalogue position | embedding of its symptoms | empty |
//! | [`MECHANISM_DESCRIPTIONS`] | catalogue position | embedding of its description | fingerprint |
//! | [`TERMS`] | a BM25 term | `[1.0]` | postings, `position:count` separated by spaces |
//! | [`DOCS`] | postmortem id | `[1.0]` | the postmortem as JSON |
//! | [`META`] | [`META_ID`] | `[1.0]` | [`Meta`] as JSON |
//!
//! A query then costs one `nearest` over the passages and four `get`s: the metadata, the
//! mechanism vectors, the postings of the query's terms, and the few postmortems shown.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bm25::Bm25;
use crate::index::{Index, IndexError, IndexedDoc};
use crate::postmortem::Postmortem;

/// Passage embeddings, searched with `nearest`.
pub const PASSAGES: &str = "passages";
/// Embeddings of each mechanism's symptoms, read back to recognise mechanisms in a query.
pub const MECHANISM_SYMPTOMS: &str = "mechanism-symptoms";
/// Embeddings of each mechanism's description, kept so that re-imports need not embed them.
pub const MECHANISM_DESCRIPTIONS: &str = "mechanism-descriptions";
/// BM25 postings, one item per term.
pub const TERMS: &str = "terms";
/// The postmortems, one item per id.
pub const DOCS: &str = "docs";
/// Corpus-wide figures, one item.
pub const META: &str = "meta";
/// The id of the one item in [`META`].
pub const META_ID: &str = "corpus";
/// Every collection the layout uses.
pub const COLLECTIONS: [&str; 6] = [
    PASSAGES,
    MECHANISM_SYMPTOMS,
    MECHANISM_DESCRIPTIONS,
    TERMS,
    DOCS,
    META,
];

/// The vector stored with items that are looked up by id only.
pub fn key_only_vector() -> Vec<f32> {
    vec![1.0]
}

/// An item for a collection: the same fields as the contract's `vector-search.item`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    pub id: String,
    pub vector: Vec<f32>,
    pub payload: String,
}

impl StoredItem {
    fn keyed(id: impl Into<String>, payload: String) -> Self {
        Self {
            id: id.into(),
            vector: key_only_vector(),
            payload,
        }
    }
}

/// What every query needs about the whole corpus.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Postmortem ids, by position (the positions postings refer to).
    pub doc_ids: Vec<String>,
    /// BM25 length of each postmortem, by position.
    pub doc_lengths: Vec<u32>,
    /// Mechanisms recognised in each postmortem, by position, closest first.
    pub mechanisms: Vec<Vec<usize>>,
}

/// The index's lexical side and documents as items. Passage and mechanism vectors are
/// written by whoever embedded them.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub meta: StoredItem,
    pub docs: Vec<StoredItem>,
    pub terms: Vec<StoredItem>,
}

/// Why stored items could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// A payload is not in the layout's format; the text names the item.
    Payload(String),
    Index(IndexError),
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Payload(m) => write!(f, "stored index: {m}"),
            Self::Index(e) => write!(f, "stored index: {e}"),
        }
    }
}

impl std::error::Error for LayoutError {}

/// Cuts an index into the items of [`TERMS`], [`DOCS`] and [`META`].
pub fn layout(index: &Index) -> Layout {
    let meta = Meta {
        doc_ids: index.docs.iter().map(|d| d.doc.id.clone()).collect(),
        doc_lengths: index.lexical.doc_lengths().to_vec(),
        mechanisms: index.docs.iter().map(|d| d.mechanisms.clone()).collect(),
    };
    let docs = index
        .docs
        .iter()
        .map(|d| StoredItem::keyed(&d.doc.id, serde_json::to_string(&d.doc).unwrap_or_default()))
        .collect();
    let terms = index
        .lexical
        .postings()
        .map(|(term, postings)| StoredItem::keyed(term, encode_postings(postings)))
        .collect();
    Layout {
        meta: StoredItem::keyed(META_ID, serde_json::to_string(&meta).unwrap_or_default()),
        docs,
        terms,
    }
}

/// Reads the [`META`] payload.
pub fn parse_meta(payload: &str) -> Result<Meta, LayoutError> {
    let meta: Meta =
        serde_json::from_str(payload).map_err(|e| LayoutError::Payload(format!("meta: {e}")))?;
    if meta.doc_lengths.len() != meta.doc_ids.len() || meta.mechanisms.len() != meta.doc_ids.len() {
        return Err(LayoutError::Payload(
            "meta: ids, lengths and mechanisms differ in number".into(),
        ));
    }
    Ok(meta)
}

/// Reads a [`DOCS`] payload.
pub fn parse_doc(id: &str, payload: &str) -> Result<Postmortem, LayoutError> {
    serde_json::from_str(payload).map_err(|e| LayoutError::Payload(format!("document {id}: {e}")))
}

/// An index holding everything [`crate::scores`] needs for a query whose terms' postings
/// are given (`(term, payload)` from [`TERMS`]): postmortems are only their ids until
/// [`Index::replace_doc`] fills in the ones to explain.
pub fn partial_index(
    meta: &Meta,
    postings: &[(String, String)],
    mechanism_symptoms: Vec<Vec<f32>>,
) -> Result<Index, LayoutError> {
    let mut table = HashMap::new();
    for (term, payload) in postings {
        table.insert(
            term.clone(),
            decode_postings(term, payload, meta.doc_ids.len())?,
        );
    }
    let docs = meta
        .doc_ids
        .iter()
        .zip(&meta.mechanisms)
        .map(|(id, mechanisms)| IndexedDoc {
            doc: Postmortem {
                id: id.clone(),
                ..Postmortem::default()
            },
            mechanisms: mechanisms.clone(),
        })
        .collect();
    let lexical = Bm25::from_parts(table, meta.doc_lengths.clone());
    Index::from_parts(docs, lexical, mechanism_symptoms).map_err(LayoutError::Index)
}

fn encode_postings(postings: &[(u32, u32)]) -> String {
    postings
        .iter()
        .map(|(d, n)| format!("{d}:{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_postings(term: &str, payload: &str, docs: usize) -> Result<Vec<(u32, u32)>, LayoutError> {
    let bad = || LayoutError::Payload(format!("postings of `{term}` are malformed"));
    payload
        .split_ascii_whitespace()
        .map(|pair| {
            let (d, n) = pair.split_once(':').ok_or_else(bad)?;
            let d: u32 = d.parse().map_err(|_| bad())?;
            let n: u32 = n.parse().map_err(|_| bad())?;
            if d as usize >= docs {
                return Err(bad());
            }
            Ok((d, n))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::{Query, RankOptions, rank, scores};

    fn doc(id: &str, title: &str, summary: &str) -> Postmortem {
        Postmortem {
            id: id.into(),
            title: Some(title.into()),
            summary: Some(summary.into()),
            ..Postmortem::default()
        }
    }

    #[test]
    fn a_query_read_back_from_items_ranks_and_explains_as_the_full_index() {
        let full = Index::lexical(vec![
            doc(
                "a",
                "Expired certificate",
                "The TLS certificate expired and handshakes failed.",
            ),
            doc(
                "b",
                "Disk full",
                "The database disk filled up and writes failed.",
            ),
            doc("c", "DNS", "A bad DNS record sent traffic nowhere."),
        ])
        .unwrap();
        let stored = layout(&full);
        let meta = parse_meta(&stored.meta.payload).unwrap();
        let text = "handshakes failed after the certificate expired";
        let needed =
            crate::rank::lexical_terms(&[], Query { text, vector: None }, &RankOptions::default());
        let postings: Vec<(String, String)> = stored
            .terms
            .iter()
            .filter(|t| needed.contains(&t.id))
            .map(|t| (t.id.clone(), t.payload.clone()))
            .collect();
        let mut partial = partial_index(&meta, &postings, Vec::new()).unwrap();
        let query = Query { text, vector: None };
        let options = RankOptions::default();
        assert_eq!(
            scores(&partial, query, &[], &options),
            scores(&full, query, &[], &options)
        );
        for d in &stored.docs {
            partial.replace_doc(parse_doc(&d.id, &d.payload).unwrap());
        }
        assert_eq!(
            rank(&partial, query, &[], &options),
            rank(&full, query, &[], &options)
        );
    }

    #[test]
    fn malformed_postings_are_reported_with_their_term() {
        let meta = Meta {
            doc_ids: vec!["a".into()],
            doc_lengths: vec![3],
            mechanisms: vec![vec![]],
        };
        let err = partial_index(&meta, &[("dns".into(), "7:1".into())], Vec::new()).unwrap_err();
        assert!(err.to_string().contains("`dns`"));
    }
}
