//! Collections that a corpus import replaces while a server keeps reading them: the logic an
//! index kept outside the process (Qdrant) needs, written once over a few plain calls
//! ([`Collections`]) so that it runs, and is tested, without a server.
//!
//! Each of our collections `c` of index `I` is an alias `I-c-HASH` pointing at a physical
//! collection `I-c-HASH-vMILLISxN`, one per write of a whole version. [`Versioned::replace`]
//! writes every new physical collection first, then points all the aliases at them in one
//! atomic step, waits a moment for questions still reading the old ones, and deletes those.
//! A plugin call reads through [`VectorIndex::for_one_call`], which resolves the aliases once,
//! at the call's first read, so one question never mixes two imports.
//!
//! Throwaway indexes (evaluations, benchmarks) carry their lease in their name
//! (`rhyme-eval-lease{EXPIRY}-…`, Unix seconds): their collections are deleted when the
//! index is dropped, and any whose lease ran out (a run that was killed) are swept by the
//! next import, evaluation or benchmark on the same server.
//!
//! Every call is async: a backend's requests are awaited by whoever asked (a plugin's
//! `vector-search` call, an import). Only a throwaway index's clean-up at drop cannot be
//! awaited, so it runs on a thread of its own and the drop waits for it (the end of an
//! evaluation or a benchmark, never a plugin call).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use rhyme_runtime::capability::backend::{
    BackendError, VectorHit, VectorIndex, VectorItem, async_trait,
};

/// How long a throwaway index may live before another run may sweep its collections.
pub const THROWAWAY_LEASE: Duration = Duration::from_secs(6 * 3600);
/// An unaliased version of a kept index older than this is a leftover of an import that
/// died before switching over, and is deleted by the next import. (A younger one may be an
/// import still writing.)
pub const STALE_VERSION: Duration = Duration::from_secs(3600);

/// The plain calls a backend gives: physical collections by exact name, and aliases.
#[async_trait]
pub trait Collections: Send + Sync {
    /// Inserts or replaces `items` in collection `name`, creating it when it does not exist.
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError>;
    /// The `k` nearest items; `None` when there is no collection `name`.
    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Option<Vec<VectorHit>>, BackendError>;
    /// The items stored under `ids`, in that order; `None` when there is no collection `name`.
    async fn get(
        &self,
        name: &str,
        ids: &[String],
    ) -> Result<Option<Vec<VectorItem>>, BackendError>;
    /// Deletes collection `name` (and the aliases pointing at it); absent is not an error.
    async fn delete(&self, name: &str) -> Result<(), BackendError>;
    /// The names of every collection.
    async fn names(&self) -> Result<Vec<String>, BackendError>;
    /// Every alias, with the collection it points at.
    async fn aliases(&self) -> Result<HashMap<String, String>, BackendError>;
    /// Points each alias at its collection (`None`: removes it), all in one atomic step.
    async fn point(&self, aliases: &[(String, Option<String>)]) -> Result<(), BackendError>;
}

/// Where an index's name comes from.
#[derive(Debug, Clone)]
pub enum IndexName {
    /// Fixed for the index's life (throwaway indexes, tests).
    Fixed(String),
    /// Kept in this file (the data folder's `vectors/qdrant-index`), written by the first
    /// write; before it, the index reads as empty. `prefix` names a new one (`corpus`).
    Folder {
        /// The file.
        file: PathBuf,
        /// What a new name starts with after `rhyme-`.
        prefix: String,
    },
}

/// How an index behaves around an import.
#[derive(Debug, Clone)]
pub struct Versioning {
    /// How long old collections stay readable after a switch-over, for questions that
    /// started on them. Zero for an index nobody else reads.
    pub retire_after: Duration,
    /// Delete every collection of the index when it is dropped.
    pub throwaway: bool,
}

/// An index whose collections are replaced whole, atomically, over any [`Collections`].
pub struct Versioned<S: Collections> {
    inner: Arc<Inner<S>>,
    /// `Some` for the view one plugin call has ([`VectorIndex::for_one_call`]): the aliases
    /// resolved at its first read (`None` until then; itself `None` for no index), kept
    /// after. `None` for the index itself, whose every read resolves them afresh.
    pinned: Option<Mutex<Option<Option<Resolved>>>>,
}

struct Inner<S: Collections> {
    store: S,
    name: IndexName,
    versioning: Versioning,
}

/// The aliases of one index as read at one moment.
#[derive(Debug, Clone)]
struct Resolved {
    index: String,
    aliases: HashMap<String, String>,
}

/// One read of a physical collection.
#[derive(Clone, Copy)]
enum Read<'a> {
    /// The `k` items nearest a vector.
    Nearest(&'a [f32], usize),
    /// The items stored under these ids.
    Get(&'a [String]),
}

/// What a [`Read`] found.
enum Found {
    Hits(Vec<VectorHit>),
    Items(Vec<VectorItem>),
}

impl<S: Collections> Versioned<S> {
    /// An index over `store`.
    pub fn new(store: S, name: IndexName, versioning: Versioning) -> Versioned<S> {
        Versioned {
            inner: Arc::new(Inner {
                store,
                name,
                versioning,
            }),
            pinned: None,
        }
    }

    /// The backend's plain calls (tests, diagnostics).
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// Deletes the collections of throwaway indexes whose lease ran out; returns how many.
    pub async fn sweep_expired(&self) -> Result<usize, BackendError> {
        sweep_expired(&self.inner.store, now_secs()).await
    }
}

impl<S: Collections> Inner<S> {
    /// The index's name, or `None` for a folder index never written.
    fn index_name(&self, create: bool) -> Result<Option<String>, BackendError> {
        match &self.name {
            IndexName::Fixed(name) => Ok(Some(name.clone())),
            IndexName::Folder { file, prefix } => folder_index_name(file, prefix, create),
        }
    }

    async fn resolve(&self) -> Result<Option<Resolved>, BackendError> {
        let Some(index) = self.index_name(false)? else {
            return Ok(None);
        };
        let own = format!("{index}-");
        let aliases = self
            .store
            .aliases()
            .await?
            .into_iter()
            .filter(|(alias, _)| alias.starts_with(&own))
            .collect();
        Ok(Some(Resolved { index, aliases }))
    }

    /// Runs `read` on the physical collection behind `collection`; when that collection
    /// vanished (deleted after a switch-over this resolution predates), resolves again once.
    async fn read(
        &self,
        pinned: &Mutex<Option<Option<Resolved>>>,
        collection: &str,
        read: Read<'_>,
    ) -> Result<Option<Found>, BackendError> {
        let known = pinned.lock().expect("pin lock").clone();
        let resolved = match known {
            Some(resolved) => resolved,
            None => {
                let resolved = self.resolve().await?;
                // Another read of the same call may have pinned first: the first one stands.
                pinned
                    .lock()
                    .expect("pin lock")
                    .get_or_insert(resolved)
                    .clone()
            }
        };
        let Some(resolved) = resolved else {
            return Ok(None);
        };
        let (physical, aliased) = physical_of(&resolved, collection);
        let found = self.read_physical(&physical, read).await?;
        if found.is_some() || !aliased {
            return Ok(found);
        }
        let fresh = self.resolve().await?;
        *pinned.lock().expect("pin lock") = Some(fresh.clone());
        match fresh {
            Some(fresh) => {
                self.read_physical(&physical_of(&fresh, collection).0, read)
                    .await
            }
            None => Ok(None),
        }
    }

    /// One read of the physical collection `physical`; `None` when it does not exist.
    async fn read_physical(
        &self,
        physical: &str,
        read: Read<'_>,
    ) -> Result<Option<Found>, BackendError> {
        Ok(match read {
            Read::Nearest(vector, k) => self
                .store
                .nearest(physical, vector, k)
                .await?
                .map(Found::Hits),
            Read::Get(ids) => self.store.get(physical, ids).await?.map(Found::Items),
        })
    }

    /// Nearest items through the aliases as `pinned` resolves them; nothing for no index.
    async fn nearest(
        &self,
        pinned: &Mutex<Option<Option<Resolved>>>,
        collection: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError> {
        match self
            .read(pinned, collection, Read::Nearest(vector, k))
            .await?
        {
            Some(Found::Hits(hits)) => Ok(hits),
            _ => Ok(Vec::new()),
        }
    }

    /// Items by id through the aliases as `pinned` resolves them.
    async fn get(
        &self,
        pinned: &Mutex<Option<Option<Resolved>>>,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<VectorItem>, BackendError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        match self.read(pinned, collection, Read::Get(ids)).await? {
            Some(Found::Items(items)) => Ok(items),
            _ => Ok(Vec::new()),
        }
    }

    async fn upsert(&self, collection: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        if items.is_empty() {
            return Ok(());
        }
        let index = self.index_name(true)?.expect("created");
        let alias = alias_name(&index, collection);
        if let Some(physical) = self.store.aliases().await?.get(&alias) {
            return self.store.upsert(physical, items).await;
        }
        // A collection written before versions existed is written in place.
        if self.store.names().await?.contains(&alias) {
            return self.store.upsert(&alias, items).await;
        }
        let physical = format!("{alias}-{}", new_version());
        self.store.upsert(&physical, items).await?;
        if let Err(e) = self.store.point(&[(alias, Some(physical.clone()))]).await {
            let _ = self.store.delete(&physical).await;
            return Err(e);
        }
        Ok(())
    }

    async fn clear(&self, collection: &str) -> Result<(), BackendError> {
        let Some(index) = self.index_name(false)? else {
            return Ok(());
        };
        let alias = alias_name(&index, collection);
        match self.store.aliases().await?.get(&alias) {
            Some(physical) => {
                self.store.point(&[(alias, None)]).await?;
                self.store.delete(physical).await
            }
            None => self.store.delete(&alias).await,
        }
    }

    async fn replace(
        &self,
        collections: Vec<(String, Vec<VectorItem>)>,
    ) -> Result<(), BackendError> {
        let index = self.index_name(true)?.expect("created");
        if let Err(e) = sweep_expired(&self.store, now_secs()).await {
            tracing::warn!("sweeping expired throwaway vector collections: {e}");
        }
        let version = new_version();
        let mut written: Vec<String> = Vec::new();
        let mut switch = Vec::with_capacity(collections.len());
        for (collection, items) in collections {
            let alias = alias_name(&index, &collection);
            if items.is_empty() {
                switch.push((alias, None));
                continue;
            }
            let physical = format!("{alias}-{version}");
            written.push(physical.clone());
            if let Err(e) = self.store.upsert(&physical, items).await {
                self.abandon(&written).await;
                return Err(e);
            }
            switch.push((alias, Some(physical)));
        }
        let before = match self.switch_over(&switch).await {
            Ok(before) => before,
            Err(e) => {
                self.abandon(&written).await;
                return Err(e);
            }
        };
        if !self.versioning.retire_after.is_zero() {
            tokio::time::sleep(self.versioning.retire_after).await;
        }
        for old in before {
            if let Err(e) = self.store.delete(&old).await {
                tracing::warn!("deleting the replaced vector collection {old}: {e}");
            }
        }
        if let Err(e) = self.sweep_stale(&index).await {
            tracing::warn!("sweeping leftover versions of {index}: {e}");
        }
        Ok(())
    }

    /// Points the aliases at the new collections; returns the collections they pointed at.
    async fn switch_over(
        &self,
        switch: &[(String, Option<String>)],
    ) -> Result<Vec<String>, BackendError> {
        let aliases = self.store.aliases().await?;
        let before: Vec<String> = switch
            .iter()
            .filter_map(|(alias, _)| aliases.get(alias).cloned())
            .collect();
        // A collection written before versions existed has the alias's name, and an alias
        // cannot share a name with a collection: it goes just before the switch (once).
        let names: BTreeSet<String> = self.store.names().await?.into_iter().collect();
        for (alias, _) in switch {
            if names.contains(alias) {
                tracing::info!("replacing {alias}, written before versioned imports");
                self.store.delete(alias).await?;
            }
        }
        self.store.point(switch).await?;
        Ok(before)
    }

    /// Best effort: the collections of an import that failed before its switch-over.
    async fn abandon(&self, written: &[String]) {
        for physical in written {
            if let Err(e) = self.store.delete(physical).await {
                tracing::warn!("deleting {physical} of a failed import: {e}");
            }
        }
    }

    /// Versions of `index` that no alias points at and old enough not to be an import
    /// still writing: what an import killed before its switch-over left.
    async fn sweep_stale(&self, index: &str) -> Result<(), BackendError> {
        let aliased: BTreeSet<String> = self.store.aliases().await?.into_values().collect();
        let own = format!("{index}-");
        let now = now_millis();
        for name in self.store.names().await? {
            let Some(made) = name.strip_prefix(&own).and_then(version_millis) else {
                continue;
            };
            let stale = now.saturating_sub(made) > STALE_VERSION.as_millis() as u64;
            if stale && !aliased.contains(&name) {
                self.store.delete(&name).await?;
            }
        }
        Ok(())
    }

    async fn remove_all(&self) -> Result<(), BackendError> {
        let Some(index) = self.index_name(false)? else {
            return Ok(());
        };
        let own = format!("{index}-");
        let aliases: Vec<(String, Option<String>)> = self
            .store
            .aliases()
            .await?
            .into_keys()
            .filter(|a| a.starts_with(&own))
            .map(|a| (a, None))
            .collect();
        if !aliases.is_empty() {
            self.store.point(&aliases).await?;
        }
        for name in self.store.names().await? {
            if name.starts_with(&own) {
                self.store.delete(&name).await?;
            }
        }
        if let IndexName::Folder { file, .. } = &self.name {
            match std::fs::remove_file(file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(BackendError::Failed(format!("{}: {e}", file.display())));
                }
            }
        }
        Ok(())
    }
}

impl<S: Collections> Drop for Inner<S> {
    /// A drop cannot await: the clean-up runs to its end on a thread of its own, with a
    /// runtime of its own, so dropping works the same inside and outside async code.
    fn drop(&mut self) {
        if !self.versioning.throwaway {
            return;
        }
        let this = &*self;
        let removed = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| {
                            BackendError::Failed(format!("a runtime to clean up on: {e}"))
                        })?
                        .block_on(this.remove_all())
                })
                .join()
                .unwrap_or_else(|_| Err(BackendError::Failed("the clean-up panicked".into())))
        });
        if let Err(e) = removed {
            tracing::warn!(
                "the throwaway vector collections were not deleted ({e}); the next run sweeps them once their lease runs out"
            );
        }
    }
}

#[async_trait]
impl<S: Collections + 'static> VectorIndex for Versioned<S> {
    async fn upsert(&self, collection: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        self.inner.upsert(collection, items).await
    }

    async fn nearest(
        &self,
        collection: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError> {
        let fresh = Mutex::new(None);
        let pinned = self.pinned.as_ref().unwrap_or(&fresh);
        self.inner.nearest(pinned, collection, vector, k).await
    }

    async fn get(&self, collection: &str, ids: &[String]) -> Result<Vec<VectorItem>, BackendError> {
        let fresh = Mutex::new(None);
        let pinned = self.pinned.as_ref().unwrap_or(&fresh);
        self.inner.get(pinned, collection, ids).await
    }

    async fn clear(&self, collection: &str) -> Result<(), BackendError> {
        self.inner.clear(collection).await
    }

    async fn replace(
        &self,
        collections: Vec<(String, Vec<VectorItem>)>,
    ) -> Result<(), BackendError> {
        self.inner.replace(collections).await
    }

    async fn remove_all(&self) -> Result<(), BackendError> {
        self.inner.remove_all().await
    }

    fn for_one_call(&self) -> Option<Arc<dyn VectorIndex>> {
        // A call's own view is already pinned: it has no narrower one.
        self.pinned.is_none().then(|| {
            Arc::new(Versioned {
                inner: self.inner.clone(),
                pinned: Some(Mutex::new(None)),
            }) as Arc<dyn VectorIndex>
        })
    }
}

/// The physical collection behind `collection`, and whether an alias named it (else it
/// is the alias's own name: a collection written before versions existed, or nothing).
fn physical_of(resolved: &Resolved, collection: &str) -> (String, bool) {
    let alias = alias_name(&resolved.index, collection);
    match resolved.aliases.get(&alias) {
        Some(physical) => (physical.clone(), true),
        None => (alias, false),
    }
}

/// `{index}-{name with other characters as _}-{hash}`: readable, limited to the characters
/// every backend accepts, and the hash keeps `a/b` and `a_b` apart. Never ends in a version.
pub fn alias_name(index: &str, name: &str) -> String {
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

/// `v{unix millis}x{counter}`: when it was made, and distinct within the process.
fn new_version() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "v{}x{}",
        now_millis(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// When the version a physical collection name ends with was made.
fn version_millis(name: &str) -> Option<u64> {
    let (_, version) = name.rsplit_once('-')?;
    let (millis, counter) = version.strip_prefix('v')?.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(millis) && digits(counter))
        .then(|| millis.parse().ok())
        .flatten()
}

/// `rhyme-{name}-lease{expiry}-{10 hex}`: a throwaway index's name, its lease in it.
pub fn throwaway_name(name: &str) -> String {
    let expiry = now_secs() + THROWAWAY_LEASE.as_secs();
    format!("rhyme-{name}-lease{expiry}-{}", &random_hex()[..10])
}

/// The lease expiry in a collection name made from [`throwaway_name`].
fn lease_expiry(collection: &str) -> Option<u64> {
    let rest = collection.strip_prefix("rhyme-")?;
    let (_, after) = rest.split_once("-lease")?;
    let (digits, _) = after.split_once('-')?;
    digits.parse().ok()
}

async fn sweep_expired(store: &impl Collections, now: u64) -> Result<usize, BackendError> {
    let mut swept = 0;
    for name in store.names().await? {
        if lease_expiry(&name).is_some_and(|expiry| expiry < now) {
            store.delete(&name).await?;
            swept += 1;
        }
    }
    if swept > 0 {
        tracing::info!("swept {swept} vector collections of throwaway indexes whose lease ran out");
    }
    Ok(swept)
}

/// `rhyme-{prefix}-{12 hex}` kept in `file`; made and written when `create`, else `None`
/// when the file does not exist.
pub(crate) fn folder_index_name(
    file: &std::path::Path,
    prefix: &str,
    create: bool,
) -> Result<Option<String>, BackendError> {
    match std::fs::read_to_string(file) {
        Ok(text) if !text.trim().is_empty() => return Ok(Some(text.trim().to_string())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(BackendError::Failed(format!("{}: {e}", file.display()))),
    }
    if !create {
        return Ok(None);
    }
    let chosen = format!("rhyme-{prefix}-{}", &random_hex()[..12]);
    crate::exact_index::write_atomically(file, format!("{chosen}\n").as_bytes())?;
    Ok(Some(chosen))
}

/// Hex no other call returns: the process, the time and a counter, hashed.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{}:{nanos}:{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    hex::encode(Sha256::digest(seed.as_bytes()))
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn now_secs() -> u64 {
    now_millis() / 1000
}

#[cfg(test)]
pub(crate) mod tests;
