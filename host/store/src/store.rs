//! The store handle: a cheap-to-clone reference to one database, shared by every request.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock, Timestamp};
use crate::db::{self, Backend, Db};
use crate::durability::Synchronous;
use crate::error::Result;
use crate::limits::Limits;
use crate::migrate;

/// Rhyme's incident store. Clone it freely; clones share the pool (and the limits they had
/// when cloned).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    limits: Limits,
}

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating and migrating as needed) the store: `<data_dir>/rhyme.db` in WAL mode
    /// by default, or the database at `database_url` (`postgres://...` or `sqlite:...`).
    pub async fn open(data_dir: impl AsRef<Path>, database_url: Option<&str>) -> Result<Store> {
        Self::open_with_clock(data_dir, database_url, Arc::new(SystemClock)).await
    }

    /// As [`Store::open`], reading the time from `clock`.
    pub async fn open_with_clock(
        data_dir: impl AsRef<Path>,
        database_url: Option<&str>,
        clock: Arc<dyn Clock>,
    ) -> Result<Store> {
        Self::open_with(data_dir, database_url, None, clock).await
    }

    /// As [`Store::open`], with SQLite's `synchronous` mode chosen by the operator (`None`:
    /// [`Synchronous::Normal`]; a choice on PostgreSQL is refused, naming `synchronous`).
    pub async fn open_with(
        data_dir: impl AsRef<Path>,
        database_url: Option<&str>,
        synchronous: Option<Synchronous>,
        clock: Arc<dyn Clock>,
    ) -> Result<Store> {
        let (url, backend) = db::resolve_url(data_dir.as_ref(), database_url)?;
        let db = db::connect(&url, backend, synchronous).await?;
        migrate::migrate(&db).await?;
        Ok(Store {
            inner: Arc::new(Inner { db, clock }),
            limits: Limits::default(),
        })
    }

    /// This store with `limits` on what one incident may accumulate, instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Store {
        self.limits = limits;
        self
    }

    /// What one incident may accumulate through this handle.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Which database this store runs on, SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.inner.db.backend
    }

    /// The `synchronous` mode SQLite commits run with, read back from the database; `None`
    /// on PostgreSQL.
    pub async fn synchronous(&self) -> Result<Option<Synchronous>> {
        self.inner.db.synchronous().await
    }

    /// The store's current time.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<()> {
        self.inner.db.ping().await
    }

    /// Closes the pool, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.inner.db.pool.close().await;
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
