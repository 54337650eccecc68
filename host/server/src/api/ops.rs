//! Endpoints for operators and machines, without a token: liveness, Prometheus metrics and
//! the OpenAPI document.

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
