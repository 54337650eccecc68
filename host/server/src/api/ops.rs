//! Endpoints for operators and machines, without a token: liveness, readiness, Prometheus
//! metrics and the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::state::AppState;

/// 200 when the database answers.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!("health check: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Whether new work would be taken now: 200 while the database answers and the plugin queue
/// has room, 503 with `Retry-After` (from the measured drain rate) while it is full. `/healthz`
/// stays 200 through a backlog: the process is up, and restarting it would not help.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let queue = state.queue();
    let limits = queue.limits();
    let drain = queue.drain_rate();
    let mut body = serde_json::json!({
        "queued_events": queue.depth(),
        "queue_limit": limits.total,
        "per_incident_limit": limits.per_incident,
        "drained_events_per_s": drain.map(|r| (r * 10.0).round() / 10.0),
    });
    let (status, retry_after) = if let Err(e) = state.store().ping().await {
        tracing::error!("readiness check: {e}");
        body["ready"] = false.into();
        body["reason"] = "database unavailable".into();
        (StatusCode::SERVICE_UNAVAILABLE, None)
    } else if !queue.has_room() {
        let wait = queue.retry_after_for(None, 1);
        body["ready"] = false.into();
        body["reason"] = format!(
            "the plugin queue is full ({} events waiting); new incidents are still taken",
            queue.depth()
        )
        .into();
        (StatusCode::SERVICE_UNAVAILABLE, Some(wait))
    } else {
        body["ready"] = true.into();
        (StatusCode::OK, None)
    };
    let mut response = (status, Json(body)).into_response();
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
    }
    response
}

/// The Prometheus text exposition: the pipeline's metrics, then the server's. The backlog is
/// read from the store now, so it counts every replica's jobs; if the read fails the last
/// figures stay and the failure is logged (a scrape still gets everything else).
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    state
        .metrics()
        .queue_depth
        .set(state.queue().depth() as i64);
    match state.store().plugin_job_backlog().await {
        Ok(backlog) => state
            .ops_metrics()
            .set_backlog(&backlog, state.store().now()),
        Err(error) => tracing::error!(%error, "reading the plugin job backlog for /metrics"),
    }
    let mut text = state.metrics().render();
    text.push_str(&state.ops_metrics().render());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

/// The OpenAPI document of this API.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}
