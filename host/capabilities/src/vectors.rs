//! Which `vector-search` backend an index opens on: Qdrant when the operator configured a
//! server ([`QdrantServer`]), the embedded exact index otherwise. Every place that opens an
//! index goes through [`open_index`], so one setting moves them all.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::exact_index::ExactIndex;
use rhyme_runtime::capability::backend::{BackendError, VectorIndex};

/// How long a read may take by default: a question makes a few, and a person waits.
pub const DEFAULT_QUESTION_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a write may take by default: an import sends batches of hundreds of vectors.
pub const DEFAULT_IMPORT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Qdrant server to keep vectors in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QdrantServer {
    /// Its gRPC address (e.g. `http://localhost:6334`).
    pub url: String,
    /// Its API key, when it has one.
    pub api_key: Option<String>,
    /// Deadline of each read (questions); past it, the index is `unavailable`.
    pub question_timeout: Duration,
    /// Deadline of each write (imports).
    pub import_timeout: Duration,
}

impl QdrantServer {
    /// The server at `url`, with the default deadlines.
    pub fn new(url: impl Into<String>, api_key: Option<String>) -> QdrantServer {
        QdrantServer {
            url: url.into(),
            api_key,
            question_timeout: DEFAULT_QUESTION_TIMEOUT,
            import_timeout: DEFAULT_IMPORT_TIMEOUT,
        }
    }
}

/// How long an index lives.
#[derive(Debug, Clone)]
pub enum IndexHome {
    /// Kept in this folder (the data folder's `vectors/`). With Qdrant the folder only
    /// holds the name of the index's collections there (`qdrant-index`, written by the
    /// first import), so that two data folders never share collections and every host using
    /// this folder finds the same ones.
    Folder(PathBuf),
    /// Only as long as the process (evaluations, benchmarks); with Qdrant the collections
    /// are deleted when the index is dropped, and swept by a later run if the process was
    /// killed first (their lease is in their name).
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
        (Some(server), home) => qdrant_index(name, home, server),
    }
}

#[cfg(feature = "vectors-qdrant")]
fn qdrant_index(
    name: &str,
    home: IndexHome,
    server: &QdrantServer,
) -> Result<Arc<dyn VectorIndex>, BackendError> {
    use crate::qdrant_index::{QdrantCollections, QdrantSettings};
    use crate::versioned::{IndexName, Versioned, Versioning, throwaway_name};

    let store = QdrantCollections::connect(QdrantSettings {
        url: server.url.trim().to_string(),
        api_key: server.api_key.clone(),
        read_timeout: server.question_timeout,
        write_timeout: server.import_timeout,
    })?;
    let (index, versioning) = match home {
        IndexHome::Folder(dir) => (
            IndexName::Folder {
                file: dir.join("qdrant-index"),
                prefix: name.to_string(),
            },
            // A question that started on the old collections has this long to finish:
            // every one of its reads has a question's deadline.
            Versioning {
                retire_after: server.question_timeout * 2,
                throwaway: false,
            },
        ),
        IndexHome::Process => (
            IndexName::Fixed(throwaway_name(name)),
            Versioning {
                retire_after: Duration::ZERO,
                throwaway: true,
            },
        ),
    };
    Ok(Arc::new(Versioned::new(store, index, versioning)))
}

/// On Ctrl-C, deletes the throwaway `index`'s collections, then ends the process (exit
/// 130): in Qdrant they would otherwise stay, whole corpus and all, until a later run sweeps
/// them when their lease runs out. For the binary to call on an evaluation or benchmark
/// index; the exact index needs no cleaning, so callers skip it without Qdrant and Ctrl-C
/// keeps its ordinary effect.
#[cfg(feature = "vectors-qdrant")]
pub fn remove_on_interrupt(index: &Arc<dyn VectorIndex>) {
    // Weak: the watcher must not keep the index alive, or dropping it at the end of a run
    // would no longer delete its collections.
    let index = Arc::downgrade(index);
    let watcher = std::thread::Builder::new()
        .name("rhyme-interrupt".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            if runtime.block_on(tokio::signal::ctrl_c()).is_err() {
                return;
            }
            if let Some(index) = index.upgrade() {
                tracing::warn!("interrupted: deleting this run's vector collections");
                if let Err(e) = runtime.block_on(index.remove_all()) {
                    tracing::warn!(
                        "this run's vector collections stay until a later run sweeps them (their lease is in their name): {e}"
                    );
                }
            }
            std::process::exit(130);
        });
    if let Err(e) = watcher {
        tracing::warn!("Ctrl-C will not delete this run's vector collections: {e}");
    }
}
