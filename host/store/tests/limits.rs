//! What the store accepts: field lengths, points per merged series and events per incident
//! (issue 18, finding 5). A refusal names the field, the limit and the size, and leaves what
//! was stored as it was.

mod common;

use common::{T0, each_backend, event, incident};
use rhyme_store::limits::{DEFAULT_MAX_POINTS_PER_SERIES, MAX_EVENT_TEXT, MAX_TITLE};
use rhyme_store::{Error, Limits, MetricSeries, Point};

fn series(name: &str, times: std::ops::Range<i64>) -> MetricSeries {
    MetricSeries {
        name: name.into(),
        unit: "ms".into(),
        points: times.map(|at| Point { at, value: 1.0 }).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_megabyte_title_and_an_overlong_event_text_are_refused_by_name() {
    each_backend(|f| async move {
        let store = &f.store;
        let mut huge = incident("inc-1");
        huge.title = "x".repeat(1 << 20);
        match store.insert_incident(&huge).await {
            Err(Error::Invalid { field, why }) => {
                assert_eq!(field, "title");
                assert_eq!(
                    why,
                    format!("is 1048576 characters long; at most {MAX_TITLE}")
                );
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(matches!(
            store.incident("inc-1").await,
            Err(Error::NotFound { .. })
        ));

        store.insert_incident(&incident("inc-1")).await.unwrap();
        let long = event("e2", T0, &"y".repeat(MAX_EVENT_TEXT + 1));
        let batch = [event("e1", T0, "fine"), long];
        match store.add_events("inc-1", &batch).await {
            Err(Error::Invalid { field, why }) => {
                assert_eq!(field, "events[1].text");
                assert!(why.contains(&MAX_EVENT_TEXT.to_string()), "{why}");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        let mut actor = event("e3", T0, "fine");
        actor.actor = "a".repeat(201);
        match store.add_events("inc-1", &[actor]).await {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "events[0].actor"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(store.events("inc-1").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_post_that_would_grow_a_series_past_the_limit_is_refused_and_nothing_is_lost() {
    each_backend(|f| async move {
        let store = f.store.clone().with_limits(Limits {
            points_per_series: 10,
            ..Limits::default()
        });
        store.insert_incident(&incident("inc-1")).await.unwrap();
        store
            .put_series("inc-1", &series("rps", 0..6))
            .await
            .unwrap();
        // Times sent again replace points rather than add them: 6 + 4 new = 10, at the limit.
        let full = store.put_series("inc-1", &series("rps", 3..10)).await;
        assert_eq!(full.unwrap().points.len(), 10);
        match store.put_series("inc-1", &series("rps", 8..11)).await {
            Err(Error::OverLimit { field, why }) => {
                assert_eq!(field, "points");
                assert_eq!(
                    why,
                    "series `rps` of incident `inc-1` would hold 11 points with this post \
                     (10 stored, 3 sent, a time sent again counted once); the limit is 10 per \
                     series; nothing was stored"
                );
            }
            other => panic!("expected OverLimit, got {other:?}"),
        }
        let kept = store.series_named("inc-1", "rps").await.unwrap().unwrap();
        assert_eq!(kept.points.len(), 10);
        assert_eq!(kept.points.last().unwrap().at, 9);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn by_default_a_series_stays_far_below_a_million_points() {
    each_backend(|f| async move {
        let store = &f.store;
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let half = DEFAULT_MAX_POINTS_PER_SERIES as i64 / 2;
        store
            .put_series("inc-1", &series("cpu", 0..half))
            .await
            .unwrap();
        store
            .put_series("inc-1", &series("cpu", half..2 * half))
            .await
            .unwrap();
        let refused = store
            .put_series("inc-1", &series("cpu", 2 * half..2 * half + 1))
            .await;
        assert!(
            matches!(refused, Err(Error::OverLimit { .. })),
            "{refused:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_that_would_take_an_incident_past_its_events_is_refused_whole() {
    each_backend(|f| async move {
        let store = f.store.clone().with_limits(Limits {
            events_per_incident: 5,
            ..Limits::default()
        });
        store.insert_incident(&incident("inc-1")).await.unwrap();
        let batch = |ids: std::ops::Range<i64>| -> Vec<_> {
            ids.map(|i| event(&format!("e{i}"), T0 + i, "hello"))
                .collect()
        };
        store.add_events("inc-1", &batch(0..3)).await.unwrap();
        store.add_events("inc-1", &batch(3..5)).await.unwrap();
        // A retry of stored events adds nothing, so it is acknowledged at the limit.
        let retry = store.add_events("inc-1", &batch(3..5)).await.unwrap();
        assert_eq!(retry.duplicates.len(), 2);
        match store.add_events("inc-1", &batch(4..7)).await {
            Err(Error::OverLimit { field, why }) => {
                assert_eq!(field, "events");
                assert_eq!(
                    why,
                    "incident `inc-1` would hold 7 events with this batch (5 stored, 2 new); \
                     the limit is 5 per incident; nothing was stored"
                );
            }
            other => panic!("expected OverLimit, got {other:?}"),
        }
        assert_eq!(store.events("inc-1").await.unwrap().len(), 5);
    })
    .await;
}
