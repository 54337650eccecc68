//! The embedder: tokenizer + BERT encoder + pooling, run on the CPU in batches.

use std::path::Path;
use std::sync::Mutex;

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;
use tokenizers::{Encoding, PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::error::{Error, Result};
use crate::files::{ModelFiles, read_json};
use crate::graph::{self, BertConfig};
use crate::pooling::sentence_vectors;
use crate::precision::Precision;
use crate::weights::Weights;

/// Texts per forward pass. Larger batches amortise overhead but pad more; 32 is what
/// sentence-transformers uses by default.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// A loaded sentence-embedding model (all-MiniLM-L6-v2 or another BERT sentence model).
pub struct Embedder {
    /// A session runs one batch at a time; its own threads share the batch's work.
    session: Mutex<Session>,
    tokenizer: Tokenizer,
    dimension: usize,
    max_seq_len: usize,
    batch_size: usize,
    precision: Precision,
    /// The model folder's name (`all-MiniLM-L6-v2`), part of [`Embedder::model_id`].
    model_name: String,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dimension", &self.dimension)
            .field("max_seq_len", &self.max_seq_len)
            .field("batch_size", &self.batch_size)
            .field("precision", &self.precision)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` (and, when present,
    /// `sentence_bert_config.json` for the truncation length) from `dir`, in the default
    /// precision ([`Precision::default`]).
    pub fn load(dir: impl AsRef<Path>) -> Result<Self> {
        Self::load_with_precision(dir, Precision::default())
    }

    /// As [`Embedder::load`], with the matrix products in `precision`.
    pub fn load_with_precision(dir: impl AsRef<Path>, precision: Precision) -> Result<Self> {
        let files = ModelFiles::in_dir(dir.as_ref())?;
        let config: BertConfig = read_json(&files.config)?;
        if let Some(reason) = config.unsupported() {
            return Err(Error::Unsupported {
                path: files.config.clone(),
                reason,
            });
        }
        let max_seq_len = files.max_seq_len()?.min(config.max_position_embeddings);
        let tokenizer = load_tokenizer(&files, max_seq_len)?;
        let session = load_session(&files, &config, precision)?;
        Ok(Self {
            session: Mutex::new(session),
            tokenizer,
            dimension: config.hidden_size,
            max_seq_len,
            batch_size: DEFAULT_BATCH_SIZE,
            precision,
            model_name: model_name(dir.as_ref()),
        })
    }

    /// Sets how many texts go through the model per forward pass (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Length of every vector [`Embedder::embed`] returns (384 for all-MiniLM-L6-v2).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The precision the encoder runs in.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// What made this embedder's vectors, for an index to record: vectors from two
    /// different models (or precisions of one model) must not be compared with each other.
    pub fn model_id(&self) -> String {
        format!(
            "{}/{}d/{}",
            self.model_name,
            self.dimension,
            self.precision.graph_id()
        )
    }

    /// Tokens per text beyond which input is truncated (special tokens included).
    pub fn max_seq_len(&self) -> usize {
        self.max_seq_len
    }

    /// One unit-length vector per text, in input order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        // Batching texts of similar length wastes less work on padding; the result is the
        // same because padding is masked out of attention and pooling.
        let order = order_by_length(texts);
        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (slot, vector) in chunk.iter().zip(self.embed_batch(&batch)?) {
                out[*slot] = vector;
            }
        }
        Ok(out)
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|source| Error::Tokenize { source })?;
        let batch = encodings.len();
        let mask = stack(&encodings, Encoding::get_attention_mask);
        let inputs = ort::inputs![
            "input_ids" => tensor(batch, stack(&encodings, Encoding::get_ids))?,
            "token_type_ids" => tensor(batch, stack(&encodings, Encoding::get_type_ids))?,
            "attention_mask" => tensor(batch, mask.clone())?,
        ];
        // A poisoned lock only means another call panicked mid-run; the session holds no
        // state between runs, so it is still good.
        let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let outputs = session.run(inputs)?;
        let (_, hidden) = outputs["last_hidden_state"].try_extract_tensor::<f32>()?;
        Ok(sentence_vectors(hidden, &mask, batch, self.dimension))
    }
}

/// One per-token field of equally padded encodings, row after row.
fn stack(encodings: &[Encoding], field: fn(&Encoding) -> &[u32]) -> Vec<i32> {
    // Token ids and masks are far below i32::MAX (the vocabulary has 30,522 entries).
    encodings
        .iter()
        .flat_map(|e| field(e).iter().map(|&v| v as i32))
        .collect()
}

/// A `[batch, tokens]` input tensor.
fn tensor(batch: usize, values: Vec<i32>) -> Result<Tensor<i32>> {
    let tokens = values.len() / batch.max(1);
    Ok(Tensor::from_array(([batch, tokens], values))?)
}

fn load_tokenizer(files: &ModelFiles, max_seq_len: usize) -> Result<Tokenizer> {
    let path = &files.tokenizer;
    let mut tokenizer = Tokenizer::from_file(path).map_err(|source| Error::Tokenizer {
        path: path.clone(),
        source,
    })?;
    // tokenizer.json ships with fixed padding to 128 and truncation at 128; sentence-
    // transformers instead pads to the longest text of the batch and truncates at
    // max_seq_length, so replace both.
    let truncation = TruncationParams {
        max_length: max_seq_len,
        ..TruncationParams::default()
    };
    tokenizer
        .with_truncation(Some(truncation))
        .map_err(|source| Error::Tokenizer {
            path: path.clone(),
            source,
        })?;
    let pad_id = tokenizer.get_padding().map_or(0, |p| p.pad_id);
    let pad_token = tokenizer
        .get_padding()
        .map_or_else(|| "[PAD]".to_string(), |p| p.pad_token.clone());
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        pad_id,
        pad_token,
        ..PaddingParams::default()
    }));
    Ok(tokenizer)
}

fn load_session(files: &ModelFiles, config: &BertConfig, precision: Precision) -> Result<Session> {
    let environment = crate::runtime::environment(&files.runtime)?;
    let weights = Weights::open(&files.weights)?;
    let model = graph::encoder(config, &weights, precision)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let builder = Session::builder(environment)?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(ort::Error::from)?
        .with_intra_threads(threads)
        .map_err(ort::Error::from)?
        // Worker threads sleep between batches instead of spinning: measured faster on two
        // cores (49 against 45 passages/s), and a server's plugins get the cores back.
        .with_intra_op_spinning(false)
        .map_err(ort::Error::from)?;
    Ok(model.into_session(&builder)?)
}

/// The last component of the model folder, or `model` for a path without one (`/`).
fn model_name(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map_or_else(|| "model".to_string(), |n| n.to_string_lossy().into_owned())
}

/// Indices of `texts`, shortest first (byte length is a good enough proxy for tokens).
fn order_by_length(texts: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedder_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Embedder>();
    }

    #[test]
    fn length_order_is_a_permutation_shortest_first() {
        let order = order_by_length(&["ccc", "a", "bb", ""]);
        assert_eq!(order, vec![3, 1, 2, 0]);
    }
}
