//! Incidents, timelines, series, the postmortem corpus, findings and nudge triage.

mod common;

use common::{T0, each_backend, event, incident, principal};
use rhyme_store::{
    Error, Evidence, Finding, FindingKind, IncidentFilter, MetricSeries, PluginRef, Point,
    Postmortem, Put, Role, Triage,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn incidents_are_created_once_and_retries_are_acknowledged() {
    each_backend(|f| async move {
        let store = &f.store;
        let mut inc = incident("inc-1");
        assert_eq!(store.insert_incident(&inc).await.unwrap(), Put::Created);
        assert_eq!(store.insert_incident(&inc).await.unwrap(), Put::Unchanged);
        let mut other = inc.clone();
        other.title = "something else".into();
        assert!(matches!(
            store.insert_incident(&other).await,
            Err(Error::Conflict { .. })
        ));
        inc.severity = "SEV1".into();
        assert_eq!(store.put_incident(&inc).await.unwrap(), Put::Updated);
        assert_eq!(store.incident("inc-1").await.unwrap(), inc);
        store.insert_incident(&incident("inc-2")).await.unwrap();
        store.end_incident("inc-2", T0 + 60_000).await.unwrap();
        let open = store
            .incidents(IncidentFilter {
                open_only: true,
                limit: 0,
            })
            .await
            .unwrap();
        assert_eq!(
            open.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["inc-1"]
        );
        assert!(matches!(
            store.incident("nope").await,
            Err(Error::NotFound { .. })
        ));
        let mut bad = incident("inc-3");
        bad.ended = Some(T0 - 1);
        match store.insert_incident(&bad).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "ended"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_repeated_event_id_is_acknowledged_and_stored_once() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let batch: Vec<_> = (0..300)
            .map(|i| event(&format!("e{i}"), T0 + i, "hello"))
            .collect();
        let first = store.add_events("inc-1", &batch).await.unwrap();
        assert_eq!(first.stored.len(), 300);
        assert!(first.duplicates.is_empty());
        // A retry of the same batch plus one new event and one repeated inside the batch.
        let mut retry = batch.clone();
        retry.push(event("new", T0 + 1000, "late"));
        retry.push(event("new", T0 + 1001, "again"));
        let second = store.add_events("inc-1", &retry).await.unwrap();
        assert_eq!(second.stored, ["new"]);
        assert_eq!(second.duplicates.len(), 301);
        let timeline = store.events("inc-1").await.unwrap();
        assert_eq!(timeline.len(), 301);
        assert_eq!(timeline.last().unwrap().text, "late");
        assert!(timeline.windows(2).all(|w| w[0].at <= w[1].at));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_are_read_back_by_id_across_query_chunks() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store.insert_incident(&incident("inc-2")).await.unwrap();
        let batch: Vec<_> = (0..1200)
            .map(|i| event(&format!("e{i}"), T0 + i, "hello"))
            .collect();
        store.add_events("inc-1", &batch).await.unwrap();
        store.add_events("inc-2", &batch[..10]).await.unwrap();
        // More ids than one query binds, some of them unknown.
        let mut wanted: Vec<String> = (0..1200).step_by(2).map(|i| format!("e{i}")).collect();
        wanted.extend((0..700).map(|i| format!("missing-{i}")));
        let mut found: Vec<String> = store
            .events_with_ids("inc-1", &wanted)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        found.sort_by_key(|id| id[1..].parse::<u32>().unwrap());
        let expected: Vec<String> = (0..1200).step_by(2).map(|i| format!("e{i}")).collect();
        assert_eq!(found, expected);
        // Another incident's events with the same ids are not read.
        let other = store.events_with_ids("inc-2", &wanted).await.unwrap();
        assert_eq!(other.len(), 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_batch_changes_nothing() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let mut batch = vec![event("a", T0, "ok"), event("b", T0, "ok")];
        batch.push(event("", T0, "no id"));
        match store.add_events("inc-1", &batch).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "events[2].id"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(store.events("inc-1").await.unwrap().is_empty());
        let unknown = store.add_events("nope", &[event("a", T0, "x")]).await;
        assert!(matches!(
            unknown,
            Err(Error::NotFound {
                what: "incident",
                ..
            })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_batches_all_land_without_duplicates() {
    each_backend(|f| async move {
        f.store.insert_incident(&incident("inc-1")).await.unwrap();
        let mut tasks = Vec::new();
        for task in 0..8 {
            let store = f.store.clone();
            tasks.push(tokio::spawn(async move {
                // Each task overlaps the next one by half its ids.
                let batch: Vec<_> = (task * 50..task * 50 + 100)
                    .map(|i| event(&format!("e{i}"), T0 + i, "x"))
                    .collect();
                store.add_events("inc-1", &batch).await.unwrap()
            }));
        }
        let mut stored = 0;
        for task in tasks {
            stored += task.await.unwrap().stored.len();
        }
        assert_eq!(stored, 450);
        assert_eq!(f.store.events("inc-1").await.unwrap().len(), 450);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn series_merge_and_keep_gaps() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let points =
            |pts: &[(i64, f64)]| pts.iter().map(|&(at, value)| Point { at, value }).collect();
        let first = MetricSeries {
            name: "p99".into(),
            unit: "ms".into(),
            points: points(&[(1, 10.0), (2, f64::NAN)]),
        };
        store.put_series("inc-1", &first).await.unwrap();
        let second = MetricSeries {
            name: "p99".into(),
            unit: String::new(),
            points: points(&[(2, 20.0), (3, 30.0)]),
        };
        let merged = store.put_series("inc-1", &second).await.unwrap();
        assert_eq!(merged.unit, "ms");
        let stored = store.series("inc-1").await.unwrap();
        assert_eq!(stored.len(), 1);
        let values: Vec<f64> = stored[0].points.iter().map(|p| p.value).collect();
        assert_eq!(values, [10.0, 20.0, 30.0]);
        let gap = MetricSeries {
            name: "rps".into(),
            unit: String::new(),
            points: points(&[(5, f64::NAN)]),
        };
        store.put_series("inc-1", &gap).await.unwrap();
        let rps = store
            .series("inc-1")
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.name == "rps")
            .unwrap();
        assert!(rps.points[0].value.is_nan());
    })
    .await;
}

fn postmortem(id: &str, url: Option<&str>, summary: &str) -> Postmortem {
    Postmortem {
        id: id.into(),
        title: "Cache stampede after deploy".into(),
        company: "Acme".into(),
        summary: summary.into(),
        body: String::new(),
        categories: vec!["cache".into(), "deploy".into()],
        url: url.map(String::from),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postmortems_are_upserted_by_id_or_url_never_duplicated() {
    each_backend(|f| async move {
        let store = &f.store;
        let url = Some("https://example.org/pm/1");
        let created = store
            .upsert_postmortem(&postmortem("pm-1", url, "v1"))
            .await
            .unwrap();
        assert_eq!((created.id.as_str(), created.put), ("pm-1", Put::Created));
        let same = store
            .upsert_postmortem(&postmortem("pm-1", url, "v1"))
            .await
            .unwrap();
        assert_eq!(same.put, Put::Unchanged);
        // The same write-up under another id is matched by URL and updates the first entry.
        let by_url = store
            .upsert_postmortem(&postmortem("other-id", url, "v2"))
            .await
            .unwrap();
        assert_eq!((by_url.id.as_str(), by_url.put), ("pm-1", Put::Updated));
        assert_eq!(store.postmortem("pm-1").await.unwrap().summary, "v2");
        store
            .upsert_postmortem(&postmortem("pm-2", None, "x"))
            .await
            .unwrap();
        store
            .upsert_postmortem(&postmortem("pm-3", None, "y"))
            .await
            .unwrap();
        // An id and a URL that belong to two different entries cannot be merged silently.
        let clash = store.upsert_postmortem(&postmortem("pm-2", url, "z")).await;
        assert!(matches!(clash, Err(Error::Conflict { .. })));
        let all = store.postmortems().await.unwrap();
        assert_eq!(
            all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["pm-1", "pm-2", "pm-3"]
        );
        assert_eq!(all[0].categories, ["cache", "deploy"]);
    })
    .await;
}

fn finding(subject: &str, at: Option<i64>, title: &str) -> Finding {
    Finding {
        kind: FindingKind::Signature,
        subject: subject.into(),
        title: title.into(),
        detail: "p99 fell to zero within one sample".into(),
        evidence: vec![Evidence::Event("e1".into())],
        confidence: 0.8,
        at,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn findings_keep_their_plugin_and_do_not_pile_up() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let plugin = PluginRef {
            name: "graph-signature".into(),
            version: "0.1.0".into(),
        };
        let first = store
            .add_findings(
                "inc-1",
                &plugin,
                &[finding("cliff-drop", Some(T0), "Cliff drop")],
            )
            .await
            .unwrap();
        assert_eq!(first.new.len(), 1);
        // The same finding on the next tick (reworded) is not new; another moment is.
        let again = store
            .add_findings(
                "inc-1",
                &plugin,
                &[
                    finding("cliff-drop", Some(T0), "Cliff drop in p99"),
                    finding("cliff-drop", Some(T0 + 60_000), "Cliff drop"),
                ],
            )
            .await
            .unwrap();
        assert_eq!((again.new.len(), again.repeated.len()), (1, 1));
        let stored = store.findings("inc-1").await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].plugin, plugin);
        assert_eq!(stored[0].finding.evidence, [Evidence::Event("e1".into())]);
        let mut bad = finding("x", None, "t");
        bad.confidence = 1.5;
        match store.add_findings("inc-1", &plugin, &[bad]).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "findings[0].confidence"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_ic_triages_nudges_and_mutes_run_out() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let ic = principal("dana", Role::Ic);
        let responder = principal("sam", Role::Responder);
        let denied = store
            .acknowledge_nudge(&responder, "inc-1", "tunnel-vision")
            .await;
        assert!(matches!(denied, Err(Error::Forbidden { .. })));
        store
            .acknowledge_nudge(&ic, "inc-1", "tunnel-vision")
            .await
            .unwrap();
        store
            .mute_nudge(&ic, "inc-1", "update-black-hole", Some(T0 + 60_000))
            .await
            .unwrap();
        assert!(
            store
                .nudge_silenced("inc-1", "tunnel-vision")
                .await
                .unwrap()
        );
        assert!(
            store
                .nudge_silenced("inc-1", "update-black-hole")
                .await
                .unwrap()
        );
        assert!(
            !store
                .nudge_silenced("inc-1", "silent-handover")
                .await
                .unwrap()
        );
        f.clock.advance(60_000);
        assert!(
            !store
                .nudge_silenced("inc-1", "update-black-hole")
                .await
                .unwrap()
        );
        let triage = store.nudge_triage("inc-1").await.unwrap();
        assert_eq!(triage.len(), 2);
        assert_eq!(triage[0].triage, Triage::Acknowledged);
        let past = store.mute_nudge(&ic, "inc-1", "x", Some(T0)).await;
        assert!(matches!(past, Err(Error::Invalid { .. })));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unmuting_shows_a_pattern_again_and_is_audited() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let ic = principal("dana", Role::Ic);
        let responder = principal("sam", Role::Responder);
        let never = store.unmute_nudge(&ic, "inc-1", "stalled-loop").await;
        assert!(matches!(never, Err(Error::NotFound { .. })));
        store
            .mute_nudge(&ic, "inc-1", "stalled-loop", None)
            .await
            .unwrap();
        let denied = store
            .unmute_nudge(&responder, "inc-1", "stalled-loop")
            .await;
        let Err(Error::Forbidden { why }) = denied else {
            panic!("a responder unmuted: {denied:?}")
        };
        assert!(why.contains("needs the ic role"), "{why}");
        let cleared = store
            .unmute_nudge(&ic, "inc-1", "stalled-loop")
            .await
            .unwrap();
        assert_eq!(cleared.triage, Triage::Muted);
        assert!(!store.nudge_silenced("inc-1", "stalled-loop").await.unwrap());
        let log = store.audit().entries(0, 100).await.unwrap();
        assert!(log.iter().any(|e| e.action == "nudge.unmuted"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outside_keys_bind_to_incidents() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store.insert_incident(&incident("inc-2")).await.unwrap();
        assert_eq!(
            store
                .bound_incident("alertmanager", "{}:{alertname=\"X\"}")
                .await
                .unwrap(),
            None
        );
        store
            .bind("alertmanager", "{}:{alertname=\"X\"}", "inc-1")
            .await
            .unwrap();
        store
            .bind("alertmanager", "{}:{alertname=\"X\"}", "inc-2")
            .await
            .unwrap();
        let bound = store
            .bound_incident("alertmanager", "{}:{alertname=\"X\"}")
            .await
            .unwrap();
        assert_eq!(bound.as_deref(), Some("inc-2"));
        assert!(matches!(
            store.bind("slack", "C123", "nope").await,
            Err(Error::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reopening_clears_the_end_once_and_is_audited() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store.end_incident("inc-1", T0 + 60_000).await.unwrap();
        let by = rhyme_store::Actor::from(&principal("alertbot", Role::Responder));
        let why = serde_json::json!({ "firing": ["e1"] });
        let (reopened, changed) = store.reopen_incident("inc-1", &by, &why).await.unwrap();
        assert!(changed);
        assert_eq!(reopened.ended, None);
        assert_eq!(store.incident("inc-1").await.unwrap(), reopened);
        // Open already: nothing changes, nothing more is audited.
        let (_, again) = store.reopen_incident("inc-1", &by, &why).await.unwrap();
        assert!(!again);
        let log = store.audit().entries(0, 100).await.unwrap();
        let entries: Vec<_> = log
            .iter()
            .filter(|e| e.action == "incident.reopen")
            .collect();
        assert_eq!(entries.len(), 1, "{log:?}");
        assert_eq!(
            (entries[0].actor.as_str(), entries[0].subject.as_str()),
            ("alertbot", "inc-1")
        );
        assert!(entries[0].detail.contains(&(T0 + 60_000).to_string()));
        assert!(matches!(
            store.reopen_incident("nope", &by, &why).await,
            Err(Error::NotFound { .. })
        ));
    })
    .await;
}
