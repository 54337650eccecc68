//! `rhyme serve` over a real socket, on SQLite and (when `RHYME_TEST_DATABASE_URL` is set) on
//! PostgreSQL: every route against no token, each wrong role and the right one; bad input
//! answered with problem+json naming the field; events in, plugins run, findings and proposals
//! stored; two reviewers racing on one proposal give one delivery to the file sink.

use std::collections::BTreeSet;

use rhyme_tests::server::{Backend, Response, Server, backends, unique};
use rhyme_tests::{PROPOSER_MANIFEST, outcome};
use serde_json::{Value, json};

const ROLES: [&str; 4] = ["responder", "ic", "reviewer", "admin"];

/// Who may call each route, from DESIGN.md's role table (not from the server's code).
fn allowed(method: &str, path: &str) -> &'static [&'static str] {
    match (method, path) {
        (
            "POST",
            "/v1/incidents"
            | "/v1/incidents/{id}/events"
            | "/v1/incidents/{id}/series"
            | "/v1/ingest/alertmanager"
            | "/v1/incidents/{id}/slack-channel"
            | "/v1/incidents/{id}/drafts"
            | "/v1/report/drafts"
            | "/v1/changes",
        ) => &["responder", "ic"],
        ("POST", p) if p.contains("/nudges/") => &["ic"],
        ("POST", "/v1/seen-before") => &ROLES,
        ("POST", "/v1/seen-before/feedback") => &["responder", "ic"],
        ("POST", p) if p.starts_with("/v1/proposals/") => &["reviewer"],
        ("GET", p) if p.starts_with("/v1/audit") => &["admin"],
        ("POST", "/v1/lint") => &ROLES,
        ("POST", "/v1/actions/{id}/status") => &["responder", "ic", "reviewer"],
        ("PUT" | "DELETE", p) if p.starts_with("/v1/slack/users/") => &["admin"],
        ("GET", _) => &ROLES,
        other => panic!("no expectation written for {other:?}: add it to `allowed`"),
    }
}

/// A concrete request for a route: path parameters filled, a valid body.
fn concrete(method: &str, path: &str, incident: &str) -> (String, Option<String>) {
    let url = path
        .replace("{id}", incident)
        .replace("{incident}", incident)
        .replace("{pattern}", "tunnel-vision")
        .replace("{file}", "latency.svg")
        .replace("{section}", "summary")
        .replace("{slack_user_id}", "U0WALK");
    let url = if url.starts_with("/v1/proposals/") {
        url.replacen(incident, "no-such-proposal", 1)
    } else {
        url
    };
    let body = match (method, path) {
        ("POST", "/v1/incidents") => Some(
            json!({"id": incident, "title": "Checkout errors", "severity": "SEV2", "started": 1_000}),
        ),
        ("POST", "/v1/incidents/{id}/events") => Some(
            json!({"events": [{"id": unique("e"), "at": 2_000, "actor": "ana", "kind": "message", "text": "looking"}]}),
        ),
        ("POST", "/v1/incidents/{id}/series") => Some(
            json!({"name": "latency", "unit": "ms", "points": [{"at": 0, "value": 1.0}, {"at": 60_000, "value": 2.0}]}),
        ),
        ("POST", "/v1/ingest/alertmanager") => Some(alertmanager(&unique("group"), "firing")),
        ("POST", "/v1/incidents/{id}/slack-channel") => Some(json!({"channel": unique("C")})),
        ("POST", "/v1/proposals/{id}/edit") => Some(json!({"body": "new text"})),
        ("POST", "/v1/proposals/{id}/reject") => Some(json!({"reason": "not now"})),
        ("POST", "/v1/seen-before") => Some(json!({"text": "checkout errors"})),
        ("POST", "/v1/seen-before/feedback") => {
            Some(json!({"text": "checkout errors", "match": "pm-1", "verdict": "helpful"}))
        }
        ("POST", "/v1/incidents/{id}/drafts") => Some(json!({"kind": "status-update"})),
        ("POST", "/v1/changes") => Some(
            json!({"id": unique("change"), "kind": "deploy", "service": unique("svc"), "at": 1_750_000_000_000_i64}),
        ),
        ("POST", "/v1/lint") => Some(json!({"text": "Ops should have checked the disk."})),
        ("POST", "/v1/actions/{id}/status") => Some(json!({"status": "in-progress"})),
        ("POST", "/v1/report/drafts") => Some(json!({"since": "7d"})),
        ("PUT", "/v1/slack/users/{slack_user_id}") => Some(json!({"token_name": "walk-admin"})),
        ("POST", _) => Some(json!({})),
        _ => None,
    };
    (url, body.map(|b| b.to_string()))
}

fn problem(response: &Response) -> Value {
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        response.text()
    );
    response.json()
}

#[test]
fn every_route_checks_the_token_and_the_role() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        walk_roles(&backend);
    }
}

fn walk_roles(backend: &Backend) {
    let tokens: Vec<(&str, String)> = ROLES
        .iter()
        .map(|role| (*role, backend.token(role, &unique(role))))
        .collect();
    let server = Server::start(backend, &[]);
    let incident = unique("inc");
    let (url, body) = concrete("POST", "/v1/incidents", &incident);
    assert_eq!(
        server
            .call("POST", &url, Some(&tokens[0].1), body.as_deref())
            .status,
        201
    );

    for (method, path) in rhyme_server::ROUTES {
        if rhyme_server::SIGNED_ROUTES.contains(path) {
            // Authenticated by the sender's signature or secret, not a token: see the Slack
            // test, `changes_api` and `action_items`.
            continue;
        }
        let (url, body) = concrete(method, path, &incident);
        let anonymous = server.call(method, &url, None, body.as_deref());
        assert_eq!(
            anonymous.status,
            401,
            "{method} {url} without a token: {}",
            anonymous.text()
        );
        assert_eq!(problem(&anonymous)["status"], 401);
        let forged = server.call(
            method,
            &url,
            Some("rhyme_not-a-real-token"),
            body.as_deref(),
        );
        assert_eq!(forged.status, 401, "{method} {url} with an unknown token");
        for (role, token) in &tokens {
            let answer = server.call(method, &url, Some(token), body.as_deref());
            if allowed(method, path).contains(role) {
                assert!(
                    ![401, 403, 405].contains(&answer.status),
                    "{method} {url} as {role}: {} {}",
                    answer.status,
                    answer.text()
                );
            } else {
                assert_eq!(
                    answer.status,
                    403,
                    "{method} {url} as {role}: {}",
                    answer.text()
                );
                assert!(problem(&answer)["detail"].as_str().unwrap().contains(role));
            }
        }
    }
    for open in ["/healthz", "/metrics", "/v1/openapi.json"] {
        assert_eq!(
            server.call("GET", open, None, None).status,
            200,
            "{open} needs no token"
        );
    }
}

#[test]
fn bad_input_is_named_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    let token = backend.token("responder", "ana");
    let server = Server::start(&backend, &[]);
    let post = |path: &str, body: &str| server.call("POST", path, Some(&token), Some(body));

    let no_zone = post(
        "/v1/incidents",
        r#"{"id": "i1", "title": "t", "severity": "SEV1", "started": "2024-05-01T10:00:00"}"#,
    );
    assert_eq!(
        (no_zone.status, problem(&no_zone)["field"].clone()),
        (422, json!("started"))
    );
    assert!(
        problem(&no_zone)["detail"]
            .as_str()
            .unwrap()
            .contains("no time zone")
    );
    assert_eq!(
        post(
            "/v1/incidents",
            r#"{"id": "i1", "title": "t", "severity": "SEV1", "started": "2024-05-01T10:00:00Z"}"#
        )
        .status,
        201
    );

    let malformed = post("/v1/incidents/i1/events", r#"{"events": [{"id": "#);
    assert_eq!(
        (malformed.status, problem(&malformed)["type"].clone()),
        (400, json!("urn:rhyme:problem:malformed-body"))
    );
    let wrong_type = post(
        "/v1/incidents/i1/events",
        r#"{"events": [{"id": "a", "at": 1, "actor": "x", "kind": "message", "text": "ok"},
                       {"id": "b", "at": true, "actor": "x", "kind": "message", "text": "bad"}]}"#,
    );
    assert_eq!(
        (wrong_type.status, problem(&wrong_type)["field"].clone()),
        (422, json!("events[1].at"))
    );
    let missing = post(
        "/v1/incidents/i1/events",
        r#"{"events": [{"id": "a", "at": 1, "actor": "x", "text": "no kind"}]}"#,
    );
    assert_eq!(missing.status, 422);
    assert!(
        problem(&missing)["detail"]
            .as_str()
            .unwrap()
            .contains("`kind`"),
        "{}",
        missing.text()
    );
    let unknown = post(
        "/v1/incidents/nope/events",
        r#"{"events": [{"id": "a", "at": 1, "actor": "x", "kind": "m", "text": "t"}]}"#,
    );
    assert_eq!(unknown.status, 404);
    assert!(
        problem(&unknown)["detail"]
            .as_str()
            .unwrap()
            .contains("nope")
    );
    let huge = format!(
        r#"{{"events": [{{"id": "a", "at": 1, "actor": "x", "kind": "m", "text": "{}"}}]}}"#,
        "x".repeat(9 << 20)
    );
    assert_eq!(post("/v1/incidents/i1/events", &huge).status, 413);
    let not_json = rhyme_tests::server::request(
        &server.addr,
        "POST",
        "/v1/incidents",
        Some(&token),
        Some(("text/plain", b"id=1")),
    );
    assert_eq!(not_json.status, 415);

    let timeline = server
        .call("GET", "/v1/incidents/i1/timeline", Some(&token), None)
        .json();
    assert_eq!(timeline, json!([]), "rejected batches stored nothing");

    let batch = r#"{"events": [{"id": "a", "at": "2024-05-01T10:01:00+02:00", "actor": "x", "kind": "message", "text": "first"}]}"#;
    assert_eq!(
        post("/v1/incidents/i1/events", batch).json()["stored"],
        json!(["a"])
    );
    let again = post("/v1/incidents/i1/events", batch);
    assert_eq!(
        (again.status, again.json()["duplicates"].clone()),
        (202, json!(["a"])),
        "a retry is acknowledged"
    );
    let timeline = server
        .call("GET", "/v1/incidents/i1/timeline", Some(&token), None)
        .json();
    assert_eq!(
        timeline.as_array().unwrap().len(),
        1,
        "and not stored twice"
    );
    assert_eq!(timeline[0]["at"], json!(1_714_550_460_000_i64));

    let series = r#"{"name": "latency", "unit": "ms", "points": [{"at": 0, "value": 10}, {"at": 60000, "value": null}, {"at": 120000, "value": 90}]}"#;
    assert_eq!(
        post("/v1/incidents/i1/series", series).json()["points"],
        json!(3)
    );
    let plot = server.call("GET", "/v1/series/i1/latency.svg", Some(&token), None);
    assert_eq!(
        (plot.status, plot.header("content-type")),
        (200, Some("image/svg+xml"))
    );
    assert!(plot.text().contains("<svg"));
    assert_eq!(
        server
            .call("GET", "/v1/series/i1/missing.svg", Some(&token), None)
            .status,
        404
    );
}

#[test]
fn plugins_run_on_ingest_and_reviewers_decide_once() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        gate_end_to_end(&backend, dir.path());
    }
}

fn gate_end_to_end(backend: &Backend, scratch: &std::path::Path) {
    backend.install_plugin(
        &scratch.join(unique("src")),
        "guest_proposer",
        PROPOSER_MANIFEST,
        &["incidents"],
    );

    let responder = unique("resp");
    let responder_token = backend.token("responder", &responder);
    let reviewers = [
        backend.token("reviewer", &unique("rev-a")),
        backend.token("reviewer", &unique("rev-b")),
    ];
    let sink = scratch.join(unique("sink")).with_extension("jsonl");
    let sink_arg = format!("default=file:{}", sink.display());
    let server = Server::start(backend, &["--sink", &sink_arg, "--deliver-ms", "50"]);

    let incident = unique("inc");
    let created =
        json!({"id": incident, "title": "Bad deploy", "severity": "SEV1", "started": 1_000})
            .to_string();
    assert_eq!(
        server
            .call(
                "POST",
                "/v1/incidents",
                Some(&responder_token),
                Some(&created)
            )
            .status,
        201
    );
    let events = json!({"events": [
        {"id": "e1", "at": 2_000, "actor": "ana", "kind": "message", "text": "errors after the deploy"},
        {"id": "e2", "at": 3_000, "actor": "ana", "kind": "proposal", "text": "{\"action\": \"rollback\", \"to\": \"v41\"}"},
        {"id": "e3", "at": 4_000, "actor": "ana", "kind": "proposal", "text": "page the database team"},
    ]})
    .to_string();
    let path = format!("/v1/incidents/{incident}/events");
    assert_eq!(
        server
            .call("POST", &path, Some(&responder_token), Some(&events))
            .status,
        202
    );

    let findings = server.wait_for("three findings", || {
        let found = server
            .call(
                "GET",
                &format!("/v1/incidents/{incident}/findings"),
                Some(&responder_token),
                None,
            )
            .json();
        (found.as_array().unwrap().len() == 3).then_some(found)
    });
    let details: BTreeSet<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_string(),
                f["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> =
        [("e1", "1 events"), ("e2", "2 events"), ("e3", "3 events")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(
        details, expected,
        "each call read the durable timeline up to its event"
    );
    assert_eq!(
        findings[0]["plugin"],
        json!({"name": "proposer", "version": "0.2.0"})
    );

    let list = format!("/v1/proposals?incident={incident}");
    let pending = server.wait_for("two proposals", || {
        let found = server.call("GET", &list, Some(&reviewers[0]), None).json();
        (found.as_array().unwrap().len() == 2).then_some(found)
    });
    let by_action = |action: &str| {
        pending
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["action"] == action)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (rollback, page) = (by_action("rollback"), by_action("unspecified"));
    assert_eq!(pending[0]["requested_by"], json!(responder));

    let as_responder = server.call(
        "POST",
        &format!("/v1/proposals/{rollback}/approve"),
        Some(&responder_token),
        None,
    );
    assert_eq!(as_responder.status, 403, "a responder cannot approve");
    let no_reason = server.call(
        "POST",
        &format!("/v1/proposals/{page}/reject"),
        Some(&reviewers[0]),
        Some("{}"),
    );
    assert_eq!(
        (no_reason.status, problem(&no_reason)["field"].clone()),
        (422, json!("body")),
        "{}",
        no_reason.text()
    );

    let answers: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = reviewers
            .iter()
            .map(|token| {
                let (server, url) = (&server, format!("/v1/proposals/{rollback}/approve"));
                scope.spawn(move || server.call("POST", &url, Some(token), None).status)
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut sorted = answers.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [200, 409],
        "one approval wins, the other finds it decided: {answers:?}"
    );

    let rejected = server.call(
        "POST",
        &format!("/v1/proposals/{page}/reject"),
        Some(&reviewers[1]),
        Some(r#"{"reason": "not our call"}"#),
    );
    assert_eq!(
        (
            rejected.status,
            rejected.json()["outcome"]["outcome"].clone()
        ),
        (200, json!("rejected"))
    );

    let lines = server.wait_for("the delivery", || {
        let text = std::fs::read_to_string(&sink).unwrap_or_default();
        (!text.is_empty()).then_some(text)
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let lines_after = std::fs::read_to_string(&sink).unwrap();
    assert_eq!(lines, lines_after);
    assert_eq!(
        lines_after.lines().count(),
        1,
        "exactly one delivery: {lines_after}"
    );
    assert!(lines_after.contains("rollback"));
    // `/metrics` counts the delivery under its sink (issue 18, finding 10).
    server.wait_for("the delivery in /metrics", || {
        let metrics = server.call("GET", "/metrics", None, None).text();
        let line = "rhyme_outbox_deliveries_total{outcome=\"delivered\",sink=\"default\"} 1";
        metrics.lines().any(|l| l == line).then_some(())
    });

    let (code, out, err) = outcome(&backend.rhyme(&["audit", "verify"]));
    assert_eq!(code, 0, "{out}{err}");
    let admin = backend.token("admin", &unique("admin"));
    // The newest entries only: a PostgreSQL shared with other tests holds theirs too.
    let head = server
        .call("GET", "/v1/audit/verify", Some(&admin), None)
        .json()["head_seq"]
        .as_i64()
        .unwrap();
    let log = server
        .call(
            "GET",
            &format!("/v1/audit?limit=1000&after={}", (head - 200).max(0)),
            Some(&admin),
            None,
        )
        .json();
    let actions: BTreeSet<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "plugin.install",
        "token.create",
        "proposal.create",
        "proposal.approve",
        "proposal.reject",
        "plugin.capability-calls",
    ] {
        assert!(
            actions.contains(action),
            "no `{action}` in the audit log: {actions:?}"
        );
    }
    let metrics = server.call("GET", "/metrics", None, None).text();
    assert!(metrics.contains("rhyme_plugin_calls_total{outcome=\"ok\",plugin=\"proposer\",trigger=\"timeline-event\"} 3"), "{metrics}");
}

/// An Alertmanager webhook body (version 4) with one alert of the group.
fn alertmanager(group: &str, status: &str) -> Value {
    json!({
        "version": "4", "groupKey": group, "status": status, "receiver": "rhyme", "externalURL": "http://am:9093",
        "groupLabels": {"alertname": "HighLatency"},
        "commonLabels": {"alertname": "HighLatency", "severity": "critical", "service": "checkout"},
        "commonAnnotations": {"summary": "p99 latency above 2 s on checkout"},
        "truncatedAlerts": 0,
        "alerts": [{
            "status": status, "labels": {"alertname": "HighLatency", "instance": "web-1"},
            "annotations": {"summary": "p99 latency above 2 s"},
            "startsAt": "2026-11-23T10:00:00Z",
            "endsAt": if status == "resolved" { "2026-11-23T10:30:00Z" } else { "0001-01-01T00:00:00Z" },
            "generatorURL": "http://prom/graph", "fingerprint": "a1b2c3"
        }]
    })
}

#[test]
fn alertmanager_groups_open_update_and_end_one_incident() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    let token = backend.token("responder", "am");
    let server = Server::start(&backend, &[]);
    let send = |body: &Value| {
        server.call(
            "POST",
            "/v1/ingest/alertmanager",
            Some(&token),
            Some(&body.to_string()),
        )
    };

    let first = send(&alertmanager("{}:{alertname=\"HighLatency\"}", "firing"));
    assert_eq!(first.status, 202, "{}", first.text());
    let (incident, opened) = (
        first.json()["incident"].as_str().unwrap().to_string(),
        first.json()["opened"].clone(),
    );
    assert_eq!(opened, json!(true));
    let repeat = send(&alertmanager("{}:{alertname=\"HighLatency\"}", "firing")).json();
    assert_eq!(
        (
            repeat["incident"].as_str(),
            repeat["opened"].clone(),
            repeat["stored"].clone()
        ),
        (Some(incident.as_str()), json!(false), json!([]))
    );
    let other = send(&alertmanager("{}:{alertname=\"DiskFull\"}", "firing")).json();
    assert_ne!(
        other["incident"].as_str(),
        Some(incident.as_str()),
        "another group is another incident"
    );
    let resolved = send(&alertmanager("{}:{alertname=\"HighLatency\"}", "resolved")).json();
    assert_eq!(resolved["ended"], json!(true));

    let stored = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}"),
            Some(&token),
            None,
        )
        .json();
    assert_eq!(
        (stored["severity"].clone(), stored["service"].clone()),
        (json!("critical"), json!("checkout"))
    );
    assert_eq!(stored["title"], json!("p99 latency above 2 s on checkout"));
    assert_eq!(stored["ended"], json!(1_795_429_800_000_i64));
    let timeline = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}/timeline"),
            Some(&token),
            None,
        )
        .json();
    let texts: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "[FIRING] HighLatency {instance=web-1}: p99 latency above 2 s",
            "[RESOLVED] HighLatency {instance=web-1}: p99 latency above 2 s"
        ]
    );

    let mut wrong = alertmanager("g", "firing");
    wrong["version"] = json!("3");
    assert_eq!(problem(&send(&wrong))["field"], json!("version"));
    wrong["version"] = json!("4");
    wrong["alerts"][0]["startsAt"] = json!("2026-11-23 10:00");
    assert_eq!(problem(&send(&wrong))["field"], json!("alerts[0].startsAt"));
}

/// Headers Slack would send with `body`, signed with `secret` at `ts` (seconds).
fn slack_request(server: &Server, secret: &str, ts: i64, body: &str) -> Response {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    let signature = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
    let head = format!(
        "POST /v1/ingest/slack HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    rhyme_tests::server::raw(&server.addr, head.as_bytes())
}

#[test]
fn slack_messages_need_a_valid_signature_and_a_bound_channel() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    let token = backend.token("ic", "ic");
    let server = Server::start(&backend, &["--slack-signing-secret", "s3cret"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let incident =
        json!({"id": "slk", "title": "Search down", "severity": "SEV2", "started": 0}).to_string();
    assert_eq!(
        server
            .call("POST", "/v1/incidents", Some(&token), Some(&incident))
            .status,
        201
    );

    let message = |channel: &str, ts: &str| {
        json!({"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "channel": channel, "user": "U42", "text": "restarting search-7", "ts": ts}}).to_string()
    };
    let body = message("C1", "1700000000.000100");
    assert_eq!(
        slack_request(&server, "s3cret", now, &body).json()["ignored"],
        json!("channel not bound to an incident")
    );
    assert_eq!(
        server
            .call(
                "POST",
                "/v1/incidents/slk/slack-channel",
                Some(&token),
                Some(r#"{"channel": "C1"}"#)
            )
            .status,
        204
    );
    let stored = slack_request(&server, "s3cret", now, &body);
    assert_eq!(
        (stored.status, stored.json()["incident"].clone()),
        (200, json!("slk"))
    );
    assert_eq!(
        slack_request(&server, "s3cret", now, &body).status,
        200,
        "Slack's retry is acknowledged"
    );

    assert_eq!(
        slack_request(&server, "wrong", now, &message("C1", "1700000001.0")).status,
        401,
        "wrong secret"
    );
    assert_eq!(
        slack_request(
            &server,
            "s3cret",
            now - 3600,
            &message("C1", "1700000002.0")
        )
        .status,
        401,
        "replayed an hour later"
    );
    let unsigned = server.call(
        "POST",
        "/v1/ingest/slack",
        Some(&token),
        Some(&message("C1", "1700000003.0")),
    );
    assert_eq!(unsigned.status, 401, "a bearer token is no Slack signature");
    let challenge = slack_request(
        &server,
        "s3cret",
        now,
        r#"{"type": "url_verification", "challenge": "abc"}"#,
    );
    assert_eq!(challenge.json()["challenge"], json!("abc"));

    let timeline = server
        .call("GET", "/v1/incidents/slk/timeline", Some(&token), None)
        .json();
    assert_eq!(
        timeline.as_array().unwrap().len(),
        1,
        "one message, stored once: {timeline}"
    );
    assert_eq!(
        (timeline[0]["actor"].clone(), timeline[0]["at"].clone()),
        (json!("U42"), json!(1_700_000_000_000_i64))
    );
}
