//! Typed errors for loading the model and embedding text; each names the file at fault.

use std::path::PathBuf;

/// Everything that can go wrong while loading the model or embedding text.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file the model needs is not in the model directory.
    #[error("model file {path} is missing (run models/fetch.sh to obtain it)")]
    MissingFile {
        /// Where the file was expected.
        path: PathBuf,
    },

    /// A model file exists but could not be read.
    #[error("cannot read model file {path}: {source}")]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON configuration file does not have the expected fields.
    #[error("model config {path} is invalid: {source}")]
    Config {
        /// The JSON file at fault.
        path: PathBuf,
        /// What serde_json found wrong.
        #[source]
        source: serde_json::Error,
    },

    /// `tokenizer.json` could not be parsed or configured.
    #[error("tokenizer file {path} is invalid: {source}")]
    Tokenizer {
        /// The `tokenizer.json` file.
        path: PathBuf,
        /// The tokenizers library's error.
        #[source]
        source: tokenizers::Error,
    },

    /// `model.safetensors` does not hold the BERT weights the config describes.
    #[error("weights file {path} does not match the model config: {reason}")]
    Weights {
        /// The `model.safetensors` file.
        path: PathBuf,
        /// What is wrong: a missing tensor, a wrong shape or type, an unreadable header.
        reason: String,
    },

    /// The model's architecture is one this crate cannot build a graph for.
    #[error("model config {path}: {reason}")]
    Unsupported {
        /// The `config.json` file.
        path: PathBuf,
        /// Which setting is not supported.
        reason: String,
    },

    /// The ONNX Runtime library could not be loaded (missing, or a version without the
    /// API this crate needs).
    #[error("cannot load ONNX Runtime from {path}: {reason} (run models/fetch.sh to obtain it)")]
    Runtime {
        /// The shared library tried.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// The tokenizer rejected an input text.
    #[error("cannot tokenize input text: {source}")]
    Tokenize {
        /// The tokenizers library's error.
        #[source]
        source: tokenizers::Error,
    },

    /// Building the graph or running it failed inside ONNX Runtime.
    #[error("embedding inference failed: {source}")]
    Inference {
        /// ONNX Runtime's error.
        #[from]
        source: ort::Error,
    },
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
