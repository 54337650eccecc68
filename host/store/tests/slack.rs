//! The Slack app's records: Slack users mapped to token holders by an admin (the role read
//! from the token at each use), "not useful" verdicts on nudges, and the Slack outbox, which
//! queues a message once per key and hands it to one worker at a time.

mod common;

use common::{each_backend, incident, principal};
use rhyme_store::outbox::OutboxState;
use rhyme_store::slack::SlackOutcome;
use rhyme_store::{Actor, Error, Role};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mapped_slack_user_acts_as_the_tokens_holder_until_it_is_revoked() {
    each_backend(|f| async move {
        let ops = Actor::operator("ops");
        f.store.create_token(&ops, "ines", Role::Ic).await.unwrap();
        assert_eq!(f.store.slack_principal("U0IC").await.unwrap(), None);
        let mapped = f.store.map_slack_user(&ops, "U0IC", "Ines").await.unwrap();
        assert_eq!(mapped.token_name, "ines");
        let who = f.store.slack_principal("U0IC").await.unwrap().unwrap();
        assert_eq!((who.name.as_str(), who.role), ("ines", Role::Ic));

        let responder = Actor::from(&principal("omar", Role::Responder));
        assert!(matches!(
            f.store.map_slack_user(&responder, "U0OMAR", "ines").await,
            Err(Error::Forbidden { .. })
        ));
        assert!(matches!(
            f.store.map_slack_user(&ops, "@ines", "ines").await,
            Err(Error::Invalid { field, .. }) if field == "slack_user_id"
        ));
        assert!(matches!(
            f.store.map_slack_user(&ops, "U0X", "nobody").await,
            Err(Error::Invalid { field, .. }) if field == "token_name"
        ));

        f.store.revoke_token(&ops, "ines").await.unwrap();
        assert_eq!(f.store.slack_principal("U0IC").await.unwrap(), None);
        f.store
            .create_token(&ops, "ines", Role::Reviewer)
            .await
            .unwrap();
        let who = f.store.slack_principal("U0IC").await.unwrap().unwrap();
        assert_eq!(
            who.role,
            Role::Reviewer,
            "the role is the token's, read at each use"
        );

        f.store.unmap_slack_user(&ops, "U0IC").await.unwrap();
        assert_eq!(f.store.slack_principal("U0IC").await.unwrap(), None);
        assert!(matches!(
            f.store.unmap_slack_user(&ops, "U0IC").await,
            Err(Error::NotFound { .. })
        ));
        let actions: Vec<String> = f
            .store
            .audit()
            .entries(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            actions.contains(&"slack.user.map".to_string()),
            "{actions:?}"
        );
        assert!(
            actions.contains(&"slack.user.unmap".to_string()),
            "{actions:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn not_useful_is_counted_once_per_person_and_pattern() {
    each_backend(|f| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let ines = principal("ines", Role::Ic);
        let omar = principal("omar", Role::Responder);
        assert!(
            f.store
                .nudge_not_useful(&ines, "inc-1", "update-black-hole")
                .await
                .unwrap()
        );
        assert!(
            !f.store
                .nudge_not_useful(&ines, "inc-1", "update-black-hole")
                .await
                .unwrap()
        );
        assert!(
            f.store
                .nudge_not_useful(&omar, "inc-1", "update-black-hole")
                .await
                .unwrap()
        );
        assert!(
            f.store
                .nudge_not_useful(&omar, "inc-1", "blame-language")
                .await
                .unwrap()
        );
        let counts: Vec<(String, i64)> = f
            .store
            .nudges_not_useful()
            .await
            .unwrap()
            .into_iter()
            .map(|n| (n.pattern, n.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("update-black-hole".into(), 2),
                ("blame-language".into(), 1)
            ]
        );
        assert!(matches!(
            f.store
                .nudge_not_useful(&ines, "nope", "update-black-hole")
                .await,
            Err(Error::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slack_message_is_queued_once_and_held_by_one_worker() {
    each_backend(|f| async move {
        let payload = json!({"method": "chat.postEphemeral", "message": {"channel": "C1", "user": "U1", "text": "x"}});
        let key = "nudge:inc-1:update-black-hole:1";
        assert!(f.store.queue_slack_message(key, "inc-1", &payload).await.unwrap().is_some());
        assert_eq!(f.store.queue_slack_message(key, "inc-1", &payload).await.unwrap(), None);

        let first = f.store.claim_slack_due("a", 10, 60_000).await.unwrap();
        assert_eq!(first.len(), 1);
        assert!(f.store.claim_slack_due("b", 10, 60_000).await.unwrap().is_empty(), "leased");
        let retry_at = f.store.now() + 5_000;
        assert!(f.store.settle_slack_message(&first[0], SlackOutcome::RetryAt { at: retry_at, error: "429" }).await.unwrap());
        assert!(f.store.claim_slack_due("b", 10, 60_000).await.unwrap().is_empty(), "not due yet");
        f.clock.advance(5_000);
        let second = f.store.claim_slack_due("b", 10, 60_000).await.unwrap();
        assert_eq!(second[0].attempts, 2);
        assert!(!f.store.settle_slack_message(&first[0], SlackOutcome::Delivered { ts: None }).await.unwrap(), "a's lease is gone");
        assert!(f.store.settle_slack_message(&second[0], SlackOutcome::Delivered { ts: None }).await.unwrap());
        let rows = f.store.slack_messages().await.unwrap();
        assert_eq!((rows[0].state, rows[0].attempts), (OutboxState::Delivered, 2));
    })
    .await;
}
