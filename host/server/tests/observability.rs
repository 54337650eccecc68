//! What an operator sees of a server under refused requests (issue 18, finding 10): every
//! answer counted by route template and status, authentication failures by reason, the
//! backlog of plugin jobs with its age, and each kind of refusal logged at `warn`, a few a
//! second, without the token that was sent. Through the router over a real SQLite store.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::access::LINES_PER_SECOND;
use rhyme_server::{AppState, router};
use rhyme_store::{Actor, Gate, GateConfig, Incident, JobLease, JobWork, ManualClock, Role, Store};
use serde_json::json;
use tower::ServiceExt as _;

/// 2023-11-14T22:13:20Z.
const T0: i64 = 1_700_000_000_000;
/// A Slack signing secret, and a bearer token this server never issued: neither may be logged.
const SLACK_SECRET: &str = "slack-signing-secret-never-logged";
const FORGED_TOKEN: &str = "rhyme_forged0123456789abcdef";

struct Api {
    app: Router,
    state: AppState,
    clock: ManualClock,
    responder: String,
    _jobs: rhyme_pipeline::queue::JobReceiver,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(T0);
        let store = Store::open_with_clock(dir.path(), None, Arc::new(clock.clone()))
            .await
            .unwrap();
        let ops = Actor::operator("ops");
        let responder = store
            .create_token(&ops, "sam", Role::Responder)
            .await
            .unwrap()
            .secret;
        let metrics = Arc::new(Metrics::new());
        let (queue, jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let gate = Gate::new(store, GateConfig::default());
        let state =
            AppState::new(gate, queue, metrics).with_slack_secret(Some(SLACK_SECRET.into()));
        Api {
            // One router for the whole test, as a server has: it holds the log budget.
            app: router(state.clone()),
            state,
            clock,
            responder,
            _jobs: jobs,
            _dir: dir,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: &str) -> StatusCode {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if !body.is_empty() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
            .0
    }

    async fn metrics(&self) -> String {
        let request = Request::get("/metrics").body(Body::empty()).unwrap();
        let (status, text) = self.send(request).await;
        assert_eq!(status, StatusCode::OK);
        text
    }
}

/// The value of `name`'s sample whose labels include every one of `labels`; 0 when none.
fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(name)?;
            let (label_text, value) = match rest.strip_prefix('{') {
                Some(rest) => rest.rsplit_once("} ")?,
                None => ("", rest.strip_prefix(' ')?),
            };
            let all = labels.iter().all(|(k, v)| {
                label_text
                    .split(',')
                    .any(|pair| pair == format!("{k}=\"{v}\""))
            });
            all.then(|| value.trim().parse::<f64>().unwrap())
        })
        .sum()
}

/// A log that writes into a buffer the test reads.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn refusals_are_counted_by_route_status_and_reason_and_logged_without_secrets() {
    let log = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer({
            let log = log.clone();
            move || log.clone()
        })
        .finish();
    // The test runs on one thread (tokio's default for tests), so the handlers log here.
    let _guard = tracing::subscriber::set_default(subscriber);
    let api = Api::new().await;
    let sam = api.responder.clone();

    // 30 requests without a token: all counted, a few logged.
    for _ in 0..30 {
        let status = api.call("GET", "/v1/incidents", None, "").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let forged = api
        .call("GET", "/v1/incidents", Some(FORGED_TOKEN), "")
        .await;
    assert_eq!(forged, StatusCode::UNAUTHORIZED);
    let body =
        json!({"id": "inc-1", "title": "Checkout down", "severity": "SEV2", "started": 1_000});
    let created = api
        .call("POST", "/v1/incidents", Some(&sam), &body.to_string())
        .await;
    assert_eq!(created, StatusCode::CREATED);
    let approve = api
        .call("POST", "/v1/proposals/p-7/approve", Some(&sam), "")
        .await;
    assert_eq!(approve, StatusCode::FORBIDDEN, "a responder cannot decide");
    let missing = api
        .call("GET", "/v1/incidents/inc-404", Some(&sam), "")
        .await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let nowhere = api
        .call("GET", "/v1/no/such/route?token=abc", None, "")
        .await;
    assert_eq!(nowhere, StatusCode::NOT_FOUND);
    let slack = Request::post("/v1/ingest/slack")
        .header("x-slack-request-timestamp", (T0 / 1000).to_string())
        .header("x-slack-signature", format!("v0={}", "0".repeat(64)))
        .body(Body::from(r#"{"type":"event_callback"}"#))
        .unwrap();
    assert_eq!(api.send(slack).await.0, StatusCode::UNAUTHORIZED);

    let metrics = api.metrics().await;
    let requests = |route: &str, method: &str, status: &str| {
        let labels = [("route", route), ("method", method), ("status", status)];
        sample(&metrics, "rhyme_http_requests_total", &labels)
    };
    assert_eq!(requests("/v1/incidents", "GET", "401"), 31.0, "{metrics}");
    assert_eq!(requests("/v1/incidents", "POST", "201"), 1.0);
    assert_eq!(requests("/v1/proposals/{id}/approve", "POST", "403"), 1.0);
    assert_eq!(requests("/v1/incidents/{id}", "GET", "404"), 1.0);
    assert_eq!(requests("unmatched", "GET", "404"), 1.0);
    assert_eq!(requests("/v1/ingest/slack", "POST", "401"), 1.0);
    assert!(!metrics.contains("inc-404") && !metrics.contains("no/such"));
    let auth = |reason: &str| sample(&metrics, "rhyme_auth_failures_total", &[("reason", reason)]);
    assert_eq!(auth("missing-token"), 30.0);
    assert_eq!(auth("unknown-token"), 1.0);
    assert_eq!(auth("wrong-role"), 1.0);
    assert_eq!(auth("slack-bad-signature"), 1.0);
    assert!(metrics.contains("rhyme_auth_failures_total{reason=\"revoked-token\"} 0"));

    let log = log.text();
    let lines = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
    let unauthenticated = lines("route=\"/v1/incidents\" status=401");
    assert!(
        (1..=2 * LINES_PER_SECOND as usize + 1).contains(&unauthenticated),
        "31 refusals in well under a second are logged a few times, not 31: {log}"
    );
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("auth_failure=\"missing-token\""), "{log}");
    assert!(
        log.contains("no bearer token"),
        "the detail says why: {log}"
    );
    assert_eq!(lines("route=\"/v1/incidents/{id}\" status=404"), 1, "{log}");
    assert_eq!(
        lines("route=\"/v1/proposals/{id}/approve\" status=403"),
        1,
        "{log}"
    );
    assert_eq!(lines("route=\"/v1/ingest/slack\" status=401"), 1, "{log}");
    assert_eq!(lines("status=201"), 0, "only refusals are logged");
    for secret in [
        FORGED_TOKEN,
        sam.as_str(),
        SLACK_SECRET,
        "token=abc",
        "Bearer rhyme_",
    ] {
        assert!(!log.contains(secret), "`{secret}` was logged: {log}");
    }
}

#[tokio::test]
async fn the_backlog_of_plugin_jobs_is_read_from_the_store_at_scrape() {
    let api = Api::new().await;
    let metrics = api.metrics().await;
    assert_eq!(
        sample(&metrics, "rhyme_backlog_jobs", &[]),
        0.0,
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, "rhyme_backlog_oldest_age_seconds", &[]),
        0.0
    );
    let store = api.state.store();
    let lease = JobLease::new(60_000);
    for id in ["inc-1", "inc-2"] {
        let incident = Incident {
            id: id.into(),
            title: "Checkout down".into(),
            severity: "SEV2".into(),
            service: "checkout".into(),
            started: T0,
            ended: None,
        };
        store.insert_incident(&incident).await.unwrap();
    }
    // Three jobs of two incidents, written half a second apart.
    for id in ["inc-1", "inc-2", "inc-2"] {
        let work = JobWork::Series("rps".into());
        store.add_plugin_job(id, work, &lease).await.unwrap();
        api.clock.advance(500);
    }
    api.clock.advance(89_000);
    let metrics = api.metrics().await;
    assert_eq!(
        sample(&metrics, "rhyme_backlog_jobs", &[]),
        3.0,
        "{metrics}"
    );
    assert_eq!(sample(&metrics, "rhyme_backlog_incidents", &[]), 2.0);
    assert_eq!(
        sample(&metrics, "rhyme_backlog_oldest_age_seconds", &[]),
        90.5
    );
}
