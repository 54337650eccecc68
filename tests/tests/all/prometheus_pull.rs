//! `rhyme series pull` against a real Prometheus (`tests/scripts/prometheus.sh`, started by
//! `make test`) that scrapes a test `rhyme serve`'s own `/metrics`: the plugin call counter is
//! made to climb one step, pulled back as a series of an incident, and graph-signature names
//! the shape. Also the errors a person meets: Prometheus unreachable, a PromQL error, an
//! empty result, an unknown incident, a bad --range.

use std::time::{Duration, Instant};

use rhyme_tests::server::{Backend, Server, request, unique};
use rhyme_tests::{install_builtin, outcome, wait_until};
use serde_json::json;

/// Scrapes (one a second) to wait at each level, so each side of the step has enough points.
const SAMPLES_PER_LEVEL: usize = 15;

#[test]
fn a_pulled_series_is_stored_and_its_shape_named() {
    let (Some(prometheus), Some(targets)) = (
        env("RHYME_TEST_PROMETHEUS_URL"),
        env("RHYME_TEST_PROMETHEUS_TARGETS"),
    ) else {
        eprintln!(
            "note: RHYME_TEST_PROMETHEUS_URL/_TARGETS are not set (tests/scripts/prometheus.sh); skipping the Prometheus pull test"
        );
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().to_path_buf(),
        database_url: None,
    };
    install_builtin(&backend.data, "graph-signature");
    install_builtin(&backend.data, "anti-patterns");
    let token = backend.token("responder", "puller");
    let server = Server::start(&backend, &[]);
    let incident = unique("pull");
    server.create_incident(
        &token,
        &json!({"id": incident, "title": "Pull", "severity": "SEV3", "started": 0}),
    );

    // Prometheus scrapes this server from now on, its samples labelled with our tag.
    let tag = unique("t");
    let target_file = std::path::Path::new(&targets).join(format!("{tag}.json"));
    let target = json!([{"targets": [server.addr], "labels": {"rhyme_test": tag}}]);
    std::fs::write(&target_file, target.to_string()).unwrap();
    let query = format!("sum(rhyme_plugin_calls_total{{rhyme_test=\"{tag}\"}})");

    // Two levels of the call counter: 20 calls, then 60; each held for a while.
    for (batch, level) in [(0, 20.0), (1, 60.0)] {
        post_events(&server, &token, &incident, batch, 20 + 20 * batch);
        wait_for_samples(&prometheus, &query, level);
    }

    let pull = |args: &[&str]| outcome(&backend.rhyme(&[&["series", "pull"], args].concat()));
    let (code, out, err) = pull(&[
        "--prometheus",
        &prometheus,
        "--query",
        &query,
        "--range",
        "3m",
        "--step",
        "1s",
        "--incident",
        &incident,
        "--name",
        "plugin-calls",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("stored plugin-calls:"), "{out}");

    let pulled: usize = out
        .split("stored plugin-calls: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no point count in: {out}"));
    assert!(
        pulled >= 2 * SAMPLES_PER_LEVEL,
        "{pulled} points pulled: {out}"
    );
    let plot = server.call(
        "GET",
        &format!("/v1/series/{incident}/plugin-calls.svg"),
        Some(&token),
        None,
    );
    assert_eq!(plot.status, 200, "the series is stored: {}", plot.text());

    // Levels held exactly, one abrupt step between them: graph-signature calls that a
    // flatline (a value held exactly) or a stair-step rise, depending on which is clearer.
    let findings = server
        .call(
            "GET",
            &format!("/v1/incidents/{incident}/findings"),
            Some(&token),
            None,
        )
        .json();
    let signatures: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "signature")
        .collect();
    assert!(
        !signatures.is_empty(),
        "no signature finding; pull said:\n{out}\nfindings: {findings}"
    );
    for signature in &signatures {
        assert_eq!(signature["plugin"]["name"], "graph-signature");
        assert!(
            ["stair-step", "flatline"].contains(&signature["subject"].as_str().unwrap()),
            "{signature}"
        );
        assert_eq!(
            signature["evidence"][0]["window"]["series"], "plugin-calls",
            "{signature}"
        );
        assert!(
            out.contains(signature["title"].as_str().unwrap()),
            "the pull prints what was found: {out}"
        );
    }

    // What a person gets wrong, each named.
    let (code, _, err) = pull(&[
        "--prometheus",
        &prometheus,
        "--query",
        "sum((",
        "--range",
        "1m",
        "--incident",
        &incident,
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Prometheus refused the query (bad_data)") && err.contains("parse error"),
        "{err}"
    );
    let (code, _, err) = pull(&[
        "--prometheus",
        &prometheus,
        "--query",
        "rhyme_no_such_metric",
        "--range",
        "1m",
        "--incident",
        &incident,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("returned no series over the last 1m"), "{err}");
    let (code, _, err) = pull(&[
        "--prometheus",
        "http://127.0.0.1:1",
        "--query",
        &query,
        "--range",
        "1m",
        "--incident",
        &incident,
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot reach Prometheus at http://127.0.0.1:1"),
        "{err}"
    );
    let (code, _, err) = pull(&[
        "--prometheus",
        &prometheus,
        "--query",
        &query,
        "--range",
        "1m",
        "--incident",
        "no-such-incident",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("incident `no-such-incident` not found"),
        "{err}"
    );
    let (code, _, err) = pull(&[
        "--prometheus",
        &prometheus,
        "--query",
        &query,
        "--range",
        "6 hours",
        "--incident",
        &incident,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--range"), "{err}");

    let _ = std::fs::remove_file(target_file);
    eprintln!(
        "prometheus pull test took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn post_events(server: &Server, token: &str, incident: &str, batch: usize, count: usize) {
    let events: Vec<_> = (0..count)
        .map(|i| json!({"id": format!("b{batch}-{i}"), "at": 1_000 * (batch * 100 + i + 1), "actor": "ana", "kind": "message", "text": "still looking"}))
        .collect();
    server.post_events(token, incident, &json!(events));
}

/// Waits until Prometheus holds `SAMPLES_PER_LEVEL` scrapes of `query` at `level`.
fn wait_for_samples(prometheus: &str, query: &str, level: f64) {
    let counted = format!("count_over_time(({query} == {level})[5m:1s])");
    let addr = prometheus
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut body = serde_json::Value::Null;
    let enough = wait_until(Duration::from_secs(180), Duration::from_millis(500), || {
        let answer = request(
            addr,
            "GET",
            &format!("/api/v1/query?query={}", encode(&counted)),
            None,
            None,
        );
        body = answer.json();
        let seen = body["data"]["result"][0]["value"][1]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
        (seen as usize >= SAMPLES_PER_LEVEL).then_some(())
    });
    assert!(
        enough.is_some(),
        "Prometheus did not get {SAMPLES_PER_LEVEL} samples at {level} of {query}: {body}"
    );
}

/// Percent-encodes a query parameter.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
