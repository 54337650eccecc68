//! The scale-out `vector-search` backend: collections kept in a Qdrant server, reached over
//! gRPC with Qdrant's own client. Chosen when the operator configures a server (see [`crate::vectors`]).
//!
//! Each of our collections is one Qdrant collection, created on first write with cosine
//! distance and the dimension of the first vector. Qdrant point ids must be integers or
//! UUIDs, so an item's id is hashed to a UUID and the id itself kept in the payload.
//!
//! The client is async; the trait is not, and is called from plain threads, blocking
//! threads of the server's runtime, or the sandbox. So the index owns a small runtime of
//! its own, runs every request there, and waits on a channel: that works from any thread
//! and never starts a runtime inside another.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use qdrant_client::qdrant::vector_output::Vector;
use qdrant_client::qdrant::vectors_config::Config;
use qdrant_client::qdrant::{
    CollectionInfo, CreateCollectionBuilder, DeleteCollectionBuilder, Distance, GetPointsBuilder,
    PointId, PointStruct, QueryPointsBuilder, UpsertPointsBuilder, Value, VectorParamsBuilder,
};
use qdrant_client::{Payload, Qdrant, QdrantError};
use sha2::{Digest, Sha256};

use rhyme_runtime::capability::backend::{BackendError, VectorHit, VectorIndex, VectorItem};

/// Points sent per upsert request: big enough to be quick, small enough for gRPC's
/// default 4 MiB message limit at 384 dimensions with payloads.
const UPSERT_BATCH: usize = 256;
/// Payload keys of a point.
const ID_KEY: &str = "id";
const PAYLOAD_KEY: &str = "payload";

/// Where the server is and what this index calls itself there.
#[derive(Debug, Clone)]
pub struct QdrantSettings {
    /// The gRPC address, e.g. `http://localhost:6334`.
    pub url: String,
    /// Sent as `api-key` when set.
    pub api_key: Option<String>,
    /// Prefix of every Qdrant collection name of this index.
    pub index: String,
    /// Delete the collections this index created when it is dropped (evaluations, benchmarks).
    pub ephemeral: bool,
}

/// Collections in a Qdrant server.
pub struct QdrantIndex {
    client: Qdrant,
    settings: QdrantSettings,
    runtime: Option<tokio::runtime::Runtime>,
    /// Dimensions of the collections known to exist, so a wrong vector is refused with the
    /// same message as the embedded index before any request.
    dimensions: Mutex<HashMap<String, usize>>,
    created: Mutex<HashSet<String>>,
}

impl QdrantIndex {
    /// A client for `settings.url`; nothing is sent until the first call.
    pub fn connect(settings: QdrantSettings) -> Result<QdrantIndex, BackendError> {
        let client = Qdrant::from_url(&settings.url)
            .api_key(settings.api_key.clone())
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(5))
            .skip_compatibility_check()
            .build()
            .map_err(|e| BackendError::Invalid(format!("Qdrant URL `{}`: {e}", settings.url)))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rhyme-qdrant")
            .enable_all()
            .build()
            .map_err(|e| {
                BackendError::Failed(format!("starting the Qdrant client's runtime: {e}"))
            })?;
        Ok(QdrantIndex {
            client,
            settings,
            runtime: Some(runtime),
            dimensions: Mutex::default(),
            created: Mutex::default(),
        })
    }

    /// The Qdrant collection behind our collection `name`: readable, limited to the
    /// characters Qdrant accepts everywhere, and distinct for distinct names.
    pub fn collection_name(&self, name: &str) -> String {
        collection_name(&self.settings.index, name)
    }

    /// Runs `request` on the index's runtime and waits for its answer.
    fn run<T: Send + 'static>(
        &self,
        request: impl Future<Output = Result<T, QdrantError>> + Send + 'static,
    ) -> Result<T, BackendError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let runtime = self.runtime.as_ref().expect("runtime lives until drop");
        runtime.spawn(async move {
            let _ = tx.send(request.await);
        });
        let answer = rx.recv().map_err(|_| {
            BackendError::Failed("the Qdrant request task stopped without an answer".into())
        })?;
        answer.map_err(|e| self.failed(e))
    }

    fn failed(&self, e: QdrantError) -> BackendError {
        let at = &self.settings.url;
        match &e {
            QdrantError::ResponseError { status } => match status.code() {
                tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Unknown => {
                    BackendError::Unavailable(format!("Qdrant at {at}: {}", status.message()))
                }
                // The client reports a refused or timed-out connection as `internal`.
                tonic::Code::Internal if status.message().starts_with("Failed to connect") => {
                    BackendError::Unavailable(format!("Qdrant at {at}: {}", status.message()))
                }
                tonic::Code::InvalidArgument => {
                    BackendError::Invalid(format!("Qdrant at {at}: {}", status.message()))
                }
                _ => BackendError::Failed(format!("Qdrant at {at}: {e}")),
            },
            QdrantError::ResourceExhaustedError { .. } => {
                BackendError::Unavailable(format!("Qdrant at {at}: {e}"))
            }
            _ => BackendError::Failed(format!("Qdrant at {at}: {e}")),
        }
    }

    /// The collection's dimension, or `None` when it does not exist yet.
    fn dimensions_of(&self, collection: &str) -> Result<Option<usize>, BackendError> {
        if let Some(&known) = self
            .dimensions
            .lock()
            .expect("dimensions lock")
            .get(collection)
        {
            return Ok(Some(known));
        }
        let client = self.client.clone();
        let name = collection.to_string();
        let info = self.run(async move {
            if !client.collection_exists(&name).await? {
                return Ok(None);
            }
            Ok(client.collection_info(&name).await?.result)
        })?;
        let Some(dimensions) = info.as_ref().and_then(vector_size) else {
            return Ok(None);
        };
        self.dimensions
            .lock()
            .expect("dimensions lock")
            .insert(collection.to_string(), dimensions);
        Ok(Some(dimensions))
    }

    fn create(&self, collection: &str, dimensions: usize) -> Result<(), BackendError> {
        let client = self.client.clone();
        let request = CreateCollectionBuilder::new(collection).vectors_config(
            VectorParamsBuilder::new(dimensions as u64, Distance::Cosine),
        );
        let name = collection.to_string();
        self.run(async move {
            // Another writer may have created it in between; that is as good.
            if let Err(e) = client.create_collection(request).await
                && !client.collection_exists(&name).await?
            {
                return Err(e);
            }
            Ok(())
        })?;
        self.dimensions
            .lock()
            .expect("dimensions lock")
            .insert(collection.to_string(), dimensions);
        self.created
            .lock()
            .expect("created lock")
            .insert(collection.to_string());
        Ok(())
    }
}

impl VectorIndex for QdrantIndex {
    fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        let Some(first) = items.first() else {
            return Ok(());
        };
        let collection = self.collection_name(name);
        let dimensions = match self.dimensions_of(&collection)? {
            Some(d) => d,
            None => first.vector.len(),
        };
        check_dimensions(name, dimensions, &items)?;
        if !self
            .dimensions
            .lock()
            .expect("dimensions lock")
            .contains_key(&collection)
        {
            self.create(&collection, dimensions)?;
        }
        for batch in items.chunks(UPSERT_BATCH) {
            let request =
                UpsertPointsBuilder::new(&collection, batch.iter().map(point).collect::<Vec<_>>())
                    .wait(true);
            let client = self.client.clone();
            self.run(async move { client.upsert_points(request).await })?;
        }
        Ok(())
    }

    fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError> {
        let collection = self.collection_name(name);
        let Some(dimensions) = self.dimensions_of(&collection)? else {
            return Ok(Vec::new());
        };
        if k == 0 {
            return Ok(Vec::new());
        }
        if vector.len() != dimensions {
            return Err(BackendError::Invalid(format!(
                "query has {} dimensions; collection {name} holds {dimensions}",
                vector.len()
            )));
        }
        let request = QueryPointsBuilder::new(&collection)
            .query(vector.to_vec())
            .limit(k as u64)
            .with_payload(true);
        let client = self.client.clone();
        let found = self.run(async move { client.query(request).await })?;
        found
            .result
            .into_iter()
            .map(|p| {
                Ok(VectorHit {
                    id: text(&p.payload, ID_KEY, name)?,
                    score: p.score,
                    payload: text(&p.payload, PAYLOAD_KEY, name)?,
                })
            })
            .collect()
    }

    fn get(&self, name: &str, ids: &[String]) -> Result<Vec<VectorItem>, BackendError> {
        let collection = self.collection_name(name);
        if ids.is_empty() || self.dimensions_of(&collection)?.is_none() {
            return Ok(Vec::new());
        }
        let wanted: Vec<PointId> = ids.iter().map(|id| point_id(id)).collect();
        let request = GetPointsBuilder::new(&collection, wanted)
            .with_payload(true)
            .with_vectors(true);
        let client = self.client.clone();
        let found = self.run(async move { client.get_points(request).await })?;
        let mut by_id = HashMap::with_capacity(found.result.len());
        for p in found.result {
            let vector = match p.vectors.as_ref().and_then(|v| v.get_vector()) {
                Some(Vector::Dense(dense)) => dense.data,
                _ => {
                    return Err(BackendError::Failed(format!(
                        "Qdrant returned a point of {name} without its dense vector"
                    )));
                }
            };
            let item = VectorItem {
                id: text(&p.payload, ID_KEY, name)?,
                vector,
                payload: text(&p.payload, PAYLOAD_KEY, name)?,
            };
            by_id.insert(item.id.clone(), item);
        }
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    fn clear(&self, name: &str) -> Result<(), BackendError> {
        let collection = self.collection_name(name);
        let client = self.client.clone();
        let request = DeleteCollectionBuilder::new(&collection);
        self.run(async move { client.delete_collection(request).await })?;
        self.dimensions
            .lock()
            .expect("dimensions lock")
            .remove(&collection);
        Ok(())
    }
}

impl Drop for QdrantIndex {
    fn drop(&mut self) {
        if self.settings.ephemeral {
            let created: Vec<String> = self
                .created
                .lock()
                .map(|c| c.iter().cloned().collect())
                .unwrap_or_default();
            for collection in created {
                let client = self.client.clone();
                // Best effort: a server gone by now keeps the collection, which is harmless.
                let _ = self.run(async move { client.delete_collection(collection).await });
            }
        }
        // Shutting down in the background never blocks, so dropping the index is safe
        // anywhere, including inside another runtime's task.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `{index}-{name with other characters as _}-{hash}`: the hash keeps `a/b` and `a_b` apart.
fn collection_name(index: &str, name: &str) -> String {
    let readable: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(150)
        .collect();
    let hash = hex::encode(&Sha256::digest(name.as_bytes())[..4]);
    format!("{index}-{readable}-{hash}")
}

/// A name-based UUID (RFC 9562 version 8, from SHA-256) for an item id: the same id always
/// maps to the same point, so upserting it again replaces it.
pub fn point_uuid(id: &str) -> String {
    let mut bytes: [u8; 16] = Sha256::digest(id.as_bytes())[..16]
        .try_into()
        .expect("16 bytes");
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn point_id(id: &str) -> PointId {
    PointId::from(point_uuid(id))
}

fn point(item: &VectorItem) -> PointStruct {
    let mut payload = Payload::new();
    payload.insert(ID_KEY, item.id.clone());
    payload.insert(PAYLOAD_KEY, item.payload.clone());
    PointStruct::new(point_id(&item.id), item.vector.clone(), payload)
}

fn check_dimensions(
    name: &str,
    dimensions: usize,
    items: &[VectorItem],
) -> Result<(), BackendError> {
    match items
        .iter()
        .find(|i| i.vector.len() != dimensions || i.vector.is_empty())
    {
        Some(item) => Err(BackendError::Invalid(format!(
            "item {} has {} dimensions; collection {name} holds {dimensions}",
            item.id,
            item.vector.len()
        ))),
        None => Ok(()),
    }
}

fn vector_size(info: &CollectionInfo) -> Option<usize> {
    match info
        .config
        .as_ref()?
        .params
        .as_ref()?
        .vectors_config
        .as_ref()?
        .config
        .as_ref()?
    {
        Config::Params(params) => Some(params.size as usize),
        Config::ParamsMap(_) => None,
    }
}

fn text(
    payload: &HashMap<String, Value>,
    key: &str,
    collection: &str,
) -> Result<String, BackendError> {
    payload.get(key).and_then(|v| v.as_str()).cloned().ok_or_else(|| {
        BackendError::Failed(format!(
            "a point of {collection} in Qdrant has no `{key}` text in its payload (written by something else?)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::vectors::unique_name;

    const QDRANT_URL: &str = "RHYME_QDRANT_URL";
    const QDRANT_API_KEY: &str = "RHYME_QDRANT_API_KEY";

    /// A fresh index on the server `RHYME_QDRANT_URL` names, or `None` with a note.
    fn server() -> Option<QdrantIndex> {
        let Some(url) = std::env::var(QDRANT_URL)
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            eprintln!(
                "note: {QDRANT_URL} is not set, so this check ran on the embedded index only (no Qdrant server here)"
            );
            return None;
        };
        let api_key = std::env::var(QDRANT_API_KEY).ok();
        Some(
            QdrantIndex::connect(QdrantSettings {
                url,
                api_key,
                index: unique_name("test"),
                ephemeral: true,
            })
            .unwrap(),
        )
    }

    crate::index_conformance::conformance_tests!(server);

    /// Without a server the calls must still come back (as `unavailable`), whichever thread
    /// makes them: the runtime handling is the same either way.
    #[test]
    fn calls_work_from_a_plain_thread_and_from_a_runtimes_blocking_pool() {
        let (index, reachable) = match server() {
            Some(index) => (index, true),
            None => {
                let settings = QdrantSettings {
                    url: "http://127.0.0.1:9".into(),
                    api_key: None,
                    index: "nowhere".into(),
                    ephemeral: true,
                };
                (QdrantIndex::connect(settings).unwrap(), false)
            }
        };
        let index = Arc::new(index);
        let check = move |answer: Result<Vec<VectorHit>, BackendError>| match answer {
            Ok(_) => assert!(reachable, "an answer from nowhere"),
            Err(BackendError::Unavailable(m)) if !reachable => {
                assert!(m.contains("127.0.0.1:9"), "{m}")
            }
            Err(e) => panic!("{e}"),
        };

        let plain = index.clone();
        check(
            std::thread::spawn(move || plain.nearest("c", &[1.0, 0.0], 1))
                .join()
                .unwrap(),
        );

        let server_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let blocking = index.clone();
        check(server_runtime.block_on(async move {
            tokio::task::spawn_blocking(move || blocking.nearest("c", &[1.0, 0.0], 1))
                .await
                .unwrap()
        }));
        // The last handle may go away inside a task of another runtime.
        server_runtime.block_on(async move { drop(index) });
    }

    #[test]
    fn point_ids_are_stable_distinct_uuids() {
        let a = point_uuid("pm-1#passage-2");
        assert_eq!(a, point_uuid("pm-1#passage-2"));
        assert_ne!(a, point_uuid("pm-1#passage-3"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version 8: {a}");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "RFC variant: {a}"
        );
    }

    #[test]
    fn collection_names_are_safe_and_keep_distinct_names_apart() {
        let slash = collection_name("rhyme", "seen-before/passages");
        assert!(slash.starts_with("rhyme-seen-before_passages-"), "{slash}");
        assert!(
            slash
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(slash, collection_name("rhyme", "seen-before_passages"));
    }

    #[test]
    fn a_point_keeps_the_original_id_and_payload() {
        let item = VectorItem {
            id: "doc é".into(),
            vector: vec![0.6, 0.8],
            payload: "{\"x\":1}".into(),
        };
        let p = point(&item);
        assert_eq!(p.id, Some(point_id("doc é")));
        assert_eq!(text(&p.payload, ID_KEY, "c").unwrap(), "doc é");
        assert_eq!(text(&p.payload, PAYLOAD_KEY, "c").unwrap(), "{\"x\":1}");
    }

    #[test]
    fn a_wrong_dimension_is_refused_before_any_request() {
        let items = vec![
            VectorItem {
                id: "a".into(),
                vector: vec![1.0, 0.0],
                payload: String::new(),
            },
            VectorItem {
                id: "b".into(),
                vector: vec![1.0],
                payload: String::new(),
            },
        ];
        let err = check_dimensions("c", 2, &items).unwrap_err();
        assert!(matches!(err, BackendError::Invalid(m) if m.contains("item b")));
    }
}
