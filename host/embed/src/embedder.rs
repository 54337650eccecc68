//! The embedder: tokenizer + BERT encoder + pooling, run on the CPU in batches.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Encoding, PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::error::{Error, Result};
use crate::files::{ModelFiles, read_json};
use crate::pooling::sentence_vectors;

/// Texts per forward pass. Larger batches amortise overhead but pad more; 32 is what
/// sentence-transformers uses by default.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// A loaded sentence-embedding model (all-MiniLM-L6-v2 or another BERT sentence model).
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dimension: usize,
    max_seq_len: usize,
    batch_size: usize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dimension", &self.dimension)
            .field("max_seq_len", &self.max_seq_len)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` (and, when present,
    /// `sentence_bert_config.json` for the truncation length) from `dir`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self> {
        let files = ModelFiles::in_dir(dir.as_ref())?;
        let config: Config = read_json(&files.config)?;
        let max_seq_len = files.max_seq_len()?.min(config.max_position_embeddings);
        let tokenizer = load_tokenizer(&files, max_seq_len)?;
        let device = Device::Cpu;
        crate::allocator::keep_model_buffers_in_the_heap();
        let model = load_weights(&files, &config, &device)?;
        Ok(Self {
            model,
            tokenizer,
            device,
            dimension: config.hidden_size,
            max_seq_len,
            batch_size: DEFAULT_BATCH_SIZE,
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
        // One question leaves little to give back; a corpus of passages leaves the peak.
        if texts.len() > 1 {
            crate::allocator::release_free_memory();
        }
        Ok(out)
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|source| Error::Tokenize { source })?;
        let ids = self.stack(&encodings, Encoding::get_ids)?;
        let type_ids = self.stack(&encodings, Encoding::get_type_ids)?;
        let mask = self.stack(&encodings, Encoding::get_attention_mask)?;
        let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?;
        Ok(sentence_vectors(&hidden, &mask)?)
    }

    /// Stacks one per-token field of equally padded encodings into a `[batch, tokens]` tensor.
    fn stack(&self, encodings: &[Encoding], field: fn(&Encoding) -> &[u32]) -> Result<Tensor> {
        let rows = encodings
            .iter()
            .map(|e| Tensor::new(field(e), &self.device))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Tensor::stack(&rows, 0)?)
    }
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

fn load_weights(files: &ModelFiles, config: &Config, device: &Device) -> Result<BertModel> {
    let path = &files.weights;
    let weights_error = |source| Error::Weights {
        path: path.clone(),
        source,
    };
    // SAFETY: the file is memory-mapped read-only; Rhyme never writes to model files while
    // running, and fetch.sh replaces them by rename, which leaves existing maps intact.
    let vb = unsafe {
        VarBuilder::from_mmaped_safetensors(std::slice::from_ref(path), DType::F32, device)
    }
    .map_err(weights_error)?;
    BertModel::load(vb, config).map_err(weights_error)
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
