//! The Slack Web API client against a fake Slack on 127.0.0.1: the fake checks what Slack
//! checks (the method's path, the bearer token, a JSON body with the fields the method needs)
//! and answers in Slack's shapes, `{"ok": true, ...}`, `{"ok": false, "error": ...}` in a 200,
//! and 429 with `Retry-After`.

// The store's own fixtures: a fresh SQLite store, and a fresh PostgreSQL one when configured.
#[path = "../../store/tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rhyme_sinks::slack_api::Method;
use rhyme_sinks::{
    BotToken, Delivery, DeliveryPolicy, Sink, SinkError, SlackApi, SlackApiError, deliver_slack_due,
};
use rhyme_store::outbox::OutboxState;
use serde_json::{Value, json};

const TOKEN: &str = "xoxb-17-42-fakefakefake";

#[derive(Default)]
struct Fake {
    /// (method, body) of every call that passed the checks.
    calls: Mutex<Vec<(String, Value)>>,
    /// Answer this many calls with 429 first.
    throttle: Mutex<u32>,
}

/// What Slack needs in each method's body, and how it answers.
async fn slack(
    State(fake): State<Arc<Fake>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return Json(json!({"ok": false, "error": "invalid_auth"})).into_response();
    }
    {
        let mut throttle = fake.throttle.lock().unwrap();
        if *throttle > 0 {
            *throttle -= 1;
            return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "7")], "").into_response();
        }
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/json") {
        return Json(json!({"ok": false, "error": "invalid_form_data"})).into_response();
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return Json(json!({"ok": false, "error": "invalid_json"})).into_response();
    };
    let has = |field: &str| body.get(field).is_some_and(|v| !v.is_null());
    let answer = match method.as_str() {
        "chat.postMessage" if !has("channel") => json!({"ok": false, "error": "channel_not_found"}),
        "chat.postMessage" if !has("text") && !has("blocks") => {
            json!({"ok": false, "error": "no_text"})
        }
        "chat.postMessage" => json!({"ok": true, "channel": body["channel"],
            "ts": "1503435956.000247", "message": {"text": body["text"], "type": "message"}}),
        "chat.postEphemeral" if !has("user") => json!({"ok": false, "error": "user_not_found"}),
        "chat.postEphemeral" if !has("channel") => {
            json!({"ok": false, "error": "channel_not_found"})
        }
        "chat.postEphemeral" => json!({"ok": true, "message_ts": "1502210682.580145"}),
        "chat.update" if !has("ts") => json!({"ok": false, "error": "message_not_found"}),
        "chat.update" => json!({"ok": true, "channel": body["channel"], "ts": body["ts"],
            "text": body["text"]}),
        _ => return (StatusCode::NOT_FOUND, "unknown_method").into_response(),
    };
    if answer["ok"] == true {
        fake.calls.lock().unwrap().push((method, body));
    }
    Json(answer).into_response()
}

async fn start() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/api/{method}", post(slack))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn client(base: &str, token: &str) -> SlackApi {
    SlackApi::new(base, BotToken::new(token).unwrap()).unwrap()
}

#[tokio::test]
async fn the_three_methods_reach_slack_with_the_bot_token_and_json() {
    let (base, fake) = start().await;
    let api = client(&base, TOKEN);
    let posted = api
        .post_message(
            &json!({"channel": "C024BE91L", "text": "Checkout degraded", "thread_ts": "1.2"}),
        )
        .await
        .unwrap();
    assert_eq!(posted["ts"], "1503435956.000247");
    let ephemeral = api
        .post_ephemeral(&json!({"channel": "C024BE91L", "user": "U0G9QF9C6",
            "text": "nudge", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "nudge"}}]}))
        .await
        .unwrap();
    assert_eq!(ephemeral["message_ts"], "1502210682.580145");
    api.update(&json!({"channel": "C024BE91L", "ts": "1503435956.000247", "text": "approved"}))
        .await
        .unwrap();
    let calls = fake.calls.lock().unwrap();
    let methods: Vec<&str> = calls.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(
        methods,
        ["chat.postMessage", "chat.postEphemeral", "chat.update"]
    );
    assert_eq!(calls[1].1["user"], "U0G9QF9C6");
}

#[tokio::test]
async fn a_refusal_in_a_200_is_an_error_naming_slacks_code_and_never_the_token() {
    let (base, _fake) = start().await;
    let missing_user = client(&base, TOKEN)
        .post_ephemeral(&json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(
        missing_user,
        SlackApiError::Refused {
            method: Method::PostEphemeral,
            error: "user_not_found".into()
        }
    );
    let wrong = "xoxb-17-42-notthetoken";
    let bad_auth = client(&base, wrong)
        .post_message(&json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    assert!(bad_auth.to_string().contains("invalid_auth"), "{bad_auth}");
    assert!(!bad_auth.to_string().contains("notthetoken"), "{bad_auth}");
    let sink: SinkError = bad_auth.into();
    assert!(matches!(sink, SinkError::Permanent { .. }), "{sink:?}");
}

#[tokio::test]
async fn as_a_sink_a_throttled_call_is_retried_after_slacks_wait() {
    let (base, fake) = start().await;
    *fake.throttle.lock().unwrap() = 1;
    let api = client(&base, TOKEN);
    let delivery = Delivery {
        key: "k1".into(),
        payload: json!({"method": "chat.postEphemeral",
            "message": {"channel": "C1", "user": "U1", "text": "Mute?"}}),
        attempt: 1,
        at: 0,
    };
    assert_eq!(
        api.deliver(&delivery).await,
        Err(SinkError::Retryable {
            why: "chat.postEphemeral: Slack is rate limiting the app (HTTP 429), retry after 7 s"
                .into(),
            after: Some(Duration::from_secs(7))
        })
    );
    assert_eq!(api.deliver(&delivery).await, Ok(()));
    assert_eq!(fake.calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unreachable_slack_is_retried_without_the_token_in_the_reason() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    drop(listener);
    let error = client(&base, TOKEN)
        .post_message(&json!({"channel": "C1", "text": "x"}))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(!error.to_string().contains("fakefake"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_queued_message_is_posted_once_after_slacks_wait() {
    common::each_backend(|f| async move {
        let (base, fake) = start().await;
        *fake.throttle.lock().unwrap() = 1;
        let api = client(&base, TOKEN);
        let payload = json!({"method": "chat.postEphemeral",
            "message": {"channel": "C1", "user": "U1", "text": "Nudge"}});
        f.store.queue_slack_message("nudge:i:p:1", "i", &payload).await.unwrap();
        let policy = DeliveryPolicy::default();
        let first = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert_eq!(first.retrying.len(), 1, "{first:?}");
        f.clock.advance(6_000);
        let early = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert!(early.delivered.is_empty() && early.retrying.is_empty(), "Retry-After is 7 s");
        f.clock.advance(1_000);
        let second = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert_eq!(second.delivered.len(), 1, "{second:?}");
        let third = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert!(third.delivered.is_empty());
        assert_eq!(fake.calls.lock().unwrap().len(), 1);
        assert_eq!(f.store.slack_messages().await.unwrap()[0].state, OutboxState::Delivered);

        let refused = json!({"method": "chat.postEphemeral", "message": {"channel": "C1", "text": "no user"}});
        f.store.queue_slack_message("nudge:i:p:2", "i", &refused).await.unwrap();
        let failed = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert_eq!(failed.failed.len(), 1, "{failed:?}");
        let row = &f.store.slack_messages().await.unwrap()[1];
        assert!(row.last_error.as_deref().unwrap().contains("user_not_found"), "{row:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_update_names_its_message_by_key_and_is_sent_with_the_ts_slack_gave_it() {
    common::each_backend(|f| async move {
        let (base, fake) = start().await;
        let api = client(&base, TOKEN);
        let policy = DeliveryPolicy::default();
        let original = json!({"method": "chat.postMessage",
            "message": {"channel": "C1", "thread_ts": "1503435900.000100", "text": "Draft waiting"}});
        let update = json!({"method": "chat.update", "ts_of": "draft:p1",
            "message": {"channel": "C1", "text": "Draft (approved by rita)"}});
        f.store.queue_slack_message("draft:p1", "i", &original).await.unwrap();
        f.store.queue_slack_message("draft-settled:p1", "i", &update).await.unwrap();
        // Whichever is claimed first, the update goes out after the original, with its ts.
        for _ in 0..5 {
            deliver_slack_due(&f.store, &api, &policy).await.unwrap();
            f.clock.advance(60_000);
        }
        let calls = fake.calls.lock().unwrap().clone();
        let methods: Vec<&str> = calls.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(methods, ["chat.postMessage", "chat.update"]);
        assert_eq!(calls[1].1["ts"], "1503435956.000247");
        assert!(calls[1].1.get("ts_of").is_none(), "{:?}", calls[1].1);
        let rows = f.store.slack_messages().await.unwrap();
        assert!(rows.iter().all(|r| r.state == OutboxState::Delivered), "{rows:?}");
        let posted = f.store.slack_message_posted("draft:p1").await.unwrap().unwrap();
        assert_eq!(posted.ts.as_deref(), Some("1503435956.000247"));

        // An update of a message never posted, or never queued, fails for good.
        let refused = json!({"method": "chat.postMessage", "message": {"text": "no channel"}});
        f.store.queue_slack_message("draft:p2", "i", &refused).await.unwrap();
        deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        for (key, of) in [("draft-settled:p2", "draft:p2"), ("draft-settled:p3", "draft:p3")] {
            let update = json!({"method": "chat.update", "ts_of": of,
                "message": {"channel": "C1", "text": "x"}});
            f.store.queue_slack_message(key, "i", &update).await.unwrap();
        }
        let failed = deliver_slack_due(&f.store, &api, &policy).await.unwrap();
        assert_eq!(failed.failed.len(), 2, "{failed:?}");
        assert_eq!(fake.calls.lock().unwrap().len(), 2);
    })
    .await;
}
