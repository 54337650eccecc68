//! `rhyme serve` under stress and over time: acknowledged events survive SIGKILL during
//! sustained ingest, with no duplicate after the client retries; open incidents get clock
//! ticks from wall time.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rhyme_tests::server::{Backend, Server};
use serde_json::json;

#[test]
fn acknowledged_events_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    let token = backend.token("responder", "loader");
    let server = Server::start(&backend, &[]);
    let incident =
        json!({"id": "load", "title": "Load", "severity": "SEV3", "started": 0}).to_string();
    assert_eq!(
        server
            .call("POST", "/v1/incidents", Some(&token), Some(&incident))
            .status,
        201
    );

    // Two clients send batches of 50 until the server dies; each remembers what was acknowledged.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let sent = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let addr = server.addr.clone();
    let clients: Vec<_> = (0..2)
        .map(|client| {
            let (acked, sent, stop, addr, token) = (acked.clone(), sent.clone(), stop.clone(), addr.clone(), token.clone());
            std::thread::spawn(move || {
                for batch in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let ids: Vec<String> = (0..50).map(|i| format!("c{client}-b{batch}-{i}")).collect();
                    let events: Vec<_> = ids.iter().map(|id| json!({"id": id, "at": 1, "actor": "x", "kind": "message", "text": "load"})).collect();
                    let body = json!({"events": events}).to_string();
                    sent.lock().unwrap().push(ids.clone());
                    let answer = std::panic::catch_unwind(|| {
                        rhyme_tests::server::request(&addr, "POST", "/v1/incidents/load/events", Some(&token), Some(("application/json", body.as_bytes())))
                    });
                    match answer {
                        Ok(r) if r.status == 202 => acked.lock().unwrap().extend(ids),
                        _ => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let mut server = server;
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 100,
        "the load ran: {} events acknowledged",
        acked.len()
    );

    // After a restart, every batch is sent again (a client that never saw its answer retries).
    let server = Server::start(&backend, &[]);
    for ids in sent.lock().unwrap().iter() {
        let events: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "at": 1, "actor": "x", "kind": "message", "text": "load"}))
            .collect();
        let retry = server.call(
            "POST",
            "/v1/incidents/load/events",
            Some(&token),
            Some(&json!({"events": events}).to_string()),
        );
        assert_eq!(retry.status, 202, "{}", retry.text());
    }
    let timeline = server
        .call("GET", "/v1/incidents/load/timeline", Some(&token), None)
        .json();
    let stored: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&str> = stored.iter().copied().collect();
    assert_eq!(unique.len(), stored.len(), "no event stored twice");
    let missing: Vec<&String> = acked
        .iter()
        .filter(|id| !unique.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events lost, e.g. {:?}",
        missing.len(),
        missing.first()
    );
}

#[test]
fn open_incidents_get_clock_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    rhyme_tests::install_builtin(&backend.data, "anti-patterns");
    let token = backend.token("ic", "ic");
    let server = Server::start(&backend, &["--tick-seconds", "1"]);
    let incident =
        json!({"id": "open", "title": "Checkout down", "severity": "SEV1", "started": 0})
            .to_string();
    assert_eq!(
        server
            .call("POST", "/v1/incidents", Some(&token), Some(&incident))
            .status,
        201
    );
    server.wait_for("two clock ticks", || {
        let ticks = server.plugin_calls("anti-patterns", "clock-tick", Some("ok"));
        (ticks >= 2).then_some(())
    });
}
