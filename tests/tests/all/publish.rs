//! Publishing approved drafts: a reviewer approves through the API, and the outbox hands each
//! draft to the sink its kind is routed to: a Slack-compatible incoming webhook (down at first)
//! and a folder of Markdown files. Each arrives exactly once.

use std::time::Duration;

use rhyme_tests::PROPOSER_MANIFEST;
use rhyme_tests::receiver::{Receiver, free_port};
use rhyme_tests::server::{Server, backends, unique};
use serde_json::json;

#[test]
fn approved_drafts_reach_slack_and_the_markdown_folder_once() {
    let dir = tempfile::tempdir().unwrap();
    let backend = backends(dir.path()).remove(0);
    backend.install_plugin(
        &dir.path().join("src"),
        "guest_proposer",
        PROPOSER_MANIFEST,
        &["incidents"],
    );

    let gate = dir.path().join("gate.toml");
    std::fs::write(
        &gate,
        "[routes]\ndraft-status-update = \"slack\"\ndraft-postmortem = \"notes\"\n",
    )
    .unwrap();
    let notes = dir.path().join("postmortems");
    let port = free_port();
    let slack = format!("slack=slack:http://127.0.0.1:{port}/services/T0/B0/x");
    let markdown = format!("notes=markdown:{}", notes.display());
    let args = [
        "--sink",
        &slack,
        "--sink",
        &markdown,
        "--gate",
        gate.to_str().unwrap(),
        "--deliver-ms",
        "50",
    ];
    let server = Server::start(&backend, &args);

    let responder = backend.token("responder", &unique("resp"));
    let reviewer_name = unique("rev");
    let reviewer = backend.token("reviewer", &reviewer_name);
    let incident = unique("inc");
    server.create_incident(
        &responder,
        &json!({"id": incident, "title": "DNS outage", "severity": "SEV2", "started": 1_000}),
    );
    let events = json!([
        {"id": "e1", "at": 2_000, "actor": "ana", "kind": "draft-status-update", "text": "**[SEV2] DNS outage**\n\n**Condition**\n- Lookups fail for <5% of clients [#e1]\n"},
        {"id": "e2", "at": 3_000, "actor": "ana", "kind": "draft-postmortem", "text": "# Postmortem (draft): DNS outage\n\n## Summary\n- Lookups failed [#e1]\n"},
    ]);
    server.post_events(&responder, &incident, &events);
    let list = format!("/v1/proposals?incident={incident}");
    let pending = server.wait_for("two drafts", || {
        let found = server.call("GET", &list, Some(&reviewer), None).json();
        (found.as_array().unwrap().len() == 2).then_some(found)
    });
    for proposal in pending.as_array().unwrap() {
        let id = proposal["id"].as_str().unwrap();
        let approved = server.call(
            "POST",
            &format!("/v1/proposals/{id}/approve"),
            Some(&reviewer),
            None,
        );
        assert_eq!(approved.status, 200, "{}", approved.text());
    }

    // The Slack receiver is down for the first attempts, then comes back.
    std::thread::sleep(Duration::from_millis(1500));
    let receiver = Receiver::start(port);
    let received = server.wait_for("the Slack message", || {
        Some(receiver.bodies()).filter(|b| !b.is_empty())
    });
    let files = server.wait_for("the Markdown file", || {
        let files: Vec<_> = std::fs::read_dir(&notes)
            .ok()?
            .map(|e| e.unwrap().path())
            .collect();
        (!files.is_empty()).then_some(files)
    });
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(receiver.bodies(), received, "exactly one Slack message");
    assert_eq!(received.len(), 1, "{received:?}");
    let text = received[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "*Do what event e1 asks*\nIncident `{incident}` · approved by {reviewer_name}"
        )),
        "{text}"
    );
    assert!(
        text.contains("*Condition*\n• Lookups fail for &lt;5% of clients [#e1]"),
        "mrkdwn, escaped: {text}"
    );

    let now: Vec<_> = std::fs::read_dir(&notes)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(now, files, "exactly one Markdown file");
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(&format!("{incident}-draft-postmortem-")) && name.ends_with(".md"),
        "{name}"
    );
    let doc = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        doc.starts_with(&format!(
            "---\nincident: \"{incident}\"\nkind: \"draft-postmortem\"\n"
        )),
        "{doc}"
    );
    assert!(
        doc.contains(&format!(
            "approved_by: [\"{reviewer_name}\"]\napproved_at: \""
        )),
        "{doc}"
    );
    assert!(
        doc.ends_with(
            "---\n\n# Postmortem (draft): DNS outage\n\n## Summary\n- Lookups failed [#e1]\n"
        ),
        "{doc}"
    );
}
