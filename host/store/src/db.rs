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

use crate::error::{Error, Result};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the default: `rhyme.db` in the data folder), opened in WAL mode.
    Sqlite,
    /// A PostgreSQL server, reached through a `postgres://` URL.
    Postgres,
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

/// Opens the pool; SQLite connections get WAL and the pragmas that go with it.
pub(crate) async fn connect(url: &str, backend: Backend) -> Result<Db> {
    sqlx::any::install_default_drivers();
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
    let pool = match backend {
        Backend::Postgres => options.max_connections(10).connect(url).await?,
        Backend::Sqlite => {
            let pool = options
                .max_connections(8)
                .after_connect(|conn, _| Box::pin(async move { sqlite_pragmas(conn).await }))
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

/// Per-connection settings. `synchronous = NORMAL` in WAL mode loses nothing when the
/// process is killed, only (possibly) the last commits on a power cut.
async fn sqlite_pragmas(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute("PRAGMA synchronous = NORMAL").await?;
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

    /// A connection for a one-off check, outside the pool.
    pub(crate) async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }
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

    #[test]
    fn rejects_unknown_schemes() {
        let err = resolve_url(Path::new("."), Some("mysql://u:p@h/db")).unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "database_url"));
        assert!(!err.to_string().contains(":p@"));
    }
}
