//! The audit log: append-only, each entry chained to the one before by a sha256 hash, so that
//! `verify` finds the first entry that was removed, altered or slipped in.
//!
//! The store offers no way to change or delete an entry, and database triggers refuse UPDATE
//! and DELETE on the table (see `migrate`), so tampering takes deliberate work with a raw
//! connection, and the chain then shows it.
//!
//! Someone who can write the database can also drop the triggers, cut the newest entries and
//! move `audit_head` back, or edit an entry and recompute every later hash: the chain is then
//! whole again. What catches them lies outside the database: seals (`seal`) made with the
//! operator's key (`key`), and the anchor file the seals are appended to. `verify_with` checks
//! the chain against both and says what it could not prove without them.

mod canonical;
mod chain;
mod key;
mod seal;
mod verify;

pub use key::{AuditKey, KeyError};
pub use seal::{Anchors, Seal, SealError, keep_sealing};
pub use verify::{AuditProblem, AuditReport, ProblemKind};

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::clock::Timestamp;
use crate::db::WriteTx;
use crate::error::{Error, Result};
use crate::roles::Actor;
use crate::store::Store;

/// The hash that the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3, ... with no gaps.
    pub seq: i64,
    /// When it happened, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// Who did it (see [`Actor::name`]).
    pub actor: String,
    /// In what capacity: a role name, or `operator`, `plugin`, `system` (see [`Actor::role`]).
    pub role: String,
    /// What happened, dotted: `proposal.approve`, `token.create`, `plugin.grant`, ...
    pub action: String,
    /// What it happened to: a proposal id, a token name, a plugin name.
    pub subject: String,
    /// The particulars (before/after, reasons), as canonical JSON text.
    pub detail: String,
    /// The hash of the entry before (hex sha256), or [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// The hex sha256 of `prev_hash` and this entry's fields, which the next entry chains to.
    pub hash: String,
}

/// The audit log of a store.
#[derive(Debug, Clone, Copy)]
pub struct AuditLog<'a> {
    store: &'a Store,
}

impl Store {
    /// The audit log.
    pub fn audit(&self) -> AuditLog<'_> {
        AuditLog { store: self }
    }
}

impl AuditLog<'_> {
    /// Appends an entry and returns it as stored.
    pub async fn append(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<AuditEntry> {
        check_action(action)?;
        let mut tx = self.store.db().write().await?;
        let entry = append_in(tx.conn(), self.store.now(), actor, action, subject, detail).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Up to `limit` entries with `seq > after`, oldest first.
    pub async fn entries(&self, after: i64, limit: u32) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, role, action, subject, detail, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.store.db().pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walks the whole chain and reports the first problem found, if any. Without the key or
    /// the anchor file this proves only that the chain is whole (see [`AuditLog::verify_with`]).
    pub async fn verify(&self) -> Result<AuditReport> {
        verify::verify(self, &Anchors::default()).await
    }

    /// Walks the whole chain, compares it with the seals (those stored, checked with the key,
    /// and the anchor file's), and reports the first problem found, or what was proven and
    /// what was not.
    pub async fn verify_with(&self, anchors: &Anchors) -> Result<AuditReport> {
        verify::verify(self, anchors).await
    }

    /// The recorded newest (seq, hash).
    async fn head(&self) -> Result<(i64, String)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.store.db().pool)
            .await?;
        Ok((row.try_get("seq")?, row.try_get("hash")?))
    }
}

fn check_action(action: &str) -> Result<()> {
    if action.trim().is_empty() {
        return Err(Error::invalid("action", "must not be empty"));
    }
    Ok(())
}

/// Appends the entry for the change made in `tx`, then commits both: the common end of a
/// write that one audit entry records (its callers have no use for the entry itself).
pub(crate) async fn append_and_commit(
    mut tx: WriteTx<'_>,
    at: Timestamp,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    append_in(tx.conn(), at, actor, action, subject, detail).await?;
    tx.commit().await
}

/// Appends inside the caller's transaction, so the entry commits (or not) with the change it
/// records. Writing `audit_head` first makes concurrent appenders queue one behind the other
/// (a row lock on PostgreSQL, the write lock on SQLite), so each sees the latest hash.
pub(crate) async fn append_in(
    conn: &mut AnyConnection,
    at: Timestamp,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<AuditEntry> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let mut entry = AuditEntry {
        seq: head.try_get("seq")?,
        at,
        actor: actor.name.clone(),
        role: actor.role.clone(),
        action: action.to_string(),
        subject: subject.to_string(),
        detail: canonical::to_string(detail),
        prev_hash: head.try_get("hash")?,
        hash: String::new(),
    };
    entry.hash = chain::hash_of(&entry);
    insert(conn, &entry).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut *conn)
        .await?;
    Ok(entry)
}

async fn insert(conn: &mut AnyConnection, entry: &AuditEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, role, action, subject, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(&entry.role)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(conn)
    .await?;
    Ok(())
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        role: row.try_get("role")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}
