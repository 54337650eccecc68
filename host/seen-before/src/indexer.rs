//! Import-time indexing for the seen-before plugin: embeds every passage of the corpus and
//! the mechanism catalogue, builds the plugin's index natively (`seen_before_index::Index::build`,
//! the same code the plugin ranks with), and writes it into the plugin's private collections
//! in the layout of `seen_before_index::stored`.
//!
//! Every import replaces the collections whole and all at once ([`VectorIndex::replace`]),
//! so that postings and documents never go stale and a server answering meanwhile never
//! sees half an index; vectors whose text did not change (same fingerprint in the payload)
//! are reused instead of embedded again.
//!
//! The index records which model made its vectors ([`MODEL_ITEM`] in the `meta` collection,
//! e.g. `all-MiniLM-L6-v2/384d/int8-ffn1-token`): vectors of two models, or of two
//! precisions of one, are close but not comparable. An import under another model embeds
//! everything again instead of reusing, and a question asked with another model is refused
//! (`SeenBefore::answer`).

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

/// The id, in the plugin's `meta` collection, of the item whose payload names the model that
/// made the index's vectors ([`Embedder::model`]). The plugin reads `meta` by its own id
/// only, so this item is the host's.
pub const MODEL_ITEM: &str = "embedder";

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
    /// The model that made the vectors, as recorded in the index.
    pub model: String,
    /// The model the previous index was made with, when it was another one (its vectors
    /// were not reused).
    pub replaced_model: Option<String>,
}

/// The model the index in `vectors` was built with; `None` when no index records one
/// (none imported yet, or imported before the model was recorded).
pub async fn recorded_model(vectors: &dyn VectorIndex) -> Result<Option<String>, BackendError> {
    let meta = plugin_collection(PLUGIN, stored::META);
    let found = vectors.get(&meta, &[MODEL_ITEM.to_string()]).await?;
    Ok(found.into_iter().next().map(|item| item.payload))
}

/// Indexes `docs` for the plugin; `progress(done, total)` follows the embedding.
pub async fn index(
    docs: &[Postmortem],
    embedder: &dyn Embedder,
    vectors: &dyn VectorIndex,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Indexed, IndexingError> {
    let started = Instant::now();
    let model = embedder.model();
    let previous = recorded_model(vectors)
        .await
        .map_err(|source| IndexingError::Backend {
            what: format!("reading the {PLUGIN} index's model"),
            source,
        })?;
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
    // Another model's vectors (or an index that does not say whose they are) are never mixed
    // with this one's.
    cache.reuse = previous.as_deref() == Some(model.as_str());
    let passage_items = cache.embed(stored::PASSAGES, &passages).await?;
    let description_items = cache
        .embed(stored::MECHANISM_DESCRIPTIONS, &descriptions)
        .await?;
    let symptom_items = cache.embed(stored::MECHANISM_SYMPTOMS, &symptoms).await?;
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
    // Every collection at once: a question asked meanwhile (a server reading the same
    // index) answers from the previous import or from this one, never from a mix or nothing.
    let whole =
        |collection: &str, items: Vec<VectorItem>| (plugin_collection(PLUGIN, collection), items);
    vectors
        .replace(vec![
            whole(stored::PASSAGES, passage_items),
            whole(stored::MECHANISM_DESCRIPTIONS, description_items),
            whole(stored::MECHANISM_SYMPTOMS, symptom_items),
            whole(stored::TERMS, to_items(layout.terms)),
            whole(stored::DOCS, to_items(layout.docs)),
            whole(
                stored::META,
                to_items(vec![
                    layout.meta,
                    StoredItem {
                        id: MODEL_ITEM.to_string(),
                        vector: stored::key_only_vector(),
                        payload: model.clone(),
                    },
                ]),
            ),
        ])
        .await
        .map_err(|source| IndexingError::Backend {
            what: format!("writing the {PLUGIN} index"),
            source,
        })?;
    Ok(Indexed {
        postmortems: built.docs.len(),
        passages: passages.len(),
        embedded,
        reused,
        seconds: started.elapsed().as_secs_f64(),
        replaced_model: previous.filter(|p| *p != model),
        model,
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
    /// Whether stored vectors may be reused: only when the same model made them.
    reuse: bool,
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
            reuse: false,
            progress,
        }
    }

    /// The stored items of `texts`' ids that have this model's vector size, by id.
    async fn stored(
        &self,
        collection: &str,
        texts: &[(String, String)],
    ) -> Result<HashMap<String, VectorItem>, IndexingError> {
        let ids: Vec<String> = texts.iter().map(|(id, _)| id.clone()).collect();
        Ok(self
            .vectors
            .get(&plugin_collection(PLUGIN, collection), &ids)
            .await
            .map_err(|source| IndexingError::Backend {
                what: format!("reading {collection}"),
                source,
            })?
            .into_iter()
            .filter(|i| i.vector.len() == self.embedder.dimensions())
            .map(|i| (i.id.clone(), i))
            .collect())
    }

    /// One item per `(id, text)`, in order, vector and fingerprint filled in.
    async fn embed(
        &mut self,
        collection: &str,
        texts: &[(String, String)],
    ) -> Result<Vec<VectorItem>, IndexingError> {
        let stored = if self.reuse {
            self.stored(collection, texts).await?
        } else {
            HashMap::new()
        };
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
        let mut missing: Vec<usize> = (0..texts.len()).filter(|&i| items[i].is_none()).collect();
        // Each batch is padded to its longest text: batches of similar lengths across the
        // whole corpus waste far less of the model's work than batches in corpus order.
        missing.sort_by_key(|&i| texts[i].1.len());
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use rhyme_capabilities::exact_index::ExactIndex;
    use rhyme_runtime::capability::backend::{VectorHit, async_trait};

    use super::*;

    /// Four dimensions from the text's hash: stable, distinct, unit length.
    struct HashEmbedder;

    impl Embedder for HashEmbedder {
        fn dimensions(&self) -> usize {
            4
        }
        fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
            Ok(texts
                .iter()
                .map(|t| {
                    let h = Sha256::digest(t.as_bytes());
                    let v: Vec<f32> = h[..4].iter().map(|b| f32::from(*b) + 1.0).collect();
                    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                    v.into_iter().map(|x| x / n).collect()
                })
                .collect())
        }
    }

    /// The exact index, with every call that changes it written down.
    struct Recording {
        index: ExactIndex,
        changes: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl VectorIndex for Recording {
        async fn upsert(&self, c: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
            self.changes.lock().unwrap().push(format!("upsert {c}"));
            self.index.upsert(c, items).await
        }
        async fn nearest(
            &self,
            c: &str,
            v: &[f32],
            k: usize,
        ) -> Result<Vec<VectorHit>, BackendError> {
            self.index.nearest(c, v, k).await
        }
        async fn get(&self, c: &str, ids: &[String]) -> Result<Vec<VectorItem>, BackendError> {
            self.index.get(c, ids).await
        }
        async fn clear(&self, c: &str) -> Result<(), BackendError> {
            self.changes.lock().unwrap().push(format!("clear {c}"));
            self.index.clear(c).await
        }
        async fn replace(&self, all: Vec<(String, Vec<VectorItem>)>) -> Result<(), BackendError> {
            let names: Vec<&str> = all.iter().map(|(c, _)| c.as_str()).collect();
            self.changes
                .lock()
                .unwrap()
                .push(format!("replace {}", names.join(" ")));
            self.index.replace(all).await
        }
        async fn remove_all(&self) -> Result<(), BackendError> {
            self.index.remove_all().await
        }
    }

    fn doc(id: &str, summary: &str) -> Postmortem {
        Postmortem {
            id: id.into(),
            title: Some(format!("Title of {id}")),
            summary: Some(summary.into()),
            ..Postmortem::default()
        }
    }

    /// Issue 20: an import cleared each collection, then wrote it again, so a server
    /// reading meanwhile found nothing. Now every collection goes in one replace.
    #[tokio::test]
    async fn an_import_replaces_every_collection_in_one_step_and_reuses_vectors() {
        let index = Recording {
            index: ExactIndex::in_memory(),
            changes: Mutex::default(),
        };
        let docs = vec![
            doc("a", "The connection pool ran dry after the deploy."),
            doc("b", "Certificates expired on the edge proxies."),
        ];
        let first = super::index(&docs, &HashEmbedder, &index, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(first.postmortems, 2);
        let again = super::index(&docs, &HashEmbedder, &index, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!((again.embedded, again.reused), (0, first.embedded));
        let changes = index.changes.lock().unwrap().clone();
        assert_eq!(changes.len(), 2, "one change per import: {changes:?}");
        for change in &changes {
            assert!(change.starts_with("replace "), "{changes:?}");
            for collection in stored::COLLECTIONS {
                assert!(
                    change.contains(&plugin_collection(PLUGIN, collection)),
                    "{collection} missing from {change}"
                );
            }
        }
        let meta = index
            .get(
                &plugin_collection(PLUGIN, stored::META),
                &[stored::META_ID.to_string()],
            )
            .await
            .unwrap();
        assert_eq!(meta.len(), 1);
        assert_eq!(recorded_model(&index).await.unwrap().as_deref(), Some("4d"));
    }

    /// The hash embedder under another model's name: the same vector sizes, so only the
    /// recorded name tells the two apart.
    struct Renamed;

    impl Embedder for Renamed {
        fn dimensions(&self) -> usize {
            HashEmbedder.dimensions()
        }
        fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
            HashEmbedder.embed(texts)
        }
        fn model(&self) -> String {
            "hash/4d/int8".into()
        }
    }

    #[tokio::test]
    async fn an_import_under_another_model_embeds_everything_again_and_records_it() {
        let index = ExactIndex::in_memory();
        let docs = vec![doc("a", "The connection pool ran dry after the deploy.")];
        let first = super::index(&docs, &HashEmbedder, &index, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!((first.model.as_str(), first.replaced_model), ("4d", None));
        let other = super::index(&docs, &Renamed, &index, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!((other.embedded, other.reused), (first.embedded, 0));
        assert_eq!(other.replaced_model.as_deref(), Some("4d"));
        assert_eq!(
            recorded_model(&index).await.unwrap().as_deref(),
            Some("hash/4d/int8")
        );
    }
}
