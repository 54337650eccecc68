//! Delivery: each approved action reaches its sink exactly once, a sink that is down gets it
//! when it is back, and a sink that refuses the request for good is not hammered.

// The store's own fixtures: a fresh SQLite store, and a fresh PostgreSQL one when configured.
#[path = "../../store/tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Fixture, each_backend, incident, principal};
use rhyme_sinks::{DeliveryPolicy, FileSink, Sinks, WebhookSink, deliver_due, deliver_due_with};
use rhyme_store::approval::{NewProposal, Proposal, ProposalKind};
use rhyme_store::outbox::OutboxState;
use rhyme_store::{Gate, GateConfig, PluginRef, Role};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn approved_actions(f: &Fixture, sink: &str, count: usize) -> Vec<String> {
    f.store.insert_incident(&incident("inc-1")).await.unwrap();
    let gate = Gate::new(
        f.store.clone(),
        GateConfig {
            default_sink: sink.into(),
            ..GateConfig::default()
        },
    );
    let mut ids = Vec::new();
    for i in 0..count {
        let p = gate
            .propose(NewProposal {
                incident: Some("inc-1".into()),
                plugin: PluginRef {
                    name: "runbook".into(),
                    version: "1.0.0".into(),
                },
                requested_by: None,
                action: Some("restart".into()),
                proposal: Proposal {
                    kind: ProposalKind::SuggestedAction,
                    title: format!("Restart worker {i}"),
                    body: format!("restart worker-{i}"),
                    rationale: "memory grows without bound".into(),
                    evidence: vec![],
                },
            })
            .await
            .unwrap();
        gate.approve(&principal("rita", Role::Reviewer), &p.id)
            .await
            .unwrap();
        ids.push(p.id);
    }
    ids
}

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_dispatchers_deliver_each_action_once() {
    each_backend(|f| async move {
        approved_actions(&f, "file", 10).await;
        let path = f.dir().join("actions.jsonl");
        let sinks = Sinks::new().with("file", FileSink::new(&path));
        let replica = f.replica().await;
        let mut tasks = Vec::new();
        for i in 0..6 {
            let store = if i % 2 == 0 {
                f.store.clone()
            } else {
                replica.clone()
            };
            let sinks = sinks.clone();
            tasks.push(tokio::spawn(async move {
                deliver_due(&store, &sinks).await.unwrap()
            }));
        }
        let mut delivered = 0;
        for task in tasks {
            delivered += task.await.unwrap().delivered.len();
        }
        assert_eq!(delivered, 10);
        let written = lines(&path);
        assert_eq!(written.len(), 10);
        let keys: std::collections::BTreeSet<_> = written
            .iter()
            .map(|l| l["idempotency_key"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys.len(), 10);
        assert!(
            f.store
                .outbox(Some(OutboxState::Due))
                .await
                .unwrap()
                .is_empty()
        );
        // Nothing is left to deliver.
        assert_eq!(
            deliver_due(&f.store, &sinks).await.unwrap().delivered.len(),
            0
        );
        let audit = f.store.audit().entries(0, 1000).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "outbox.deliver")
                .count(),
            10
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_lease_is_claimed_again_and_the_file_sink_writes_once() {
    each_backend(|f| async move {
        approved_actions(&f, "file", 1).await;
        let path = f.dir().join("actions.jsonl");
        let sinks = Sinks::new().with("file", FileSink::new(&path));
        // A worker claims the row, delivers, and dies before recording it.
        let claim = f
            .store
            .claim_due(&sinks.names(), "doomed", 10, 60_000)
            .await
            .unwrap()
            .remove(0);
        let delivery = rhyme_sinks::Delivery {
            key: claim.id.clone(),
            payload: claim.payload.clone(),
            attempt: 1,
            at: f.store.now(),
        };
        sinks.get("file").unwrap().deliver(&delivery).await.unwrap();
        // While the lease holds, nobody else takes the row.
        assert!(
            deliver_due(&f.store, &sinks)
                .await
                .unwrap()
                .delivered
                .is_empty()
        );
        f.clock.advance(60_000);
        let report = deliver_due(&f.store, &sinks).await.unwrap();
        assert_eq!(report.delivered, std::slice::from_ref(&claim.id));
        assert_eq!(lines(&path).len(), 1);
        // The dead worker's late bookkeeping does not overwrite the new owner's.
        assert!(!f.store.mark_delivered(&claim).await.unwrap());
        let row = f.store.outbox(None).await.unwrap().remove(0);
        assert_eq!((row.state, row.attempts), (OutboxState::Delivered, 2));
    })
    .await;
}

/// A webhook receiver that records (idempotency key, body) and answers with `status`.
#[derive(Clone, Default)]
struct Receiver {
    status: Arc<AtomicU16>,
    seen: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
}

impl Receiver {
    async fn serve(&self, listener: TcpListener) {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let receiver = self.clone();
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                let status = receiver.status.load(Ordering::SeqCst);
                if status == 200 {
                    receiver.seen.lock().unwrap().push(request);
                }
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nretry-after: 0\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> (String, serde_json::Value) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = socket.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_lowercase();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.strip_prefix(&format!("{name}: "))
                .map(|v| v.trim().to_string())
        })
    };
    let length: usize = header("content-length").unwrap().parse().unwrap();
    while buf.len() < header_end + length {
        let n = socket.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = serde_json::from_slice(&buf[header_end..header_end + length]).unwrap();
    (header("idempotency-key").unwrap(), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_webhook_that_is_down_gets_the_delivery_when_it_is_back() {
    each_backend(|f| async move {
        let ids = approved_actions(&f, "hook", 3).await;
        // Find a free port, and leave nothing listening on it: the sink is down.
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/actions");
        let sinks = Sinks::new().with(
            "hook",
            WebhookSink::with_timeout(&url, Duration::from_secs(5)).unwrap(),
        );
        let policy = DeliveryPolicy::default();
        let down = deliver_due_with(&f.store, &sinks, &policy).await.unwrap();
        assert_eq!(down.retrying.len(), 3);
        // What `/metrics` counts: each attempt under its sink and outcome.
        assert_eq!(
            down.outcomes().collect::<Vec<_>>(),
            [("hook", "retrying"); 3]
        );
        let rows = f.store.outbox(None).await.unwrap();
        assert!(
            rows.iter()
                .all(|r| r.last_error.as_deref().unwrap().contains("connect"))
        );
        // Up, but failing: 503 is retried, with backoff.
        let receiver = Receiver::default();
        receiver.status.store(503, Ordering::SeqCst);
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let server = tokio::spawn({
            let receiver = receiver.clone();
            async move { receiver.serve(listener).await }
        });
        assert!(
            deliver_due_with(&f.store, &sinks, &policy)
                .await
                .unwrap()
                .retrying
                .is_empty(),
            "not due yet"
        );
        f.clock.advance(1_250);
        assert_eq!(
            deliver_due_with(&f.store, &sinks, &policy)
                .await
                .unwrap()
                .retrying
                .len(),
            3
        );
        // Back for good.
        receiver.status.store(200, Ordering::SeqCst);
        f.clock.advance(2_500);
        let report = deliver_due_with(&f.store, &sinks, &policy).await.unwrap();
        assert_eq!(report.delivered.len(), 3);
        assert!(report.outcomes().all(|o| o == ("hook", "delivered")));
        f.clock.advance(3_600_000);
        assert!(
            deliver_due_with(&f.store, &sinks, &policy)
                .await
                .unwrap()
                .delivered
                .is_empty()
        );
        let seen = receiver.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        for (key, body) in &seen {
            assert_eq!(body["idempotency_key"].as_str(), Some(key.as_str()));
            assert!(ids.contains(&body["proposal"].as_str().unwrap().to_string()));
        }
        let rows = f.store.outbox(None).await.unwrap();
        assert!(
            rows.iter()
                .all(|r| r.state == OutboxState::Delivered && r.attempts == 3)
        );
        server.abort();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refusing_webhook_fails_the_row_without_retrying() {
    each_backend(|f| async move {
        approved_actions(&f, "hook", 1).await;
        let receiver = Receiver::default();
        receiver.status.store(422, Ordering::SeqCst);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/actions", listener.local_addr().unwrap());
        let server = tokio::spawn({
            let receiver = receiver.clone();
            async move { receiver.serve(listener).await }
        });
        let sinks = Sinks::new().with("hook", WebhookSink::new(&url).unwrap());
        let report = deliver_due(&f.store, &sinks).await.unwrap();
        assert_eq!(report.outcomes().collect::<Vec<_>>(), [("hook", "failed")]);
        let row = f.store.outbox(None).await.unwrap().remove(0);
        assert_eq!(row.state, OutboxState::Failed);
        assert!(row.last_error.unwrap().contains("422"));
        f.clock.advance(3_600_000);
        assert!(
            deliver_due(&f.store, &sinks)
                .await
                .unwrap()
                .failed
                .is_empty()
        );
        server.abort();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rows_for_a_sink_this_host_lacks_are_left_alone() {
    each_backend(|f| async move {
        approved_actions(&f, "pager", 1).await;
        let path = f.dir().join("actions.jsonl");
        let sinks = Sinks::new().with("file", FileSink::new(&path));
        let report = deliver_due(&f.store, &sinks).await.unwrap();
        assert!(report.delivered.is_empty() && report.retrying.is_empty());
        let row = f.store.outbox(None).await.unwrap().remove(0);
        assert_eq!((row.state, row.attempts), (OutboxState::Due, 0));
    })
    .await;
}
