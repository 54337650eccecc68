//! Changes: kept per service, stored once per id, shown on the timeline of every incident
//! whose window covers them, and flagged when made during a declared freeze.

mod common;

use common::{T0, each_backend, event, incident};
use rhyme_store::changes::SHOWN_BEFORE_START_MS;
use rhyme_store::{Change, ChangeKind, Error};

const MIN: i64 = 60_000;

fn change(id: &str, kind: ChangeKind, service: &str, at: i64) -> Change {
    Change {
        id: id.into(),
        kind,
        service: service.into(),
        environment: "production".into(),
        actor: "alice".into(),
        at,
        revision: "v4.18.0".into(),
        link: "https://ci.example/run/1".into(),
        summary: String::new(),
        source: "api".into(),
        freeze: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_incident_opened_later_sees_the_deploy_made_before_it() {
    each_backend(|f| async move {
        let store = &f.store;
        let deploy = change("d-1", ChangeKind::Deploy, "cart-service", T0 - 20 * MIN);
        assert!(store.add_change(&deploy).await.unwrap(), "new");
        assert!(
            !store.add_change(&deploy).await.unwrap(),
            "a redelivery stores nothing"
        );
        let old = change(
            "d-0",
            ChangeKind::Deploy,
            "cart-service",
            T0 - SHOWN_BEFORE_START_MS - 1,
        );
        store.add_change(&old).await.unwrap();
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store
            .add_events("inc-1", &[event("e-1", T0 + MIN, "5xx up")])
            .await
            .unwrap();
        let timeline = store.events("inc-1").await.unwrap();
        let ids: Vec<&str> = timeline.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["change:d-1", "e-1"],
            "the old deploy is out of the window"
        );
        assert_eq!(timeline[0].kind, "deploy");
        assert!(
            timeline[0]
                .text
                .starts_with("deployed cart-service v4.18.0 in production")
        );
        let since = store
            .events_between("inc-1", T0, T0 + 2 * MIN)
            .await
            .unwrap();
        assert_eq!(since.len(), 1, "changes obey the asked window too");
        store.end_incident("inc-1", T0 + 5 * MIN).await.unwrap();
        store
            .add_change(&change(
                "d-2",
                ChangeKind::Deploy,
                "cart-service",
                T0 + 9 * MIN,
            ))
            .await
            .unwrap();
        assert_eq!(
            store.events("inc-1").await.unwrap().len(),
            2,
            "after its end"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_incident_sees_changes_near_its_activity_only() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store
            .add_events("inc-1", &[event("e-1", T0 + 60 * MIN, "still broken")])
            .await
            .unwrap();
        let soon = change("d-1", ChangeKind::Deploy, "cart-service", T0 + 170 * MIN);
        let much_later = change("d-2", ChangeKind::Deploy, "cart-service", T0 + 190 * MIN);
        store.add_change(&soon).await.unwrap();
        store.add_change(&much_later).await.unwrap();
        let ids: Vec<String> = store
            .events("inc-1")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(
            ids,
            ["e-1", "change:d-1"],
            "two hours after its latest event at most"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_during_a_freeze_carries_the_freeze() {
    each_backend(|f| async move {
        let store = &f.store;
        store
            .add_change(&change("f-1", ChangeKind::FreezeStart, "", T0))
            .await
            .unwrap();
        store
            .add_change(&change("d-1", ChangeKind::Deploy, "cart-service", T0 + MIN))
            .await
            .unwrap();
        store
            .add_change(&change("f-2", ChangeKind::FreezeEnd, "", T0 + 2 * MIN))
            .await
            .unwrap();
        store
            .add_change(&change(
                "d-2",
                ChangeKind::Deploy,
                "cart-service",
                T0 + 3 * MIN,
            ))
            .await
            .unwrap();
        assert_eq!(store.change("d-1").await.unwrap().unwrap().freeze, "f-1");
        assert_eq!(store.change("d-2").await.unwrap().unwrap().freeze, "");
        let text = store.change("d-1").await.unwrap().unwrap().timeline_text();
        assert!(
            text.contains("(during a declared change freeze)") && text.contains("\nfreeze: f-1")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_change_names_its_field() {
    each_backend(|f| async move {
        let mut bad = change("d-1", ChangeKind::Deploy, "", T0);
        match f.store.add_change(&bad).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "service"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        bad.service = "x".repeat(201);
        match f.store.add_change(&bad).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "service"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    })
    .await;
}
