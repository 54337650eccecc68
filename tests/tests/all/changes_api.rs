//! Changes in through `rhyme serve` and `rhyme changes import`, with the senders' real payload
//! shapes: GitHub's `deployment_status` webhook (signed with `X-Hub-Signature-256`), Argo CD's
//! notifications webhook rendered from Rhyme's template (a shared secret header) and the
//! generic `POST /v1/changes`. A bad signature is 401, a redelivery is stored once, and an
//! incident opened after a deploy shows it on its timeline.

use hmac::{Hmac, Mac};
use rhyme_tests::server::{Backend, Server, backends, raw, unique};
use serde_json::{Value, json};
use sha2::Sha256;

/// 2025-10-15T03:46:40Z: away from the other tests' incident times, since changes are kept per
/// service and the tests share one PostgreSQL.
const T0: i64 = 1_760_500_000_000;
const MIN: i64 = 60_000;
const GITHUB_SECRET: &str = "gh-webhook-secret";
const ARGO_SECRET: &str = "argo-shared-secret";

/// A server with both webhook secrets in `rhyme.toml`, and a responder token.
fn start(backend: &Backend) -> (Server, String) {
    std::fs::create_dir_all(&backend.data).unwrap();
    std::fs::write(
        backend.data.join("rhyme.toml"),
        format!(
            "[server]\ngithub-webhook-secret = \"{GITHUB_SECRET}\"\nargocd-webhook-secret = \"{ARGO_SECRET}\"\n"
        ),
    )
    .unwrap();
    let token = backend.token("responder", &unique("deploybot"));
    (Server::start(backend, &[]), token)
}

/// A `deployment_status` delivery as GitHub sends it (fields Rhyme does not read trimmed).
fn deployment_status(status_id: i64, state: &str, repo: &str, at: &str) -> Value {
    json!({
        "action": "created",
        "deployment_status": {
            "url": format!("https://api.github.com/repos/acme/{repo}/deployments/42/statuses/{status_id}"),
            "id": status_id, "node_id": "DES_kwDOAA", "state": state,
            "creator": {"login": "octocat", "id": 1, "type": "User"},
            "description": "Deployment finished successfully.", "environment": "production",
            "target_url": "", "log_url": format!("https://github.com/acme/{repo}/actions/runs/7"),
            "environment_url": "https://cart.example.com",
            "created_at": at, "updated_at": at,
            "deployment_url": format!("https://api.github.com/repos/acme/{repo}/deployments/42"),
            "repository_url": format!("https://api.github.com/repos/acme/{repo}")
        },
        "deployment": {
            "url": format!("https://api.github.com/repos/acme/{repo}/deployments/42"),
            "id": 42, "node_id": "DE_kwDOAA", "task": "deploy", "original_environment": "production",
            "environment": "production", "description": null, "sha": "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d",
            "ref": "v4.18.0", "payload": {}, "creator": {"login": "octocat", "id": 1},
            "created_at": at, "updated_at": at, "transient_environment": false, "production_environment": true
        },
        "repository": {"id": 1296269, "name": repo, "full_name": format!("acme/{repo}"), "private": false},
        "sender": {"login": "octocat", "id": 1, "type": "User"}
    })
}

fn github(server: &Server, body: &str, signature: Option<&str>, delivery: &str) -> (u16, Value) {
    let mut headers = vec![
        (
            "X-GitHub-Event".to_string(),
            "deployment_status".to_string(),
        ),
        ("X-GitHub-Delivery".to_string(), delivery.to_string()),
    ];
    if let Some(signature) = signature {
        headers.push(("X-Hub-Signature-256".into(), signature.into()));
    }
    post(server, "/v1/ingest/github", &headers, body)
}

fn sign(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// POST `body` to `path` with `headers` and no token, as a webhook sender does.
fn post(server: &Server, path: &str, headers: &[(String, String)], body: &str) -> (u16, Value) {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        server.addr,
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let answer = raw(&server.addr, format!("{head}{body}").as_bytes());
    (answer.status, answer.json())
}

fn timeline(server: &Server, token: &str, incident: &str) -> Vec<Value> {
    let answer = server.call(
        "GET",
        &format!("/v1/incidents/{incident}/timeline"),
        Some(token),
        None,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json().as_array().unwrap().clone()
}

#[test]
fn changes_from_every_source_show_on_a_later_incident_and_redeliveries_store_once() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        let (server, token) = start(&backend);
        let repo = unique("cart-service");
        let status_id = 1_000_000 + i64::from(std::process::id());
        let body =
            deployment_status(status_id, "success", &repo, "2025-10-15T03:40:00Z").to_string();

        let (status, refused) = github(&server, &body, Some(&sign("wrong", &body)), "d-1");
        assert_eq!(status, 401, "{refused}");
        assert!(
            refused["detail"]
                .as_str()
                .unwrap()
                .contains("does not match"),
            "{refused}"
        );
        let (status, refused) = github(&server, &body, None, "d-1");
        assert_eq!(status, 401, "{refused}");

        let (status, ack) = github(&server, &body, Some(&sign(GITHUB_SECRET, &body)), "d-1");
        assert_eq!(
            (status, ack["stored"].as_bool()),
            (200, Some(true)),
            "{ack}"
        );
        let id = ack["change"].as_str().unwrap().to_string();
        let (_, again) = github(&server, &body, Some(&sign(GITHUB_SECRET, &body)), "d-1");
        assert_eq!(
            (again["stored"].as_bool(), again["change"].as_str()),
            (Some(false), Some(id.as_str())),
            "a redelivery"
        );

        let pending =
            deployment_status(status_id + 1, "in_progress", &repo, "2025-10-15T03:39:00Z")
                .to_string();
        let (_, ignored) = github(
            &server,
            &pending,
            Some(&sign(GITHUB_SECRET, &pending)),
            "d-2",
        );
        assert!(
            ignored["ignored"].as_str().unwrap().contains("in_progress"),
            "{ignored}"
        );

        let argo = json!({"app": format!("{repo}-config"), "kind": "config", "revision": "3f2a1c9",
            "phase": "Succeeded", "at": "2025-10-15T03:42:00Z", "actor": "bob", "environment": "prod",
            "link": "https://argocd.example.com/applications/cart", "summary": "synced"}).to_string();
        let secret = |s: &str| vec![("X-Rhyme-Webhook-Secret".to_string(), s.to_string())];
        assert_eq!(
            post(&server, "/v1/ingest/argocd", &secret("nope"), &argo).0,
            401
        );
        let (status, ack) = post(&server, "/v1/ingest/argocd", &secret(ARGO_SECRET), &argo);
        assert_eq!(
            (status, ack["stored"].as_bool()),
            (200, Some(true)),
            "{ack}"
        );
        assert_eq!(
            post(&server, "/v1/ingest/argocd", &secret(ARGO_SECRET), &argo).1["stored"],
            false
        );

        let flag = json!({"id": unique("flag"), "kind": "feature-flag", "service": repo, "at": T0 - 10 * MIN,
            "actor": "carol", "summary": "new-checkout on for 50%"});
        let answer = server.call("POST", "/v1/changes", Some(&token), Some(&flag.to_string()));
        assert_eq!(answer.status, 200, "{}", answer.text());
        let bad = json!({"id": "x", "kind": "deploy", "at": T0});
        let answer = server.call("POST", "/v1/changes", Some(&token), Some(&bad.to_string()));
        assert_eq!(
            (answer.status, answer.json()["field"].as_str()),
            (422, Some("service"))
        );
        assert_eq!(
            server
                .call("POST", "/v1/changes", None, Some(&flag.to_string()))
                .status,
            401
        );

        // The incident is opened after all of them: it still sees them.
        let incident = unique("inc");
        server.create_incident(
            &token,
            &json!({"id": incident, "title": "Cart 5xx", "severity": "SEV2",
            "service": repo, "started": T0}),
        );
        let events = timeline(&server, &token, &incident);
        let ours: Vec<&Value> = events
            .iter()
            .filter(|e| e["text"].as_str().unwrap_or("").contains(&repo))
            .collect();
        let kinds: Vec<&str> = ours.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["feature-flag", "deploy", "config"], "{ours:#?}");
        assert!(
            ours[1]["text"]
                .as_str()
                .unwrap()
                .starts_with(&format!("deployed {repo} v4.18.0 in production")),
            "{ours:#?}"
        );
        assert_eq!(ours[1]["id"], format!("change:{id}"));
    }
}

#[test]
fn an_import_names_the_bad_line_and_stores_a_good_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let backend = &backends(dir.path())[0];
    let file = dir.path().join("changes.jsonl");
    let service = unique("payments");
    let line = |id: &str, at: &str| {
        json!({"id": id, "kind": "deploy", "service": service, "at": at}).to_string()
    };
    std::fs::write(
        &file,
        format!(
            "{}\n{}\n",
            line(&unique("c1"), "2027-03-01T10:00:00Z"),
            line("c2", "10:00")
        ),
    )
    .unwrap();
    let out = backend.rhyme(&["changes", "import", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("changes.jsonl:2: `at`"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    std::fs::write(
        &file,
        format!(
            "{}\n\n{}\n",
            line(&unique("c1"), "2027-03-01T10:00:00Z"),
            line(&unique("c2"), "2027-03-01T10:05:00Z")
        ),
    )
    .unwrap();
    let first = backend.rhyme(&["changes", "import", file.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("2 changes stored, 0 already stored"),
        "{first:?}"
    );
    let second = backend.rhyme(&["changes", "import", file.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("0 changes stored, 2 already stored"),
        "{second:?}"
    );
}
