//! The audit log: decisions and token changes are recorded, the table refuses UPDATE and
//! DELETE, and `verify` names the first entry that was altered, removed or slipped in after
//! someone drops the guard and edits the rows directly.

mod common;

use std::sync::Arc;

use common::{Fixture, each_backend};
use rhyme_store::audit::{Anchors, AuditKey, AuditReport, ProblemKind};
use rhyme_store::{Actor, AuditEntry, Error, Role};
use serde_json::json;
use sqlx::{AnyConnection, Executor as _};

async fn ten_entries(f: &Fixture) {
    let admin = Actor::operator("ops");
    for i in 0..10 {
        let detail = json!({"plugin": "graph-signature", "grant": ["log", "clock"], "n": i});
        f.store
            .audit()
            .append(&admin, "plugin.grant", "graph-signature", &detail)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_untouched_chain_verifies() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let mut tasks = Vec::new();
        for i in 0..10 {
            let store = f.store.clone();
            tasks.push(tokio::spawn(async move {
                let actor = Actor::plugin(&rhyme_store::PluginRef {
                    name: "p".into(),
                    version: "1".into(),
                });
                store
                    .audit()
                    .append(&actor, "capability.call", "embed", &json!({"i": i}))
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let report = f.store.audit().verify().await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.entries, report.head_seq), (20, 20));
        let entries = f.store.audit().entries(0, 100).await.unwrap();
        assert_eq!(
            entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=20).collect::<Vec<_>>()
        );
        assert_eq!(
            entries[0].detail,
            r#"{"grant":["log","clock"],"n":0,"plugin":"graph-signature"}"#
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_database_refuses_to_change_or_delete_entries() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let mut raw = f.raw().await;
        let update = raw
            .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            .await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = raw.execute("DELETE FROM audit_log WHERE seq = 3").await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        assert!(f.store.audit().verify().await.unwrap().is_intact());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_altered_entry_is_reported_by_seq() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")
            .await
            .unwrap();
        let problem = f.store.audit().verify().await.unwrap().problem.unwrap();
        assert_eq!((problem.seq, problem.kind), (4, ProblemKind::Altered));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replaced_and_rehashed_entry_breaks_the_next_link() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let entries = f.store.audit().entries(0, 100).await.unwrap();
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        // A forger who recomputes the entry's own hash still cannot fix the next entry's link
        // without rewriting the rest of the chain.
        let mut forged = entries[5].clone();
        forged.detail = r#"{"grant":["llm"]}"#.into();
        let fields = (
            forged.seq,
            forged.at,
            &forged.actor,
            &forged.role,
            &forged.action,
            &forged.subject,
            &forged.detail,
        );
        let input = format!(
            "{}\n{}",
            forged.prev_hash,
            serde_json::to_string(&fields).unwrap()
        );
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(input.as_bytes()));
        sqlx::query("UPDATE audit_log SET detail = $1, hash = $2 WHERE seq = 6")
            .bind(&forged.detail)
            .bind(&hash)
            .execute(&mut raw)
            .await
            .unwrap();
        let problem = f.store.audit().verify().await.unwrap().problem.unwrap();
        assert_eq!((problem.seq, problem.kind), (7, ProblemKind::Unlinked));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn removed_entries_are_reported_in_the_middle_and_at_the_end() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        raw.execute("DELETE FROM audit_log WHERE seq = 10")
            .await
            .unwrap();
        let problem = f.store.audit().verify().await.unwrap().problem.unwrap();
        assert_eq!((problem.seq, problem.kind), (10, ProblemKind::Missing));
        raw.execute("DELETE FROM audit_log WHERE seq IN (5, 6)")
            .await
            .unwrap();
        let problem = f.store.audit().verify().await.unwrap().problem.unwrap();
        assert_eq!((problem.seq, problem.kind), (5, ProblemKind::Missing));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_entry_slipped_in_at_the_end_is_reported() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let last = f.store.audit().entries(9, 1).await.unwrap().remove(0);
        let mut raw = f.raw().await;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, role, action, subject, detail, prev_hash, hash)
             VALUES (11, 0, 'mallory', 'admin', 'token.create', 'x', '{}', $1, 'feed')",
        )
        .bind(&last.hash)
        .execute(&mut raw)
        .await
        .unwrap();
        let problem = f.store.audit().verify().await.unwrap().problem.unwrap();
        assert_eq!((problem.seq, problem.kind), (11, ProblemKind::Inserted));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reopening_the_store_puts_the_guard_back() {
    each_backend(|f| async move {
        ten_entries(&f).await;
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        let _again = f.replica().await;
        let update = raw
            .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            .await;
        assert!(update.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_are_stored_hashed_verified_and_revocable() {
    each_backend(|f| async move {
        let store = &f.store;
        let operator = Actor::operator("ops");
        let token = store
            .create_token(&operator, "rita", Role::Reviewer)
            .await
            .unwrap();
        assert!(token.secret.starts_with(rhyme_store::SECRET_PREFIX));
        let who = store.verify_token(&token.secret).await.unwrap().unwrap();
        assert_eq!((who.name.as_str(), who.role), ("rita", Role::Reviewer));
        assert_eq!(store.verify_token("rhyme_0000").await.unwrap(), None);
        assert_eq!(store.verify_token("").await.unwrap(), None);
        // The secret itself is nowhere in the database.
        let mut raw = f.raw().await;
        let hit =
            sqlx::query("SELECT id FROM api_tokens WHERE secret_hash = $1 OR id = $1 OR name = $1")
                .bind(&token.secret)
                .fetch_optional(&mut raw)
                .await
                .unwrap();
        assert!(hit.is_none());
        let dup = store.create_token(&operator, "rita", Role::Admin).await;
        assert!(matches!(dup, Err(Error::Conflict { .. })));
        let reviewer = Actor::from(&who);
        assert!(matches!(
            store.create_token(&reviewer, "x", Role::Admin).await,
            Err(Error::Forbidden { .. })
        ));
        store.revoke_token(&operator, "rita").await.unwrap();
        assert_eq!(store.verify_token(&token.secret).await.unwrap(), None);
        assert!(matches!(
            store.revoke_token(&operator, "rita").await,
            Err(Error::NotFound { .. })
        ));
        // The name is free again once revoked.
        store
            .create_token(&operator, "rita", Role::Reviewer)
            .await
            .unwrap();
        assert_eq!(store.tokens().await.unwrap().len(), 2);
        let actions: Vec<String> = store
            .audit()
            .entries(0, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["token.create", "token.revoke", "token.create"]);
    })
    .await;
}

/// Issue 18, finding 7: `"responder-1 "` and `Responder-1` were accepted beside `responder-1`,
/// and a reviewer token under such a name could approve what `responder-1` requested.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn look_alike_token_names_are_refused() {
    each_backend(|f| async move {
        let store = &f.store;
        let operator = Actor::operator("ops");
        store
            .create_token(&operator, "responder-1", Role::Responder)
            .await
            .unwrap();
        for look_alike in ["responder-1 ", "Responder-1", " RESPONDER-1"] {
            let made = store
                .create_token(&operator, look_alike, Role::Reviewer)
                .await;
            assert!(
                matches!(made, Err(Error::Conflict { .. })),
                "{look_alike:?}: {made:?}"
            );
        }
        let token = store
            .create_token(&operator, "  Rita ", Role::Reviewer)
            .await
            .unwrap();
        assert_eq!(token.info.name, "rita", "stored trimmed and case-folded");
        let who = store.verify_token(&token.secret).await.unwrap().unwrap();
        assert_eq!(who.name, "rita");
        store.revoke_token(&operator, "RITA").await.unwrap();
        assert_eq!(store.verify_token(&token.secret).await.unwrap(), None);
    })
    .await;
}

// Issue 18, finding 2: with the database file alone, the chain could be rewritten and
// `verify` still said intact. These tests make the two attacks with raw SQL and check that the
// seals (the operator's key, the anchor file) catch them, and that `verify` says what it
// cannot prove without them.

fn key() -> Arc<AuditKey> {
    Arc::new(AuditKey::from_bytes([42; 32]))
}

fn anchor_file(f: &Fixture) -> std::path::PathBuf {
    f.dir().join("audit-anchor.jsonl")
}

fn with_both(f: &Fixture) -> Anchors {
    Anchors {
        key: Some(key()),
        file: Some(anchor_file(f)),
    }
}

fn key_only() -> Anchors {
    Anchors {
        key: Some(key()),
        file: None,
    }
}

fn anchor_only(f: &Fixture) -> Anchors {
    Anchors {
        key: None,
        file: Some(anchor_file(f)),
    }
}

async fn append(f: &Fixture, n: usize) {
    for i in 0..n {
        f.store
            .audit()
            .append(
                &Actor::operator("ops"),
                "plugin.grant",
                "graph-signature",
                &json!({"grant": ["log"], "n": i}),
            )
            .await
            .unwrap();
    }
}

async fn verify(f: &Fixture, anchors: &Anchors) -> AuditReport {
    f.store.audit().verify_with(anchors).await.unwrap()
}

fn problem(report: &AuditReport) -> (i64, ProblemKind, String) {
    let problem = report.problem.as_ref().expect("a problem");
    (problem.seq, problem.kind, problem.why.clone())
}

/// An entry's hash as anyone can compute it: sha256 over the previous hash and the fields.
fn rehash(entry: &AuditEntry) -> String {
    let fields = (
        entry.seq,
        entry.at,
        &entry.actor,
        &entry.role,
        &entry.action,
        &entry.subject,
        &entry.detail,
    );
    let input = format!(
        "{}\n{}",
        entry.prev_hash,
        serde_json::to_string(&fields).unwrap()
    );
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(input.as_bytes()))
}

/// The second attack: edits entry `seq`'s detail, then recomputes the hash of it and of every
/// entry after it, and moves `audit_head` to the new last hash. The chain is whole again.
async fn edit_and_recompute(raw: &mut AnyConnection, entries: &[AuditEntry], seq: i64) {
    let mut prev: Option<String> = None;
    for entry in entries.iter().filter(|e| e.seq >= seq) {
        let mut forged = entry.clone();
        if entry.seq == seq {
            forged.detail = r#"{"grant":["llm","vectors"]}"#.into();
        }
        if let Some(prev) = prev {
            forged.prev_hash = prev;
        }
        forged.hash = rehash(&forged);
        sqlx::query("UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&forged.detail)
            .bind(&forged.prev_hash)
            .bind(&forged.hash)
            .bind(forged.seq)
            .execute(&mut *raw)
            .await
            .unwrap();
        prev = Some(forged.hash);
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev.unwrap())
        .execute(&mut *raw)
        .await
        .unwrap();
}

/// The first attack: deletes every entry after `keep` and moves `audit_head` back to it.
async fn cut_tail(raw: &mut AnyConnection, kept: &AuditEntry) {
    sqlx::query("DELETE FROM audit_log WHERE seq > $1")
        .bind(kept.seq)
        .execute(&mut *raw)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(kept.seq)
        .bind(&kept.hash)
        .execute(&mut *raw)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sealed_untouched_chain_is_proven_and_says_what_predates_the_key() {
    each_backend(|f| async move {
        let anchors = with_both(&f);
        assert_eq!(f.store.audit().seal(&anchors).await.unwrap(), None);
        append(&f, 4).await;
        let before = verify(&f, &key_only()).await;
        assert!(before.is_intact());
        assert_eq!(before.sealed_through, Some(0));
        assert!(
            before
                .unproven
                .contains(&"entries 1..4 predate the key; none is sealed with it".into()),
            "{before:?}"
        );
        f.store.audit().seal(&anchors).await.unwrap().unwrap();
        append(&f, 16).await;
        let seal = f.store.audit().seal(&anchors).await.unwrap().unwrap();
        assert_eq!(seal.seq, 20);
        assert_eq!(seal.key.as_deref(), Some(key().id()));
        let report = verify(&f, &anchors).await;
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(
            (report.sealed_through, report.anchored_through),
            (Some(20), Some(20))
        );
        assert_eq!(report.proven.len(), 2, "{report:?}");
        assert_eq!(report.unproven.len(), 1, "{report:?}");
        assert!(report.unproven[0].starts_with("entries 1..4 predate the key's first seal"));
        // The key is nowhere in the database or the anchor file; its id is.
        let secret = hex::encode([42u8; 32]);
        let anchor = std::fs::read_to_string(anchor_file(&f)).unwrap();
        assert!(!anchor.contains(&secret) && anchor.contains(key().id()));
        let mut raw = f.raw().await;
        let hit = sqlx::query("SELECT seq FROM audit_seals WHERE mac = $1 OR key_id = $1")
            .bind(&secret)
            .fetch_optional(&mut raw)
            .await
            .unwrap();
        assert!(hit.is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cut_tail_with_audit_head_moved_back_is_caught() {
    each_backend(|f| async move {
        let anchors = with_both(&f);
        append(&f, 20).await;
        f.store.audit().seal(&anchors).await.unwrap();
        let kept = f.store.audit().entries(9, 1).await.unwrap().remove(0);
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        cut_tail(&mut raw, &kept).await;
        // The seal stored with the key still names entry 20.
        let (seq, kind, why) = problem(&verify(&f, &key_only()).await);
        assert_eq!((seq, kind), (11, ProblemKind::Missing));
        assert!(
            why.contains("the seal in the database recorded entry 20"),
            "{why}"
        );
        // Removing the stored seals too makes the chain alone whole again (the finding) ...
        raw.execute("DELETE FROM audit_seals").await.unwrap();
        let alone = f.store.audit().verify().await.unwrap();
        assert!(alone.is_intact());
        assert!(
            alone
                .unproven
                .iter()
                .any(|u| u.starts_with("no anchor file"))
        );
        // ... and leaves the key nothing to see: it says so ...
        let keyed = verify(&f, &key_only()).await;
        assert!(keyed.is_intact());
        assert!(
            keyed
                .unproven
                .iter()
                .any(|u| u.contains("cut from the end"))
        );
        // ... and the anchor file, which the database cannot reach, still shows the cut.
        for anchors in [with_both(&f), anchor_only(&f)] {
            let report = verify(&f, &anchors).await;
            let (seq, kind, why) = problem(&report);
            assert_eq!((seq, kind), (11, ProblemKind::Missing), "{why}");
            assert!(
                why.starts_with("entries 11..20 were cut from the end: line 1 of the anchor file"),
                "{why}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edit_with_every_later_hash_recomputed_is_caught() {
    each_backend(|f| async move {
        let anchors = with_both(&f);
        for n in [5, 5, 10] {
            append(&f, n).await;
            f.store.audit().seal(&anchors).await.unwrap();
        }
        let entries = f.store.audit().entries(0, 100).await.unwrap();
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        edit_and_recompute(&mut raw, &entries, 6).await;
        // Entry 5's seal still matches, entry 10's no longer does: the edit is in 6..10.
        for anchors in [key_only(), anchor_only(&f), with_both(&f)] {
            let (seq, kind, why) = problem(&verify(&f, &anchors).await);
            assert_eq!((seq, kind), (6, ProblemKind::Rewritten), "{why}");
            assert!(why.starts_with("entries 6..10 were rewritten"), "{why}");
        }
        // Removing the stored seals from entry 6 on leaves the key proving 1..5 only, and
        // saying so; the anchor file still shows the rewrite.
        raw.execute("DELETE FROM audit_seals WHERE seq >= 6")
            .await
            .unwrap();
        // The chain alone is whole again: this is the finding.
        let alone = f.store.audit().verify().await.unwrap();
        assert!(alone.is_intact());
        assert!(
            alone
                .unproven
                .contains(&"no audit key: entries 1..20 could have been edited with every later hash recomputed".into()),
            "{alone:?}"
        );
        let keyed = verify(&f, &key_only()).await;
        assert!(keyed.is_intact());
        assert_eq!(keyed.sealed_through, Some(5));
        assert!(
            keyed
                .unproven
                .contains(&"entries 6..20 are not sealed yet: not proven by the key".into()),
            "{keyed:?}"
        );
        let (seq, kind, _) = problem(&verify(&f, &with_both(&f)).await);
        assert_eq!((seq, kind), (6, ProblemKind::Rewritten));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_seal_made_without_the_key_does_not_pass() {
    each_backend(|f| async move {
        append(&f, 10).await;
        f.store.audit().seal(&key_only()).await.unwrap();
        let entries = f.store.audit().entries(0, 100).await.unwrap();
        let mut raw = f.raw().await;
        f.drop_audit_guard(&mut raw).await;
        edit_and_recompute(&mut raw, &entries, 4).await;
        let head = f.store.audit().entries(9, 1).await.unwrap().remove(0).hash;
        // The forger re-seals the new head under the key's id, without the key.
        sqlx::query("UPDATE audit_seals SET hash = $1, mac = $2 WHERE seq = 10")
            .bind(&head)
            .bind("ab".repeat(32))
            .execute(&mut raw)
            .await
            .unwrap();
        let (seq, kind, why) = problem(&verify(&f, &key_only()).await);
        assert_eq!((seq, kind), (10, ProblemKind::Forged), "{why}");
        // Or under a key of their own: that seal proves nothing, and the report says so.
        let theirs = AuditKey::from_bytes([7; 32]);
        let forged = rhyme_store::audit::Seal::new(10, &head, 0, Some(&theirs));
        sqlx::query("UPDATE audit_seals SET key_id = $1, mac = $2, at = 0 WHERE seq = 10")
            .bind(theirs.id())
            .bind(forged.mac.unwrap())
            .execute(&mut raw)
            .await
            .unwrap();
        let report = verify(&f, &key_only()).await;
        assert!(report.is_intact());
        assert_eq!(report.sealed_through, Some(0));
        assert!(
            report
                .unproven
                .contains(&"entries 1..10 predate the key; none is sealed with it".into()),
            "{report:?}"
        );
        assert!(report.unproven.iter().any(|u| u.contains("another key")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sealer_seals_at_start_and_on_a_wake_when_the_log_grew() {
    each_backend(|f| async move {
        append(&f, 3).await;
        let wake = Arc::new(tokio::sync::Notify::new());
        let hour = std::time::Duration::from_secs(3600);
        let sealer = tokio::spawn(rhyme_store::audit::keep_sealing(
            f.store.clone(),
            with_both(&f),
            hour,
            wake.clone(),
        ));
        let lines = || {
            std::fs::read_to_string(anchor_file(&f))
                .unwrap_or_default()
                .lines()
                .count()
        };
        let until = |want: usize| async move {
            for _ in 0..250 {
                if lines() == want {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("the anchor file has {} lines, not {want}", lines());
        };
        until(1).await;
        wake.notify_one();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(lines(), 1, "nothing new: no seal");
        append(&f, 1).await;
        wake.notify_one();
        until(2).await;
        sealer.abort();
        let report = verify(&f, &with_both(&f)).await;
        assert_eq!(
            (report.sealed_through, report.anchored_through),
            (Some(4), Some(4))
        );
    })
    .await;
}
