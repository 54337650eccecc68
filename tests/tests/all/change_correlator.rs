//! The built-in change-correlator in the sandbox, through a real `rhyme serve`: changes are
//! posted before the incident exists (they are kept per service), an alert fires, and the
//! plugin names the deploy six minutes before it as the likeliest trigger, with a rollback
//! proposal pending in the gate. A deploy after the onset and one on an unrelated service are
//! passed over; a config change made during a declared freeze is flagged.

use rhyme_tests::install_builtin;
use rhyme_tests::server::{Backend, Server, backends, unique};
use serde_json::{Value, json};

/// 2025-10-09T08:53:20Z: in the past (plugins read a live incident's timeline up to now) and
/// away from every other test's times (changes are per service; the tests share PostgreSQL).
const T0: i64 = 1_760_000_000_000;
const MIN: i64 = 60_000;

#[test]
fn the_deploy_before_the_alert_is_named_and_its_rollback_proposed() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        correlate(&backend);
    }
}

fn post_change(server: &Server, token: &str, change: Value) -> String {
    let answer = server.call(
        "POST",
        "/v1/changes",
        Some(token),
        Some(&change.to_string()),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    format!("change:{}", answer.json()["change"].as_str().unwrap())
}

fn correlate(backend: &Backend) {
    install_builtin(&backend.data, "change-correlator");
    let token = backend.token("responder", &unique("resp"));
    let reviewer = backend.token("reviewer", &unique("rev"));
    let server = Server::start(backend, &["--tick-seconds", "1"]);
    let cart = unique("cart");
    let search = unique("search");
    let change = |id: &str, kind: &str, service: &str, minute: i64, revision: &str| {
        json!({"id": unique(id), "kind": kind, "service": service, "at": T0 + minute * MIN,
               "actor": "alice", "revision": revision, "environment": "production",
               "link": "https://ci.example/run/1"})
    };
    post_change(
        &server,
        &token,
        change("freeze", "freeze-start", &cart, -60, ""),
    );
    let in_freeze = post_change(
        &server,
        &token,
        change("cfg", "config", &cart, -50, "cfg-7"),
    );
    post_change(
        &server,
        &token,
        change("thaw", "freeze-end", &cart, -40, ""),
    );
    let suspect = post_change(
        &server,
        &token,
        change("deploy", "deploy", &cart, -6, "v4.18.0"),
    );
    let unrelated = post_change(
        &server,
        &token,
        change("other", "deploy", &search, -2, "v9.0.0"),
    );
    let after = post_change(
        &server,
        &token,
        change("late", "deploy", &cart, 3, "v4.18.1"),
    );

    let incident = unique("inc");
    server.create_incident(
        &token,
        &json!({"id": incident, "title": "Cart 5xx", "severity": "SEV2",
        "service": cart, "started": T0}),
    );
    server.post_events(&token, &incident, &json!([{"id": "alert-1", "at": T0, "actor": "alertmanager",
        "kind": "alert", "text": format!("[FIRING] HighErrorRate {{service={cart}}}: 5xx above 5%")}]));

    let findings = server.wait_for("the change-correlator's findings", || {
        let answer = server.call(
            "GET",
            &format!("/v1/incidents/{incident}/findings"),
            Some(&token),
            None,
        );
        let all = answer.json().as_array().unwrap().clone();
        let ours: Vec<Value> = all
            .into_iter()
            .filter(|f| f["plugin"]["name"] == "change-correlator")
            .collect();
        (ours.len() >= 2).then_some(ours)
    });
    let subjects: Vec<&str> = findings
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&format!("change-suspect:{suspect}").as_str()),
        "{findings:#?}"
    );
    assert!(
        subjects.contains(&format!("change-in-freeze:{in_freeze}").as_str()),
        "{findings:#?}"
    );
    for passed_over in [&unrelated, &after] {
        assert!(
            !subjects.iter().any(|s| s.ends_with(passed_over.as_str())),
            "{passed_over}: {findings:#?}"
        );
    }
    let named = findings
        .iter()
        .find(|f| {
            f["subject"]
                .as_str()
                .unwrap()
                .starts_with("change-suspect:")
        })
        .unwrap();
    let title = named["title"].as_str().unwrap();
    assert!(
        title.starts_with(&format!(
            "Likely trigger: deploy {cart} v4.18.0 6 min before alert"
        )),
        "{title}"
    );

    let proposals = server
        .call(
            "GET",
            &format!("/v1/proposals?incident={incident}"),
            Some(&reviewer),
            None,
        )
        .json();
    let proposals = proposals.as_array().unwrap();
    assert_eq!(proposals.len(), 1, "{proposals:#?}");
    assert_eq!(
        (
            proposals[0]["action"].as_str(),
            proposals[0]["state"].as_str()
        ),
        (Some("rollback"), Some("pending"))
    );
    let body: Value = serde_json::from_str(proposals[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        (body["service"].as_str(), body["revision"].as_str()),
        (Some(cart.as_str()), Some("v4.18.0"))
    );

    // The incident's plots mark its changes: the suspect deploy is a labelled line on the
    // error-rate plot; the other service's deploy is not on this incident's timeline.
    let points: Vec<Value> = (-20..=20)
        .map(|m| json!({"at": T0 + m * MIN, "value": if m < 0 { 0.4 } else { 7.5 }}))
        .collect();
    let posted = server.call(
        "POST",
        &format!("/v1/incidents/{incident}/series"),
        Some(&token),
        Some(&json!({"name": "errors_pct", "unit": "%", "points": points}).to_string()),
    );
    assert_eq!(posted.status, 202, "{}", posted.text());
    let plot = server
        .call(
            "GET",
            &format!("/v1/series/{incident}/errors_pct.svg"),
            Some(&token),
            None,
        )
        .text();
    assert!(plot.contains(&format!("deployed {cart}")), "{plot}");
    assert!(!plot.contains(&search), "{plot}");

    // Ticks run it again: nothing is said twice.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let again = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}/findings"),
            Some(&token),
            None,
        )
        .json();
    let ours = again
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["plugin"]["name"] == "change-correlator")
        .count();
    assert_eq!(ours, findings.len());
}
