//! The Slack app through the real router over a real SQLite store, with a fake Slack on
//! 127.0.0.1 standing in for the Web API and the `response_url`s: clicks arrive as Slack's
//! `block_actions` form posts and commands as its slash-command form posts, signed as Slack
//! signs them. A click acts as the Slack user's mapped Rhyme identity (the audit log says who),
//! a click by a role that may not is refused in words sent back to that user, and nudges on a
//! bound channel's incident are queued once for its IC.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::slack_app::SlackApp;
use rhyme_server::slack_app::blocks::as_text;
use rhyme_server::{AppState, router};
use rhyme_store::approval::{NewProposal, Proposal, ProposalKind, ProposalState};
use rhyme_store::{
    Actor, Evidence, Finding, FindingKind, Gate, GateConfig, Incident, ManualClock, PluginRef,
    Role, Store, TimelineEvent, Triage,
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// The store's clock during these tests, in seconds: 2026-01-01T00:00:00Z.
const NOW_S: i64 = 1_767_225_600;
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A fake Slack: records what is posted to its response URLs.
#[derive(Default)]
struct Fake {
    answers: Mutex<Vec<Value>>,
}

async fn fake_slack() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let app = axum::Router::new()
        .route(
            "/actions/{team}/{id}/{secret}",
            post(|State(fake): State<Arc<Fake>>, body: String| async move {
                let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                fake.answers.lock().unwrap().push(answer);
                "ok"
            }),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

struct Api {
    state: AppState,
    slack: String,
    fake: Arc<Fake>,
    _jobs: rhyme_pipeline::queue::JobReceiver,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(NOW_S * 1000);
        let store = Store::open_with_clock(dir.path(), None, Arc::new(clock))
            .await
            .unwrap();
        let metrics = Arc::new(Metrics::new());
        let (queue, jobs) = JobQueue::new(
            rhyme_pipeline::lines::QueueLimits::with_total(10_000),
            metrics.clone(),
        );
        let (slack, fake) = fake_slack().await;
        let app = SlackApp::new(
            &format!("{slack}/api"),
            None,
            Some("https://rhyme.example".into()),
        )
        .unwrap();
        let gate = Gate::new(store, GateConfig::default());
        let state = AppState::new(gate, queue, metrics)
            .with_slack_secret(Some(SECRET.into()))
            .with_slack_app(Arc::new(app));
        let api = Api {
            state,
            slack,
            fake,
            _jobs: jobs,
            _dir: dir,
        };
        api.people().await;
        api
    }

    fn store(&self) -> &Store {
        self.state.store()
    }

    /// Ines the IC, Omar a responder, Rita a reviewer; each mapped to a Slack user.
    async fn people(&self) {
        let ops = Actor::operator("ops");
        for (name, role, slack) in [
            ("ines", Role::Ic, "U0INES"),
            ("omar", Role::Responder, "U0OMAR"),
            ("rita", Role::Reviewer, "U0RITA"),
        ] {
            self.store().create_token(&ops, name, role).await.unwrap();
            self.store()
                .map_slack_user(&ops, slack, name)
                .await
                .unwrap();
        }
    }

    /// inc-1, bound to C0INC, with an `update-black-hole` nudge citing a Slack message.
    async fn incident_with_a_nudge(&self) {
        let store = self.store();
        store
            .put_incident(&Incident {
                id: "inc-1".into(),
                title: "Checkout errors".into(),
                severity: "SEV1".into(),
                service: String::new(),
                started: 0,
                ended: None,
            })
            .await
            .unwrap();
        store.bind("slack", "C0INC", "inc-1").await.unwrap();
        store.set_slack_channel_ic("C0INC", "U0INES").await.unwrap();
        let message = TimelineEvent {
            id: "slack-C0INC-1767225000.000100".into(),
            at: 1_767_225_000_000,
            actor: "U0OMAR".into(),
            role: String::new(),
            kind: "message".into(),
            text: "payment pods restarting".into(),
            change: None,
        };
        store.add_events("inc-1", &[message]).await.unwrap();
        let plugin = PluginRef {
            name: "anti-patterns".into(),
            version: "0.1.0".into(),
        };
        let nudge = Finding {
            kind: FindingKind::Nudge,
            subject: "update-black-hole".into(),
            title: "No stakeholder update for 20 minutes".into(),
            detail: String::new(),
            evidence: vec![Evidence::Event("slack-C0INC-1767225000.000100".into())],
            confidence: 0.8,
            at: Some(1_767_225_500_000),
        };
        store
            .add_findings("inc-1", &plugin, &[nudge])
            .await
            .unwrap();
    }

    async fn post(&self, uri: &str, body: &str, ts: i64, secret: &str) -> (StatusCode, Value) {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("v0:{ts}:{body}").as_bytes());
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header(
                "x-slack-signature",
                format!("v0={}", hex::encode(mac.finalize().into_bytes())),
            )
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A click by `user` on the button `action_id` whose value is `value`, as Slack posts it.
    async fn click(&self, user: &str, action_id: &str, value: &Value) -> (StatusCode, Value) {
        let body = form(&[(
            "payload",
            &block_actions(&self.slack, user, action_id, value),
        )]);
        self.post("/v1/slack/interactions", &body, NOW_S, SECRET)
            .await
    }

    fn answers(&self) -> Vec<Value> {
        self.fake.answers.lock().unwrap().clone()
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// Slack's `block_actions` payload for a click on an ephemeral message's button (the shape
/// of Slack's documentation: team, user, container, channel, response_url, actions).
fn block_actions(slack: &str, user: &str, action_id: &str, value: &Value) -> String {
    json!({
        "type": "block_actions",
        "team": {"id": "T0RHYME", "domain": "rhyme-example"},
        "user": {"id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": "T0RHYME"},
        "api_app_id": "A0RHYME",
        "token": "verification-token-not-used",
        "container": {"type": "message", "message_ts": "1767225600.000200", "channel_id": "C0INC", "is_ephemeral": true},
        "trigger_id": "1767225600.1234.abcdef",
        "channel": {"id": "C0INC", "name": "inc-checkout"},
        "response_url": format!("{slack}/actions/T0RHYME/1767225600/xyzSECRETxyz"),
        "actions": [{
            "action_id": action_id,
            "block_id": "rhyme.nudge",
            "text": {"type": "plain_text", "text": "Mute 30 min", "emoji": true},
            "value": value.to_string(),
            "type": "button",
            "action_ts": "1767225601.000300",
        }],
    })
    .to_string()
}

fn nudge() -> Value {
    json!({"incident": "inc-1", "pattern": "update-black-hole"})
}

#[tokio::test]
async fn the_ics_mute_click_mutes_the_nudge_as_that_ic_and_says_so() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let (status, answer) = api.click("U0INES", "rhyme.nudge.mute_30m", &nudge()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let triage = api.store().nudge_triage("inc-1").await.unwrap();
    assert_eq!(triage.len(), 1);
    assert_eq!(
        (triage[0].triage, triage[0].by.as_str()),
        (Triage::Muted, "ines")
    );
    assert_eq!(triage[0].until, Some(NOW_S * 1000 + 30 * 60 * 1000));
    let answers = api.answers();
    assert_eq!(answers.len(), 1, "answered once through response_url");
    assert_eq!(answers[0]["response_type"], "ephemeral");
    assert_eq!(answers[0]["replace_original"], true);
    assert!(
        answers[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Muted by ines until 00:30 UTC"),
        "{}",
        answers[0]
    );
    let audit = api.store().audit().entries(0, 1000).await.unwrap();
    let muted = audit.iter().find(|e| e.action == "nudge.muted").unwrap();
    assert_eq!((muted.actor.as_str(), muted.role.as_str()), ("ines", "ic"));
}

#[tokio::test]
async fn a_responders_click_on_a_reviewer_button_is_refused_in_words_and_nothing_changes() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let proposal = api
        .state
        .gate()
        .propose(NewProposal {
            incident: Some("inc-1".into()),
            plugin: PluginRef {
                name: "draft-summary".into(),
                version: "0.1.0".into(),
            },
            requested_by: None,
            action: None,
            proposal: Proposal {
                kind: ProposalKind::DraftStatusUpdate,
                title: "Status update".into(),
                body: "Checkout is failing for some card payments.".into(),
                rationale: "the IC asked".into(),
                evidence: vec![],
            },
        })
        .await
        .unwrap();
    let approve = json!({"proposal": proposal.id});
    let (status, _) = api
        .click("U0OMAR", "rhyme.proposal.approve", &approve)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _) = api
        .click("U0OMAR", "rhyme.nudge.acknowledge", &nudge())
        .await;
    let answers = api.answers();
    let said: Vec<&str> = answers
        .iter()
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        said[0],
        "Rhyme refused: your role (responder) cannot approve, edit or reject proposals; that needs the reviewer role"
    );
    assert!(
        said[1].contains("cannot acknowledge or mute nudges; that needs the ic role"),
        "{said:?}"
    );
    assert!(answers.iter().all(|a| a["replace_original"] == false));
    let still = api.state.gate().proposal(&proposal.id).await.unwrap();
    assert_eq!(still.state, ProposalState::Pending);
    assert!(api.store().nudge_triage("inc-1").await.unwrap().is_empty());

    // The reviewer's click goes through the gate.
    api.click("U0RITA", "rhyme.proposal.approve", &approve)
        .await;
    let approved = api.state.gate().proposal(&proposal.id).await.unwrap();
    assert_eq!(approved.state, ProposalState::Approved);
    assert!(
        api.answers()[2]["text"]
            .as_str()
            .unwrap()
            .starts_with("Approved by rita")
    );
    // The announcement is seen by the whole thread: the reviewer is answered beside it, and
    // the announcement itself is updated through chat.update.
    assert_eq!(api.answers()[2]["replace_original"], false);
}

#[tokio::test]
async fn an_unmapped_user_is_told_how_to_get_mapped_and_not_useful_is_counted() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    api.click("U0STRANGER", "rhyme.nudge.mute_30m", &nudge())
        .await;
    let text = api.answers()[0]["text"].as_str().unwrap().to_string();
    assert!(text.contains("does not know who you are"), "{text}");
    assert!(text.contains("rhyme slack map-user U0STRANGER"), "{text}");
    assert!(api.store().nudge_triage("inc-1").await.unwrap().is_empty());

    api.click("U0OMAR", "rhyme.nudge.not_useful", &nudge())
        .await;
    let counts = api.store().nudges_not_useful().await.unwrap();
    assert_eq!(counts[0].pattern, "update-black-hole");
    assert_eq!(counts[0].count, 1);
}

#[tokio::test]
async fn an_unsigned_stale_or_badly_signed_click_is_refused_with_the_reason() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let body = form(&[(
        "payload",
        &block_actions(&api.slack, "U0INES", "rhyme.nudge.mute_30m", &nudge()),
    )]);
    let (status, problem) = api
        .post("/v1/slack/interactions", &body, NOW_S - 600, SECRET)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        problem["detail"].as_str().unwrap().contains("600 s away"),
        "{problem}"
    );
    let (status, problem) = api
        .post("/v1/slack/interactions", &body, NOW_S, "another-app")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("does not match"),
        "{problem}"
    );
    let (status, problem) = api
        .post(
            "/v1/slack/commands",
            "command=%2Frhyme&text=status",
            NOW_S,
            "another-app",
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert!(api.store().nudge_triage("inc-1").await.unwrap().is_empty());
    assert!(api.answers().is_empty());

    let (status, problem) = api
        .post("/v1/slack/interactions", "nothing=here", NOW_S, SECRET)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "payload", "{problem}");
}

/// Slack's slash command form, as its documentation shows it.
fn command(slack: &str, user: &str, text: &str) -> String {
    let response_url = format!("{slack}/actions/T0RHYME/1767225602/cmdSECRET");
    form(&[
        ("token", "verification-token-not-used"),
        ("team_id", "T0RHYME"),
        ("team_domain", "rhyme-example"),
        ("channel_id", "C0INC"),
        ("channel_name", "inc-checkout"),
        ("user_id", user),
        ("user_name", &user.to_lowercase()),
        ("command", "/rhyme"),
        ("text", text),
        ("api_app_id", "A0RHYME"),
        ("response_url", &response_url),
        ("trigger_id", "1767225602.1234.abcdef"),
    ])
}

#[tokio::test]
async fn rhyme_status_answers_at_once_and_an_unmapped_user_is_refused() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let (status, answer) = api
        .post(
            "/v1/slack/commands",
            &command(&api.slack, "U0OMAR", "status"),
            NOW_S,
            SECRET,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let text = answer["text"].as_str().unwrap();
    assert!(
        text.starts_with("*Checkout errors* · SEV1 · `inc-1`"),
        "{text}"
    );
    assert!(text.contains("Nudges so far: 1."), "{text}");

    let (_, refused) = api
        .post(
            "/v1/slack/commands",
            &command(&api.slack, "U0NOBODY", "status"),
            NOW_S,
            SECRET,
        )
        .await;
    assert!(
        refused["text"]
            .as_str()
            .unwrap()
            .contains("does not know who you are"),
        "{refused}"
    );

    let (_, usage) = api
        .post(
            "/v1/slack/commands",
            &command(&api.slack, "U0OMAR", "dance"),
            NOW_S,
            SECRET,
        )
        .await;
    assert!(
        usage["text"]
            .as_str()
            .unwrap()
            .contains("/rhyme seen-before"),
        "{usage}"
    );
    let (status, problem) = api
        .post(
            "/v1/slack/commands",
            "command=%2Frhyme&text=status",
            NOW_S,
            SECRET,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "user_id", "{problem}");
}

#[tokio::test]
async fn a_nudge_on_a_bound_channel_is_queued_once_for_its_ic() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let app = api.state.slack_app().clone();
    let queued = rhyme_server::slack_app::nudges::announce(api.store(), &app)
        .await
        .unwrap();
    assert_eq!(queued, 1);
    let again = rhyme_server::slack_app::nudges::announce(api.store(), &app)
        .await
        .unwrap();
    assert_eq!(again, 0, "one message per pattern per episode");
    let messages = api.store().slack_messages().await.unwrap();
    assert_eq!(messages.len(), 1);
    let text = as_text(&messages[0].payload);
    assert!(
        text.starts_with("[chat.postEphemeral to U0INES in C0INC]"),
        "{text}"
    );
    assert!(
        text.contains("<https://slack.com/archives/C0INC/p1767225000000100|"),
        "{text}"
    );
    assert!(
        text.ends_with("[Acknowledge] [Mute 30 min] [Not useful]"),
        "{text}"
    );
}

#[tokio::test]
async fn an_admin_maps_slack_users_and_no_other_role_may() {
    let api = Api::new().await;
    let ops = Actor::operator("ops");
    let admin = api
        .store()
        .create_token(&ops, "ada", Role::Admin)
        .await
        .unwrap();
    let omar = api
        .store()
        .create_token(&ops, "omar2", Role::Responder)
        .await
        .unwrap();
    let put = |token: String, body: &'static str| {
        let state = api.state.clone();
        async move {
            let request = Request::builder()
                .method("PUT")
                .uri("/v1/slack/users/U0NEW")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let response = router(state).oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        }
    };
    let (status, _) = put(omar.secret.clone(), r#"{"token_name": "ines"}"#).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = put(admin.secret.clone(), r#"{"token_name": "nobody"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "token_name");
    let (status, mapped) = put(admin.secret.clone(), r#"{"token_name": "ines"}"#).await;
    assert_eq!(status, StatusCode::OK, "{mapped}");
    assert_eq!(mapped["token_name"], "ines");
    assert_eq!(mapped["mapped_by"], "ada");
    let who = api.store().slack_principal("U0NEW").await.unwrap().unwrap();
    assert_eq!(who.role, Role::Ic);

    let request = Request::builder()
        .method("DELETE")
        .uri("/v1/slack/users/U0NEW")
        .header("authorization", format!("Bearer {}", admin.secret))
        .body(Body::empty())
        .unwrap();
    let response = router(api.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(api.store().slack_principal("U0NEW").await.unwrap(), None);
}

#[tokio::test]
async fn a_pending_status_update_is_announced_once_with_its_review_link_and_approve() {
    let api = Api::new().await;
    api.incident_with_a_nudge().await;
    let proposal = api
        .state
        .gate()
        .propose(NewProposal {
            incident: Some("inc-1".into()),
            plugin: PluginRef {
                name: "draft-summary".into(),
                version: "0.1.0".into(),
            },
            requested_by: None,
            action: None,
            proposal: Proposal {
                kind: ProposalKind::DraftStatusUpdate,
                title: "Status update: checkout errors".into(),
                body: "Checkout is failing for some card payments.".into(),
                rationale: "the IC asked".into(),
                evidence: vec![],
            },
        })
        .await
        .unwrap();
    let app = api.state.slack_app().clone();
    let gate = api.state.gate();
    assert_eq!(
        rhyme_server::slack_app::drafts::announce(gate, &app)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        rhyme_server::slack_app::drafts::announce(gate, &app)
            .await
            .unwrap(),
        0
    );
    let messages = api.store().slack_messages().await.unwrap();
    let text = as_text(&messages[0].payload);
    assert_eq!(messages[0].payload["method"], "chat.postMessage");
    assert!(
        text.contains(&format!(
            "<https://rhyme.example/review|review it> (proposal `{}`)",
            proposal.id
        )),
        "{text}"
    );
    assert!(text.ends_with("[Approve]"), "{text}");
    // In the incident's thread: the first Slack message of the channel in its timeline.
    assert_eq!(
        messages[0].payload["message"]["thread_ts"],
        "1767225000.000100"
    );
    assert!(
        messages[0].payload["message"]
            .get("reply_broadcast")
            .is_none()
    );
    assert_eq!(
        api.store().slack_thread("C0INC", "inc-1").await.unwrap(),
        Some("1767225000.000100".into())
    );

    // Approved (here through the gate directly, as the review page would): no sink of the
    // gate publishes status updates, so the app posts it once in the thread, and replaces the
    // announcement (named by its key until its ts is known) with who approved it.
    let rita = api
        .store()
        .slack_principal("U0RITA")
        .await
        .unwrap()
        .unwrap();
    gate.approve(&rita, &proposal.id).await.unwrap();
    assert_eq!(
        rhyme_server::slack_app::drafts::announce(gate, &app)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        rhyme_server::slack_app::drafts::announce(gate, &app)
            .await
            .unwrap(),
        0
    );
    let messages = api.store().slack_messages().await.unwrap();
    assert_eq!(messages.len(), 3);
    let keyed = |key: String| {
        messages
            .iter()
            .find(|m| m.dedupe_key == key)
            .map(|m| m.payload.clone())
            .unwrap_or_else(|| panic!("no {key} in {messages:?}"))
    };
    let post = &keyed(format!("draft-post:{}", proposal.id));
    assert_eq!(post["method"], "chat.postMessage");
    assert_eq!(post["message"]["thread_ts"], "1767225000.000100");
    assert_eq!(post["message"]["reply_broadcast"], true);
    let posted = post["message"]["text"].as_str().unwrap();
    assert!(posted.contains("approved by rita"), "{posted}");
    assert!(
        posted.contains("Checkout is failing for some card payments."),
        "{posted}"
    );
    let update = &keyed(format!("draft-settled:{}", proposal.id));
    assert_eq!(update["method"], "chat.update");
    assert_eq!(update["ts_of"], format!("draft:{}", proposal.id));
    let text = as_text(update);
    assert!(
        text.contains("Approved by rita; posted once, in this thread."),
        "{text}"
    );
    assert!(!text.contains("[Approve]"), "{text}");
}

#[tokio::test]
async fn a_draft_waits_for_a_thread_rather_than_going_to_the_whole_channel() {
    let api = Api::new().await;
    let store = api.store();
    store
        .put_incident(&Incident {
            id: "inc-2".into(),
            title: "Search slow".into(),
            severity: "SEV2".into(),
            service: String::new(),
            started: 0,
            ended: None,
        })
        .await
        .unwrap();
    store.bind("slack", "C0TWO", "inc-2").await.unwrap();
    api.state
        .gate()
        .propose(NewProposal {
            incident: Some("inc-2".into()),
            plugin: PluginRef {
                name: "draft-summary".into(),
                version: "0.1.0".into(),
            },
            requested_by: None,
            action: None,
            proposal: Proposal {
                kind: ProposalKind::DraftStatusUpdate,
                title: "Status update: search".into(),
                body: "Search is slow.".into(),
                rationale: "the IC asked".into(),
                evidence: vec![],
            },
        })
        .await
        .unwrap();
    let app = api.state.slack_app().clone();
    let gate = api.state.gate();
    let announce = || rhyme_server::slack_app::drafts::announce(gate, &app);
    assert_eq!(announce().await.unwrap(), 0, "no thread yet");
    assert!(store.slack_messages().await.unwrap().is_empty());
    let message = TimelineEvent {
        id: "slack-C0TWO-1767225300.000200".into(),
        at: 1_767_225_300_000,
        actor: "U0OMAR".into(),
        role: String::new(),
        kind: "message".into(),
        text: "search p99 is 4 s".into(),
        change: None,
    };
    store.add_events("inc-2", &[message]).await.unwrap();
    assert_eq!(announce().await.unwrap(), 1);
    let messages = store.slack_messages().await.unwrap();
    assert_eq!(
        messages[0].payload["message"]["thread_ts"],
        "1767225300.000200"
    );
}
