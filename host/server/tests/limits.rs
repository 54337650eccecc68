//! Limits on what a client may store, as the API answers them (issue 18, finding 5): a field
//! too long is 422 naming it, the limit and its size; a post that would take an incident's
//! series or timeline past its total is 413 naming the series or incident and the counts, and
//! what was stored stays as it was.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, router};
use rhyme_store::{Actor, Gate, GateConfig, Limits, Role, Store};
use serde_json::{Value, json};
use tower::ServiceExt as _;

struct Api {
    state: AppState,
    token: String,
    _jobs: rhyme_pipeline::queue::JobReceiver,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn new(limits: Limits) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None)
            .await
            .unwrap()
            .with_limits(limits);
        let token = store
            .create_token(&Actor::operator("ops"), "sam", Role::Responder)
            .await
            .unwrap()
            .secret;
        let metrics = Arc::new(Metrics::new());
        let (queue, jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let gate = Gate::new(store, GateConfig::default());
        Api {
            state: AppState::new(gate, queue, metrics),
            token,
            _jobs: jobs,
            _dir: dir,
        }
    }

    async fn post(&self, uri: &str, body: &Value) -> (StatusCode, Value) {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn incident(&self, title: &str) -> (StatusCode, Value) {
        let incident = json!({"id": "inc-1", "title": title, "severity": "SEV2", "started": 0});
        self.post("/v1/incidents", &incident).await
    }
}

fn points(times: std::ops::Range<i64>) -> Value {
    times.map(|at| json!({"at": at, "value": 1.5})).collect()
}

#[tokio::test]
async fn a_megabyte_title_is_422_naming_the_field_the_limit_and_the_size() {
    let api = Api::new(Limits::default()).await;
    let (status, problem) = api.incident(&"t".repeat(1 << 20)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["field"], "title");
    assert_eq!(
        problem["detail"],
        "`title`: is 1048576 characters long; at most 1024"
    );
    assert!(api.state.store().incident("inc-1").await.is_err());
}

#[tokio::test]
async fn a_series_post_past_the_points_limit_is_413_and_the_stored_series_is_kept() {
    let api = Api::new(Limits {
        points_per_series: 10,
        ..Limits::default()
    })
    .await;
    assert_eq!(api.incident("checkout errors").await.0, StatusCode::CREATED);
    let uri = "/v1/incidents/inc-1/series";
    let first = json!({"name": "rps", "points": points(0..6)});
    assert_eq!(api.post(uri, &first).await.0, StatusCode::ACCEPTED);
    let second = json!({"name": "rps", "points": points(6..11)});
    let (status, problem) = api.post(uri, &second).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["field"], "points");
    assert_eq!(
        problem["detail"],
        "`points`: series `rps` of incident `inc-1` would hold 11 points with this post \
         (6 stored, 5 sent, a time sent again counted once); the limit is 10 per series; \
         nothing was stored"
    );
    let kept = api.state.store().series_named("inc-1", "rps").await;
    assert_eq!(kept.unwrap().unwrap().points.len(), 6);
}

#[tokio::test]
async fn an_events_batch_past_the_incidents_limit_is_413_and_nothing_is_stored() {
    let api = Api::new(Limits {
        events_per_incident: 3,
        ..Limits::default()
    })
    .await;
    assert_eq!(api.incident("checkout errors").await.0, StatusCode::CREATED);
    let batch = |ids: std::ops::Range<i64>| {
        let events: Value = ids
            .map(|i| json!({"id": format!("e{i}"), "at": i, "actor": "dana", "kind": "message", "text": "hi"}))
            .collect();
        json!({ "events": events })
    };
    let uri = "/v1/incidents/inc-1/events";
    assert_eq!(api.post(uri, &batch(0..3)).await.0, StatusCode::ACCEPTED);
    let (status, problem) = api.post(uri, &batch(3..5)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["field"], "events");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("incident `inc-1` would hold 5 events") && detail.contains("limit is 3"),
        "{detail}"
    );
    assert_eq!(api.state.store().events("inc-1").await.unwrap().len(), 3);
}
