//! How hard a SQLite commit is pushed to disk before it is acknowledged: the operator's
//! choice between throughput and what a power cut may take back (`rhyme.toml`'s
//! `[store] synchronous`). PostgreSQL has its own setting (the server's
//! `synchronous_commit`), so the choice applies to SQLite only.
//!
//! The store runs SQLite in WAL mode. Killing the process (`kill -9`, a crash, the OOM
//! killer) loses nothing acknowledged in either mode: the operating system still holds the
//! written pages. The modes differ only when the machine itself stops (power cut, kernel
//! panic, a VM halted): see [`Synchronous`].

use serde::Deserialize;

/// SQLite's `PRAGMA synchronous`, set on every connection the store opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// The WAL is synced at checkpoints, not at each commit. On a power cut the last
    /// transactions acknowledged before it may be rolled back (the database stays
    /// consistent, never corrupt). The default: ingest would otherwise wait for an fsync
    /// per commit.
    #[default]
    Normal,
    /// The WAL is synced at every commit: nothing acknowledged is lost on a power cut, at
    /// the cost of one fsync per write transaction.
    Full,
}

impl Synchronous {
    /// The value as the pragma takes it.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "PRAGMA synchronous = NORMAL",
            Synchronous::Full => "PRAGMA synchronous = FULL",
        }
    }

    /// The mode `PRAGMA synchronous` reads back as (`1` NORMAL, `2` FULL); `None` for the
    /// modes the store never sets (OFF, EXTRA).
    pub(crate) fn from_pragma(value: i64) -> Option<Synchronous> {
        match value {
            1 => Some(Synchronous::Normal),
            2 => Some(Synchronous::Full),
            _ => None,
        }
    }
}

impl std::fmt::Display for Synchronous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Synchronous::Normal => "normal",
            Synchronous::Full => "full",
        })
    }
}
