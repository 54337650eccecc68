//! The audit log: decisions and token changes are recorded, the table refuses UPDATE and
//! DELETE, and `verify` names the first entry that was altered, removed or slipped in after
//! someone drops the guard and edits the rows directly.

mod common;

use common::{Fixture, each_backend};
use rhyme_store::audit::ProblemKind;
use rhyme_store::{Actor, Error, Role};
use serde_json::json;
use sqlx::Executor as _;

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
