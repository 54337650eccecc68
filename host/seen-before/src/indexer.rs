//! Import-time indexing for the seen-before plugin: embeds every passage of the corpus and
//! the mechanism catalogue, builds the plugin's index natively (`seen_before_index::Index::build`,
//! the same code the plugin ranks with), and writes it into the plugin's private collections
//! in the layout of `seen_before_index::stored`.
//!
//! Every import rewrites the collections whole, so that postings and documents never go
//! stale; vectors whose text did not change (same fingerprint in the payload) are reused
//! instead of embedded again.

use std::collections::HashMap;
use std::time::Instant;

use sha2::{Digest, Sha256};

use seen_before_index::stored::{self, StoredItem};
use seen_before_index::{Embeddings, Index, MECHANISMS};

use crate::PLUGIN;
use crate::corpus::Postmortem;
use rhyme_runtime::capability::backend::{BackendError, Embedder, VectorIndex, VectorItem};
use rhyme_runtime::capability::plugin_collection;

/// Texts embedded per model call; also how often progress is reported.
const BATCH: usize = 32;

/// Why indexing failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexingError {
    /// The embedding model or the vector store failed.
    #[error("{what}: {source}")]
    Backend {
        /// What was being done, and to which collection, e.g. `writing <collection>`.
        what: String,
        /// The backend's error.
        #[source]
        source: BackendError,
    },
    /// The plugin's index could not be built from the embeddings.
    #[error("{0}")]
    Index(#[from] seen_before_index::IndexError),
}

/// What indexing did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Indexed {
    /// Postmortems in the index.
    pub postmortems: usize,
    /// Passages cut from the postmortems, each with its own vector.
    pub passages: usize,
    /// Texts sent to the model (new or changed).
    pub embedded: usize,
    /// Vectors kept from the previous import.
    pub reused: usize,
    /// Wall-clock time the whole indexing took, in seconds.
    pub seconds: f64,
}

/// Indexes `docs` for the plugin; `progress(done, total)` follows the embedding.
pub fn index(
    docs: &[Postmortem],
    embedder: &dyn Embedder,
    vectors: &dyn VectorIndex,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Indexed, IndexingError> {
    let started = Instant::now();
    let docs: Vec<Postmortem> = docs.to_vec();
    let passages: Vec<(String, String)> = docs
        .iter()
        .flat_map(seen_before_index::passages)
        .map(|p| (p.id, p.text))
        .collect();
    let numbered = |texts: Vec<String>| -> Vec<(String, String)> {
        texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| (i.to_string(), t))
            .collect()
    };
    let descriptions = numbered(MECHANISMS.iter().map(|m| m.description()).collect());
    let symptoms = numbered(MECHANISMS.iter().map(|m| m.symptoms.to_string()).collect());

    let mut cache = Cache::new(
        embedder,
        vectors,
        passages.len() + 2 * MECHANISMS.len(),
        progress,
    );
    let passage_items = cache.embed(stored::PASSAGES, &passages)?;
    let description_items = cache.embed(stored::MECHANISM_DESCRIPTIONS, &descriptions)?;
    let symptom_items = cache.embed(stored::MECHANISM_SYMPTOMS, &symptoms)?;
    let embeddings = Embeddings {
        passages: passage_items
            .iter()
            .map(|i| (i.id.clone(), i.vector.clone()))
            .collect(),
        mechanism_descriptions: description_items.iter().map(|i| i.vector.clone()).collect(),
        mechanism_symptoms: symptom_items.iter().map(|i| i.vector.clone()).collect(),
    };
    let built = Index::build(docs, &embeddings)?;
    let layout = stored::layout(&built);
    let (embedded, reused) = (cache.embedded, cache.reused);

    // The metadata goes last: a reader that finds it finds everything it refers to.
    let to_items = |items: Vec<StoredItem>| -> Vec<VectorItem> {
        items
            .into_iter()
            .map(|i| VectorItem {
                id: i.id,
                vector: i.vector,
                payload: i.payload,
            })
            .collect()
    };
    for collection in stored::COLLECTIONS {
        clear(vectors, collection)?;
    }
    write(vectors, stored::PASSAGES, passage_items)?;
    write(vectors, stored::MECHANISM_DESCRIPTIONS, description_items)?;
    write(vectors, stored::MECHANISM_SYMPTOMS, symptom_items)?;
    write(vectors, stored::TERMS, to_items(layout.terms))?;
    write(vectors, stored::DOCS, to_items(layout.docs))?;
    write(vectors, stored::META, to_items(vec![layout.meta]))?;
    Ok(Indexed {
        postmortems: built.docs.len(),
        passages: passages.len(),
        embedded,
        reused,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn clear(vectors: &dyn VectorIndex, collection: &str) -> Result<(), IndexingError> {
    vectors
        .clear(&plugin_collection(PLUGIN, collection))
        .map_err(|source| IndexingError::Backend {
            what: format!("clearing {collection}"),
            source,
        })
}

fn write(
    vectors: &dyn VectorIndex,
    collection: &str,
    items: Vec<VectorItem>,
) -> Result<(), IndexingError> {
    if items.is_empty() {
        return Ok(());
    }
    vectors
        .upsert(&plugin_collection(PLUGIN, collection), items)
        .map_err(|source| IndexingError::Backend {
            what: format!("writing {collection}"),
            source,
        })
}

/// Short and stable: enough to tell whether a text changed since its vector was made.
fn fingerprint(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..12])
}

/// Embeds texts, reusing the stored vectors of those whose fingerprint did not change.
struct Cache<'a> {
    embedder: &'a dyn Embedder,
    vectors: &'a dyn VectorIndex,
    total: usize,
    done: usize,
    embedded: usize,
    reused: usize,
    progress: &'a mut dyn FnMut(usize, usize),
}

impl<'a> Cache<'a> {
    fn new(
        embedder: &'a dyn Embedder,
        vectors: &'a dyn VectorIndex,
        total: usize,
        progress: &'a mut dyn FnMut(usize, usize),
    ) -> Self {
        Cache {
            embedder,
            vectors,
            total,
            done: 0,
            embedded: 0,
            reused: 0,
            progress,
        }
    }

    /// One item per `(id, text)`, in order, vector and fingerprint filled in.
    fn embed(
        &mut self,
        collection: &str,
        texts: &[(String, String)],
    ) -> Result<Vec<VectorItem>, IndexingError> {
        let ids: Vec<String> = texts.iter().map(|(id, _)| id.clone()).collect();
        let stored: HashMap<String, VectorItem> = self
            .vectors
            .get(&plugin_collection(PLUGIN, collection), &ids)
            .map_err(|source| IndexingError::Backend {
                what: format!("reading {collection}"),
                source,
            })?
            .into_iter()
            .filter(|i| i.vector.len() == self.embedder.dimensions())
            .map(|i| (i.id.clone(), i))
            .collect();
        let mut items: Vec<Option<VectorItem>> = texts
            .iter()
            .map(|(id, text)| {
                stored
                    .get(id)
                    .filter(|i| i.payload == fingerprint(text))
                    .cloned()
            })
            .collect();
        self.reused += items.iter().flatten().count();
        self.done += items.iter().flatten().count();
        (self.progress)(self.done, self.total);
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| items[i].is_none()).collect();
        for batch in missing.chunks(BATCH) {
            let batch_texts: Vec<String> = batch.iter().map(|&i| texts[i].1.clone()).collect();
            let vectors =
                self.embedder
                    .embed(&batch_texts)
                    .map_err(|source| IndexingError::Backend {
                        what: format!("embedding {collection}"),
                        source,
                    })?;
            for (&i, vector) in batch.iter().zip(vectors) {
                let (id, text) = &texts[i];
                items[i] = Some(VectorItem {
                    id: id.clone(),
                    vector,
                    payload: fingerprint(text),
                });
            }
            self.embedded += batch.len();
            self.done += batch.len();
            (self.progress)(self.done, self.total);
        }
        Ok(items
            .into_iter()
            .map(|i| i.expect("every text embedded or reused"))
            .collect())
    }
}
