//! Which `vector-search` backend an index opens on: Qdrant when the operator configured a
//! server ([`QdrantServer`]), the embedded exact index otherwise. Every place that opens an
//! index goes through [`open_index`], so one setting moves them all.

use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::exact_index::ExactIndex;
#[cfg(feature = "vectors-qdrant")]
use crate::qdrant_index::{QdrantIndex, QdrantSettings};
use rhyme_runtime::capability::backend::{BackendError, VectorIndex};

/// A Qdrant server to keep vectors in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdrantServer {
    /// Its gRPC address (e.g. `http://localhost:6334`).
    pub url: String,
    /// Its API key, when it has one.
    pub api_key: Option<String>,
}

/// How long an index lives.
#[derive(Debug, Clone)]
pub enum IndexHome {
    /// Kept in this folder (the data folder's `vectors/`). With Qdrant the folder only
    /// holds the name of the index's collections there, so that two data folders never
    /// share collections and every host using this folder finds the same ones.
    Folder(PathBuf),
    /// Only as long as the process (evaluations, benchmarks); with Qdrant the collections
    /// are deleted when the index is dropped.
    Process,
}

/// The index `name` (`corpus`, `eval`, `bench`): on `qdrant` when given, else exact.
pub fn open_index(
    name: &str,
    home: IndexHome,
    qdrant: Option<&QdrantServer>,
) -> Result<Arc<dyn VectorIndex>, BackendError> {
    #[cfg(not(feature = "vectors-qdrant"))]
    let _ = name;
    match (qdrant, home) {
        (None, IndexHome::Folder(dir)) => Ok(Arc::new(ExactIndex::open(dir))),
        (None, IndexHome::Process) => Ok(Arc::new(ExactIndex::in_memory())),
        #[cfg(not(feature = "vectors-qdrant"))]
        (Some(_), _) => Err(BackendError::Unavailable(
            "a Qdrant server is configured, but this rhyme was built without the `vectors-qdrant` feature".into(),
        )),
        #[cfg(feature = "vectors-qdrant")]
        (Some(server), home) => {
            let (index, ephemeral) = match home {
                IndexHome::Folder(dir) => (folder_index_name(name, &dir)?, false),
                IndexHome::Process => (unique_name(name), true),
            };
            Ok(Arc::new(QdrantIndex::connect(QdrantSettings {
                url: server.url.trim().to_string(),
                api_key: server.api_key.clone(),
                index,
                ephemeral,
            })?))
        }
    }
}

/// `rhyme-{name}-{12 hex}`, made once and kept in `dir/qdrant-index`.
#[cfg_attr(not(feature = "vectors-qdrant"), allow(dead_code))]
fn folder_index_name(name: &str, dir: &std::path::Path) -> Result<String, BackendError> {
    let file = dir.join("qdrant-index");
    match std::fs::read_to_string(&file) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(BackendError::Failed(format!("{}: {e}", file.display()))),
    }
    let chosen = unique_name(name);
    crate::exact_index::write_atomically(&file, format!("{chosen}\n").as_bytes())?;
    Ok(chosen)
}

/// A name no other index has: the process, the time and a counter, hashed.
#[cfg_attr(not(feature = "vectors-qdrant"), allow(dead_code))]
pub(crate) fn unique_name(name: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{}:{nanos}:{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    format!(
        "rhyme-{name}-{}",
        &hex::encode(Sha256::digest(seed.as_bytes()))[..12]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_keeps_its_qdrant_index_name() {
        let dir = tempfile::tempdir().unwrap();
        let first = folder_index_name("corpus", dir.path()).unwrap();
        assert!(first.starts_with("rhyme-corpus-"), "{first}");
        assert_eq!(folder_index_name("corpus", dir.path()).unwrap(), first);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(folder_index_name("corpus", other.path()).unwrap(), first);
    }
}
