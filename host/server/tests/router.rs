//! The API's pure request/response cases, without a socket: `router(state).oneshot(request)`
//! over a real SQLite store in a temporary folder. What needs a running process (plugins on
//! ingest, SIGKILL, two replicas) is in `tests/tests/all/`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, router};
use rhyme_store::{Actor, Gate, GateConfig, Role, Store};
use serde_json::Value;
use tower::ServiceExt as _;

/// A router over a fresh store, and a token of each role.
struct Api {
    state: AppState,
    _dir: tempfile::TempDir,
    responder: String,
    reviewer: String,
}

impl Api {
    async fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        let token = |name: &str, role| {
            let store = store.clone();
            let name = name.to_string();
            async move {
                store
                    .create_token(&Actor::operator("ops"), &name, role)
                    .await
                    .unwrap()
                    .secret
            }
        };
        let responder = token("sam", Role::Responder).await;
        let reviewer = token("ana", Role::Reviewer).await;
        let metrics = Arc::new(Metrics::new());
        let (queue, _jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let gate = Gate::new(store, GateConfig::default());
        Api {
            state: AppState::new(gate, queue, metrics),
            _dir: dir,
            responder,
            reviewer,
        }
    }

    /// Sends one request; the status, the content type and the body as JSON (or text).
    async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (StatusCode, String, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Body::from(body.unwrap_or("").to_string()))
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, content_type, json)
    }
}

#[tokio::test]
async fn health_needs_no_token_and_every_v1_route_needs_one() {
    let api = Api::new().await;
    let (status, _, _) = api.send("GET", "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, content_type, problem) = api.send("GET", "/v1/incidents", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["status"], 401);
}

#[tokio::test]
async fn an_unknown_route_is_a_problem_not_an_empty_page() {
    let api = Api::new().await;
    let (status, content_type, problem) = api
        .send("GET", "/v1/nothing-here", Some(&api.responder), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["status"], 404);
}

#[tokio::test]
async fn a_bad_body_names_the_field_at_fault() {
    let api = Api::new().await;
    let body =
        r#"{"id": "inc-1", "title": "Checkout down", "severity": "SEV2", "started": "yesterday"}"#;
    let (status, content_type, problem) = api
        .send("POST", "/v1/incidents", Some(&api.responder), Some(body))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["field"], "started", "{problem}");

    let good = r#"{"id": "inc-1", "title": "Checkout down", "severity": "SEV2", "started": "2026-03-09T10:11:00Z"}"#;
    let (status, _, written) = api
        .send("POST", "/v1/incidents", Some(&api.responder), Some(good))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    let (status, _, incident) = api
        .send("GET", "/v1/incidents/inc-1", Some(&api.reviewer), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["title"], "Checkout down", "{incident}");
}

#[tokio::test]
async fn only_a_reviewer_decides_and_a_reviewer_sends_no_data_in() {
    let api = Api::new().await;
    let (status, _, problem) = api
        .send(
            "POST",
            "/v1/proposals/p-1/approve",
            Some(&api.responder),
            Some("{}"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, _, problem) = api
        .send(
            "POST",
            "/v1/proposals/p-1/approve",
            Some(&api.reviewer),
            Some("{}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let body = r#"{"id": "inc-2", "title": "x", "severity": "SEV3", "started": 0}"#;
    let (status, _, problem) = api
        .send("POST", "/v1/incidents", Some(&api.reviewer), Some(body))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
}

#[tokio::test]
async fn the_movers_plot_draws_every_series_with_the_first_movers_onsets() {
    use rhyme_store::{Evidence, Finding, FindingKind, PluginRef, SeriesWindow};
    let api = Api::new().await;
    let incident = r#"{"id": "inc-m", "title": "Checkout slow", "severity": "SEV2", "started": "2026-03-09T10:00:00Z"}"#;
    let (status, _, _) = api
        .send(
            "POST",
            "/v1/incidents",
            Some(&api.responder),
            Some(incident),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = "/v1/incidents/inc-m/plots/movers.svg";
    let (status, content_type, _) = api.send("GET", path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(content_type, "application/problem+json");
    let t0 = 1_773_050_400_000_i64; // 2026-03-09T10:00:00Z
    let series = |name: &str, step: i64| {
        let points: Vec<Value> = (0..60)
            .map(|m| serde_json::json!({"at": t0 + m * 60_000, "value": if m >= step { 50.0 } else { 10.0 + (m % 3) as f64 }}))
            .collect();
        serde_json::json!({"name": name, "unit": "", "points": points}).to_string()
    };
    let post = "/v1/incidents/inc-m/series";
    let (status, _, answer) = api
        .send(
            "POST",
            post,
            Some(&api.responder),
            Some(&series("db_pool", 20)),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    // One series is not a comparison.
    let (status, content_type, problem) = api.send("GET", path, Some(&api.reviewer), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    let (status, _, answer) = api
        .send(
            "POST",
            post,
            Some(&api.responder),
            Some(&series("latency", 30)),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    // Before the first-mover plugin has spoken: every series, no onset.
    let (status, content_type, svg) = api.send("GET", path, Some(&api.reviewer), None).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    assert_eq!(content_type, "image/svg+xml");
    let svg = svg.as_str().unwrap().to_string();
    assert!(svg.contains("no series has moved first yet") && !svg.contains("onset"));
    let window = |series: &str, start: i64| {
        Evidence::Window(SeriesWindow {
            series: series.into(),
            start,
            end: t0 + 59 * 60_000,
        })
    };
    let finding = Finding {
        kind: FindingKind::Note,
        subject: "first-mover".into(),
        title: "db_pool moved first, 10 min before latency".into(),
        detail: String::new(),
        evidence: vec![
            window("db_pool", t0 + 20 * 60_000),
            window("latency", t0 + 30 * 60_000),
        ],
        confidence: 0.7,
        at: Some(t0 + 20 * 60_000),
    };
    let plugin = PluginRef {
        name: "first-mover".into(),
        version: "0.1.0".into(),
    };
    api.state
        .gate()
        .store_plugin_output(None, "inc-m", &plugin, &[finding], Vec::new())
        .await
        .unwrap();
    let (status, _, svg) = api.send("GET", path, Some(&api.responder), None).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    let svg = svg.as_str().unwrap();
    assert!(
        svg.contains("db_pool moved first, 10 min before latency")
            && svg.contains("db_pool onset 10:20")
            && svg.contains("latency onset 10:30"),
        "the finding's title and both onsets: {svg}"
    );
    let (status, _, problem) = api
        .send(
            "GET",
            "/v1/incidents/nope/plots/movers.svg",
            Some(&api.reviewer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
}
