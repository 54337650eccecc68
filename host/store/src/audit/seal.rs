//! Seals: checkpoints of the chain made from outside the database's reach.
//!
//! A seal says "entry `seq` had hash `hash` at time `at`". Because each hash covers every
//! entry before it, a seal vouches for entries 1..=seq at once. Two things make a seal worth
//! more than the database's own `audit_head`:
//!
//! - its MAC under the operator's [`AuditKey`], which lives in a file, never in the database:
//!   someone who edits an entry and recomputes every later hash cannot make the seals match;
//! - the anchor file, an append-only JSON-lines copy of the seals kept outside the database:
//!   someone who deletes the newest entries and moves `audit_head` back cannot make the
//!   anchor file forget that they existed.
//!
//! Keyed seals are also stored in `audit_seals`, so a verification with the key alone (no
//! anchor file at hand, another replica) still proves what they cover.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use tokio::sync::Notify;

use super::{AuditKey, AuditLog};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::store::Store;
use crate::turns::Turns;

/// A checkpoint of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    /// The entry sealed; the chain makes the seal cover every entry before it too.
    pub seq: i64,
    /// That entry's hash.
    pub hash: String,
    /// When the seal was made (milliseconds since the epoch).
    pub at: Timestamp,
    /// The id of the key that made `mac`, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// HMAC-SHA256 of seq, hash and at under that key, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

/// What a seal's MAC says under the key at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MacCheck {
    /// Made with this key: the seal is proof.
    Valid,
    /// Claims this key but does not verify: forged or altered.
    Invalid,
    /// Made with another key (or no key is at hand): not checked.
    Unchecked,
    /// Carries no MAC at all.
    Unkeyed,
}

impl Seal {
    /// Seals entry `seq` with `hash`, MAC'd when a key is given.
    pub fn new(seq: i64, hash: &str, at: Timestamp, key: Option<&AuditKey>) -> Seal {
        Seal {
            seq,
            hash: hash.to_string(),
            at,
            key: key.map(|k| k.id().to_string()),
            mac: key.map(|k| k.mac(&message(seq, hash, at))),
        }
    }

    pub(crate) fn check(&self, key: Option<&AuditKey>) -> MacCheck {
        let (Some(id), Some(mac)) = (&self.key, &self.mac) else {
            return MacCheck::Unkeyed;
        };
        match key {
            Some(key) if key.id() == id => {
                if key.verifies(&message(self.seq, &self.hash, self.at), mac) {
                    MacCheck::Valid
                } else {
                    MacCheck::Invalid
                }
            }
            _ => MacCheck::Unchecked,
        }
    }
}

/// The MAC's input; the prefix keeps it from ever being mistaken for another use of the key.
fn message(seq: i64, hash: &str, at: Timestamp) -> Vec<u8> {
    format!("rhyme-audit-seal\n{seq}\n{hash}\n{at}").into_bytes()
}

/// What a chain is checked against beyond itself: the operator's key and the anchor file.
/// Either may be absent; `verify` then says what it could not prove.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// The audit key, read from its file.
    pub key: Option<Arc<AuditKey>>,
    /// The anchor file: seals as JSON lines, appended to, never rewritten.
    pub file: Option<PathBuf>,
}

impl AuditLog<'_> {
    /// Seals the newest entry: stores the seal when keyed, and appends it to the anchor file
    /// when there is one. `None` while the log is empty.
    pub async fn seal(&self, anchors: &Anchors) -> Result<Option<Seal>, SealError> {
        let (seq, hash) = self.head().await?;
        if seq == 0 {
            return Ok(None);
        }
        let seal = Seal::new(seq, &hash, self.store.now(), anchors.key.as_deref());
        if seal.mac.is_some() {
            self.store_seal(&seal).await?;
        }
        if let Some(path) = &anchors.file {
            append_line(path, &seal)?;
        }
        Ok(Some(seal))
    }

    /// A keyed seal into `audit_seals`; a replica that sealed the same entry first wins.
    async fn store_seal(&self, seal: &Seal) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_seals (seq, key_id, hash, at, mac) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (seq, key_id) DO NOTHING",
        )
        .bind(seal.seq)
        .bind(seal.key.as_deref().unwrap_or_default())
        .bind(&seal.hash)
        .bind(seal.at)
        .bind(seal.mac.as_deref().unwrap_or_default())
        .execute(&self.store.db().pool)
        .await?;
        Ok(())
    }

    /// Every stored seal, oldest entry first.
    pub(crate) async fn stored_seals(&self) -> Result<Vec<Seal>> {
        let rows = sqlx::query("SELECT seq, key_id, hash, at, mac FROM audit_seals ORDER BY seq")
            .fetch_all(&self.store.db().pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Seal {
                    seq: row.try_get("seq")?,
                    hash: row.try_get("hash")?,
                    at: row.try_get("at")?,
                    key: Some(row.try_get("key_id")?),
                    mac: Some(row.try_get("mac")?),
                })
            })
            .collect()
    }
}

/// Why sealing failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::error::Error),
    /// The anchor file could not be appended to.
    #[error("anchor file {path}: {source}")]
    Anchor {
        /// The anchor file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// Appends one seal as one line, in a single write to a file opened for appending, so that
/// concurrent writers (replicas sharing the file) never interleave inside a line.
fn append_line(path: &Path, seal: &Seal) -> Result<(), SealError> {
    let io = |source| SealError::Anchor {
        path: path.to_path_buf(),
        source,
    };
    let mut line = serde_json::to_string(seal).expect("a seal always serialises");
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    file.write_all(line.as_bytes()).map_err(io)?;
    file.sync_data().map_err(io)
}

/// The anchor file as read: its seals with their line numbers, and the lines that were not
/// seals (said in the report, never fatal: a damaged line must not hide the others).
#[derive(Debug, Default)]
pub(crate) struct AnchorFile {
    pub(crate) seals: Vec<(usize, Seal)>,
    pub(crate) bad_lines: Vec<usize>,
}

/// Reads the anchor file; `Ok(None)` when it does not exist.
pub(crate) fn read_anchor_file(path: &Path) -> std::io::Result<Option<AnchorFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut file = AnchorFile::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Seal>(line) {
            Ok(seal) => file.seals.push((i + 1, seal)),
            Err(_) => file.bad_lines.push(i + 1),
        }
    }
    Ok(Some(file))
}

/// Seals the log now, then whenever `wake` is notified (the server does so after each
/// decision) and every `every`, each time only if the log has grown; until the task is
/// dropped. Failures are logged and retried at the next turn: sealing must never stop the
/// server.
pub async fn keep_sealing(store: Store, anchors: Anchors, every: Duration, wake: Arc<Notify>) {
    let mut sealed = 0i64;
    let mut turns = Turns::new(every, wake);
    loop {
        turns.next().await;
        let log = store.audit();
        let head = match log.head().await {
            Ok((seq, _)) => seq,
            Err(error) => {
                tracing::warn!(%error, "audit seal: reading the head");
                continue;
            }
        };
        if head == sealed {
            continue;
        }
        match log.seal(&anchors).await {
            Ok(seal) => sealed = seal.map_or(0, |s| s.seq),
            Err(error) => tracing::warn!(%error, "audit seal"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_verifies_under_its_key_only_and_not_once_changed() {
        let key = AuditKey::from_bytes([1; 32]);
        let seal = Seal::new(12, &"a".repeat(64), 99, Some(&key));
        assert_eq!(seal.check(Some(&key)), MacCheck::Valid);
        assert_eq!(seal.check(None), MacCheck::Unchecked);
        let other = AuditKey::from_bytes([2; 32]);
        assert_eq!(seal.check(Some(&other)), MacCheck::Unchecked);
        for change in [
            |s: &mut Seal| s.seq = 13,
            |s: &mut Seal| s.hash = "b".repeat(64),
            |s: &mut Seal| s.at = 100,
        ] {
            let mut altered = seal.clone();
            change(&mut altered);
            assert_eq!(altered.check(Some(&key)), MacCheck::Invalid);
        }
        assert_eq!(
            Seal::new(12, "h", 99, None).check(Some(&key)),
            MacCheck::Unkeyed
        );
    }

    #[test]
    fn the_anchor_file_is_appended_to_and_bad_lines_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.jsonl");
        assert!(read_anchor_file(&path).unwrap().is_none());
        let key = AuditKey::from_bytes([1; 32]);
        append_line(&path, &Seal::new(1, "h1", 5, Some(&key))).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{\"seq\": \n").unwrap();
        append_line(&path, &Seal::new(2, "h2", 6, None)).unwrap();
        let read = read_anchor_file(&path).unwrap().unwrap();
        assert_eq!(read.bad_lines, [2]);
        let lines: Vec<(usize, i64)> = read.seals.iter().map(|(l, s)| (*l, s.seq)).collect();
        assert_eq!(lines, [(1, 1), (3, 2)]);
        assert_eq!(read.seals[0].1.check(Some(&key)), MacCheck::Valid);
    }
}
