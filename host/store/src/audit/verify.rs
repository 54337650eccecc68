//! Walking the chain: the first entry whose hash, link or place is wrong is the report.
//!
//! The chain alone proves little against someone who can write the database: they can cut the
//! newest entries and move `audit_head` back, or edit an entry and recompute every later
//! hash, and the chain is whole again. So the walk also compares the chain with the seals
//! (see `seal`): those stored with a MAC under the operator's key, and the anchor file's lines.
//! A seal whose entry now has another hash, or that names an entry no longer there, is the
//! report. What neither the key nor the anchor file covered is said, entry range by range.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::seal::{self, MacCheck, Seal};
use super::{Anchors, AuditEntry, AuditKey, AuditLog, GENESIS_HASH, chain};
use crate::clock::Timestamp;
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
    /// The chain is whole but differs from a seal: entries were edited and every later hash
    /// recomputed.
    Rewritten,
    /// A seal claims the operator's key but its MAC does not verify: made by someone else.
    Forged,
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProblemKind::Altered => "altered",
            ProblemKind::Missing => "missing",
            ProblemKind::Unlinked => "unlinked",
            ProblemKind::Inserted => "inserted",
            ProblemKind::Rewritten => "rewritten",
            ProblemKind::Forged => "forged seal",
        })
    }
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
    /// `None` when the chain is whole and agrees with every seal.
    pub problem: Option<AuditProblem>,
    /// The id of the audit key the seals were checked with; `None` without a key.
    pub key_id: Option<String>,
    /// Entries 1..=this are sealed with the key (0: none); `None` without a key or when broken.
    pub sealed_through: Option<i64>,
    /// Entries 1..=this match the anchor file (0: none); `None` without one or when broken.
    pub anchored_through: Option<i64>,
    /// What the key and the anchor file prove, one sentence each (empty when broken).
    pub proven: Vec<String>,
    /// What nothing proves, one sentence each (empty when broken, or when all is proven).
    pub unproven: Vec<String>,
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

/// Where a seal was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Stored,
    AnchorLine(usize),
}

impl Source {
    fn describe(self) -> String {
        match self {
            Source::Stored => "the seal in the database".into(),
            Source::AnchorLine(line) => format!("line {line} of the anchor file"),
        }
    }
}

/// A seal to compare the chain with; `proof` when its MAC verified under the key.
struct Checkpoint {
    seal: Seal,
    source: Source,
    proof: bool,
}

/// The seals, read before the head (so every honest one names an entry at or before it), and
/// what reading them taught.
#[derive(Default)]
struct Checkpoints {
    by_seq: BTreeMap<i64, Vec<Checkpoint>>,
    forged: Option<AuditProblem>,
    first_proof: Option<(i64, Timestamp)>,
    other_key: usize,
    anchor: AnchorState,
}

/// What became of the anchor file.
#[derive(Default)]
enum AnchorState {
    #[default]
    NotGiven,
    Absent(String),
    Unreadable(String, String),
    Read {
        path: String,
        bad_lines: Vec<usize>,
    },
}

impl Checkpoints {
    fn add(&mut self, seal: Seal, source: Source, key: Option<&AuditKey>) {
        let proof = match seal.check(key) {
            MacCheck::Valid => true,
            MacCheck::Invalid => {
                if self.forged.as_ref().is_none_or(|f| seal.seq < f.seq) {
                    self.forged = Some(AuditProblem {
                        seq: seal.seq,
                        kind: ProblemKind::Forged,
                        why: format!(
                            "{} for entry {} does not verify under the audit key: someone without the key made or changed it",
                            source.describe(),
                            seal.seq
                        ),
                    });
                }
                return;
            }
            MacCheck::Unchecked => {
                if key.is_some() {
                    self.other_key += 1;
                }
                false
            }
            MacCheck::Unkeyed => false,
        };
        if proof && self.first_proof.is_none_or(|(seq, _)| seal.seq < seq) {
            self.first_proof = Some((seal.seq, seal.at));
        }
        self.by_seq.entry(seal.seq).or_default().push(Checkpoint {
            seal,
            source,
            proof,
        });
    }

    fn read_anchor_file(&mut self, path: &Path, key: Option<&AuditKey>) {
        let shown = path.display().to_string();
        match seal::read_anchor_file(path) {
            Ok(Some(file)) => {
                for (line, seal) in file.seals {
                    self.add(seal, Source::AnchorLine(line), key);
                }
                self.anchor = AnchorState::Read {
                    path: shown,
                    bad_lines: file.bad_lines,
                };
            }
            Ok(None) => self.anchor = AnchorState::Absent(shown),
            Err(e) => self.anchor = AnchorState::Unreadable(shown, e.to_string()),
        }
    }
}

/// How far the seals reached, as the walk found them.
#[derive(Default)]
struct Reach {
    /// The newest entry a seal matched.
    last_matched: i64,
    /// The newest entry a seal proven by the key matched.
    sealed: i64,
    /// The newest entry an anchor line matched.
    anchored: i64,
}

impl Reach {
    /// Compares `entry` with the seals made of it.
    fn check(&mut self, entry: &AuditEntry, checkpoints: &Checkpoints) -> Option<AuditProblem> {
        let seals = checkpoints.by_seq.get(&entry.seq)?;
        if let Some(differs) = seals.iter().find(|c| c.seal.hash != entry.hash) {
            let from = self.last_matched + 1;
            return Some(AuditProblem {
                seq: from,
                kind: ProblemKind::Rewritten,
                why: format!(
                    "{} rewritten: {} recorded entry {} with another hash at {}, and the hashes after it were recomputed",
                    span_were(from, entry.seq),
                    differs.source.describe(),
                    entry.seq,
                    utc(differs.seal.at)
                ),
            });
        }
        self.last_matched = entry.seq;
        if seals.iter().any(|c| c.proof) {
            self.sealed = entry.seq;
        }
        if seals
            .iter()
            .any(|c| matches!(c.source, Source::AnchorLine(_)))
        {
            self.anchored = entry.seq;
        }
        None
    }
}

const PAGE: u32 = 1000;

pub(super) async fn verify(log: &AuditLog<'_>, anchors: &Anchors) -> Result<AuditReport> {
    let key = anchors.key.as_deref();
    let mut checkpoints = Checkpoints::default();
    for seal in log.stored_seals().await? {
        checkpoints.add(seal, Source::Stored, key);
    }
    if let Some(path) = &anchors.file {
        checkpoints.read_anchor_file(path, key);
    }
    // Read the head after the seals and before the walk: entries appended while we walk then
    // land past it and are not mistaken for insertions, and no honest seal lies beyond it.
    let (head_seq, head_hash) = log.head().await?;
    let mut cursor = Cursor {
        expected: 1,
        prev_hash: GENESIS_HASH.to_string(),
    };
    let mut reach = Reach::default();
    let mut entries = 0u64;
    let report = |entries, problem| AuditReport {
        entries,
        head_seq,
        problem,
        key_id: key.map(|k| k.id().to_string()),
        sealed_through: None,
        anchored_through: None,
        proven: Vec::new(),
        unproven: Vec::new(),
    };
    loop {
        let page = log.entries(cursor.expected - 1, PAGE).await?;
        let Some(last) = page.last().map(|e| e.seq) else {
            break;
        };
        for entry in page.iter().take_while(|e| e.seq <= head_seq) {
            entries += 1;
            let problem = cursor
                .check(entry)
                .or_else(|| reach.check(entry, &checkpoints));
            if problem.is_some() {
                return Ok(report(entries, problem));
            }
        }
        if last >= head_seq || page.len() < PAGE as usize {
            break;
        }
    }
    let problem = match check_end(&cursor, head_seq, &head_hash, log).await? {
        Some(problem) => Some(problem),
        None => beyond_head(&checkpoints, head_seq).or(checkpoints.forged.clone()),
    };
    if problem.is_some() {
        return Ok(report(entries, problem));
    }
    let mut intact = report(entries, None);
    explain(&mut intact, &checkpoints, &reach, anchors);
    Ok(intact)
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

/// A seal of an entry past the head: the log once went further, and its end was cut off with
/// `audit_head` moved back.
fn beyond_head(checkpoints: &Checkpoints, head_seq: i64) -> Option<AuditProblem> {
    let (&seq, seals) = checkpoints.by_seq.range(head_seq + 1..).next_back()?;
    let seal = &seals[0];
    Some(AuditProblem {
        seq: head_seq + 1,
        kind: ProblemKind::Missing,
        why: format!(
            "{} cut from the end: {} recorded entry {seq} at {}, but the log now ends at entry {head_seq}",
            span_were(head_seq + 1, seq),
            seal.source.describe(),
            utc(seal.seal.at)
        ),
    })
}

/// Fills in what an intact report proves and what it cannot.
fn explain(report: &mut AuditReport, checkpoints: &Checkpoints, reach: &Reach, anchors: &Anchors) {
    let head = report.head_seq;
    explain_key(report, checkpoints, reach, anchors.key.as_deref());
    explain_anchor(report, checkpoints, reach);
    if anchors.key.is_none() && reach.anchored < head {
        report.unproven.push(format!(
            "no audit key: {} could have been edited with every later hash recomputed",
            span(reach.anchored + 1, head)
        ));
    }
}

fn explain_key(
    report: &mut AuditReport,
    checkpoints: &Checkpoints,
    reach: &Reach,
    key: Option<&AuditKey>,
) {
    let Some(key) = key else { return };
    let head = report.head_seq;
    report.sealed_through = Some(reach.sealed);
    if reach.sealed > 0 {
        report.proven.push(format!(
            "{}: sealed with the audit key {}",
            span(1, reach.sealed),
            key.id()
        ));
    }
    match checkpoints.first_proof {
        None if head > 0 => report.unproven.push(format!(
            "{} predate the key; none is sealed with it",
            span(1, head)
        )),
        Some((seq, at)) => report.unproven.push(format!(
            "{} predate the key's first seal ({}): an edit made before then would not show",
            span(1, seq),
            utc(at)
        )),
        None => {}
    }
    if reach.sealed > 0 && reach.sealed < head {
        report.unproven.push(format!(
            "{} not sealed yet: not proven by the key",
            span_are(reach.sealed + 1, head)
        ));
    }
    if checkpoints.other_key > 0 {
        report.unproven.push(format!(
            "{} seals were made with another key: their MACs were not checked",
            checkpoints.other_key
        ));
    }
}

fn explain_anchor(report: &mut AuditReport, checkpoints: &Checkpoints, reach: &Reach) {
    let head = report.head_seq;
    let cut = "entries cut from the end (with audit_head moved back) would not show";
    match &checkpoints.anchor {
        AnchorState::NotGiven => report.unproven.push(format!("no anchor file: {cut}")),
        AnchorState::Absent(path) => report
            .unproven
            .push(format!("no anchor file at {path} yet: {cut}")),
        AnchorState::Unreadable(path, why) => report.unproven.push(format!(
            "the anchor file {path} could not be read ({why}): {cut}"
        )),
        AnchorState::Read { path, bad_lines } => {
            report.anchored_through = Some(reach.anchored);
            if reach.anchored > 0 {
                report.proven.push(format!(
                    "{}: match the anchor file {path}",
                    span(1, reach.anchored)
                ));
            }
            if reach.anchored < head {
                report.unproven.push(format!(
                    "{} newer than the anchor file's last line: cutting it from the end would not show",
                    span_are(reach.anchored + 1, head)
                ));
            }
            if !bad_lines.is_empty() {
                let lines: Vec<String> = bad_lines.iter().map(|l| l.to_string()).collect();
                report.unproven.push(format!(
                    "anchor file lines {} are not seals: skipped",
                    lines.join(", ")
                ));
            }
        }
    }
}

/// `entry 3` or `entries 3..9`.
fn span(from: i64, to: i64) -> String {
    if from == to {
        format!("entry {from}")
    } else {
        format!("entries {from}..{to}")
    }
}

/// `entry 3 is` or `entries 3..9 are`.
fn span_are(from: i64, to: i64) -> String {
    let verb = if from == to { "is" } else { "are" };
    format!("{} {verb}", span(from, to))
}

/// `entry 3 was` or `entries 3..9 were`.
fn span_were(from: i64, to: i64) -> String {
    let verb = if from == to { "was" } else { "were" };
    format!("{} {verb}", span(from, to))
}

/// `ms` as an RFC 3339 UTC time to the second.
fn utc(ms: Timestamp) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = rhyme_core::calendar::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(super::utc(1_700_000_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(super::utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::utc(951_782_400_000), "2000-02-29T00:00:00Z");
    }
}
