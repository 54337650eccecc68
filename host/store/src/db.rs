//! The connection pool and write transactions, over SQLite or PostgreSQL through sqlx's `Any`
//! driver, so every query is written once. Queries use `$1` placeholders, which both accept.
//!
//! SQLite has one writer at a time. Inside one process, writers queue on a mutex here instead
//! of spinning in SQLite's busy handler (which sleeps up to 100 ms per retry and would wreck
//! ingest latency); across processes the busy timeout still applies. Write transactions on
//! SQLite start with `BEGIN IMMEDIATE`, so a transaction that reads before it writes never
//! fails half-way on a stale snapshot.

use std::path::Path;
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Connection as _, Executor as _, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use crate::durability::Synchronous;
use crate::error::{Error, Result};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the default: `rhyme.db` in the data folder), opened in WAL mode.
    Sqlite,
    /// A PostgreSQL server, reached through a `postgres://` URL.
    Postgres,
}

impl Backend {
    /// `n` bind parameters numbered from `first`, comma-separated, for a statement built at
    /// run time. On SQLite they are anonymous (`?`, bound in order): numbered ones (`$n`) cost
    /// sqlx a `sqlite3_bind_parameter_name` per parameter, which walks SQLite's list of the
    /// statement's names, so quadratic in the parameters (for a batch of 100 events, 800 of
    /// them, it was the largest single cost of ingest, paid while holding the writer's turn).
    /// PostgreSQL takes only numbered ones.
    pub(crate) fn params(self, first: usize, n: usize) -> String {
        let marks: Vec<String> = match self {
            Backend::Sqlite => vec!["?".to_string(); n],
            Backend::Postgres => (first..first + n).map(|i| format!("${i}")).collect(),
        };
        marks.join(", ")
    }
}

/// The file name of the default SQLite database inside the data folder.
pub const SQLITE_FILE: &str = "rhyme.db";

pub(crate) struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    writer: Mutex<()>,
}

/// A write transaction; on SQLite it also holds this process's writer turn.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _turn: Option<MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Works out the connection URL: the given one, or `rhyme.db` in the data folder.
pub(crate) fn resolve_url(
    data_dir: &Path,
    database_url: Option<&str>,
) -> Result<(String, Backend)> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok((url.to_string(), Backend::Postgres))
        }
        Some(url) if url.starts_with("sqlite:") => Ok((url.to_string(), Backend::Sqlite)),
        Some(other) => Err(Error::invalid(
            "database_url",
            format!(
                "expected a postgres:// or sqlite: URL, got `{}`",
                redact(other)
            ),
        )),
        None => {
            std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
                path: data_dir.display().to_string(),
                source,
            })?;
            let file = data_dir.join(SQLITE_FILE);
            Ok((
                format!("sqlite://{}?mode=rwc", encode_path(&file)),
                Backend::Sqlite,
            ))
        }
    }
}

/// Opens the pool; SQLite connections get WAL and the pragmas that go with it, with
/// `synchronous` as the operator chose. PostgreSQL refuses a choice (it is the server's).
pub(crate) async fn connect(
    url: &str,
    backend: Backend,
    synchronous: Option<Synchronous>,
) -> Result<Db> {
    sqlx::any::install_default_drivers();
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
    let pool = match backend {
        Backend::Postgres if synchronous.is_some() => {
            return Err(Error::invalid(
                "synchronous",
                "applies to SQLite only; PostgreSQL's durability is its server's `synchronous_commit`",
            ));
        }
        Backend::Postgres => options.max_connections(10).connect(url).await?,
        Backend::Sqlite => {
            let synchronous = synchronous.unwrap_or_default();
            let pool = options
                .max_connections(8)
                .after_connect(move |conn, _| {
                    Box::pin(async move { sqlite_pragmas(conn, synchronous).await })
                })
                .connect(url)
                .await?;
            // WAL is a property of the file, set once; readers then never block the writer.
            pool.execute("PRAGMA journal_mode = WAL").await?;
            pool
        }
    };
    Ok(Db {
        pool,
        backend,
        writer: Mutex::new(()),
    })
}

/// Per-connection settings: `synchronous` is a connection's setting, not the file's, so
/// every connection of the pool gets it (what each mode may lose: [`Synchronous`]).
async fn sqlite_pragmas(
    conn: &mut AnyConnection,
    synchronous: Synchronous,
) -> Result<(), sqlx::Error> {
    conn.execute(synchronous.pragma()).await?;
    conn.execute("PRAGMA busy_timeout = 10000").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    Ok(())
}

impl Db {
    /// Starts a write transaction (see the module note for SQLite).
    pub(crate) async fn write(&self) -> Result<WriteTx<'_>> {
        match self.backend {
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
            }),
            Backend::Sqlite => {
                let turn = self.writer.lock().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx {
                    tx,
                    _turn: Some(turn),
                })
            }
        }
    }

    /// The `synchronous` mode a pooled SQLite connection runs with; `None` on PostgreSQL.
    pub(crate) async fn synchronous(&self) -> Result<Option<Synchronous>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let mut conn = self.pool.acquire().await?;
        read_synchronous(&mut conn).await.map(Some)
    }

    /// A connection for a one-off check, outside the pool.
    pub(crate) async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }
}

/// What `PRAGMA synchronous` reads back as on `conn`.
async fn read_synchronous(conn: &mut AnyConnection) -> Result<Synchronous> {
    use sqlx::Row as _;
    let row = sqlx::query("PRAGMA synchronous").fetch_one(conn).await?;
    let value: i64 = row.try_get(0)?;
    Synchronous::from_pragma(value)
        .ok_or_else(|| Error::corrupt("pragma synchronous", format!("unexpected mode {value}")))
}

/// Escapes the characters that would end the path part of a SQLite URL.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.display().to_string().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A URL with its password blanked, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5/db"),
            "postgres://u:***@h:5/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("mysql://x"), "mysql://x");
    }

    #[test]
    fn default_is_sqlite_in_the_data_folder() {
        let dir = std::env::temp_dir().join("rhyme store url test #1");
        let (url, backend) = resolve_url(&dir, None).unwrap();
        assert_eq!(backend, Backend::Sqlite);
        assert!(
            url.ends_with("url%20test%20%231/rhyme.db?mode=rwc"),
            "{url}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Every connection of the pool, not only the first, runs in the chosen mode: the pragma
    /// is per connection, and a pool that set it once would sync some commits and not others.
    #[tokio::test]
    async fn each_pooled_connection_reads_back_the_chosen_synchronous_mode() {
        for (chosen, expected) in [
            (None, Synchronous::Normal),
            (Some(Synchronous::Normal), Synchronous::Normal),
            (Some(Synchronous::Full), Synchronous::Full),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let (url, backend) = resolve_url(dir.path(), None).unwrap();
            let db = connect(&url, backend, chosen).await.unwrap();
            let mut held = Vec::new();
            for _ in 0..3 {
                let mut conn = db.pool.acquire().await.unwrap();
                assert_eq!(read_synchronous(&mut conn).await.unwrap(), expected);
                held.push(conn);
            }
            assert_eq!(db.synchronous().await.unwrap(), Some(expected));
        }
    }

    #[tokio::test]
    async fn a_synchronous_mode_is_refused_for_postgres_by_name() {
        let url = "postgres://u:p@127.0.0.1:1/db";
        let error = connect(url, Backend::Postgres, Some(Synchronous::Full))
            .await
            .err()
            .expect("refused before connecting");
        assert!(matches!(error, Error::Invalid { ref field, .. } if field == "synchronous"));
    }

    #[test]
    fn rejects_unknown_schemes() {
        let err = resolve_url(Path::new("."), Some("mysql://u:p@h/db")).unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "database_url"));
        assert!(!err.to_string().contains(":p@"));
    }
}
