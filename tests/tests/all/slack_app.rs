//! The Slack app end to end: the real `rhyme serve` with the built anti-pattern plugin, a bot
//! token and a local fake of Slack's Web API (`rhyme_tests::slack_server`). A SEV1 replayed
//! into a bound channel nudges its IC with one ephemeral message carrying the three buttons;
//! the IC's *Mute 30 min* click (Slack's `block_actions` form, signed as Slack signs) mutes the
//! pattern as that IC, in the audit log; a responder's click on the IC's button is refused in
//! words sent back through `response_url`; `/rhyme seen-before` answers with past incidents.
//! A status-update draft is announced in the incident's thread; a responder's *Approve* is
//! refused in Slack's own words and approves nothing, a reviewer's goes through the gate, the
//! update is posted once in the thread, and the announcement is updated (`chat.update`, after
//! a 429 with `Retry-After`) to say who approved it.

use std::time::{SystemTime, UNIX_EPOCH};

use rhyme_tests::server::{Backend, Response, Server, raw, unique};
use rhyme_tests::slack_server::{SlackCall, SlackServer};
use rhyme_tests::{PROPOSER_MANIFEST, embedding_model, install_builtin, outcome, repo_root, rhyme};
use serde_json::{Value, json};

const SECRET: &str = "e2e-slack-signing-secret";
const BOT: &str = "xoxb-1-2-e2eFAKEbot";

fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Writes `[slack]` into the data folder's `rhyme.toml`, pointing the bot at the fake.
fn configure(data: &std::path::Path, slack: &SlackServer) {
    std::fs::create_dir_all(data).unwrap();
    let toml = format!(
        "[slack]\nbot-token = \"{BOT}\"\napi-base = \"{}\"\n",
        slack.api_base()
    );
    std::fs::write(data.join("rhyme.toml"), toml).unwrap();
}

/// `rhyme slack map-user SLACK NAME` on the data folder.
fn map_user(backend: &Backend, slack_user: &str, name: &str) {
    let (code, out, err) = outcome(&backend.rhyme(&["slack", "map-user", slack_user, name]));
    assert_eq!(code, 0, "{out}{err}");
}

/// A form post to `path`, signed as Slack signs it, now.
fn signed_form(server: &Server, path: &str, body: &str) -> Response {
    signed(server, path, "application/x-www-form-urlencoded", body)
}

/// A post of `body` to `path`, signed as Slack signs it, now.
fn signed(server: &Server, path: &str, content_type: &str, body: &str) -> Response {
    use hmac::{Hmac, Mac};
    let ts = now_s();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    let signature = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: {content_type}\r\n\
         X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw(&server.addr, request.as_bytes())
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `application/x-www-form-urlencoded`, as Slack encodes its forms.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A click on `button` of an ephemeral message the fake received, as Slack posts it.
fn click(
    server: &Server,
    slack: &SlackServer,
    user: &str,
    channel: &str,
    button: &Value,
) -> Response {
    click_on(
        server,
        slack,
        user,
        channel,
        ("1767225600.000100", true),
        button,
    )
}

/// A click on `button` of the message `(ts, is_ephemeral)`, as Slack posts it to the app.
fn click_on(
    server: &Server,
    slack: &SlackServer,
    user: &str,
    channel: &str,
    (message_ts, is_ephemeral): (&str, bool),
    button: &Value,
) -> Response {
    let payload = json!({
        "type": "block_actions",
        "team": {"id": "T0RHYME", "domain": "rhyme-e2e"},
        "user": {"id": user, "username": user.to_lowercase(), "team_id": "T0RHYME"},
        "api_app_id": "A0RHYME",
        "token": "unused-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": is_ephemeral},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "inc"},
        "response_url": slack.response_url(&unique("click")),
        "actions": [{
            "action_id": button["action_id"], "block_id": "rhyme.buttons", "text": button["text"],
            "value": button["value"], "type": "button", "action_ts": "1767225601.000200",
        }],
    });
    signed_form(
        server,
        "/v1/slack/interactions",
        &form(&[("payload", &payload.to_string())]),
    )
}

fn event(id: &str, hhmm: &str, actor: &str, role: &str, kind: &str, text: &str) -> Value {
    json!({"id": id, "at": format!("2026-01-05T{hhmm}:00Z"), "actor": actor, "role": role, "kind": kind, "text": text})
}

/// Waits for the fake to have received a call on `path`.
fn wait_call(server: &Server, slack: &SlackServer, path: &str, count: usize) -> Vec<SlackCall> {
    server.wait_for(
        &format!("{count} call(s) to {path} at the fake Slack"),
        || {
            let calls: Vec<SlackCall> = slack
                .calls()
                .into_iter()
                .filter(|c| c.path.starts_with(path))
                .collect();
            (calls.len() >= count).then_some(calls)
        },
    )
}

#[test]
fn a_replayed_sev1_nudges_its_ic_in_slack_and_the_ics_mute_click_mutes_it() {
    let dir = tempfile::tempdir().unwrap();
    let slack = SlackServer::start(BOT);
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    configure(&backend.data, &slack);
    backend.install_plugin(
        &dir.path().join("src"),
        "anti_patterns",
        &rhyme_tests::builtin_manifest("anti-patterns"),
        &["incidents"],
    );
    let responder = backend.token("responder", "omar");
    let admin = backend.token("admin", "ada");
    backend.token("ic", "ines");
    map_user(&backend, "U0INES", "ines");
    map_user(&backend, "U0OMAR", "omar");
    let server = Server::start(
        &backend,
        &[
            "--tick-seconds",
            "3600",
            "--deliver-ms",
            "100",
            "--slack-signing-secret",
            SECRET,
        ],
    );
    let incident = unique("inc");
    server.create_incident(
        &responder,
        &json!({"id": incident, "title": "Card payments failing", "severity": "SEV1", "started": "2026-01-05T10:00:00Z"}),
    );
    let bound = server.call(
        "POST",
        &format!("/v1/incidents/{incident}/slack-channel"),
        Some(&responder),
        Some(&json!({"channel": "C0E2E"}).to_string()),
    );
    assert_eq!(bound.status, 204, "{}", bound.text());

    // No stakeholder update for 20 minutes of a SEV1 with an IC: the timeline's IC is "Ines",
    // whose token `ines` the admin mapped to U0INES.
    let events = [
        event(
            "a1",
            "10:00",
            "alertmanager",
            "system",
            "alert",
            "checkout error rate above 20%",
        ),
        event(
            "a2",
            "10:02",
            "Ines",
            "ic",
            "role_change",
            "I'm IC. Omar on ops, Lea on comms.",
        ),
        event(
            "a3",
            "10:05",
            "Omar",
            "ops",
            "message",
            "payment pods restarting, looking at why",
        ),
        event(
            "a4",
            "10:20",
            "Omar",
            "ops",
            "action",
            "rolled back the payment config change from 09:50",
        ),
    ];
    for (n, e) in events.iter().enumerate() {
        let mut e = e.clone();
        e["id"] = json!(format!("{incident}-{}", e["id"].as_str().unwrap()));
        server.post_events(&responder, &incident, &json!([e]));
        server.wait_for("the anti-pattern plugin's call", || {
            (server.plugin_calls("anti-patterns", "timeline-event", None) > n).then_some(())
        });
    }

    let posted = wait_call(&server, &slack, "/api/chat.postEphemeral", 1);
    let message = &posted[0].body;
    assert_eq!(message["channel"], "C0E2E");
    assert_eq!(message["user"], "U0INES", "to the IC alone: {message}");
    assert!(
        message["text"]
            .as_str()
            .unwrap()
            .contains("update-black-hole"),
        "{message}"
    );
    let buttons = message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .unwrap()["elements"]
        .as_array()
        .unwrap()
        .clone();
    let labels: Vec<&str> = buttons
        .iter()
        .map(|b| b["text"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Acknowledge", "Mute 30 min", "Not useful"]);

    // A responder's click on the IC's button: refused, in words, to them alone.
    let refused = click(&server, &slack, "U0OMAR", "C0E2E", &buttons[1]);
    assert_eq!(refused.status, 200, "{}", refused.text());
    let answers = wait_call(&server, &slack, "/actions/", 1);
    assert_eq!(answers[0].body["response_type"], "ephemeral");
    assert_eq!(
        answers[0].body["text"],
        "Rhyme refused: your role (responder) cannot acknowledge or mute nudges; that needs the ic role"
    );

    // The IC's click mutes it, as the IC.
    let muted = click(&server, &slack, "U0INES", "C0E2E", &buttons[1]);
    assert_eq!(muted.status, 200, "{}", muted.text());
    let answers = wait_call(&server, &slack, "/actions/", 2);
    assert!(
        answers[1].body["text"]
            .as_str()
            .unwrap()
            .starts_with("Muted by ines until"),
        "{:?}",
        answers[1].body
    );
    let triage = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}/nudges"),
            Some(&responder),
            None,
        )
        .json();
    assert_eq!(triage[0]["pattern"], "update-black-hole", "{triage}");
    assert_eq!(triage[0]["triage"], "muted");
    assert_eq!(triage[0]["by"], "ines");
    let audit = server.audit_log(&admin);
    let entry = audit
        .as_array()
        .or(audit["entries"].as_array())
        .unwrap()
        .iter()
        .find(|e| e["action"] == "nudge.muted")
        .cloned()
        .unwrap_or_else(|| panic!("no nudge.muted in {audit}"));
    assert_eq!(
        (entry["actor"].as_str(), entry["role"].as_str()),
        (Some("ines"), Some("ic"))
    );

    // Exactly one message for the episode, however many delivery passes ran.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let ephemeral = slack
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/chat.postEphemeral")
        .count();
    assert_eq!(ephemeral, 1);
}

#[test]
fn rhyme_seen_before_typed_in_slack_answers_with_past_incidents_through_response_url() {
    if embedding_model().is_none() {
        eprintln!("note: no embedding model (make models); skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let slack = SlackServer::start(BOT);
    let data = dir.path().join("data");
    configure(&data, &slack);
    install_builtin(&data, "seen-before");
    let examples = repo_root().join("examples/postmortems");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["corpus", "import", examples.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{out}{err}");
    let backend = Backend {
        data,
        database_url: None,
    };
    backend.token("responder", "omar");
    map_user(&backend, "U0OMAR", "omar");
    let server = Server::start(&backend, &["--slack-signing-secret", SECRET]);
    let body = form(&[
        ("token", "unused-verification-token"),
        ("team_id", "T0RHYME"),
        ("team_domain", "rhyme-e2e"),
        ("channel_id", "C0E2E"),
        ("channel_name", "inc"),
        ("user_id", "U0OMAR"),
        ("user_name", "omar"),
        ("command", "/rhyme"),
        (
            "text",
            "seen-before checkout 502s after a TLS certificate rotation",
        ),
        ("api_app_id", "A0RHYME"),
        ("response_url", &slack.response_url("cmd")),
        ("trigger_id", "1.2.3"),
    ]);
    let acknowledged = signed_form(&server, "/v1/slack/commands", &body);
    assert_eq!(acknowledged.status, 200, "{}", acknowledged.text());
    assert!(
        acknowledged.json()["text"]
            .as_str()
            .unwrap()
            .starts_with("Looking for past incidents like"),
        "{}",
        acknowledged.text()
    );
    let answers = wait_call(&server, &slack, "/actions/", 1);
    let answer = &answers[0].body;
    assert_eq!(answer["response_type"], "in_channel", "{answer}");
    let text = answer["text"].as_str().unwrap();
    assert!(text.starts_with("*Seen before?*"), "{text}");
    assert!(text.contains("1. "), "at least one match: {text}");
    assert!(
        text.contains("What broke:") || text.contains("Fix or lesson:"),
        "{text}"
    );
}

/// The buttons of a message the fake received.
fn buttons(message: &Value) -> Vec<Value> {
    message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .unwrap_or_else(|| panic!("no buttons in {message}"))["elements"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_draft_is_announced_in_the_thread_a_responders_approve_is_refused_and_a_reviewers_posts_it_once()
 {
    let dir = tempfile::tempdir().unwrap();
    let slack = SlackServer::start(BOT);
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    configure(&backend.data, &slack);
    backend.install_plugin(
        &dir.path().join("src"),
        "guest_proposer",
        PROPOSER_MANIFEST,
        &["incidents"],
    );
    let responder = backend.token("responder", "omar");
    let admin = backend.token("admin", "ada");
    backend.token("reviewer", "rita");
    map_user(&backend, "U0OMAR", "omar");
    map_user(&backend, "U0RITA", "rita");
    let server = Server::start(
        &backend,
        &[
            "--tick-seconds",
            "3600",
            "--deliver-ms",
            "100",
            "--slack-signing-secret",
            SECRET,
        ],
    );
    let incident = unique("inc");
    server.create_incident(
        &responder,
        &json!({"id": incident, "title": "Card payments failing", "severity": "SEV1", "started": "2026-01-05T10:00:00Z"}),
    );
    let bound = server.call(
        "POST",
        &format!("/v1/incidents/{incident}/slack-channel"),
        Some(&responder),
        Some(&json!({"channel": "C0E2E"}).to_string()),
    );
    assert_eq!(bound.status, 204, "{}", bound.text());

    // Someone writes in the channel (Slack's Events API): the incident's thread in it.
    let message = json!({
        "token": "unused-verification-token", "team_id": "T0RHYME", "api_app_id": "A0RHYME",
        "type": "event_callback", "event_id": "Ev0E2E", "event_time": 1_767_225_500,
        "event": {"type": "message", "channel": "C0E2E", "channel_type": "channel",
            "user": "U0OMAR", "text": "card payments failing since 10:00", "ts": "1767225500.000100"},
    });
    let ingested = signed(
        &server,
        "/v1/ingest/slack",
        "application/json",
        &message.to_string(),
    );
    assert_eq!(ingested.status, 200, "{}", ingested.text());
    assert_eq!(ingested.json()["incident"], incident.as_str());

    // The proposer plugin drafts a status update from this event; it waits for a reviewer.
    let draft = json!([{"id": format!("{incident}-d1"), "at": "2026-01-05T10:10:00Z",
        "actor": "ana", "kind": "draft-status-update",
        "text": "**[SEV1] Card payments failing**\n\n**Condition**\n- Some card payments fail\n"}]);
    server.post_events(&responder, &incident, &draft);
    let posted = wait_call(&server, &slack, "/api/chat.postMessage", 1);
    let announcement = &posted[0].body;
    assert_eq!(announcement["channel"], "C0E2E");
    assert_eq!(
        announcement["thread_ts"], "1767225500.000100",
        "in the incident's thread, not the channel: {announcement}"
    );
    assert!(
        announcement.get("reply_broadcast").is_none(),
        "{announcement}"
    );
    assert!(
        announcement["text"]
            .as_str()
            .unwrap()
            .starts_with("Draft waiting for a reviewer:"),
        "{announcement}"
    );
    let approve = buttons(announcement);
    assert_eq!(approve.len(), 1);
    assert_eq!(approve[0]["text"]["text"], "Approve");
    let proposal: Value = serde_json::from_str(approve[0]["value"].as_str().unwrap()).unwrap();
    let proposal = proposal["proposal"].as_str().unwrap().to_string();
    // The fake's first posted message.
    let announced = ("1767225700.000001", false);

    // The first chat.update Slack answers with 429 and Retry-After: 1.
    slack.rate_limit_once("chat.update", 1);

    // A responder clicks Approve: refused in Slack, in words, to them alone; nothing approved.
    let refused = click_on(&server, &slack, "U0OMAR", "C0E2E", announced, &approve[0]);
    assert_eq!(refused.status, 200, "{}", refused.text());
    let answers = wait_call(&server, &slack, "/actions/", 1);
    assert_eq!(answers[0].body["response_type"], "ephemeral");
    assert_eq!(answers[0].body["replace_original"], false);
    assert_eq!(
        answers[0].body["text"],
        "Rhyme refused: your role (responder) cannot approve, edit or reject proposals; that needs the reviewer role"
    );
    let still = server
        .call(
            "GET",
            &format!("/v1/proposals/{proposal}"),
            Some(&admin),
            None,
        )
        .json();
    assert_eq!(still["proposal"]["state"], "pending", "{still}");
    // Counted as the API's refusals are; like them, not an audit entry (nothing was done).
    let metrics = server.call("GET", "/metrics", None, None).text();
    assert!(
        metrics.contains("rhyme_auth_failures_total{reason=\"wrong-role\"} 1"),
        "{metrics}"
    );

    // The reviewer's click approves through the gate, as rita.
    let approved = click_on(&server, &slack, "U0RITA", "C0E2E", announced, &approve[0]);
    assert_eq!(approved.status, 200, "{}", approved.text());
    let answers = wait_call(&server, &slack, "/actions/", 2);
    assert!(
        answers[1].body["text"]
            .as_str()
            .unwrap()
            .starts_with("Approved by rita"),
        "{:?}",
        answers[1].body
    );
    // The announcement itself is updated through chat.update, not the click's answer.
    assert_eq!(answers[1].body["replace_original"], false);

    // The update is posted once, in the thread (and shown in the channel: a reviewer approved
    // it); the announcement is updated once Slack's Retry-After has passed.
    let updated = wait_call(&server, &slack, "/api/chat.update", 1);
    assert_eq!(slack.rate_limited(), ["/api/chat.update"]);
    let update = &updated[0].body;
    assert_eq!(update["channel"], "C0E2E");
    assert_eq!(update["ts"], announced.0, "{update}");
    assert!(
        update["text"]
            .as_str()
            .unwrap()
            .contains("Approved by rita; posted once, in this thread."),
        "{update}"
    );
    assert!(
        update["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["type"] != "actions"),
        "the Approve button is gone: {update}"
    );
    let posted = wait_call(&server, &slack, "/api/chat.postMessage", 2);
    let published = &posted[1].body;
    assert_eq!(published["thread_ts"], "1767225500.000100", "{published}");
    assert_eq!(published["reply_broadcast"], true);
    let text = published["text"].as_str().unwrap();
    assert!(text.contains("approved by rita"), "{text}");
    assert!(text.contains("Some card payments fail"), "{text}");

    // Exactly once, however many passes ran.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let count = |path: &str| slack.calls().iter().filter(|c| c.path == path).count();
    assert_eq!(count("/api/chat.postMessage"), 2);
    assert_eq!(count("/api/chat.update"), 1);
    let decided = server
        .call(
            "GET",
            &format!("/v1/proposals/{proposal}"),
            Some(&admin),
            None,
        )
        .json();
    assert_eq!(decided["proposal"]["state"], "approved", "{decided}");

    // The audit log has rita's approval, in her role, and no approval by omar.
    let audit = server.audit_log(&admin);
    let approvals: Vec<(String, String)> = audit
        .as_array()
        .or(audit["entries"].as_array())
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "proposal.approve")
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["role"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(approvals, [("rita".to_string(), "reviewer".to_string())]);
}
