//! Locating and reading the files of a sentence-transformers model directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// sentence-transformers' own default when `sentence_bert_config.json` is absent is the
/// tokenizer's limit; all-MiniLM-L6-v2 ships 256, so that is the value we fall back to.
pub const DEFAULT_MAX_SEQ_LEN: usize = 256;

/// Paths of the files an [`crate::Embedder`] loads from one model directory.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// `config.json`: the BERT architecture (layers, hidden size, vocabulary).
    pub config: PathBuf,
    /// `tokenizer.json`: the Hugging Face tokenizer definition.
    pub tokenizer: PathBuf,
    /// `model.safetensors`: the model's weights.
    pub weights: PathBuf,
    /// Optional: carries `max_seq_length`, the truncation length sentence-transformers uses.
    pub sentence_config: PathBuf,
    /// The ONNX Runtime shared library that runs the model: `libonnxruntime.so` in the model
    /// directory, or in `onnxruntime/` beside it (where `models/fetch.sh` puts it).
    pub runtime: PathBuf,
}

/// File name of the ONNX Runtime library [`ModelFiles`] looks for.
pub const RUNTIME_LIBRARY: &str = "libonnxruntime.so";

impl ModelFiles {
    /// The standard file names inside `dir`; checks that the required ones exist.
    pub fn in_dir(dir: &Path) -> Result<Self> {
        let files = Self {
            config: dir.join("config.json"),
            tokenizer: dir.join("tokenizer.json"),
            weights: dir.join("model.safetensors"),
            sentence_config: dir.join("sentence_bert_config.json"),
            runtime: runtime_library(dir),
        };
        for path in [
            &files.config,
            &files.tokenizer,
            &files.weights,
            &files.runtime,
        ] {
            if !path.is_file() {
                return Err(Error::MissingFile { path: path.clone() });
            }
        }
        Ok(files)
    }

    /// The maximum number of tokens (special tokens included) fed to the model.
    pub fn max_seq_len(&self) -> Result<usize> {
        #[derive(Deserialize)]
        struct SentenceConfig {
            max_seq_length: usize,
        }
        if !self.sentence_config.is_file() {
            return Ok(DEFAULT_MAX_SEQ_LEN);
        }
        let parsed: SentenceConfig = read_json(&self.sentence_config)?;
        Ok(parsed.max_seq_length)
    }
}

/// The model directory's own copy of the runtime when it has one, else the shared one beside
/// it; when neither exists the shared path is returned, so the error names where it belongs.
fn runtime_library(dir: &Path) -> PathBuf {
    let own = dir.join(RUNTIME_LIBRARY);
    if own.is_file() {
        return own;
    }
    let beside = dir.parent().unwrap_or(dir).join("onnxruntime");
    beside.join(RUNTIME_LIBRARY)
}

/// Reads and parses one JSON file, naming it in any error.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::Config {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directory_names_the_first_missing_file() {
        let err = ModelFiles::in_dir(Path::new("/nonexistent/model")).unwrap_err();
        assert!(matches!(&err, Error::MissingFile { path } if path.ends_with("config.json")));
        assert!(err.to_string().contains("/nonexistent/model/config.json"));
    }
}
