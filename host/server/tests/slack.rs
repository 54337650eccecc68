//! `POST /v1/ingest/slack` with what Slack sends: the payloads in
//! `../shared/data/external/slack/` (see `SOURCES.md` there), read in place and signed as Slack
//! signs them, through the real router over a real SQLite store. Each test says what must be
//! stored, or the true reason it is not, and a refused signature says what was wrong with it.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hmac::{Hmac, Mac};
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_server::{AppState, router};
use rhyme_store::{Gate, GateConfig, Incident, ManualClock, Store};
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// The store's clock during these tests, in seconds: 2026-01-01T00:00:00Z.
const NOW_S: i64 = 1_767_225_600;
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

struct Api {
    state: AppState,
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
        let gate = Gate::new(store, GateConfig::default());
        Api {
            state: AppState::new(gate, queue, metrics).with_slack_secret(Some(SECRET.into())),
            _jobs: jobs,
            _dir: dir,
        }
    }

    /// An incident with `channel` bound to it.
    async fn bound(&self, incident: &str, channel: &str) {
        let store = self.state.store();
        let new = Incident {
            id: incident.into(),
            title: "Search down".into(),
            severity: "SEV2".into(),
            service: String::new(),
            started: 0,
            ended: None,
        };
        store.put_incident(&new).await.unwrap();
        store.bind("slack", channel, incident).await.unwrap();
    }

    /// Posts `body` with the headers given; the status and the answer as JSON.
    async fn post(&self, body: &str, headers: &[(&str, String)]) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method("POST")
            .uri("/v1/ingest/slack")
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request.body(Body::from(body.to_string())).unwrap();
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

    /// Posts `body` as Slack would, signed at `ts` with `secret`.
    async fn signed(&self, body: &str, secret: &str, ts: i64) -> (StatusCode, Value) {
        self.post(body, &signature(secret, ts, body)).await
    }

    /// Posts `body` as Slack would, now and with the right secret; it must be acknowledged.
    async fn sent_by_slack(&self, body: &str) -> Value {
        let (status, answer) = self.signed(body, SECRET, NOW_S).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer
    }

    async fn timeline(&self, incident: &str) -> Vec<rhyme_store::TimelineEvent> {
        self.state.store().events(incident).await.unwrap()
    }
}

fn signature(secret: &str, ts: i64, body: &str) -> Vec<(&'static str, String)> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    vec![
        ("x-slack-request-timestamp", ts.to_string()),
        (
            "x-slack-signature",
            format!("v0={}", hex::encode(mac.finalize().into_bytes())),
        ),
    ]
}

/// A payload from `../shared/data/external/slack/`, read in place, as sent.
fn payload(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external/slack")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The payload's `event.channel`.
fn channel_of(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap();
    value["event"]["channel"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_refused_signature_says_what_was_wrong_and_nothing_secret() {
    let api = Api::new().await;
    let body = payload("message_channel_plain_text_with_rich_text_block.json");
    let cases = [
        (api.post(&body, &[]).await, "no Slack signature"),
        (
            api.signed(&body, "another-apps-secret", NOW_S).await,
            "does not match",
        ),
        (
            api.signed(&body, SECRET, NOW_S - 3600).await,
            "3600 s away from this server's clock",
        ),
        (
            api.post(
                &body,
                &[
                    ("x-slack-request-timestamp", NOW_S.to_string()),
                    ("x-slack-signature", "sha256=00".into()),
                ],
            )
            .await,
            "`v0=` followed by hex",
        ),
    ];
    for ((status, problem), says) in cases {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail} should say {says}");
        assert!(!detail.contains("bearer token"), "{detail}");
        assert!(!detail.contains(SECRET), "{detail}");
    }
}

#[tokio::test]
async fn a_person_s_message_in_a_bound_channel_is_stored() {
    let api = Api::new().await;
    let body = payload("message_channel_plain_text_with_rich_text_block.json");
    api.bound("inc-1", &channel_of(&body)).await;
    let answer = api.sent_by_slack(&body).await;
    assert_eq!(answer["incident"], "inc-1", "{answer}");
    assert_eq!(api.timeline("inc-1").await.len(), 1);
}

#[tokio::test]
async fn a_direct_message_is_ignored_because_it_is_one() {
    let api = Api::new().await;
    let body = payload("message_file_share_im_with_blocks.json");
    let answer = api.sent_by_slack(&body).await;
    let reason = answer["ignored"].as_str().unwrap();
    assert!(reason.contains("direct message"), "{reason}");
    assert!(
        !reason.contains("bot") && !reason.contains("edit"),
        "{reason}"
    );

    // Even bound by mistake, a direct message stays private.
    api.bound("inc-1", &channel_of(&body)).await;
    let answer = api.sent_by_slack(&body).await;
    assert!(
        answer["ignored"]
            .as_str()
            .unwrap()
            .contains("direct message")
    );
    assert!(api.timeline("inc-1").await.is_empty());
}

#[tokio::test]
async fn a_file_shared_in_a_bound_channel_is_a_person_s_message() {
    let api = Api::new().await;
    // The same file share, posted in a channel rather than a direct message.
    let mut shared: Value =
        serde_json::from_str(&payload("message_file_share_im_with_blocks.json")).unwrap();
    shared["event"]["channel"] = json!("C0FILES");
    shared["event"]["channel_type"] = json!("channel");
    api.bound("inc-1", "C0FILES").await;
    let answer = api.sent_by_slack(&shared.to_string()).await;
    assert_eq!(answer["incident"], "inc-1", "{answer}");
    let timeline = api.timeline("inc-1").await;
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].actor, "U043H11ES4V");
    assert_eq!(
        timeline[0].text,
        "message message message (shared namenamename.txt)"
    );
}

#[tokio::test]
async fn a_bot_s_reply_without_a_subtype_is_a_bot_s_message_and_ignored_like_one() {
    let api = Api::new().await;
    let reply = payload("message_thread_reply_from_app_bot.json");
    let subtyped = payload("message_subtype_bot_message.json");
    api.bound("inc-1", &channel_of(&reply)).await;
    api.bound("inc-2", &channel_of(&subtyped)).await;
    for (body, bot) in [(&reply, "B0439P161B9"), (&subtyped, "B07JWPS5Y5S")] {
        let answer = api.sent_by_slack(body).await;
        let reason = answer["ignored"]
            .as_str()
            .unwrap_or_else(|| panic!("stored: {answer}"));
        assert!(reason.starts_with("a bot's message"), "{reason}");
        assert!(reason.contains(bot), "{reason}");
    }
    assert!(
        api.timeline("inc-1").await.is_empty(),
        "stored as a person's"
    );
    assert!(api.timeline("inc-2").await.is_empty());
}

#[tokio::test]
async fn edits_and_deletions_are_ignored_as_such() {
    let api = Api::new().await;
    for (i, (name, says)) in [
        ("message_changed_link_unfurl.json", "an edit"),
        ("message_deleted.json", "a deletion"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = payload(name);
        api.bound(&format!("inc-{i}"), &channel_of(&body)).await;
        let answer = api.sent_by_slack(&body).await;
        let reason = answer["ignored"].as_str().unwrap();
        assert!(reason.starts_with(says), "{name}: {reason}");
    }
}
