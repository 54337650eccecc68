//! Walking the chain: the first entry whose hash, link or place is wrong is the report.

use serde::Serialize;

use super::{AuditEntry, AuditLog, GENESIS_HASH, chain};
use crate::error::Result;

/// What is wrong at a place in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The entry's fields no longer match its hash.
    Altered,
    /// Entries with this seq (and possibly more) are gone.
    Missing,
    /// The entry does not chain to the one before it: something before it was replaced
    /// (and re-hashed) or slipped in.
    Unlinked,
    /// Entries exist past the newest one the log recorded: slipped in at the end.
    Inserted,
}

/// The first problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// The seq of the first entry affected.
    pub seq: i64,
    /// What sort of tampering it looks like.
    pub kind: ProblemKind,
    /// A sentence for the operator saying what was found.
    pub why: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries read.
    pub entries: u64,
    /// The newest seq the log recorded.
    pub head_seq: i64,
    /// `None` when the chain is whole.
    pub problem: Option<AuditProblem>,
}

impl AuditReport {
    /// Whether the chain was found whole, with no problem.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// The walk's position: the seq expected next and the hash it must chain to.
struct Cursor {
    expected: i64,
    prev_hash: String,
}

impl Cursor {
    fn check(&mut self, entry: &AuditEntry) -> Option<AuditProblem> {
        let problem = |kind, why: String| {
            Some(AuditProblem {
                seq: entry.seq,
                kind,
                why,
            })
        };
        if entry.seq > self.expected {
            let why = format!("entries {}..{} are missing", self.expected, entry.seq - 1);
            return Some(AuditProblem {
                seq: self.expected,
                kind: ProblemKind::Missing,
                why,
            });
        }
        if chain::hash_of(entry) != entry.hash {
            return problem(
                ProblemKind::Altered,
                "its content does not match its hash".into(),
            );
        }
        if entry.prev_hash != self.prev_hash {
            let why = format!("it does not chain to entry {}", entry.seq - 1);
            return problem(ProblemKind::Unlinked, why);
        }
        self.expected = entry.seq + 1;
        self.prev_hash = entry.hash.clone();
        None
    }
}

const PAGE: u32 = 1000;

pub(super) async fn verify(log: &AuditLog<'_>) -> Result<AuditReport> {
    // Read the head first: entries appended while we walk then land past it and are not
    // mistaken for insertions.
    let (head_seq, head_hash) = log.head().await?;
    let mut cursor = Cursor {
        expected: 1,
        prev_hash: GENESIS_HASH.to_string(),
    };
    let mut entries = 0u64;
    loop {
        let page = log.entries(cursor.expected - 1, PAGE).await?;
        let Some(last) = page.last().map(|e| e.seq) else {
            break;
        };
        for entry in page.iter().take_while(|e| e.seq <= head_seq) {
            entries += 1;
            if let Some(problem) = cursor.check(entry) {
                return Ok(AuditReport {
                    entries,
                    head_seq,
                    problem: Some(problem),
                });
            }
        }
        if last >= head_seq || page.len() < PAGE as usize {
            break;
        }
    }
    let problem = check_end(&cursor, head_seq, &head_hash, log).await?;
    Ok(AuditReport {
        entries,
        head_seq,
        problem,
    })
}

/// After the walk: the chain must end exactly at the recorded head.
async fn check_end(
    cursor: &Cursor,
    head_seq: i64,
    head_hash: &str,
    log: &AuditLog<'_>,
) -> Result<Option<AuditProblem>> {
    let last_seen = cursor.expected - 1;
    if last_seen < head_seq {
        let why = format!(
            "entries {}..{head_seq} are missing from the end",
            last_seen + 1
        );
        return Ok(Some(AuditProblem {
            seq: last_seen + 1,
            kind: ProblemKind::Missing,
            why,
        }));
    }
    if cursor.prev_hash != head_hash {
        let why = "the newest entry is not the one the log recorded".to_string();
        return Ok(Some(AuditProblem {
            seq: head_seq,
            kind: ProblemKind::Altered,
            why,
        }));
    }
    let beyond = log.entries(head_seq, 1).await?;
    let current_head = log.head().await?.0;
    match beyond.first() {
        // Appended since we read the head: legitimate.
        Some(entry) if entry.seq <= current_head => Ok(None),
        Some(entry) => Ok(Some(AuditProblem {
            seq: entry.seq,
            kind: ProblemKind::Inserted,
            why: format!(
                "entry {} lies past the recorded newest entry {head_seq}",
                entry.seq
            ),
        })),
        None => Ok(None),
    }
}
