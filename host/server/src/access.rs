//! Every answered request counted by route template, method and status, and each refusal
//! (4xx) logged at `warn` with its reason, at most [`LINES_PER_SECOND`] a second per route,
//! method and status. Before this, 48,000 refusals in a load test left no trace at all.
//!
//! Nothing secret is logged: no header (the bearer token, Slack's signature), no raw path or
//! query string (ids and whatever a client put there) — only the route's template and the
//! problem document's detail, which is written for the client and never echoes a secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::log_budget::LogBudget;
use crate::ops_metrics::OpsMetrics;
use crate::problem::Refused;

/// Refusals logged per second for each route, method and status; the rest are counted in
/// `/metrics` and announced by the next line written.
pub const LINES_PER_SECOND: u32 = 5;

/// The route label of a request no route matched: one label for every unknown path.
const UNMATCHED: &str = "unmatched";

/// Longest detail written to the log, in characters: a detail can quote the client's input.
const MAX_DETAIL: usize = 300;

/// What the middleware keeps: where it counts, and its log budget (one per router, so two
/// servers in one process, as in tests, do not spend each other's).
pub struct Access {
    metrics: Arc<OpsMetrics>,
    /// Keyed by (method, route template, status).
    budget: LogBudget<(&'static str, String, u16)>,
}

impl Access {
    /// Counting into `metrics`, logging up to [`LINES_PER_SECOND`] per key.
    pub fn new(metrics: Arc<OpsMetrics>) -> Access {
        Access {
            metrics,
            budget: LogBudget::new(LINES_PER_SECOND, Duration::from_secs(1)),
        }
    }
}

/// The middleware: answers the request, then counts it and logs it if it was refused.
pub async fn observe(State(access): State<Arc<Access>>, request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED.to_string(), |path| path.as_str().to_string());
    let response = next.run(request).await;
    let status = response.status();
    let metrics = &access.metrics;
    metrics.record_request(&route, method, status.as_u16());
    let refused = response.extensions().get::<Refused>();
    if let Some(reason) = refused.and_then(|r| r.auth_failure) {
        metrics.record_auth_failure(reason);
    }
    if status.is_client_error() {
        let key = (method, route, status.as_u16());
        if let Some(left_out) = access.budget.admit(key.clone(), Instant::now()) {
            let (method, route, status) = key;
            // Refusals made by the framework (an unknown method, a bad query string) carry
            // no problem document; their status's reason phrase is all there is.
            let detail = refused.map_or("", |r| r.detail.as_str());
            tracing::warn!(
                method,
                route,
                status,
                reason = response.status().canonical_reason().unwrap_or(""),
                detail = %shorten(detail),
                auth_failure = refused.and_then(|r| r.auth_failure).unwrap_or(""),
                left_out,
                "request refused"
            );
        }
    }
    response
}

/// The method as a label: the standard ones by name, any other as `OTHER`, so a client
/// cannot make new labels by inventing methods.
fn method_label(method: &Method) -> &'static str {
    [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ]
    .into_iter()
    .find(|(known, _)| known == method)
    .map_or("OTHER", |(_, label)| label)
}

/// `detail` cut to [`MAX_DETAIL`] characters, with `…` where it was cut.
fn shorten(detail: &str) -> String {
    match detail.char_indices().nth(MAX_DETAIL) {
        Some((cut, _)) => format!("{}…", &detail[..cut]),
        None => detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
    }

    #[test]
    fn a_long_detail_is_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_DETAIL + 5);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), MAX_DETAIL + 1);
        assert!(short.ends_with('…'));
        assert_eq!(shorten("fine"), "fine");
    }
}
