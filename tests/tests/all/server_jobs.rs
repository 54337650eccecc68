//! Queued plugin runs survive a crash: events acknowledged with 202 whose plugin calls had
//! not run (or not all) when the server was killed with SIGKILL get them after a restart,
//! and every proposal and finding they lead to is stored exactly once.

use std::collections::BTreeMap;
use std::time::Duration;

use rhyme_tests::server::{Backend, Server, backends, unique};
use rhyme_tests::{PROPOSER_MANIFEST, wait_until};
use serde_json::json;

/// Events in the batch, each asking the test plugin for one proposal: enough plugin work
/// that the kill right after the acknowledgement lands before it is done.
const EVENTS: usize = 300;

#[test]
fn queued_plugin_runs_survive_sigkill_and_store_once() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        crash_and_recover(&backend, dir.path());
    }
}

fn crash_and_recover(backend: &Backend, scratch: &std::path::Path) {
    backend.install_plugin(
        &scratch.join(unique("src")),
        "guest_proposer",
        PROPOSER_MANIFEST,
        &["incidents"],
    );
    let token = backend.token("responder", &unique("resp"));
    // A short lease, so the restarted server takes the dead one's jobs over quickly.
    let serve_args = ["--job-lease-seconds", "2", "--workers", "1"];

    let mut server = Server::start(backend, &serve_args);
    let incident = unique("crash");
    server.create_incident(
        &token,
        &json!({"id": incident, "title": "Crash", "severity": "SEV2", "started": 0}),
    );
    let events: Vec<_> = (0..EVENTS)
        .map(|i| json!({"id": format!("e{i}"), "at": 1_000 + i, "actor": "ana", "kind": "proposal", "text": format!("step {i}")}))
        .collect();
    server.post_events(&token, &incident, &json!(events));
    server.kill();

    let server = Server::start(backend, &serve_args);
    let before = proposals_by_event(&server, &token, &incident);
    assert!(
        before.len() < EVENTS,
        "the kill landed before the plugin work was done ({} of {EVENTS})",
        before.len()
    );

    let mut stored = 0;
    let all_stored = wait_until(Duration::from_secs(180), Duration::from_millis(200), || {
        stored = proposals_by_event(&server, &token, &incident).len();
        (stored == EVENTS).then_some(())
    });
    assert!(
        all_stored.is_some(),
        "only {stored} of {EVENTS} proposals after the restart"
    );
    // Longer than a lease, so that any job still (wrongly) unfinished would be run again.
    std::thread::sleep(Duration::from_secs(5));
    let after = proposals_by_event(&server, &token, &incident);
    let twice: Vec<_> = after.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "proposals stored more than once: {twice:?}"
    );
    assert_eq!(after.len(), EVENTS);

    let findings = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}/findings"),
            Some(&token),
            None,
        )
        .json();
    assert_eq!(
        findings.as_array().unwrap().len(),
        EVENTS,
        "one note per event, none twice"
    );
}

/// How many proposals cite each event of the incident.
fn proposals_by_event(server: &Server, token: &str, incident: &str) -> BTreeMap<String, usize> {
    let answer = server.call(
        "GET",
        &format!("/v1/proposals?incident={incident}"),
        Some(token),
        None,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let mut counts = BTreeMap::new();
    for proposal in answer.json().as_array().unwrap() {
        let event = proposal["evidence"][0]["event"]
            .as_str()
            .unwrap_or_else(|| panic!("evidence: {proposal}"))
            .to_string();
        *counts.entry(event).or_default() += 1;
    }
    counts
}
