//! The OpenAPI document says what the server does (issue 18, finding 8): query parameters are
//! `in: query`, every route documents the refusals it can answer as `application/problem+json`,
//! the schemas carry the limits the store enforces, and a bad query string is answered with a
//! problem document like any other bad input. `tests/scripts/schemathesis.sh` (in `make test`)
//! then holds the running server to the whole document, role by role.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, ROUTES, router};
use rhyme_store::limits::{MAX_EVENT_TEXT, MAX_NAME, MAX_TITLE};
use rhyme_store::{Actor, Gate, GateConfig, MAX_BATCH, MAX_TEXT, Role, Store};
use serde_json::Value;
use tower::ServiceExt as _;

/// The document as served.
fn document() -> Value {
    serde_json::from_str(&rhyme_server::openapi::to_json()).unwrap()
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method.to_ascii_lowercase()];
    assert!(op.is_object(), "{method} {path} is not documented");
    op
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name}");
    schema
}

#[test]
fn query_parameters_are_in_the_query_and_optional() {
    let doc = document();
    for (path, names) in [
        ("/v1/audit", &["after", "limit"][..]),
        ("/v1/proposals", &["state", "incident"][..]),
    ] {
        let parameters = operation(&doc, "GET", path)["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no parameters"));
        for name in names {
            let parameter = parameters
                .iter()
                .find(|p| p["name"] == *name)
                .unwrap_or_else(|| panic!("{path} does not document `{name}`"));
            assert_eq!(parameter["in"], "query", "{path} `{name}`: {parameter}");
            assert_eq!(parameter["required"], false, "{path} `{name}`: {parameter}");
        }
    }
}

#[test]
fn every_route_documents_its_refusals_as_problem_documents() {
    let doc = document();
    for (method, path) in ROUTES {
        let op = operation(&doc, method, path);
        let responses = op["responses"].as_object().unwrap();
        let bearer = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        // Slack's route has no bearer token; its signature's 401 is documented by hand.
        let must: &[&str] = if bearer || *path == "/v1/ingest/slack" {
            &["401", "500"]
        } else {
            &["500"]
        };
        for status in must {
            assert!(
                responses.contains_key(*status),
                "{method} {path} does not document {status}"
            );
        }
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "422"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} takes a body but does not document {status}"
                );
            }
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}: {response}"
                );
                assert!(
                    !response["description"].as_str().unwrap_or("").is_empty(),
                    "{method} {path} {status} says nothing"
                );
            }
        }
    }
    // A route only some roles may call says so with a 403; one open to all has none to say.
    assert!(operation(&doc, "POST", "/v1/proposals/{id}/approve")["responses"]["403"].is_object());
    assert!(operation(&doc, "GET", "/v1/incidents")["responses"]["403"].is_null());
    let problem = schema(&doc, "Problem");
    for member in ["type", "title", "status", "detail"] {
        assert!(
            problem["required"]
                .as_array()
                .unwrap()
                .contains(&Value::from(member)),
            "{problem}"
        );
    }
}

#[test]
fn schemas_carry_the_limits_the_store_enforces() {
    let doc = document();
    let property =
        |schema_name: &str, name: &str| schema(&doc, schema_name)["properties"][name].clone();
    let max_length =
        |schema_name: &str, name: &str| property(schema_name, name)["maxLength"].clone();
    assert_eq!(max_length("NewIncident", "id"), MAX_NAME);
    assert_eq!(max_length("NewIncident", "title"), MAX_TITLE);
    assert_eq!(max_length("NewIncident", "severity"), MAX_NAME);
    assert_eq!(max_length("NewEvent", "id"), MAX_NAME);
    assert_eq!(max_length("NewEvent", "kind"), MAX_NAME);
    assert_eq!(max_length("NewEvent", "text"), MAX_EVENT_TEXT);
    assert_eq!(max_length("SeriesIn", "name"), MAX_NAME);
    assert_eq!(max_length("EditIn", "body"), MAX_TEXT);
    assert_eq!(max_length("RejectIn", "reason"), MAX_TEXT);
    assert_eq!(max_length("LintIn", "text"), MAX_TEXT);
    let events = property("EventsIn", "events");
    assert_eq!(events["minItems"], 1, "a batch is never empty: {events}");
    assert_eq!(events["maxItems"], MAX_BATCH);
    assert_eq!(property("SeriesIn", "points")["minItems"], 1);
    assert_eq!(property("Notification", "alerts")["minItems"], 1);
    // A blank title is refused, so the document does not call it valid.
    assert!(property("NewIncident", "title")["pattern"].is_string());

    // Times: epoch milliseconds or RFC 3339, one or the other.
    let time = schema(&doc, "Time");
    let kinds: Vec<(Value, Value)> = time["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{time}"))
        .iter()
        .map(|s| (s["type"].clone(), s["format"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("integer".into(), "int64".into()),
            ("string".into(), "date-time".into())
        ]
    );
    assert_eq!(
        property("NewIncident", "started")["$ref"],
        "#/components/schemas/Time"
    );
    assert_eq!(
        property("NewEvent", "at")["$ref"],
        "#/components/schemas/Time"
    );
}

/// A router over a fresh store with an admin's token and a responder's.
async fn admin_router() -> (axum::Router, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), None).await.unwrap();
    let token = |name: &'static str, role| {
        let store = store.clone();
        async move {
            store
                .create_token(&Actor::operator("ops"), name, role)
                .await
                .unwrap()
                .secret
        }
    };
    let admin = token("root", Role::Admin).await;
    let responder = token("sam", Role::Responder).await;
    let metrics = Arc::new(Metrics::new());
    let (queue, _jobs) = JobQueue::new(
        rhyme_pipeline::lines::QueueLimits::with_total(10_000),
        metrics.clone(),
    );
    let state = AppState::new(Gate::new(store, GateConfig::default()), queue, metrics);
    (router(state), admin, responder, dir)
}

#[tokio::test]
async fn a_bad_query_string_is_a_problem_document_naming_the_parameter() {
    let (app, admin, responder, _dir) = admin_router().await;
    for (uri, field) in [
        ("/v1/audit?limit=many", "limit"),
        ("/v1/audit?after=-1&limit=-5", "limit"),
        ("/v1/audit?after=soon", "after"),
        ("/v1/proposals?state=bogus", "state"),
    ] {
        let request = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json",
            "{uri}"
        );
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let problem: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(problem["field"], field, "{uri}: {problem}");
        assert_eq!(problem["status"], 422, "{uri}: {problem}");
    }
    let get = |uri: &str, token: &str| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let response = app
        .clone()
        .oneshot(get("/v1/audit?after=2&limit=10", &admin))
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "good parameters still read"
    );
    // The role is checked before the query is read, as before a body is.
    let response = app
        .oneshot(get("/v1/audit?limit=many", &responder))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
