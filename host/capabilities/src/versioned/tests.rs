//! The switch-over, the sweep and the error paths of [`Versioned`], on the built-in exact
//! index standing in for a server's collections ([`Memory`], which keeps Qdrant's rule that
//! an alias cannot share a collection's name), and through [`Faulty`], which fails or
//! interleaves chosen calls. The same checks run on a real Qdrant server in `qdrant_index`.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use super::*;
use crate::exact_index::ExactIndex;

/// Physical collections in the exact index, and an alias table beside it.
pub(crate) struct Memory {
    index: ExactIndex,
    state: Mutex<(BTreeSet<String>, HashMap<String, String>)>,
}

impl Memory {
    pub(crate) fn new() -> Memory {
        Memory {
            index: ExactIndex::in_memory(),
            state: Mutex::default(),
        }
    }

    fn index(&self) -> &ExactIndex {
        &self.index
    }

    fn exists(&self, name: &str) -> bool {
        self.state.lock().unwrap().0.contains(name)
    }
}

#[async_trait]
impl Collections for Memory {
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        if self.state.lock().unwrap().1.contains_key(name) {
            return Err(BackendError::Invalid(format!("{name} is an alias")));
        }
        self.index().upsert(name, items).await?;
        self.state.lock().unwrap().0.insert(name.to_string());
        Ok(())
    }

    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Option<Vec<VectorHit>>, BackendError> {
        if !self.exists(name) {
            return Ok(None);
        }
        self.index().nearest(name, vector, k).await.map(Some)
    }

    async fn get(
        &self,
        name: &str,
        ids: &[String],
    ) -> Result<Option<Vec<VectorItem>>, BackendError> {
        if !self.exists(name) {
            return Ok(None);
        }
        self.index().get(name, ids).await.map(Some)
    }

    async fn delete(&self, name: &str) -> Result<(), BackendError> {
        {
            let mut state = self.state.lock().unwrap();
            state.0.remove(name);
            state.1.retain(|_, target| target != name);
        }
        self.index().clear(name).await
    }

    async fn names(&self) -> Result<Vec<String>, BackendError> {
        Ok(self.state.lock().unwrap().0.iter().cloned().collect())
    }

    async fn aliases(&self) -> Result<HashMap<String, String>, BackendError> {
        Ok(self.state.lock().unwrap().1.clone())
    }

    async fn point(&self, aliases: &[(String, Option<String>)]) -> Result<(), BackendError> {
        let mut state = self.state.lock().unwrap();
        for (alias, target) in aliases {
            if state.0.contains(alias) {
                return Err(BackendError::Invalid(format!(
                    "alias {alias} would share a collection's name"
                )));
            }
            if let Some(target) = target
                && !state.0.contains(target)
            {
                return Err(BackendError::Invalid(format!("no collection {target}")));
            }
        }
        for (alias, target) in aliases {
            match target {
                Some(target) => state.1.insert(alias.clone(), target.clone()),
                None => state.1.remove(alias),
            };
        }
        Ok(())
    }
}

/// A call of [`Collections`], for [`Faulty`] to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    Upsert,
    Read,
    Delete,
    Names,
    Aliases,
    Point,
}

type Hook = Box<dyn Fn(Call, &str) -> Option<BackendError> + Send + Sync>;

/// Another store with a hook run before every call: it may fail the call (its error is
/// returned instead) or do something first (another writer, a clock step).
pub(crate) struct Faulty<S> {
    inner: S,
    hook: Mutex<Option<Hook>>,
}

impl<S: Collections> Faulty<S> {
    pub(crate) fn new(inner: S) -> Faulty<S> {
        Faulty {
            inner,
            hook: Mutex::new(None),
        }
    }

    pub(crate) fn on(
        &self,
        hook: impl Fn(Call, &str) -> Option<BackendError> + Send + Sync + 'static,
    ) {
        *self.hook.lock().unwrap() = Some(Box::new(hook));
    }

    pub(crate) fn heal(&self) {
        *self.hook.lock().unwrap() = None;
    }

    fn check(&self, call: Call, name: &str) -> Result<(), BackendError> {
        match self
            .hook
            .lock()
            .unwrap()
            .as_ref()
            .and_then(|h| h(call, name))
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl<S: Collections> Collections for Faulty<S> {
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        self.check(Call::Upsert, name)?;
        self.inner.upsert(name, items).await
    }

    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Option<Vec<VectorHit>>, BackendError> {
        self.check(Call::Read, name)?;
        self.inner.nearest(name, vector, k).await
    }

    async fn get(
        &self,
        name: &str,
        ids: &[String],
    ) -> Result<Option<Vec<VectorItem>>, BackendError> {
        self.check(Call::Read, name)?;
        self.inner.get(name, ids).await
    }

    async fn delete(&self, name: &str) -> Result<(), BackendError> {
        self.check(Call::Delete, name)?;
        self.inner.delete(name).await
    }

    async fn names(&self) -> Result<Vec<String>, BackendError> {
        self.check(Call::Names, "")?;
        self.inner.names().await
    }

    async fn aliases(&self) -> Result<HashMap<String, String>, BackendError> {
        self.check(Call::Aliases, "")?;
        self.inner.aliases().await
    }

    async fn point(&self, aliases: &[(String, Option<String>)]) -> Result<(), BackendError> {
        self.check(Call::Point, "")?;
        self.inner.point(aliases).await
    }
}

fn item(id: &str, vector: &[f32], payload: &str) -> VectorItem {
    VectorItem {
        id: id.into(),
        vector: vector.to_vec(),
        payload: payload.into(),
    }
}

fn kept(retire_after: Duration) -> Versioning {
    Versioning {
        retire_after,
        throwaway: false,
    }
}

fn fixed<S: Collections>(store: S, retire_after: Duration) -> Versioned<S> {
    Versioned::new(
        store,
        IndexName::Fixed("rhyme-t-000000000000".into()),
        kept(retire_after),
    )
}

/// Two collections written as one corpus version: both payloads say which.
pub(crate) fn corpus(version: &str) -> Vec<(String, Vec<VectorItem>)> {
    vec![
        ("p/meta".into(), vec![item("corpus", &[1.0, 0.0], version)]),
        (
            "p/docs".into(),
            vec![
                item("a", &[1.0, 0.0], version),
                item("b", &[0.0, 1.0], version),
            ],
        ),
    ]
}

/// Runs `future` to its end on a runtime of its own: these tests drive the index from
/// plain threads, as several servers and importers would.
pub(crate) fn wait<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
        .block_on(future)
}

/// What one question reads: the meta's version and the docs' versions, through `index`.
pub(crate) fn ask(index: &dyn VectorIndex) -> (String, Vec<String>) {
    // Both reads on one runtime, one right after the other, as in one plugin call.
    let (meta, docs) = wait(async {
        let meta = index.get("p/meta", &["corpus".into()]).await.unwrap();
        let docs = index.nearest("p/docs", &[1.0, 0.2], 2).await.unwrap();
        (meta, docs)
    });
    (
        meta.first().map(|m| m.payload.clone()).unwrap_or_default(),
        docs.into_iter().map(|d| d.payload).collect(),
    )
}

crate::index_conformance::conformance_tests!(|| Some(fixed(Memory::new(), Duration::ZERO)));

#[test]
fn a_replace_switches_every_collection_and_deletes_the_old_ones() {
    let index = fixed(Memory::new(), Duration::ZERO);
    wait(index.replace(corpus("one"))).unwrap();
    let before = wait(index.store().names()).unwrap();
    wait(index.replace(corpus("two"))).unwrap();
    assert_eq!(
        ask(&index),
        ("two".into(), vec!["two".into(), "two".into()])
    );
    let after = wait(index.store().names()).unwrap();
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(
        before.iter().all(|old| !after.contains(old)),
        "{before:?} {after:?}"
    );
}

#[test]
fn a_call_keeps_reading_the_version_its_first_read_found() {
    let index = fixed(Memory::new(), Duration::from_millis(200));
    wait(index.replace(corpus("one"))).unwrap();
    let call = index.for_one_call().unwrap();
    let meta = wait(call.get("p/meta", &["corpus".into()])).unwrap();
    assert_eq!(meta[0].payload, "one");
    std::thread::scope(|s| {
        s.spawn(|| wait(index.replace(corpus("two"))).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        // Switched, not yet retired: this call still reads one, a new call reads two.
        assert_eq!(
            ask(call.as_ref()),
            ("one".into(), vec!["one".into(), "one".into()])
        );
        assert_eq!(ask(&index).0, "two");
    });
}

/// Readers run questions without pause while imports replace the corpus: every question
/// answers from one version, never from nothing and never from two. A question must finish
/// within the retire window (6 s in service); 250 ms here, so that a reader thread the
/// scheduler sets aside on a loaded 2-core machine still finishes inside it.
#[test]
fn questions_during_imports_answer_from_one_whole_version() {
    let index = Arc::new(fixed(Memory::new(), Duration::from_millis(250)));
    wait(index.replace(corpus("v0"))).unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let mut asked = 0;
                while !done.load(Ordering::Relaxed) || asked < 50 {
                    let call = index.for_one_call().unwrap();
                    let (meta, docs) = ask(call.as_ref());
                    assert!(!meta.is_empty(), "an empty answer during an import");
                    assert_eq!(
                        docs,
                        vec![meta.clone(), meta],
                        "a question mixed two imports"
                    );
                    asked += 1;
                }
            });
        }
        for round in 1..=15 {
            wait(index.replace(corpus(&format!("v{round}")))).unwrap();
        }
        done.store(true, Ordering::Relaxed);
    });
}

#[test]
fn an_import_that_fails_leaves_the_old_version_whole_and_nothing_behind() {
    let index = fixed(Faulty::new(Memory::new()), Duration::ZERO);
    wait(index.replace(corpus("one"))).unwrap();
    let before = wait(index.store().names()).unwrap();
    index.store().on(|call, name| {
        (call == Call::Upsert && name.contains("docs"))
            .then(|| BackendError::Unavailable("the server went away".into()))
    });
    let err = wait(index.replace(corpus("two"))).unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err}");
    index.store().heal();
    assert_eq!(ask(&index).0, "one");
    assert_eq!(wait(index.store().names()).unwrap(), before);

    index
        .store()
        .on(|call, _| (call == Call::Point).then(|| BackendError::Failed("refused".into())));
    wait(index.replace(corpus("three"))).unwrap_err();
    index.store().heal();
    assert_eq!(ask(&index).0, "one");
    assert_eq!(wait(index.store().names()).unwrap(), before);
}

#[test]
fn an_unavailable_backend_is_reported_as_unavailable_not_as_empty() {
    let index = fixed(Faulty::new(Memory::new()), Duration::ZERO);
    wait(index.replace(corpus("one"))).unwrap();
    index.store().on(|call, _| {
        (call == Call::Aliases).then(|| BackendError::Unavailable("no answer within 3 s".into()))
    });
    let call = index.for_one_call().unwrap();
    let err = wait(call.get("p/meta", &["corpus".into()])).unwrap_err();
    assert!(matches!(err, BackendError::Unavailable(_)), "{err}");
}

#[test]
fn a_collection_written_before_versions_is_read_then_replaced() {
    let memory = Memory::new();
    let legacy = alias_name("rhyme-t-000000000000", "p/meta");
    wait(memory.upsert(&legacy, vec![item("corpus", &[1.0, 0.0], "legacy")])).unwrap();
    let index = fixed(memory, Duration::ZERO);
    assert_eq!(ask(&index).0, "legacy");
    wait(index.replace(corpus("one"))).unwrap();
    assert_eq!(ask(&index).0, "one");
    assert!(!wait(index.store().names()).unwrap().contains(&legacy));
}

#[test]
fn expired_throwaway_collections_are_swept_and_live_ones_kept() {
    let memory = Memory::new();
    let now = now_secs();
    let expired = format!("rhyme-eval-lease{}-0123456789-c-00000000-v1x0", now - 10);
    let live = format!("{}-c-00000000-v1x0", throwaway_name("eval"));
    let kept_index = "rhyme-corpus-0123456789ab-c-00000000-v1x0".to_string();
    for name in [&expired, &live, &kept_index] {
        wait(memory.upsert(name, vec![item("a", &[1.0], "")])).unwrap();
    }
    let index = fixed(memory, Duration::ZERO);
    assert_eq!(wait(index.sweep_expired()).unwrap(), 1);
    let left = wait(index.store().names()).unwrap();
    assert!(!left.contains(&expired), "{left:?}");
    assert!(
        left.contains(&live) && left.contains(&kept_index),
        "{left:?}"
    );
}

#[test]
fn an_import_sweeps_expired_throwaways_and_its_own_dead_versions() {
    let index = fixed(Memory::new(), Duration::ZERO);
    let old = now_millis() - STALE_VERSION.as_millis() as u64 - 1000;
    let dead = format!("{}-v{old}x0", alias_name("rhyme-t-000000000000", "p/docs"));
    let young = format!(
        "{}-v{}x0",
        alias_name("rhyme-t-000000000000", "p/docs"),
        now_millis()
    );
    let expired = format!(
        "rhyme-eval-lease{}-0123456789-c-00000000-v1x0",
        now_secs() - 1
    );
    for name in [&dead, &young, &expired] {
        wait(index.store().upsert(name, vec![item("a", &[1.0, 0.0], "")])).unwrap();
    }
    wait(index.replace(corpus("one"))).unwrap();
    let left = wait(index.store().names()).unwrap();
    assert!(
        !left.contains(&dead) && !left.contains(&expired),
        "{left:?}"
    );
    // Maybe another import still writing: kept.
    assert!(left.contains(&young), "{left:?}");
}

#[test]
fn a_throwaway_index_deletes_its_collections_when_dropped() {
    let memory = Arc::new(Memory::new());
    let other = fixed(SharedMemory(memory.clone()), Duration::ZERO);
    wait(other.replace(corpus("kept"))).unwrap();
    let throwaway = Versioned::new(
        SharedMemory(memory.clone()),
        IndexName::Fixed(throwaway_name("eval")),
        Versioning {
            retire_after: Duration::ZERO,
            throwaway: true,
        },
    );
    wait(throwaway.replace(corpus("gone"))).unwrap();
    assert_eq!(wait(memory.names()).unwrap().len(), 4);
    drop(throwaway);
    assert_eq!(wait(memory.names()).unwrap().len(), 2);
    assert_eq!(ask(&other).0, "kept");
}

#[test]
fn remove_all_deletes_this_index_only_and_forgets_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::new());
    let folder = |d: &std::path::Path| IndexName::Folder {
        file: d.join("qdrant-index"),
        prefix: "corpus".into(),
    };
    let mine = Versioned::new(
        SharedMemory(memory.clone()),
        folder(dir.path()),
        kept(Duration::ZERO),
    );
    let other_dir = tempfile::tempdir().unwrap();
    let other = Versioned::new(
        SharedMemory(memory.clone()),
        folder(other_dir.path()),
        kept(Duration::ZERO),
    );
    wait(mine.replace(corpus("mine"))).unwrap();
    wait(other.replace(corpus("other"))).unwrap();
    wait(mine.remove_all()).unwrap();
    assert!(!dir.path().join("qdrant-index").exists());
    assert_eq!(ask(&mine).0, "");
    assert_eq!(ask(&other).0, "other");
    assert_eq!(wait(memory.names()).unwrap().len(), 2);
}

#[test]
fn a_folder_index_never_written_reads_empty_and_writes_no_name() {
    let dir = tempfile::tempdir().unwrap();
    let index = Versioned::new(
        Memory::new(),
        IndexName::Folder {
            file: dir.path().join("qdrant-index"),
            prefix: "corpus".into(),
        },
        kept(Duration::ZERO),
    );
    assert_eq!(ask(&index), (String::new(), vec![]));
    assert_eq!(ask(index.for_one_call().unwrap().as_ref()).0, "");
    wait(index.remove_all()).unwrap();
    assert!(!dir.path().join("qdrant-index").exists());
    wait(index.replace(corpus("one"))).unwrap();
    let name = std::fs::read_to_string(dir.path().join("qdrant-index")).unwrap();
    assert!(name.starts_with("rhyme-corpus-"), "{name}");
}

#[test]
fn names_carry_their_version_and_lease() {
    let alias = alias_name("rhyme-corpus-0123456789ab", "seen-before/passages");
    assert!(
        alias.starts_with("rhyme-corpus-0123456789ab-seen-before_passages-"),
        "{alias}"
    );
    assert_ne!(
        alias,
        alias_name("rhyme-corpus-0123456789ab", "seen-before_passages")
    );
    assert_eq!(version_millis(&alias), None);
    assert_eq!(
        version_millis(&format!("{alias}-v1700000000000x3")),
        Some(1_700_000_000_000)
    );
    let throwaway = throwaway_name("eval");
    let expiry = lease_expiry(&format!("{throwaway}-c-00000000")).unwrap();
    assert!(
        expiry > now_secs() + THROWAWAY_LEASE.as_secs() - 60,
        "{throwaway}"
    );
    assert_eq!(lease_expiry("rhyme-corpus-0123456789ab-c-00000000"), None);
}

/// One [`Memory`] seen by several indexes, as one server is.
struct SharedMemory(Arc<Memory>);

#[async_trait]
impl Collections for SharedMemory {
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        self.0.upsert(name, items).await
    }
    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Option<Vec<VectorHit>>, BackendError> {
        self.0.nearest(name, vector, k).await
    }
    async fn get(
        &self,
        name: &str,
        ids: &[String],
    ) -> Result<Option<Vec<VectorItem>>, BackendError> {
        self.0.get(name, ids).await
    }
    async fn delete(&self, name: &str) -> Result<(), BackendError> {
        self.0.delete(name).await
    }
    async fn names(&self) -> Result<Vec<String>, BackendError> {
        self.0.names().await
    }
    async fn aliases(&self) -> Result<HashMap<String, String>, BackendError> {
        self.0.aliases().await
    }
    async fn point(&self, aliases: &[(String, Option<String>)]) -> Result<(), BackendError> {
        self.0.point(aliases).await
    }
}
