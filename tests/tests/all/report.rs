//! `rhyme report` and `/v1/report` against a real `rhyme serve` running the built anti-pattern
//! plugin, on SQLite and (when `RHYME_TEST_DATABASE_URL` is set) PostgreSQL: incidents with
//! timelines sent through the API give the response times their event kinds define, with the
//! incidents that lack an event listed; the count rose against the window before and the report
//! says the rise may be better detection; nudges and the IC's answers are counted as the
//! findings show; the CLI and the API give the same figures; the plots are SVG; bad windows name
//! the field; and the report queued as a draft is one a responder cannot approve and a reviewer
//! can, published to the Markdown sink its kind is routed to only once approved.

use chrono::{DateTime, Duration, Utc};
use rhyme_tests::server::{Backend, Server, backends, unique};
use rhyme_tests::webdriver::{Browser, driver};
use rhyme_tests::{outcome, rhyme_binary};
use serde_json::{Value, json};

const MIN: i64 = 60_000;

#[test]
fn the_report_over_incidents_sent_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        report_on(&backend, &dir.path().join("src"));
    }
}

/// The review page's report tab in headless Chromium: the headline and the context note first,
/// the incident lacking an acknowledgement named, both plots drawn, and the report queued for
/// review by a responder.
#[test]
fn the_review_page_shows_the_report_and_queues_it() {
    let Some(driver) = driver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    backend.install_plugin(
        &dir.path().join("src"),
        "anti_patterns",
        &rhyme_tests::builtin_manifest("anti-patterns"),
        &["incidents"],
    );
    let responder = backend.token("responder", &unique("resp"));
    let server = Server::start(&backend, &["--tick-seconds", "3600"]);
    let fx = seed(&server, &responder);

    let browser = Browser::start(&driver);
    let to = fx.to.replace('+', "%2B");
    browser.goto(&format!(
        "http://{}/review/report?since=7d&to={to}",
        server.addr
    ));
    browser.type_text(&browser.find("#token"), &responder);
    browser.click(&browser.find("#sign-in"));
    browser.wait_css_text("#report-heading", "3 incidents (before: 1)");
    assert!(
        browser
            .text(&browser.find(".context-note"))
            .contains("better detection")
    );
    let times = browser.text(&browser.find("#report-times"));
    assert!(
        times.contains(&format!(
            "{} (no acknowledgement after the first alert)",
            fx.b
        )),
        "{times}"
    );
    browser.wait_for("both plots", || {
        (browser.find_all(".report-plots img").len() == 2).then_some(())
    });
    browser.click(&browser.find("#report-queue"));
    let queued = browser.wait_css_text("#report-queued", "Queued as");
    let id = queued
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_end_matches(';');
    let proposal = server.call(
        "GET",
        &format!("/v1/proposals/{id}"),
        Some(&responder),
        None,
    );
    assert_eq!(proposal.status, 200, "{}", proposal.text());
}

/// A window of its own for each run: a day in a far year from the clock's nanoseconds, so runs
/// sharing one PostgreSQL never see one another's incidents.
fn window_end() -> DateTime<Utc> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let base = DateTime::parse_from_rfc3339("2200-01-01T00:00:00Z").unwrap();
    base.with_timezone(&Utc) + Duration::days(i64::from(nanos % 20_000) * 2)
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn event(id: &str, at: i64, actor: &str, role: &str, kind: &str, text: &str) -> Value {
    json!({"id": id, "at": at, "actor": actor, "role": role, "kind": kind, "text": text})
}

struct Fixture {
    to: String,
    /// Incidents: a, timed fully; b, never acknowledged, mitigated or resolved; c, no alert.
    a: String,
    b: String,
    c: String,
}

fn report_on(backend: &Backend, src: &std::path::Path) {
    backend.install_plugin(
        src,
        "anti_patterns",
        &rhyme_tests::builtin_manifest("anti-patterns"),
        &["incidents"],
    );
    let responder = backend.token("responder", &unique("resp"));
    let ic = backend.token("ic", &unique("ic"));
    let reviewer = backend.token("reviewer", &unique("rev"));
    let published = backend.data.join("reports");
    let gate = backend.data.join("report-gate.toml");
    std::fs::write(&gate, "[routes]\ndraft-report = \"reports\"\n").unwrap();
    let sink = format!("reports=markdown:{}", published.display());
    let server = Server::start(
        backend,
        &[
            "--tick-seconds",
            "3600",
            "--sink",
            &sink,
            "--gate",
            gate.to_str().unwrap(),
            "--deliver-ms",
            "50",
        ],
    );
    let fx = seed(&server, &responder);

    // The CLI, reading the store directly.
    let (code, out, err) =
        outcome(&backend.rhyme(&["--json", "report", "--since", "7d", "--to", &fx.to]));
    assert_eq!(code, 0, "{out}{err}");
    let cli: Value = serde_json::from_str(out.trim()).unwrap();
    figures(&cli, &fx);
    nudges_as_the_findings_show(&server, &responder, &ic, backend, &fx);

    // The API gives the same figures, to any role.
    let query = format!("since=7d&to={}", fx.to.replace('+', "%2B"));
    let (code, out, err) =
        outcome(&backend.rhyme(&["--json", "report", "--since", "7d", "--to", &fx.to]));
    assert_eq!(code, 0, "{out}{err}");
    let cli: Value = serde_json::from_str(out.trim()).unwrap();
    let api = server.call(
        "GET",
        &format!("/v1/report?{query}"),
        Some(&responder),
        None,
    );
    assert_eq!(api.status, 200, "{}", api.text());
    assert_eq!(api.json(), cli, "the API and the CLI give the same report");
    let remote = cli_remote(
        &server,
        &responder,
        &[
            "--json", "report", "--remote", "--since", "7d", "--to", &fx.to,
        ],
    );
    assert_eq!(serde_json::from_str::<Value>(remote.trim()).unwrap(), cli);

    // Markdown: headline first, the context note, the incidents that lack events named.
    let (code, md, err) = outcome(&backend.rhyme(&["report", "--since", "7d", "--to", &fx.to]));
    assert_eq!(code, 0, "{err}");
    assert!(md.starts_with("# Incident report"), "{md}");
    assert!(
        md.contains("- **3 incidents** (the window before: 1)"),
        "{md}"
    );
    assert!(md.contains("better detection"), "{md}");
    assert!(
        md.contains(&format!(
            "`{}` (no acknowledgement after the first alert)",
            fx.b
        )),
        "{md}"
    );
    assert!(md.contains("never people"), "{md}");

    // Plots, and windows refused with the field named.
    let svg = server.call(
        "GET",
        &format!("/v1/report/plots/incidents.svg?{query}"),
        Some(&responder),
        None,
    );
    assert_eq!(svg.status, 200, "{}", svg.text());
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(svg.text().starts_with("<svg"));
    let ttr = server.call(
        "GET",
        &format!("/v1/report/plots/time-to-resolve.svg?{query}"),
        Some(&responder),
        None,
    );
    assert_eq!(ttr.status, 200, "{}", ttr.text());
    let missing = server.call("GET", "/v1/report/plots/nope.svg", Some(&responder), None);
    assert_eq!(missing.status, 404);
    let bad = server.call("GET", "/v1/report?since=7x", Some(&responder), None);
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(bad.text().contains("since"), "{}", bad.text());
    let (code, _, err) = outcome(&backend.rhyme(&["report", "--since", "7x"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--since: expected a duration like 7d or 12h"),
        "{err}"
    );
    let anonymous = server.call("GET", "/v1/report", None, None);
    assert_eq!(anonymous.status, 401);

    through_the_gate(&server, &responder, &reviewer, &fx, &published);
}

/// Three incidents in the window and one in the window before, with timelines sent through
/// the API; waits for the anti-pattern plugin to have seen every event.
fn seed(server: &Server, token: &str) -> Fixture {
    let end = window_end();
    let to = end.to_rfc3339();
    let t = |days: i64, minutes: i64| ms(end - Duration::days(days)) + minutes * MIN;
    let fx = Fixture {
        to,
        a: unique("rep-a"),
        b: unique("rep-b"),
        c: unique("rep-c"),
    };
    let before = unique("rep-before");
    let service = unique("checkout");
    let create = |id: &str, sev: &str, service: &str, started: i64, ended: Option<i64>| {
        server.create_incident(
            token,
            &json!({"id": id, "title": format!("incident {id}"), "severity": sev, "service": service, "started": started, "ended": ended}),
        );
    };
    let (a0, b0, c0, p0) = (t(6, 0), t(4, 0), t(2, 0), t(9, 0));
    create(&fx.a, "SEV1", &service, a0, None);
    create(&fx.b, "SEV3", "search", b0, None);
    create(&fx.c, "sev2", &service, c0, Some(c0 + 20 * MIN));
    create(&before, "SEV1", &service, p0, Some(p0 + 10 * MIN));
    let timelines = [
        (
            &fx.a,
            vec![
                event(
                    "a1",
                    a0 + 2 * MIN,
                    "alertmanager",
                    "system",
                    "alert",
                    "checkout 5xx above 20%",
                ),
                event(
                    "a2",
                    a0 + 3 * MIN,
                    "pagerbot",
                    "system",
                    "message",
                    "paged the on-call",
                ),
                event(
                    "a3",
                    a0 + 4 * MIN,
                    "ines",
                    "ic",
                    "role_change",
                    "I'm IC, Omar on ops",
                ),
                event(
                    "a4",
                    a0 + 8 * MIN,
                    "omar",
                    "ops",
                    "message",
                    "payment pods restarting",
                ),
                event(
                    "a5",
                    a0 + 25 * MIN,
                    "omar",
                    "ops",
                    "message",
                    "still looking at the pool",
                ),
                event(
                    "a6",
                    a0 + 30 * MIN,
                    "omar",
                    "ops",
                    "mitigation",
                    "rolled back the config",
                ),
                event("a7", a0 + 50 * MIN, "ines", "ic", "resolution", "all clear"),
            ],
        ),
        (
            &fx.b,
            vec![
                event(
                    "b1",
                    b0 + MIN,
                    "synthetics",
                    "system",
                    "alert",
                    "search latency probe failing",
                ),
                event(
                    "b2",
                    b0 + 5 * MIN,
                    "sam",
                    "stakeholder",
                    "message",
                    "any news on search?",
                ),
            ],
        ),
        (
            &fx.c,
            vec![
                event(
                    "c1",
                    c0,
                    "lea",
                    "ic",
                    "role_change",
                    "I'm IC for the refund errors",
                ),
                event(
                    "c2",
                    c0 + 10 * MIN,
                    "omar",
                    "ops",
                    "mitigation",
                    "disabled the refund flag",
                ),
            ],
        ),
        (
            &before,
            vec![event(
                "p1",
                p0 + MIN,
                "alertmanager",
                "system",
                "alert",
                "checkout down",
            )],
        ),
    ];
    let mut sent = 0;
    let calls_before = server.plugin_calls("anti-patterns", "timeline-event", None);
    for (incident, events) in timelines {
        let events: Vec<Value> = events
            .into_iter()
            .map(|mut e| {
                e["id"] = json!(format!("{incident}-{}", e["id"].as_str().unwrap()));
                e
            })
            .collect();
        sent += events.len();
        server.post_events(token, incident, &Value::Array(events));
    }
    server.wait_for("the anti-pattern plugin's calls", || {
        let calls = server.plugin_calls("anti-patterns", "timeline-event", None);
        (calls >= calls_before + sent).then_some(())
    });
    fx
}

fn lacking(report: &Value, measure: usize) -> Vec<(String, String)> {
    report["times"][measure]["lacking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["incident"].as_str().unwrap().to_string(),
                l["lack"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn figures(report: &Value, fx: &Fixture) {
    let pair = |id: &String, lack: &str| (id.clone(), lack.to_string());
    let c = &report["context"];
    assert_eq!(c["current"]["incidents"], 3, "{c:#}");
    assert_eq!(c["previous"]["incidents"], 1);
    assert_eq!(
        c["current"]["alert_sources"], 2,
        "alertmanager and synthetics"
    );
    assert_eq!(c["current"]["low_severity"], 1);
    let note = c["notes"][0].as_str().unwrap();
    assert!(
        note.contains("rose from 1 to 3") && note.contains("better detection"),
        "{note}"
    );
    let times = &report["times"];
    // Detect: a 2m, b 1m; c has no alert.
    assert_eq!(times[0]["measure"], "detect");
    assert_eq!(
        (times[0]["n"].clone(), times[0]["median_ms"].clone()),
        (json!(2), json!(90_000))
    );
    assert_eq!(times[0]["p90_ms"], Value::Null, "n is too small for a p90");
    assert_eq!(lacking(report, 0), [pair(&fx.c, "no-alert")]);
    // Acknowledge: a's IC took it 2m after the alert (the pager bot's echo does not count);
    // b's only answer is a stakeholder asking for news.
    assert_eq!(
        (times[1]["n"].clone(), times[1]["median_ms"].clone()),
        (json!(1), json!(2 * MIN))
    );
    assert_eq!(
        lacking(report, 1),
        [pair(&fx.b, "no-acknowledgement"), pair(&fx.c, "no-alert")]
    );
    // Mitigate: a 30m, c 10m; b none.
    assert_eq!(
        (times[2]["n"].clone(), times[2]["median_ms"].clone()),
        (json!(2), json!(20 * MIN))
    );
    assert_eq!(lacking(report, 2), [pair(&fx.b, "no-mitigation")]);
    // Resolve: a's resolution event at 50m, c's recorded end at 20m; b is open.
    assert_eq!(
        (times[3]["n"].clone(), times[3]["median_ms"].clone()),
        (json!(2), json!(35 * MIN))
    );
    assert_eq!(lacking(report, 3), [pair(&fx.b, "not-resolved")]);
    let incidents = report["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 3);
    assert_eq!(incidents[0]["id"], json!(fx.a));
    assert_eq!(incidents[0]["resolve_ms"], 50 * MIN);
    let v = &report["volume"];
    assert_eq!(v["bucket"], "day");
    assert_eq!(v["buckets"].as_array().unwrap().len(), 7);
    assert_eq!(
        v["per_bucket"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>(),
        3
    );
    let severities: Vec<(&str, u64)> = v["by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["total"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        severities,
        [("SEV1", 1), ("SEV2", 1), ("SEV3", 1)],
        "sev2 counted as SEV2"
    );
    assert_eq!(v["by_service"][0]["total"], 2, "{v:#}");
    // Nothing in the report names a person.
    let text = report.to_string();
    for person in ["ines", "omar", "lea", "sam"] {
        assert!(
            !text.contains(&format!("\"{person}\"")),
            "{person} named in {text}"
        );
    }
}

/// The IC acknowledges one fired pattern; the report's nudge table counts per incident and
/// pattern exactly as the stored findings and answers say.
fn nudges_as_the_findings_show(
    server: &Server,
    responder: &str,
    ic: &str,
    backend: &Backend,
    fx: &Fixture,
) {
    let mut fired: std::collections::BTreeMap<String, (usize, std::collections::BTreeSet<String>)> =
        Default::default();
    for incident in [&fx.a, &fx.b, &fx.c] {
        let findings = server
            .call(
                "GET",
                &format!("/v1/incidents/{incident}/findings"),
                Some(responder),
                None,
            )
            .json();
        for f in findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "nudge")
        {
            let entry = fired
                .entry(f["subject"].as_str().unwrap().to_string())
                .or_default();
            entry.0 += 1;
            entry.1.insert(incident.clone());
        }
    }
    assert!(!fired.is_empty(), "the SEV1 without updates fires a nudge");
    let (pattern, (_, on)) = fired.iter().next().unwrap();
    let answered = on.iter().next().unwrap();
    let ack = server.call(
        "POST",
        &format!("/v1/incidents/{answered}/nudges/{pattern}/acknowledge"),
        Some(ic),
        Some("{}"),
    );
    assert_eq!(ack.status, 200, "{}", ack.text());
    let (code, out, err) =
        outcome(&backend.rhyme(&["--json", "report", "--since", "7d", "--to", &fx.to]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(out.trim()).unwrap();
    let rows = report["nudges"].as_array().unwrap();
    assert_eq!(rows.len(), fired.len(), "{rows:#?}");
    for row in rows {
        let (count, incidents) = &fired[row["pattern"].as_str().unwrap()];
        assert_eq!(row["fired"], json!(count));
        assert_eq!(row["incidents"], json!(incidents.len()));
        let acknowledged = usize::from(row["pattern"] == json!(pattern));
        assert_eq!(row["acknowledged"], json!(acknowledged), "{row}");
        assert_eq!(row["muted"], 0);
        assert_eq!(row["ignored"], json!(incidents.len() - acknowledged));
    }
}

fn cli_remote(server: &Server, token: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(rhyme_binary())
        .args(args)
        .args(["--server", &format!("http://{}", server.addr)])
        .env("RHYME_TOKEN", token)
        .env_remove("RHYME_SERVER")
        .output()
        .expect("running rhyme report");
    let (code, out, err) = outcome(&output);
    assert_eq!(code, 0, "{out}{err}");
    out
}

/// Queued from the CLI by a responder: pending, a `draft-report` with the Markdown as its
/// text; the responder cannot approve it, a reviewer can.
fn through_the_gate(
    server: &Server,
    responder: &str,
    reviewer: &str,
    fx: &Fixture,
    published: &std::path::Path,
) {
    let out = cli_remote(
        server,
        responder,
        &[
            "--json", "report", "--draft", "--since", "7d", "--to", &fx.to,
        ],
    );
    let proposal: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(proposal["kind"], "draft-report", "{proposal:#}");
    assert_eq!(proposal["state"], "pending");
    assert_eq!(proposal["incident"], Value::Null);
    assert!(
        proposal["body"]
            .as_str()
            .unwrap()
            .contains("better detection")
    );
    let id = proposal["id"].as_str().unwrap();
    let listed = server
        .call("GET", "/v1/proposals", Some(reviewer), None)
        .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == json!(id))
    );
    let file = published.join(format!("draft-report-{id}.md"));
    assert!(!file.exists(), "nothing is published before approval");
    let refused = server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(responder),
        None,
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    let approved = server.call(
        "POST",
        &format!("/v1/proposals/{id}/approve"),
        Some(reviewer),
        None,
    );
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!(
        approved.json()["proposal"]["state"],
        "approved",
        "{}",
        approved.text()
    );
    let doc = server.wait_for("the published report", || {
        std::fs::read_to_string(&file).ok()
    });
    assert!(doc.contains("kind: \"draft-report\""), "{doc}");
    assert!(
        doc.contains("# Incident report") && doc.contains("better detection"),
        "{doc}"
    );
    let bad = server.call(
        "POST",
        "/v1/report/drafts",
        Some(responder),
        Some(r#"{"since": "soon"}"#),
    );
    assert_eq!(bad.status, 422, "{}", bad.text());
    let reviewer_queue = server.call("POST", "/v1/report/drafts", Some(reviewer), Some("{}"));
    assert_eq!(
        reviewer_queue.status, 403,
        "queuing is the responders' and ICs'"
    );
}
