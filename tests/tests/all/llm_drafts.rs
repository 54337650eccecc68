//! The LLM drafter through the real binary, the built drafting plugin and a local server
//! speaking the OpenAI chat-completions protocol: a good answer becomes the draft; a failing,
//! hanging or untrustworthy endpoint leaves the deterministic draft, and the proposal says why.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rhyme_tests::chat_server::{Behaviour, ChatServer};
use rhyme_tests::{install_builtin, outcome, repo_root, rhyme, rhyme_binary};

const AT: &str = "2026-03-09T10:40:00Z";

fn example() -> PathBuf {
    repo_root().join("examples/incidents/checkout-outage.json")
}

/// A registry with draft-summary installed and, when `grant`, `llm` granted to it.
fn setup(grant: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    install_builtin(&data, "draft-summary");
    if grant {
        let (code, out, err) = outcome(&rhyme(&data, &["plugin", "grant", "draft-summary", "llm"]));
        assert_eq!(code, 0, "{out}{err}");
    }
    (tmp, data)
}

/// `rhyme --json draft` against `server`; the proposal and how long the command took.
fn draft(
    data: &Path,
    server: &ChatServer,
    kind: &str,
    timeout_s: u64,
) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    let output = Command::new(rhyme_binary())
        .args([
            "--data",
            data.to_str().unwrap(),
            "--json",
            "draft",
            example().to_str().unwrap(),
            "--at",
            AT,
            "--kind",
            kind,
        ])
        .env_remove("RHYME_DATA")
        .env("RHYME_LLM_URL", server.base_url())
        .env("RHYME_LLM_MODEL", "test-model")
        .env("RHYME_LLM_API_KEY", "sk-test")
        .env("RHYME_LLM_TIMEOUT_S", timeout_s.to_string())
        .output()
        .expect("running rhyme");
    let took = started.elapsed();
    let (code, out, err) = outcome(&output);
    assert_eq!(code, 0, "{out}{err}");
    let answer: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    (answer["proposals"][0].clone(), took)
}

fn can_answer(need: &str) -> String {
    serde_json::json!({
        "condition": [{"text": "Checkout has been failing for most customers since 10:14 UTC.", "cites": ["1", "4"]}],
        "action": [{"text": "Ops is raising the database pool from 200 to 400 connections.", "cites": ["10"]}],
        "need": [{"text": need, "cites": ["10"]}],
    })
    .to_string()
}

fn rationale(proposal: &serde_json::Value) -> &str {
    proposal["rationale"].as_str().unwrap()
}

fn body(proposal: &serde_json::Value) -> &str {
    proposal["body"].as_str().unwrap()
}

fn assert_deterministic(proposal: &serde_json::Value, why: &str) {
    let rationale = rationale(proposal);
    assert!(rationale.contains("deterministic drafter"), "{rationale}");
    assert!(
        rationale.contains(why),
        "the fallback names `{why}`: {rationale}"
    );
    for part in [
        "**Condition**",
        "**Action**",
        "**Need**",
        "**Next update: 11:00 UTC**",
        "[#1]",
    ] {
        assert!(
            body(proposal).contains(part),
            "{part} missing:\n{}",
            body(proposal)
        );
    }
}

#[test]
fn a_good_answer_becomes_the_draft_citing_existing_events() {
    let (_tmp, data) = setup(true);
    let server = ChatServer::start(Behaviour::Complete(can_answer(
        "Nothing needed from stakeholders yet.",
    )));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert!(
        rationale(&proposal).contains("Drafted by the LLM"),
        "{}",
        rationale(&proposal)
    );
    let body = body(&proposal);
    assert!(
        body.contains("- Checkout has been failing for most customers since 10:14 UTC. [#1] [#4]"),
        "{body}"
    );
    assert!(
        body.contains("**Need**\n- Nothing needed from stakeholders yet. [#10]"),
        "{body}"
    );
    assert!(body.contains("**Next update: 11:00 UTC**"), "{body}");
    assert_eq!(
        proposal["evidence"],
        serde_json::json!(["event 1", "event 4", "event 10"]),
        "{proposal}"
    );

    let received = server.received();
    assert_eq!(received.len(), 1, "one request, no retries");
    let request = &received[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(request.authorization.as_deref(), Some("Bearer sk-test"));
    assert_eq!(request.body["model"], "test-model");
    let user = request.body["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("\"id\":\"10\"") && !user.contains("\"id\":\"11\""),
        "events up to the draft time only: {user}"
    );
}

#[test]
fn a_good_postmortem_answer_keeps_every_section() {
    let (_tmp, data) = setup(true);
    let answer = serde_json::json!({"sections": [
        {"heading": "Summary", "statements": [{"text": "Checkout failed for most customers after the 10:11 cart-service deploy.", "cites": ["0", "4"]}]},
        {"heading": "Detection", "statements": [{"text": "An alert on checkout request rate fired at 10:15 UTC.", "cites": ["1"]}]},
    ]});
    let server = ChatServer::start(Behaviour::Complete(answer.to_string()));
    let (proposal, _) = draft(&data, &server, "postmortem", 30);
    assert!(
        rationale(&proposal).contains("Drafted by the LLM"),
        "{}",
        rationale(&proposal)
    );
    let body = body(&proposal);
    assert!(body.contains("## Summary\n\n- Checkout failed for most customers after the 10:11 cart-service deploy. [#0] [#4]"), "{body}");
    for section in [
        "## Impact",
        "## Action items",
        "(to be written by the team:",
    ] {
        assert!(body.contains(section), "{section} missing:\n{body}");
    }
}

#[test]
fn an_endpoint_that_fails_leaves_the_deterministic_draft() {
    let (_tmp, data) = setup(true);
    let server = ChatServer::start(Behaviour::Status(500));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "500");
    assert_eq!(server.received().len(), 1, "one request, no retries");
}

#[test]
fn an_endpoint_that_hangs_falls_back_after_the_timeout() {
    let (_tmp, data) = setup(true);
    let server = ChatServer::start(Behaviour::Hang);
    let timeout = 3;
    let (proposal, took) = draft(&data, &server, "status-update", timeout);
    eprintln!(
        "hanging endpoint: `rhyme draft` answered in {:.2} s with a {timeout} s timeout",
        took.as_secs_f64()
    );
    assert_deterministic(&proposal, &format!("did not answer within {timeout} s"));
    assert!(
        took >= Duration::from_secs(timeout),
        "it waited for the model: {took:?}"
    );
    // Generous margin: process start, compile-cache load and drafting on a loaded CI machine.
    assert!(
        took < Duration::from_secs(timeout + 15),
        "the timeout bounds the call: {took:?}"
    );
}

#[test]
fn an_answer_citing_a_missing_event_or_blaming_falls_back() {
    let (_tmp, data) = setup(true);
    let unknown = can_answer("Nothing needed.")
        .replace("[\"1\", \"4\"]", "[\"1\", \"99\"]")
        .replace("[\"1\",\"4\"]", "[\"1\",\"99\"]");
    let server = ChatServer::start(Behaviour::Complete(unknown));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "cites event `99`, which is not on the timeline");

    let future = can_answer("Nothing needed.").replace("[\"10\"]", "[\"12\"]");
    let server = ChatServer::start(Behaviour::Complete(future));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "cites event `12`");

    let blame = can_answer(
        "The ops lead should have checked the pricing timeouts before touching the pool.",
    );
    let server = ChatServer::start(Behaviour::Complete(blame));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "blame language");

    let no_need = serde_json::json!({"condition": [{"text": "Checkout is failing.", "cites": ["1"]}], "action": [{"text": "Pool raised.", "cites": ["10"]}]});
    let server = ChatServer::start(Behaviour::Complete(no_need.to_string()));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "no Need part");
}

#[test]
fn without_the_grant_the_model_is_never_asked() {
    let (_tmp, data) = setup(false);
    let server = ChatServer::start(Behaviour::Complete(can_answer("Nothing needed.")));
    let (proposal, _) = draft(&data, &server, "status-update", 30);
    assert_deterministic(&proposal, "not granted");
    assert!(
        server.received().is_empty(),
        "no request without the operator's grant"
    );
}
