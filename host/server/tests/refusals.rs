//! What the API says when it refuses, read by someone at 3 a.m. (issue 18, finding 9): a 401
//! says whether the token is missing, unknown or revoked; a caller without the role is told
//! 403 before anything about the body; a bad field is named as the caller wrote it; a section
//! is found by its heading in any case. Through the router over a real SQLite store, no socket.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, ROUTES, router};
use rhyme_store::approval::{NewProposal, Proposal, ProposalKind};
use rhyme_store::{Actor, Gate, GateConfig, PluginRef, Role, Store};
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// A router over a fresh store, with a token of each role that sends or decides.
struct Api {
    state: AppState,
    responder: String,
    ic: String,
    reviewer: String,
    _jobs: rhyme_pipeline::queue::JobReceiver,
    _dir: tempfile::TempDir,
}

/// An answer: status, the `WWW-Authenticate` header and the body as JSON.
struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    json: Value,
}

impl Answer {
    fn detail(&self) -> &str {
        self.json["detail"].as_str().unwrap_or_default()
    }
}

impl Api {
    async fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), None).await.unwrap();
        let mut secrets = Vec::new();
        for (name, role) in [
            ("sam", Role::Responder),
            ("ivy", Role::Ic),
            ("ana", Role::Reviewer),
        ] {
            let ops = Actor::operator("ops");
            let token = store.create_token(&ops, name, role).await.unwrap();
            secrets.push(token.secret);
        }
        let metrics = Arc::new(Metrics::new());
        let (queue, jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let gate = Gate::new(store, GateConfig::default());
        let [responder, ic, reviewer] = <[String; 3]>::try_from(secrets).unwrap();
        Api {
            state: AppState::new(gate, queue, metrics),
            responder,
            ic,
            reviewer,
            _jobs: jobs,
            _dir: dir,
        }
    }

    /// Sends a request with `authorization` as the header's whole value, and `body` as JSON.
    async fn send(
        &self,
        method: &str,
        uri: &str,
        authorization: Option<&str>,
        body: Option<&str>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Body::from(body.unwrap_or("").to_string()))
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Answer {
            status,
            challenge,
            json,
        }
    }

    async fn as_(&self, token: &str, method: &str, uri: &str, body: Option<&str>) -> Answer {
        self.send(method, uri, Some(&format!("Bearer {token}")), body)
            .await
    }

    async fn incident(&self, id: &str) {
        let body =
            json!({"id": id, "title": "Checkout down", "severity": "SEV2", "started": 1_000});
        let answer = self
            .as_(
                &self.responder,
                "POST",
                "/v1/incidents",
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    }
}

#[tokio::test]
async fn a_401_says_whether_the_token_is_missing_malformed_unknown_or_revoked() {
    let api = Api::new().await;
    let missing = api.send("GET", "/v1/incidents", None, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(
        missing.detail().starts_with("no bearer token"),
        "{}",
        missing.json
    );
    assert_eq!(missing.challenge.as_deref(), Some("Bearer"));

    let basic = api
        .send("GET", "/v1/incidents", Some("Basic YW5hOnNlY3JldA=="), None)
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    assert!(
        basic.detail().contains("is not `Bearer SECRET`"),
        "{}",
        basic.json
    );

    let typo = format!("{}x", api.responder);
    let unknown = api.as_(&typo, "GET", "/v1/incidents", None).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        unknown.detail().contains("not one this server issued"),
        "{}",
        unknown.json
    );

    let admin = Actor::operator("ops");
    let store = api.state.store();
    store.revoke_token(&admin, "sam").await.unwrap();
    let revoked = api.as_(&api.responder, "GET", "/v1/incidents", None).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert!(revoked.detail().contains("was revoked"), "{}", revoked.json);

    // A new token under the same name does not bring the old secret back, and neither answer
    // names a token or shows a secret.
    let fresh = store
        .create_token(&admin, "sam", Role::Responder)
        .await
        .unwrap();
    let again = api.as_(&api.responder, "GET", "/v1/incidents", None).await;
    assert!(again.detail().contains("was revoked"), "{}", again.json);
    for answer in [&missing, &basic, &unknown, &revoked, &again] {
        let text = answer.json.to_string();
        assert!(!text.contains("sam"), "a token's name leaked: {text}");
        assert!(
            !text.contains("rhyme_") && !text.contains(&fresh.secret[6..]),
            "a secret leaked: {text}"
        );
        assert_eq!(answer.json["status"], 401);
    }
    let works = api.as_(&fresh.secret, "GET", "/v1/me", None).await;
    assert_eq!(works.status, StatusCode::OK, "{}", works.json);
}

/// Who may call a route that changes something: README's role table, not the server's code.
fn may_send(path: &str, role: Role) -> bool {
    match path {
        p if p.contains("/nudges/") => role == Role::Ic,
        p if p.starts_with("/v1/proposals/") => role == Role::Reviewer,
        "/v1/seen-before" | "/v1/lint" => true,
        "/v1/actions/{id}/status" => role != Role::Admin,
        _ => matches!(role, Role::Responder | Role::Ic),
    }
}

#[tokio::test]
async fn a_caller_without_the_role_is_refused_before_the_body_is_read() {
    let api = Api::new().await;
    api.incident("inc-1").await;
    let bodies = [
        Some("[1, 2]"), // JSON of the wrong shape: 422 for a caller who may send it
        Some(r#"{"no-such": true"#), // not JSON at all: 400
        None,           // nothing: `{}`, missing fields
    ];
    let tokens = [
        (Role::Responder, &api.responder),
        (Role::Ic, &api.ic),
        (Role::Reviewer, &api.reviewer),
    ];
    let mut refused = 0;
    for (_, path) in ROUTES.iter().filter(|(method, _)| *method == "POST") {
        if rhyme_server::SIGNED_ROUTES.contains(path) {
            continue; // signed by the sender (or its shared secret), no role
        }
        let uri = path
            .replace("{id}", "inc-1")
            .replace("{pattern}", "tunnel-vision")
            .replace("{section}", "impact");
        for (role, token) in tokens {
            if may_send(path, role) {
                continue;
            }
            for body in bodies {
                let answer = api.as_(token, "POST", &uri, body).await;
                assert_eq!(
                    answer.status,
                    StatusCode::FORBIDDEN,
                    "POST {uri} as {role} with {body:?}: {}",
                    answer.json
                );
                assert!(answer.detail().contains(role.as_str()), "{}", answer.json);
                refused += 1;
            }
        }
    }
    assert!(refused >= 30, "every mutating route was tried ({refused})");

    // The same bad body from a caller who may send it is still named.
    let answer = api
        .as_(
            &api.reviewer,
            "POST",
            "/v1/proposals/p-1/reject",
            Some("{}"),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.json
    );
}

#[tokio::test]
async fn a_bad_slack_channel_is_reported_as_the_channel_field() {
    let api = Api::new().await;
    api.incident("inc-1").await;
    let uri = "/v1/incidents/inc-1/slack-channel";
    for body in [r#"{"channel": ""}"#, r#"{"channel": "  "}"#] {
        let answer = api.as_(&api.ic, "POST", uri, Some(body)).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(answer.json["field"], "channel", "{}", answer.json);
        assert!(answer.detail().contains("C0123ABC"), "{}", answer.json);
    }
    let name = api
        .as_(
            &api.ic,
            "POST",
            uri,
            Some(r##"{"channel": "#inc-checkout"}"##),
        )
        .await;
    assert_eq!(name.json["field"], "channel", "{}", name.json);
    assert!(name.detail().contains("channel name"), "{}", name.json);
    let id = api
        .as_(&api.ic, "POST", uri, Some(r#"{"channel": " C0123ABC "}"#))
        .await;
    assert_eq!(id.status, StatusCode::NO_CONTENT, "{}", id.json);
    let bound = api.state.store().bound_incident("slack", "C0123ABC").await;
    assert_eq!(bound.unwrap().as_deref(), Some("inc-1"));
}

#[tokio::test]
async fn a_section_is_named_by_its_heading_in_any_case() {
    let api = Api::new().await;
    api.incident("inc-1").await;
    let body = "# Checkout down\n\n## Summary\n\n- checkout failed\n\n## Impact\n\n- 12% of orders\n\n## Contributing factors\n\n- pool size\n";
    let proposal = api
        .state
        .gate()
        .propose(NewProposal {
            incident: Some("inc-1".into()),
            plugin: PluginRef {
                name: "draft-summary".into(),
                version: "1.0.0".into(),
            },
            requested_by: Some("sam".into()),
            action: None,
            proposal: Proposal {
                kind: ProposalKind::DraftPostmortem,
                title: "Postmortem".into(),
                body: body.into(),
                rationale: "asked".into(),
                evidence: Vec::new(),
            },
        })
        .await
        .unwrap();
    let uri = |section: &str| {
        format!(
            "/v1/proposals/{}/sections/{section}/regenerate",
            proposal.id
        )
    };

    // The section is found: what stops it here is the drafting plugin, which this host lacks.
    for section in ["Impact", "IMPACT", "impact", "Contributing%20factors"] {
        let answer = api.as_(&api.reviewer, "POST", &uri(section), None).await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{section}: {}",
            answer.json
        );
        assert!(
            answer.detail().contains("no enabled plugin"),
            "{}",
            answer.json
        );
    }
    let wrong = api.as_(&api.reviewer, "POST", &uri("Impakt"), None).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json["field"], "section");
    let detail = wrong.detail();
    assert!(
        detail.contains("summary, impact, contributing-factors") && detail.contains("any case"),
        "{detail}"
    );
}
