//! Seen-before retrieval: finds the past incidents and postmortems most similar to a query or an
//! open incident, and the layout of the index it reads ([`stored`]). Shared by the plugin
//! (`plugins/seen-before`, which reads the index in the sandbox) and the host (which builds it
//! at `rhyme corpus import`).
//!
//! Pure retrieval, no host dependencies: the host supplies embeddings (its `embed`
//! capability) and dense similarities (its `vector-search` capability), this crate does the
//! rest.
//!
//! 1. Cut each postmortem into [`passages`]; the host embeds and stores them, and embeds the
//!    [`MECHANISMS`] catalogue (descriptions and symptoms).
//! 2. [`Index::build`] recognises each postmortem's failure mechanisms and indexes its text
//!    for BM25, extended with the symptoms those mechanisms produce.
//! 3. For a question (free text, or an open incident through [`IncidentQuestion`]), [`rank`] extends the query with the vocabulary of the mechanisms its
//!    symptoms suggest, fuses BM25 with the host's passage similarities, and explains each
//!    match: what broke, the fix or lesson, and why it matched.
//!
//! ```
//! use seen_before_index::{Index, Postmortem, Query, RankOptions, rank};
//!
//! let docs = vec![Postmortem {
//!     id: "pm-1".into(),
//!     title: Some("Expired TLS certificate took down the API".into()),
//!     summary: Some("The API certificate expired and clients failed the handshake. We now alert before expiry.".into()),
//!     ..Postmortem::default()
//! }];
//! let index = Index::lexical(docs)?;
//! let matches = rank(&index, Query { text: "handshake errors on the API", vector: None }, &[], &RankOptions::default());
//! assert_eq!(matches[0].id, "pm-1");
//! assert!(matches[0].why.shared_terms.contains(&"handshake".to_string()));
//! # Ok::<(), seen_before_index::IndexError>(())
//! ```

mod bm25;
mod chat;
mod explain;
mod incident;
mod index;
mod mechanisms;
mod passages;
mod postmortem;
mod rank;
pub mod stored;
mod text;
mod vector;

pub use bm25::Bm25;
pub use chat::without_chat_markup;
pub use explain::{Match, SameFailureAs, Why};
pub use incident::{IncidentQuestion, MAX_QUESTION_CHARS, TIMELINE_ENTRIES};
pub use index::{Embeddings, Index, IndexError, IndexedDoc, MECHANISMS_PER_DOC};
pub use mechanisms::{MECHANISMS, Mechanism};
pub use passages::{CHUNK_WORDS, Passage, doc_id_of, passages};
pub use postmortem::Postmortem;
pub use rank::{
    CROSS_CHECK_CANDIDATES, CROSS_CHECK_VOTERS, DENSE_HITS_WANTED, DenseHit, Query, RankOptions,
    Scored, lexical_terms, rank, scores,
};
pub use text::terms;
