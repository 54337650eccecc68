//! The embedded `vector-search` backend: exact cosine search over every item of a
//! collection, each collection kept in memory and persisted in one file of the data folder.
//!
//! Exact search is enough at the size of a team's postmortem history: scoring 1,200
//! 384-dimension vectors takes well under a millisecond. Files are written whole to a
//! temporary name and renamed, so a crash leaves the previous version, never half of one.
//!
//! Its calls are async only because the trait is (a Qdrant server behind it is I/O): here
//! they compute in memory and write local files, and return without ever waiting.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rhyme_runtime::capability::backend::{
    BackendError, VectorHit, VectorIndex, VectorItem, async_trait,
};

/// First bytes of a collection file, with the format's version.
const MAGIC: &[u8; 4] = b"RVX1";

/// Collections by name, loaded from `dir` on first use; in memory only without a folder.
pub struct ExactIndex {
    dir: Option<PathBuf>,
    collections: RwLock<HashMap<String, Arc<RwLock<Collection>>>>,
}

#[derive(Default)]
struct Collection {
    dimensions: usize,
    items: Vec<VectorItem>,
    norms: Vec<f32>,
    by_id: HashMap<String, usize>,
}

impl ExactIndex {
    /// An index persisted under `dir` (created when first written).
    pub fn open(dir: impl Into<PathBuf>) -> ExactIndex {
        ExactIndex {
            dir: Some(dir.into()),
            collections: RwLock::default(),
        }
    }

    /// An index that lives only as long as the process (evaluations, benchmarks).
    pub fn in_memory() -> ExactIndex {
        ExactIndex {
            dir: None,
            collections: RwLock::default(),
        }
    }

    fn collection(&self, name: &str) -> Result<Arc<RwLock<Collection>>, BackendError> {
        if let Some(found) = self.collections.read().expect("index lock").get(name) {
            return Ok(found.clone());
        }
        let loaded = match self.file(name) {
            Some(path) if path.exists() => Collection::read(&path)?,
            _ => Collection::default(),
        };
        let mut all = self.collections.write().expect("index lock");
        Ok(all
            .entry(name.to_string())
            .or_insert_with(|| Arc::new(RwLock::new(loaded)))
            .clone())
    }

    /// Collection names may hold `/` and anything a plugin chose: the file name is their hex.
    fn file(&self, name: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{}.vec", hex::encode(name))))
    }

    fn persist(&self, name: &str, collection: &Collection) -> Result<(), BackendError> {
        match self.file(name) {
            Some(path) => collection.write(&path),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl VectorIndex for ExactIndex {
    async fn upsert(&self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        let collection = self.collection(name)?;
        let mut collection = collection.write().expect("collection lock");
        collection.upsert(name, items)?;
        self.persist(name, &collection)
    }

    async fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError> {
        let collection = self.collection(name)?;
        let collection = collection.read().expect("collection lock");
        collection.nearest(name, vector, k)
    }

    async fn get(&self, name: &str, ids: &[String]) -> Result<Vec<VectorItem>, BackendError> {
        let collection = self.collection(name)?;
        let collection = collection.read().expect("collection lock");
        Ok(ids
            .iter()
            .filter_map(|id| {
                collection
                    .by_id
                    .get(id)
                    .map(|&i| collection.items[i].clone())
            })
            .collect())
    }

    async fn clear(&self, name: &str) -> Result<(), BackendError> {
        let collection = self.collection(name)?;
        let mut collection = collection.write().expect("collection lock");
        *collection = Collection::default();
        self.remove_file(name)
    }

    /// Builds every new collection aside, writes their files, then swaps them all in under
    /// the index's lock: a reader holds the old collection or the new one, never an empty one.
    async fn replace(
        &self,
        collections: Vec<(String, Vec<VectorItem>)>,
    ) -> Result<(), BackendError> {
        let mut built = Vec::with_capacity(collections.len());
        for (name, items) in collections {
            let mut collection = Collection::default();
            collection.upsert(&name, items)?;
            built.push((name, collection));
        }
        for (name, collection) in &built {
            if collection.items.is_empty() {
                self.remove_file(name)?;
            } else {
                self.persist(name, collection)?;
            }
        }
        let mut all = self.collections.write().expect("index lock");
        for (name, collection) in built {
            all.insert(name, Arc::new(RwLock::new(collection)));
        }
        Ok(())
    }

    async fn remove_all(&self) -> Result<(), BackendError> {
        self.collections.write().expect("index lock").clear();
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_failed(dir, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| io_failed(dir, e))?.path();
            if path.extension().is_some_and(|x| x == "vec") {
                std::fs::remove_file(&path).map_err(|e| io_failed(&path, e))?;
            }
        }
        Ok(())
    }
}

impl ExactIndex {
    fn remove_file(&self, name: &str) -> Result<(), BackendError> {
        match self.file(name) {
            Some(path) if path.exists() => {
                std::fs::remove_file(&path).map_err(|e| io_failed(&path, e))
            }
            _ => Ok(()),
        }
    }
}

impl Collection {
    fn upsert(&mut self, name: &str, items: Vec<VectorItem>) -> Result<(), BackendError> {
        for item in items {
            if self.items.is_empty() {
                self.dimensions = item.vector.len();
            }
            if item.vector.len() != self.dimensions || item.vector.is_empty() {
                return Err(BackendError::Invalid(format!(
                    "item {} has {} dimensions; collection {name} holds {}",
                    item.id,
                    item.vector.len(),
                    self.dimensions
                )));
            }
            self.insert(item);
        }
        Ok(())
    }

    fn insert(&mut self, item: VectorItem) {
        let norm = norm(&item.vector);
        match self.by_id.get(&item.id) {
            Some(&i) => {
                self.items[i] = item;
                self.norms[i] = norm;
            }
            None => {
                self.by_id.insert(item.id.clone(), self.items.len());
                self.items.push(item);
                self.norms.push(norm);
            }
        }
    }

    fn nearest(
        &self,
        name: &str,
        vector: &[f32],
        k: usize,
    ) -> Result<Vec<VectorHit>, BackendError> {
        if self.items.is_empty() || k == 0 {
            return Ok(Vec::new());
        }
        if vector.len() != self.dimensions {
            return Err(BackendError::Invalid(format!(
                "query has {} dimensions; collection {name} holds {}",
                vector.len(),
                self.dimensions
            )));
        }
        let query_norm = norm(vector);
        let mut scored: Vec<(f32, usize)> = self
            .items
            .iter()
            .zip(&self.norms)
            .enumerate()
            .map(|(i, (item, n))| (cosine(vector, &item.vector, query_norm * n), i))
            .collect();
        let k = k.min(scored.len());
        if k < scored.len() {
            scored.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
            scored.truncate(k);
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(scored
            .into_iter()
            .map(|(score, i)| {
                let item = &self.items[i];
                VectorHit {
                    id: item.id.clone(),
                    score,
                    payload: item.payload.clone(),
                }
            })
            .collect())
    }

    fn write(&self, path: &Path) -> Result<(), BackendError> {
        let mut bytes = Vec::with_capacity(self.items.len() * (self.dimensions * 4 + 64));
        bytes.extend_from_slice(MAGIC);
        put_u32(&mut bytes, self.dimensions);
        put_u32(&mut bytes, self.items.len());
        for item in &self.items {
            put_str(&mut bytes, &item.id);
            put_str(&mut bytes, &item.payload);
            for x in &item.vector {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        write_atomically(path, &bytes)
    }

    fn read(path: &Path) -> Result<Collection, BackendError> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| io_failed(path, e))?;
        let corrupt = || {
            BackendError::Failed(format!(
                "{}: not a vector collection file (or truncated)",
                path.display()
            ))
        };
        let mut reader = Reader {
            bytes: &bytes,
            at: 0,
        };
        if reader.take(4).ok_or_else(corrupt)? != MAGIC {
            return Err(corrupt());
        }
        let dimensions = reader.u32().ok_or_else(corrupt)?;
        let count = reader.u32().ok_or_else(corrupt)?;
        let mut collection = Collection {
            dimensions,
            ..Collection::default()
        };
        for _ in 0..count {
            let id = reader.string().ok_or_else(corrupt)?;
            let payload = reader.string().ok_or_else(corrupt)?;
            let raw = reader.take(dimensions * 4).ok_or_else(corrupt)?;
            let vector = raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            collection.insert(VectorItem {
                id,
                vector,
                payload,
            });
        }
        Ok(collection)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u32(&mut self) -> Option<usize> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.u32()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

fn put_u32(bytes: &mut Vec<u8>, n: usize) {
    bytes.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_str(bytes: &mut Vec<u8>, s: &str) {
    put_u32(bytes, s.len());
    bytes.extend_from_slice(s.as_bytes());
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn cosine(a: &[f32], b: &[f32], norms: f32) -> f32 {
    if norms == 0.0 {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() / norms
}

/// Writes `bytes` beside `path` and renames over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackendError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_failed(dir, e))?;
    }
    let temporary = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().map_err(|e| io_failed(path, e))
}

fn io_failed(path: &Path, e: std::io::Error) -> BackendError {
    BackendError::Failed(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, vector: &[f32]) -> VectorItem {
        VectorItem {
            id: id.into(),
            vector: vector.to_vec(),
            payload: format!("p-{id}"),
        }
    }

    crate::index_conformance::conformance_tests!(|| Some(ExactIndex::in_memory()));

    #[tokio::test]
    async fn collections_survive_a_reopen_and_clear_removes_them() {
        let dir = std::env::temp_dir().join(format!("rhyme-exact-{}", std::process::id()));
        let index = ExactIndex::open(&dir);
        index
            .upsert(
                "plugin/c",
                vec![item("a", &[0.5, 0.25]), item("é", &[0.0, 1.0])],
            )
            .await
            .unwrap();
        let reopened = ExactIndex::open(&dir);
        let got = reopened
            .get("plugin/c", &["a".into(), "é".into()])
            .await
            .unwrap();
        assert_eq!(got[0].vector, vec![0.5, 0.25]);
        assert_eq!(got[1].payload, "p-é");
        reopened.clear("plugin/c").await.unwrap();
        assert!(
            ExactIndex::open(&dir)
                .get("plugin/c", &["a".into()])
                .await
                .unwrap()
                .is_empty()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
