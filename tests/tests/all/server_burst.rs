//! Issue 18, finding 1: a burst on one incident once filled the shared plugin queue and locked
//! every ingest route out for an hour. Now room is counted in events per incident: the loud
//! incident is told to wait (with a `Retry-After` from the drain rate), while a new incident,
//! another incident's events and an Alertmanager post are taken at once; the backlog is
//! answered with few plugin calls, and what was acknowledged is all stored and nudged.

use rhyme_tests::server::{Backend, Server, unique};
use serde_json::{Value, json};

/// Events `from..from+n`: an alert at 10:00, then a responder working alone a minute apart,
/// with no status update: a SEV1 left without one for 20 minutes is an update black hole.
fn chatter(incident: &str, from: usize, n: usize) -> Value {
    let events: Vec<Value> = (from..from + n)
        .map(|i| {
            let (actor, role, kind, text) = match i {
                0 => (
                    "alertmanager",
                    "system",
                    "alert",
                    "checkout 5xx above 5%".to_string(),
                ),
                _ => (
                    "Omar",
                    "ops",
                    "message",
                    format!("still digging through pod logs, attempt {i}"),
                ),
            };
            json!({
                "id": format!("{incident}-{i}"),
                "at": 1_767_607_200_000_i64 + i as i64 * 60_000,
                "actor": actor,
                "role": role,
                "kind": kind,
                "text": text,
            })
        })
        .collect();
    json!({ "events": events })
}

fn incident(id: &str) -> String {
    json!({"id": id, "title": "Card payments failing", "severity": "SEV1", "started": 1_767_607_200_000_i64})
        .to_string()
}

fn alert() -> String {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"CheckoutErrors\"}", "status": "firing",
        "receiver": "rhyme", "groupLabels": {"alertname": "CheckoutErrors"},
        "commonLabels": {"alertname": "CheckoutErrors"}, "commonAnnotations": {},
        "externalURL": "http://alertmanager.invalid",
        "alerts": [{"status": "firing", "labels": {"alertname": "CheckoutErrors"},
            "annotations": {"summary": "checkout 5xx above 5%"},
            "startsAt": "2026-01-05T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]
    })
    .to_string()
}

#[test]
fn a_loud_incident_waits_its_turn_while_everything_else_gets_in() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    backend.install_plugin(
        &dir.path().join("src"),
        "anti_patterns",
        &rhyme_tests::builtin_manifest("anti-patterns"),
        &["incidents"],
    );
    let token = backend.token("responder", "sam");
    // 1,000 events in all, 100 per incident; one job at a time, so a backlog builds.
    let server = Server::start(
        &backend,
        &[
            "--queue",
            "1000",
            "--workers",
            "1",
            "--tick-seconds",
            "3600",
        ],
    );
    let post = |path: &str, body: &str| server.call("POST", path, Some(&token), Some(body));
    let loud = unique("loud");
    assert_eq!(post("/v1/incidents", &incident(&loud)).status, 201);

    let (mut acknowledged, mut refused) = (0, None);
    // Batches of 20: while the first runs (a call per event), the next ones queue up behind
    // it and are answered together.
    for batch in 0..200 {
        let answer = post(
            &format!("/v1/incidents/{loud}/events"),
            &chatter(&loud, batch * 20, 20).to_string(),
        );
        match answer.status {
            202 => acknowledged += 20,
            429 => {
                refused = Some(answer);
                break;
            }
            other => panic!("{other}: {}", answer.text()),
        }
    }
    let refused = refused.expect("the loud incident is told to wait once it holds its share");
    let wait: u64 = refused
        .header("retry-after")
        .expect("a 429 says when to come back")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");

    let quiet = unique("quiet");
    let opened = post("/v1/incidents", &incident(&quiet));
    assert_eq!(
        opened.status,
        201,
        "a new incident gets in: {}",
        opened.text()
    );
    let quiet_events = post(
        &format!("/v1/incidents/{quiet}/events"),
        &chatter(&quiet, 0, 3).to_string(),
    );
    assert_eq!(quiet_events.status, 202, "{}", quiet_events.text());
    let alerted = post("/v1/ingest/alertmanager", &alert());
    assert_eq!(alerted.status, 202, "an alert gets in: {}", alerted.text());
    assert_eq!(server.call("GET", "/healthz", None, None).status, 200);

    server.wait_for("the backlog to drain", || {
        let ready = server.call("GET", "/readyz", None, None);
        (ready.status == 200 && ready.json()["queued_events"] == 0).then_some(())
    });
    let timeline = server
        .call(
            "GET",
            &format!("/v1/incidents/{loud}/timeline"),
            Some(&token),
            None,
        )
        .json();
    let stored = timeline.as_array().expect("the timeline").len();
    assert_eq!(stored, acknowledged, "every acknowledged event is stored");
    let calls = server.plugin_calls("anti-patterns", "timeline-event", None);
    assert!(
        calls < acknowledged,
        "the backlog was answered with fewer calls than events: {calls} calls, {acknowledged} events"
    );
    let findings = server
        .call(
            "GET",
            &format!("/v1/incidents/{loud}/findings"),
            Some(&token),
            None,
        )
        .json();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["subject"] == "update-black-hole"),
        "the coalesced calls still nudge: {findings}"
    );
}
