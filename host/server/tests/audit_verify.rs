//! `GET /v1/audit/verify` checks the chain against the server's audit key and anchor file
//! (issue 18, finding 2), not the chain alone: the answer says what they prove.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, router};
use rhyme_store::audit::{Anchors, AuditKey};
use rhyme_store::{Actor, Gate, GateConfig, Role, Store};
use serde_json::{Value, json};
use tower::ServiceExt as _;

async fn verify(state: &AppState, token: &str) -> Value {
    let request = Request::builder()
        .uri("/v1/audit/verify")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = router(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn the_report_uses_the_servers_key_and_anchor_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), None).await.unwrap();
    let admin = store
        .create_token(&Actor::operator("ops"), "ada", Role::Admin)
        .await
        .unwrap()
        .secret;
    let key = Arc::new(AuditKey::from_bytes([3; 32]));
    let anchors = Anchors {
        key: Some(key.clone()),
        file: Some(dir.path().join("audit-anchor.jsonl")),
    };
    store.audit().seal(&anchors).await.unwrap().unwrap();
    let metrics = Arc::new(Metrics::new());
    let (queue, _jobs) = JobQueue::new(
        rhyme_pipeline::lines::QueueLimits::with_total(10_000),
        metrics.clone(),
    );
    let gate = Gate::new(store.clone(), GateConfig::default());
    let state = AppState::new(gate, queue, metrics).with_audit_anchors(anchors);

    let report = verify(&state, &admin).await;
    assert_eq!(report["problem"], Value::Null, "{report}");
    assert_eq!(report["key_id"], json!(key.id()));
    assert_eq!(
        (&report["sealed_through"], &report["anchored_through"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(report["proven"].as_array().unwrap().len(), 2, "{report}");

    // An entry after the last seal is said to be unproven, not passed over.
    store
        .create_token(&Actor::operator("ops"), "bo", Role::Reviewer)
        .await
        .unwrap();
    let report = verify(&state, &admin).await;
    let unproven = report["unproven"].to_string();
    assert!(unproven.contains("entry 2 is not sealed yet"), "{unproven}");
}
