//! The example plugin `examples/plugins/deploy-correlator` through a real `rhyme serve`, as
//! a team would run it: installed from its own folder and granted `incidents`; a deploy in
//! the timeline and an error-rate spike 6 minutes later give one rollback proposal, pending
//! until a reviewer approves it, then delivered to the sink exactly once. A deploy 40 minutes
//! before the spike, or one after it, gives nothing.

use rhyme_tests::repo_root;
use rhyme_tests::server::{Backend, Server, backends, unique};
use serde_json::{Value, json};

const MIN: i64 = 60_000;
/// 2026-09-21T12:00:00Z: incident time starts here.
const T0: i64 = 1_790_000_000_000;

/// The committed manifest, pointing at the built component.
pub(crate) fn install(backend: &Backend, scratch: &std::path::Path) {
    let manifest =
        std::fs::read_to_string(repo_root().join("examples/plugins/deploy-correlator/plugin.toml"))
            .unwrap();
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("component = ") {
                "component = \"plugin.wasm\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    backend.install_plugin(
        &scratch.join(unique("src")),
        "deploy_correlator",
        &manifest,
        &["incidents"],
    );
}

/// An incident with one deploy event at `deploy_minute` (after T0).
pub(crate) fn incident_with_deploy(server: &Server, token: &str, deploy_minute: i64) -> String {
    let id = unique("inc");
    let created = json!({"id": id, "title": "Checkout errors", "severity": "SEV2", "service": "shop", "started": T0});
    server.create_incident(token, &created);
    let events = json!([
        {"id": "chat-1", "at": T0 + MIN, "actor": "ana", "kind": "message", "text": "looking at checkout"},
        {"id": "deploy-1", "at": T0 + deploy_minute * MIN, "actor": "deploybot", "role": "system", "kind": "deploy",
         "text": "checkout-api v2.14.0 -> prod (build 8812)"},
    ]);
    server.post_events(token, &id, &events);
    id
}

/// Checkout's error rate in %, one sample a minute for `minutes`: about 0.4%, and 12% from
/// minute 26 to 29 (a spike that settles).
pub(crate) fn post_error_rate(server: &Server, token: &str, incident: &str, minutes: i64) {
    let points: Vec<Value> = (0..minutes)
        .map(|m| json!({"at": T0 + m * MIN, "value": if (26..30).contains(&m) { 12.0 } else { 0.4 + 0.05 * (m % 3) as f64 }}))
        .collect();
    let series = json!({"name": "checkout_error_rate", "unit": "%", "points": points}).to_string();
    let answer = server.call(
        "POST",
        &format!("/v1/incidents/{incident}/series"),
        Some(token),
        Some(&series),
    );
    assert_eq!(answer.status, 202, "{}", answer.text());
}

pub(crate) fn proposals(server: &Server, token: &str, incident: &str) -> Vec<Value> {
    server
        .call(
            "GET",
            &format!("/v1/proposals?incident={incident}"),
            Some(token),
            None,
        )
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until the plugin has run on `calls` series in all, so that "no proposal" means
/// the plugin looked and found nothing, not that it has not run yet.
fn wait_for_series_calls(server: &Server, calls: usize) {
    server.wait_for(&format!("{calls} series calls"), || {
        (server.plugin_calls("deploy-correlator", "metric-series", Some("ok")) == calls)
            .then_some(())
    });
}

#[test]
fn a_deploy_before_an_error_spike_is_proposed_for_rollback_once_and_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        rollback_loop(&backend, dir.path());
    }
}

fn rollback_loop(backend: &Backend, scratch: &std::path::Path) {
    install(backend, scratch);
    let responder = backend.token("responder", &unique("resp"));
    let reviewer = backend.token("reviewer", &unique("rev"));
    let sink = scratch.join(unique("sink")).with_extension("jsonl");
    let server = Server::start(
        backend,
        &[
            "--sink",
            &format!("default=file:{}", sink.display()),
            "--deliver-ms",
            "50",
        ],
    );

    let suspect = incident_with_deploy(&server, &responder, 20);
    let too_early = incident_with_deploy(&server, &responder, -14);
    let after = incident_with_deploy(&server, &responder, 31);
    for incident in [&suspect, &too_early, &after] {
        post_error_rate(&server, &responder, incident, 35);
    }
    // The series grows and is posted again: the same deploy is not proposed twice.
    post_error_rate(&server, &responder, &suspect, 45);
    wait_for_series_calls(&server, 4);

    let pending = proposals(&server, &reviewer, &suspect);
    assert_eq!(
        pending.len(),
        1,
        "one proposal for one deploy: {pending:#?}"
    );
    let proposal = &pending[0];
    assert_eq!(
        (proposal["action"].as_str(), proposal["state"].as_str()),
        (Some("rollback"), Some("pending")),
        "{proposal:#}"
    );
    assert_eq!(proposal["plugin"]["name"], "deploy-correlator");
    let body: Value = serde_json::from_str(proposal["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        (body["service"].as_str(), body["deploy"]["event"].as_str()),
        (Some("checkout-api"), Some("deploy-1"))
    );
    assert_eq!(body["evidence"]["onset_at"], json!(T0 + 26 * MIN));
    assert_eq!(body["evidence"]["lag_ms"], json!(6 * MIN));
    assert!(
        proposal["evidence"].to_string().contains("deploy-1"),
        "{proposal:#}"
    );
    assert!(
        proposals(&server, &reviewer, &too_early).is_empty(),
        "a deploy 40 minutes before the spike is not blamed"
    );
    assert!(
        proposals(&server, &reviewer, &after).is_empty(),
        "a deploy after the spike is not blamed"
    );

    let id = proposal["id"].as_str().unwrap();
    let as_responder = server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(&responder),
        None,
    );
    assert_eq!(
        as_responder.status,
        403,
        "a responder cannot approve: {}",
        as_responder.text()
    );
    assert!(
        std::fs::read_to_string(&sink)
            .unwrap_or_default()
            .is_empty(),
        "nothing is sent before approval"
    );
    let approved = server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(&reviewer),
        None,
    );
    assert_eq!(approved.status, 200, "{}", approved.text());

    let delivered = server.wait_for("the rollback request at the sink", || {
        let text = std::fs::read_to_string(&sink).unwrap_or_default();
        (!text.is_empty()).then_some(text)
    });
    // Twenty delivery rounds later there is still exactly one request.
    std::thread::sleep(std::time::Duration::from_millis(1_000));
    let later = std::fs::read_to_string(&sink).unwrap();
    assert_eq!(delivered, later);
    assert_eq!(later.lines().count(), 1, "exactly one delivery: {later}");
    assert!(
        later.contains("rollback") && later.contains("deploy-1") && later.contains("checkout-api"),
        "{later}"
    );
}
