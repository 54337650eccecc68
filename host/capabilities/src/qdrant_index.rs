//! The scale-out `vector-search` backend: collections kept in a Qdrant server, reached over
//! gRPC with Qdrant's own client. Chosen when the operator configures a server (see [`crate::vectors`]).
//!
//! This module gives only the plain calls ([`Collections`]): a collection by its exact name,
//! the alias table, and one atomic alias switch. Versions, the switch-over during an import,
//! the sweep of throwaway collections and the one-version view of a plugin call are
//! [`crate::versioned`]'s, tested there without a server; [`QdrantIndex`] puts them together.
//!
//! A collection is created on first write with cosine distance and the dimension of the
//! first vector. Qdrant point ids must be integers or UUIDs, so an item's id is hashed to a
//! UUID and the id itself kept in the payload.
//!
//! Every request has a deadline that fits its caller: reads serve a question and get a few
//! seconds; writes serve an import and get longer. A request past its deadline, cancelled,
//! or unable to connect is `unavailable`, and its message says so in words, never in the
//! client's debug form.
//!
//! The client's connections live on a small runtime the index owns: every request is spawned
//! there and its answer awaited by the caller, on whatever runtime the caller runs (the
//! server's, a command's short-lived one, a test's). Nothing blocks a thread while Qdrant
//! answers, and an index made under one runtime keeps working after that runtime is gone.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use qdrant_client::qdrant::alias_operations::Action;
use qdrant_client::qdrant::collections_client::CollectionsClient;
use qdrant_client::qdrant::vector_output::Vector;
use qdrant_client::qdrant::vectors_config::Config;
use qdrant_client::qdrant::{
    AliasOperations, ChangeAliases, CollectionInfo, CreateAlias, CreateCollectionBuilder,
    DeleteAlias, DeleteCollectionBuilder, Distance, GetPointsBuilder, PointId, PointStruct,
    QueryPointsBuilder, UpsertPointsBuilder, Value, VectorParamsBuilder,
};
use qdrant_client::{Payload, Qdrant, QdrantError};
use sha2::{Digest, Sha256};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

use crate::versioned::{Collections, Versioned};
use rhyme_runtime::capability::backend::{BackendError, VectorHit, VectorItem, async_trait};

/// Points sent per upsert request: big enough to be quick, small enough for gRPC's
/// default 4 MiB message limit at 384 dimensions with payloads.
const UPSERT_BATCH: usize = 256;
/// Payload keys of a point.
const ID_KEY: &str = "id";
const PAYLOAD_KEY: &str = "payload";
/// How long opening a connection may take, whatever the request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A Qdrant index: versioned collections ([`crate::versioned`]) on a Qdrant server.
pub type QdrantIndex = Versioned<QdrantCollections>;

/// Where the server is and how long its answers may take.
#[derive(Debug, Clone)]
pub struct QdrantSettings {
    /// The gRPC address, e.g. `http://localhost:6334`.
    pub url: String,
    /// Sent as `api-key` when set.
    pub api_key: Option<String>,
    /// Deadline of a read (a question reads several times).
    pub read_timeout: Duration,
    /// Deadline of a write, a delete or an alias switch (an import).
    pub write_timeout: Duration,
}

/// The plain calls on a Qdrant server.
pub struct QdrantCollections {
    client: Qdrant,
    /// The generated client, for the one call the high-level client lacks: several alias
    /// actions in one request, which Qdrant applies atomically.
    aliases: CollectionsClient<InterceptedService<Channel, ApiKey>>,
    settings: QdrantSettings,
    /// The URL as shown in messages: without user, password or query.
    shown: String,
    runtime: Option<tokio::runtime::Runtime>,
    /// Dimensions of the collections known to exist, so a wrong vector is refused with the
    /// same message as the embedded index before any request. A collection's name is never
    /// reused for another dimension (each version has its own), so entries stay true.
    dimensions: Mutex<HashMap<String, usize>>,
}

/// Sends the API key with every alias request, as the high-level client does.
#[derive(Clone)]
pub struct ApiKey(Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>);

impl Interceptor for ApiKey {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(key) = &self.0 {
            request.metadata_mut().insert("api-key", key.clone());
        }
        Ok(request)
    }
}

/// Which deadline a request gets.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Read,
    Write,
}

impl QdrantCollections {
    /// A client for `settings.url`; nothing is sent until the first call.
    pub fn connect(settings: QdrantSettings) -> Result<QdrantCollections, BackendError> {
        let shown = shown_url(&settings.url);
        let invalid = |what: String| BackendError::Invalid(format!("Qdrant URL `{shown}`: {what}"));
        let client = Qdrant::from_url(&settings.url)
            .api_key(settings.api_key.clone())
            .timeout(settings.write_timeout.max(settings.read_timeout))
            .connect_timeout(CONNECT_TIMEOUT)
            .skip_compatibility_check()
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rhyme-qdrant")
            .enable_all()
            .build()
            .map_err(|e| {
                BackendError::Failed(format!("starting the Qdrant client's runtime: {e}"))
            })?;
        let mut endpoint = Endpoint::from_shared(settings.url.clone())
            .map_err(|_| invalid("not a URL".into()))?
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(settings.write_timeout);
        if settings.url.trim_start().starts_with("https:") {
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().with_native_roots())
                .map_err(|e| invalid(format!("TLS: {e}")))?;
        }
        let key = match &settings.api_key {
            Some(key) => Some(key.parse().map_err(|_| {
                BackendError::Invalid("the Qdrant API key holds characters a header cannot".into())
            })?),
            None => None,
        };
        // A lazy channel spawns its worker on the runtime it is made in.
        let channel = {
            let _inside = runtime.enter();
            endpoint.connect_lazy()
        };
        Ok(QdrantCollections {
            client,
            aliases: CollectionsClient::with_interceptor(channel, ApiKey(key)),
            settings,
            shown,
            runtime: Some(runtime),
            dimensions: Mutex::default(),
        })
    }

    /// Runs `request` on the index's runtime under the deadline of its kind; awaits its answer.
    async fn run<T: Send + 'static>(
        &self,
        kind: Kind,
        what: &str,
        request: impl Future<Output = Result<T, QdrantError>> + Send + 'static,
    ) -> Result<T, BackendError> {
        let deadline = match kind {
            Kind::Read => self.settings.read_timeout,
            Kind::Write => self.settings.write_timeout,
        };
        let runtime = self.runtime.as_ref().expect("runtime lives until drop");
        let task = runtime.spawn(async move { tokio::time::timeout(deadline, request).await });
        let answer = task.await.map_err(|_| {
            BackendError::Failed(format!(
                "Qdrant at {}: {what}: the request task stopped without an answer",
                self.shown
            ))
        })?;
        match answer {
            Ok(answer) => answer.map_err(|e| failure(&e, &self.shown, what, deadline)),
            Err(_) => Err(too_slow(&self.shown, what, deadline)),
        }
    }

    /// Like [`Self::run`], with Qdrant's "not found" as `None`.
    async fn run_found<T: Send + 'static>(
        &self,
        kind: Kind,
        what: &str,
        request: impl Future<Output = Result<T, QdrantError>> + Send + 'static,
    ) -> Result<Option<T>, BackendError> {
        self.run(kind, what, async move {
            match request.await {
                Ok(found) => Ok(Some(found)),
                Err(e) if is_not_found(&e) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// The collection's dimension, or `None` when it does not exist.
    async fn dimensions_of(&self, collection: &str) -> Result<Option<usize>, BackendError> {
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
        let info = self
            .run_found(Kind::Read, &format!("reading {collection}"), async move {
                Ok(client.collection_info(&name).await?.result)
            })
            .await?;
        let Some(dimensions) = info.flatten().as_ref().and_then(vector_size) else {
            return Ok(None);
        };
        self.remember(collection, dimensions);
        Ok(Some(dimensions))
    }

    fn remember(&self, collection: &str, dimensions: usize) {
        self.dimensions
            .lock()
            .expect("dimensions lock")
            .insert(collection.to_string(), dimensions);
    }

    async fn create(&self, collection: &str, dimensions: usize) -> Result<(), BackendError> {
        let client = self.client.clone();
        let request = CreateCollectionBuilder::new(collection).vectors_config(
            VectorParamsBuilder::new(dimensions as u64, Distance::Cosine),
        );
        let name = collection.to_string();
        self.run(Kind::Write, &format!("creating {collection}"), async move {
            // Another writer may have created it in between; that is as good.
            if let Err(e) = client.create_collection(request).await
                && !client.collection_exists(&name).await?
            {
                return Err(e);
            }
            Ok(())
        })
        .await?;
        self.remember(collection, dimensions);
        Ok(())
    }
}

#[async_trait]
impl Collections for QdrantCollections {
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        let Some(first) = items.first() else {
            return Ok(());
        };
        let known = self.dimensions_of(name).await?;
        let dimensions = known.unwrap_or(first.vector.len());
        check_dimensions(name, dimensions, &items)?;
        if known.is_none() {
            self.create(name, dimensions).await?;
        }
        for batch in items.chunks(UPSERT_BATCH) {
            let request =
                UpsertPointsBuilder::new(name, batch.iter().map(point).collect::<Vec<_>>())
                    .wait(true);
            let client = self.client.clone();
            self.run(Kind::Write, &format!("writing {name}"), async move {
                client.upsert_points(request).await
            })
            .await?;
        }
        Ok(())
    }

    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Option<Vec<VectorHit>>, BackendError> {
        let Some(dimensions) = self.dimensions_of(name).await? else {
            return Ok(None);
        };
        if k == 0 {
            return Ok(Some(Vec::new()));
        }
        if vector.len() != dimensions {
            return Err(BackendError::Invalid(format!(
                "query has {} dimensions; collection {name} holds {dimensions}",
                vector.len()
            )));
        }
        let request = QueryPointsBuilder::new(name)
            .query(vector.to_vec())
            .limit(k as u64)
            .with_payload(true);
        let client = self.client.clone();
        let found = self
            .run_found(Kind::Read, &format!("searching {name}"), async move {
                client.query(request).await
            })
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
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
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    async fn get(
        &self,
        name: &str,
        ids: &[String],
    ) -> Result<Option<Vec<VectorItem>>, BackendError> {
        let wanted: Vec<PointId> = ids.iter().map(|id| point_id(id)).collect();
        let request = GetPointsBuilder::new(name, wanted)
            .with_payload(true)
            .with_vectors(true);
        let client = self.client.clone();
        let found = self
            .run_found(Kind::Read, &format!("reading {name}"), async move {
                client.get_points(request).await
            })
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
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
        Ok(Some(
            ids.iter().filter_map(|id| by_id.get(id).cloned()).collect(),
        ))
    }

    async fn delete(&self, name: &str) -> Result<(), BackendError> {
        let client = self.client.clone();
        let request = DeleteCollectionBuilder::new(name);
        self.run_found(Kind::Write, &format!("deleting {name}"), async move {
            client.delete_collection(request).await
        })
        .await?;
        self.dimensions
            .lock()
            .expect("dimensions lock")
            .remove(name);
        Ok(())
    }

    async fn names(&self) -> Result<Vec<String>, BackendError> {
        let client = self.client.clone();
        let listed = self
            .run(Kind::Read, "listing collections", async move {
                client.list_collections().await
            })
            .await?;
        Ok(listed.collections.into_iter().map(|c| c.name).collect())
    }

    async fn aliases(&self) -> Result<HashMap<String, String>, BackendError> {
        let client = self.client.clone();
        let listed = self
            .run(Kind::Read, "listing collection aliases", async move {
                client.list_aliases().await
            })
            .await?;
        Ok(listed
            .aliases
            .into_iter()
            .map(|a| (a.alias_name, a.collection_name))
            .collect())
    }

    async fn point(&self, aliases: &[(String, Option<String>)]) -> Result<(), BackendError> {
        let mut actions = Vec::with_capacity(aliases.len() * 2);
        for (alias, target) in aliases {
            actions.push(AliasOperations {
                action: Some(Action::DeleteAlias(DeleteAlias {
                    alias_name: alias.clone(),
                })),
            });
            if let Some(collection) = target {
                actions.push(AliasOperations {
                    action: Some(Action::CreateAlias(CreateAlias {
                        collection_name: collection.clone(),
                        alias_name: alias.clone(),
                    })),
                });
            }
        }
        let mut client = self.aliases.clone();
        let change = ChangeAliases {
            actions,
            timeout: Some(self.settings.write_timeout.as_secs().max(1)),
        };
        self.run(Kind::Write, "switching collection aliases", async move {
            client
                .update_aliases(change)
                .await
                .map_err(|status| QdrantError::ResponseError { status })
        })
        .await?;
        Ok(())
    }
}

impl Drop for QdrantCollections {
    fn drop(&mut self) {
        // Shutting down in the background never blocks, so dropping the index is safe
        // anywhere, including inside another runtime's task.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn is_not_found(e: &QdrantError) -> bool {
    matches!(e, QdrantError::ResponseError { status } if status.code() == tonic::Code::NotFound)
}

fn too_slow(at: &str, what: &str, deadline: Duration) -> BackendError {
    BackendError::Unavailable(format!(
        "Qdrant at {at} did not answer within {} ({what})",
        seconds(deadline)
    ))
}

/// The client's error in words. A server that cannot be reached, does not answer in time,
/// or drops the request is `unavailable`: the caller may try again later or elsewhere.
/// Only the server's own message is kept, never the client's debug form.
pub(crate) fn failure(e: &QdrantError, at: &str, what: &str, deadline: Duration) -> BackendError {
    use tonic::Code;
    let unreachable =
        || BackendError::Unavailable(format!("Qdrant at {at} cannot be reached ({what})"));
    match e {
        QdrantError::ResponseError { status } => match status.code() {
            Code::DeadlineExceeded | Code::Cancelled => too_slow(at, what, deadline),
            Code::Unavailable | Code::Unknown => unreachable(),
            // The client reports a refused or timed-out connection as `internal`.
            Code::Internal if status.message().starts_with("Failed to connect") => unreachable(),
            Code::InvalidArgument => BackendError::Invalid(format!(
                "Qdrant at {at} refused {what}: {}",
                status.message()
            )),
            Code::Unauthenticated | Code::PermissionDenied => BackendError::Failed(format!(
                "Qdrant at {at} refused {what}: check the API key (qdrant-api-key, RHYME_QDRANT_API_KEY)"
            )),
            code => BackendError::Failed(format!(
                "Qdrant at {at} failed {what}: {}: {}",
                code.description(),
                status.message()
            )),
        },
        QdrantError::ResourceExhaustedError {
            retry_after_seconds,
            ..
        } => BackendError::Unavailable(format!(
            "Qdrant at {at} is overloaded ({what}); it asks to retry after {retry_after_seconds} s"
        )),
        other => BackendError::Failed(format!("Qdrant at {at} failed {what}: {other}")),
    }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `url` without user, password, path query or fragment: what a message may show.
pub(crate) fn shown_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
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
    use std::time::Instant;

    use super::*;
    use crate::versioned::tests::{ask, corpus, wait};
    use crate::versioned::{IndexName, Versioning, throwaway_name};
    use rhyme_runtime::capability::backend::VectorIndex;

    const QDRANT_URL: &str = "RHYME_QDRANT_URL";
    const QDRANT_API_KEY: &str = "RHYME_QDRANT_API_KEY";

    fn settings(url: &str) -> QdrantSettings {
        QdrantSettings {
            url: url.to_string(),
            api_key: std::env::var(QDRANT_API_KEY).ok().filter(|k| !k.is_empty()),
            read_timeout: Duration::from_secs(3),
            write_timeout: Duration::from_secs(30),
        }
    }

    /// The server `RHYME_QDRANT_URL` names, or `None` with a note.
    fn server_url() -> Option<String> {
        let url = std::env::var(QDRANT_URL)
            .ok()
            .filter(|u| !u.trim().is_empty());
        if url.is_none() {
            eprintln!(
                "note: {QDRANT_URL} is not set, so this check ran without a Qdrant server (its logic is checked on the embedded index in versioned::tests)"
            );
        }
        url
    }

    fn index_on(url: &str, name: IndexName, versioning: Versioning) -> QdrantIndex {
        Versioned::new(
            QdrantCollections::connect(settings(url)).unwrap(),
            name,
            versioning,
        )
    }

    /// A fresh throwaway index on the server, or `None` with a note.
    fn server() -> Option<QdrantIndex> {
        let url = server_url()?;
        Some(index_on(
            &url,
            IndexName::Fixed(throwaway_name("test")),
            throwaway(Duration::ZERO),
        ))
    }

    fn throwaway(retire_after: Duration) -> Versioning {
        Versioning {
            retire_after,
            throwaway: true,
        }
    }

    crate::index_conformance::conformance_tests!(server);

    fn nowhere(read_timeout: Duration, url: &str) -> QdrantIndex {
        let store = QdrantCollections::connect(QdrantSettings {
            read_timeout,
            ..settings(url)
        })
        .unwrap();
        Versioned::new(
            store,
            IndexName::Fixed("rhyme-test-nowhere".into()),
            throwaway(Duration::ZERO),
        )
    }

    /// Without a server the calls must still come back (as `unavailable`), whichever runtime
    /// awaits them: requests run on the index's own runtime either way.
    #[test]
    fn calls_work_from_any_runtime() {
        let (index, reachable) = match server() {
            Some(index) => (index, true),
            None => (nowhere(Duration::from_secs(3), "http://127.0.0.1:9"), false),
        };
        let index = Arc::new(index);
        let check = move |answer: Result<Vec<VectorHit>, BackendError>| match answer {
            Ok(_) => assert!(reachable, "an answer from nowhere"),
            Err(BackendError::Unavailable(m)) if !reachable => {
                assert!(
                    m.contains("127.0.0.1:9") && m.contains("cannot be reached"),
                    "{m}"
                );
                assert!(
                    !m.contains("tonic") && !m.contains('"'),
                    "client internals: {m}"
                );
            }
            Err(e) => panic!("{e}"),
        };

        check(wait(index.nearest("c", &[1.0, 0.0], 1)));

        let server_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let in_task = index.clone();
        check(server_runtime.block_on(async move {
            tokio::spawn(async move { in_task.nearest("c", &[1.0, 0.0], 1).await })
                .await
                .unwrap()
        }));
        // The last handle may go away inside a task of another runtime.
        server_runtime.block_on(async move { drop(index) });
    }

    /// A server that takes the connection and never answers: the read deadline, not the
    /// client's long default, ends the question, and it is `unavailable`.
    #[test]
    fn a_hung_server_is_unavailable_within_the_read_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for connection in listener.incoming() {
                held.push(connection);
            }
        });
        let index = nowhere(Duration::from_millis(300), &url);
        let started = Instant::now();
        let call = index.for_one_call().unwrap();
        let err = wait(call.get("seen-before/meta", &["corpus".into()])).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        match err {
            BackendError::Unavailable(m) => {
                assert!(m.contains("did not answer within 0.3 s"), "{m}")
            }
            other => panic!("not unavailable: {other}"),
        }
    }

    #[test]
    fn cancelled_timed_out_and_unreachable_are_unavailable_in_words() {
        let deadline = Duration::from_secs(3);
        let at = shown_url("http://ops:s3cret@qdrant:6334/?api-key=s3cret");
        assert_eq!(at, "http://qdrant:6334/");
        let status = |s: tonic::Status| QdrantError::ResponseError { status: s };
        let cases = [
            (
                tonic::Status::cancelled("Timeout expired"),
                "did not answer within 3 s",
            ),
            (
                tonic::Status::deadline_exceeded("deadline"),
                "did not answer within 3 s",
            ),
            (
                tonic::Status::unavailable("connection refused"),
                "cannot be reached",
            ),
            (
                tonic::Status::internal(
                    "Failed to connect to http://ops:s3cret@qdrant:6334/: tonic::transport::Error(Transport, ConnectError(\"tcp connect error\"))",
                ),
                "cannot be reached",
            ),
        ];
        for (s, said) in cases {
            match failure(&status(s), &at, "reading seen-before/meta", deadline) {
                BackendError::Unavailable(m) => {
                    assert!(m.contains(said), "{m}");
                    assert!(m.contains("(reading seen-before/meta)"), "{m}");
                    assert!(
                        !m.contains("s3cret") && !m.contains("tonic") && !m.contains('"'),
                        "{m}"
                    );
                }
                other => panic!("not unavailable: {other}"),
            }
        }
        let refused = failure(
            &status(tonic::Status::invalid_argument("Wrong input: bad vector")),
            &at,
            "searching c",
            deadline,
        );
        assert!(
            matches!(&refused, BackendError::Invalid(m) if m.ends_with("bad vector")),
            "{refused}"
        );
        let key = failure(
            &status(tonic::Status::unauthenticated("Invalid api-key")),
            &at,
            "x",
            deadline,
        );
        assert!(
            matches!(&key, BackendError::Failed(m) if m.contains("check the API key")),
            "{key}"
        );
    }

    /// Point 1 of issue 20 on a real server: questions asked while imports replace the
    /// corpus answer from one whole version, never from nothing.
    #[test]
    fn questions_during_imports_answer_from_one_whole_version() {
        let Some(url) = server_url() else { return };
        let index = index_on(
            &url,
            IndexName::Fixed(throwaway_name("test")),
            throwaway(Duration::from_millis(500)),
        );
        wait(index.replace(corpus("v0"))).unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let call = index.for_one_call().unwrap();
                    let (meta, docs) = ask(call.as_ref());
                    assert!(!meta.is_empty(), "an empty answer during an import");
                    assert_eq!(
                        docs,
                        vec![meta.clone(), meta],
                        "a question mixed two imports"
                    );
                }
            });
            for round in 1..=3 {
                wait(index.replace(corpus(&format!("v{round}")))).unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(ask(&index).0, "v3");
    }

    /// Point 3 on a real server: a throwaway index's collections go with it, an expired
    /// one left by a killed run is swept, and `remove_all` takes a folder's collections.
    #[test]
    fn throwaway_collections_are_deleted_swept_and_dropped() {
        let Some(url) = server_url() else { return };
        let store = || QdrantCollections::connect(settings(&url)).unwrap();
        let names = || wait(store().names()).unwrap();

        let throwaway_index = index_on(
            &url,
            IndexName::Fixed(throwaway_name("test")),
            throwaway(Duration::ZERO),
        );
        wait(throwaway_index.replace(corpus("gone"))).unwrap();
        let made: Vec<String> = names()
            .into_iter()
            .filter(|n| n.contains("-lease"))
            .collect();
        assert!(!made.is_empty());
        drop(throwaway_index);
        let left = names();
        assert!(made.iter().all(|m| !left.contains(m)), "{left:?}");

        let expired_secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - 10;
        let expired = format!("rhyme-test-lease{expired_secs}-0123456789-c-00000000-v1x0");
        wait(store().upsert(
            &expired,
            vec![VectorItem {
                id: "a".into(),
                vector: vec![1.0, 0.0],
                payload: String::new(),
            }],
        ))
        .unwrap();
        let sweeper = index_on(
            &url,
            IndexName::Fixed(throwaway_name("test")),
            throwaway(Duration::ZERO),
        );
        assert!(wait(sweeper.sweep_expired()).unwrap() >= 1);
        assert!(!names().contains(&expired));

        let dir = tempfile::tempdir().unwrap();
        let folder = IndexName::Folder {
            file: dir.path().join("qdrant-index"),
            prefix: "test".into(),
        };
        let kept = Versioning {
            retire_after: Duration::ZERO,
            throwaway: false,
        };
        let mine = index_on(&url, folder, kept);
        assert_eq!(ask(&mine).0, "", "a folder never imported reads empty");
        assert!(!dir.path().join("qdrant-index").exists());
        wait(mine.replace(corpus("mine"))).unwrap();
        wait(mine.replace(corpus("again"))).unwrap();
        assert_eq!(ask(&mine).0, "again");
        let index = std::fs::read_to_string(dir.path().join("qdrant-index")).unwrap();
        let own = format!("{}-", index.trim());
        assert_eq!(names().iter().filter(|n| n.starts_with(&own)).count(), 2);
        wait(mine.remove_all()).unwrap();
        assert!(names().iter().all(|n| !n.starts_with(&own)));
        assert_eq!(ask(&mine).0, "");
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
