//! `rhyme.toml`'s `[server]` limits reach `rhyme serve` (issue 18, findings 5 and 6): a
//! connection that sends half a request head is closed after `header-read-timeout-ms`, and a
//! series post past `max-points-per-series` is 413 naming the series, with the stored series
//! kept.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use rhyme_tests::server::{Backend, Server};
use serde_json::{Value, json};

#[test]
fn the_server_sections_limits_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rhyme.toml"),
        "[server]\nheader-read-timeout-ms = 300\nmax-connections = 16\nmax-points-per-series = 10\n",
    )
    .unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    let token = backend.token("responder", "ana");
    let server = Server::start(&backend, &[]);

    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: rhyme\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let closed = slow.read_to_end(&mut answer);
    assert!(
        closed.is_ok() || started.elapsed() < Duration::from_secs(19),
        "a half-sent request head held its connection for 20 s: {closed:?}"
    );

    let post =
        |path: &str, body: &Value| server.call("POST", path, Some(&token), Some(&body.to_string()));
    let incident = json!({"id": "i1", "title": "t", "severity": "SEV2", "started": 0});
    assert_eq!(post("/v1/incidents", &incident).status, 201);
    let points = |n: i64| -> Value { (0..n).map(|at| json!({"at": at, "value": 1.0})).collect() };
    let series = "/v1/incidents/i1/series";
    assert_eq!(
        post(series, &json!({"name": "rps", "points": points(8)})).status,
        202
    );
    let refused = post(series, &json!({"name": "rps", "points": points(12)}));
    assert_eq!(refused.status, 413, "{}", refused.text());
    let detail = refused.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("series `rps`")
            && detail.contains("12 points")
            && detail.contains("limit is 10"),
        "{detail}"
    );
    let kept = post(series, &json!({"name": "rps", "points": points(10)}));
    assert_eq!(kept.json()["points"], 10, "{}", kept.text());
}
