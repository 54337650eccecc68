//! The `embed` backend: all-MiniLM-L6-v2 run locally by rhyme-embed, loaded once per process.

use std::path::{Path, PathBuf};

use rhyme_runtime::capability::backend::{BackendError, Embedder};

pub use rhyme_embed::Precision;

/// Where the model's files are looked for when the operator named no folder: `models/` in the
/// working folder, then in the checkout the binary was built in (`target/release/rhyme`).
pub fn default_model_dir() -> PathBuf {
    let relative = Path::new("models").join(rhyme_embed::DEFAULT_MODEL_DIR_NAME);
    let beside_binary = std::env::current_exe().ok().and_then(|exe| {
        exe.parent()?
            .parent()?
            .parent()
            .map(|root| root.join(&relative))
    });
    match beside_binary {
        Some(dir) if !relative.exists() && dir.exists() => dir,
        _ => relative,
    }
}

/// The local model behind the `embed` capability.
pub struct LocalEmbedder {
    model: rhyme_embed::Embedder,
}

/// The model could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot load the embedding model from {dir}: {source} (run `make models` to fetch it, or name the folder: [model] dir in rhyme.toml, or RHYME_MODEL_DIR)"
)]
pub struct ModelMissing {
    /// The folder the model was looked for in.
    pub dir: PathBuf,
    /// Why loading failed, naming the file at fault.
    #[source]
    pub source: rhyme_embed::Error,
}

impl LocalEmbedder {
    /// Loads the model's files from `dir`, to run in `precision`.
    // Loaded once per process, so the large error is never on a hot path.
    #[allow(clippy::result_large_err)]
    pub fn load(dir: &Path, precision: Precision) -> Result<LocalEmbedder, ModelMissing> {
        let model =
            rhyme_embed::Embedder::load_with_precision(dir, precision).map_err(|source| {
                ModelMissing {
                    dir: dir.to_path_buf(),
                    source,
                }
            })?;
        Ok(LocalEmbedder { model })
    }
}

impl Embedder for LocalEmbedder {
    fn dimensions(&self) -> usize {
        self.model.dimension()
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        self.model
            .embed(&texts)
            .map_err(|e| BackendError::Failed(e.to_string()))
    }

    fn model(&self) -> String {
        self.model.model_id()
    }
}
