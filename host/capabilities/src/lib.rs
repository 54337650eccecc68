//! Backends of Rhyme's host capabilities, each behind a cargo feature (all on by default), each
//! implementing a trait of `rhyme_runtime::capability::backend`. The vector indexes and the
//! chat endpoint are async (awaited by the plugin call); the embedder computes in place.
//!
//! | module | capability | feature |
//! |---|---|---|
//! | [`exact_index`] | `vector-search`: exact cosine search, one file per collection | always |
//! | `qdrant_index` | `vector-search` on a Qdrant server | `vectors-qdrant` |
//! | [`vectors`] | which index a name opens on (Qdrant when configured, else exact) | always |
//! | [`versioned`] | imports switched over atomically, throwaway collections swept (for Qdrant) | always |
//! | `local_embedder` | `embed`: all-MiniLM-L6-v2 in-process | `embed-local` |
//! | `openai_chat` | `llm`: an OpenAI-compatible chat-completions endpoint | `llm-openai` |

#![warn(missing_docs)]

pub mod exact_index;
#[cfg(test)]
mod index_conformance;
#[cfg(feature = "embed-local")]
pub mod local_embedder;
#[cfg(feature = "llm-openai")]
pub mod openai_chat;
#[cfg(feature = "vectors-qdrant")]
pub mod qdrant_index;
pub mod vectors;
pub mod versioned;
