//! What moved first: the built-in first-mover plugin through a real `rhyme serve` (installed
//! from `plugins/first-mover`, granted `incidents`), and `rhyme eval movers` on the shared
//! multivariate set when it is present.

use rhyme_tests::server::{Server, backends, unique};
use rhyme_tests::{builtin_manifest, eval_summary, outcome, rhyme, shared_data};
use serde_json::{Value, json};

const MIN: i64 = 60_000;
/// 2026-09-21T12:00:00Z.
const T0: i64 = 1_790_000_000_000;

/// Four hours a minute: `base` with a small wobble, and `base + jump` from minute `step`.
fn series(name: &str, base: f64, jump: f64, step: Option<i64>) -> String {
    let points: Vec<Value> = (0..240)
        .map(|m| {
            let wobble = base * 0.02 * ((m * 7 % 5) as f64 - 2.0) / 2.0;
            let moved = step.is_some_and(|s| m >= s);
            json!({"at": T0 + m * MIN, "value": base + wobble + if moved { jump } else { 0.0 }})
        })
        .collect();
    json!({"name": name, "unit": "", "points": points}).to_string()
}

#[test]
fn the_series_that_moved_first_is_named_with_its_lead() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        backend.install_plugin(
            &dir.path().join(unique("src")),
            "first_mover",
            &builtin_manifest("first-mover"),
            &["incidents"],
        );
        let responder = backend.token("responder", &unique("resp"));
        let server = Server::start(&backend, &[]);
        let incident = unique("inc");
        server.create_incident(
            &responder,
            &json!({"id": incident, "title": "Checkout slow", "severity": "SEV2", "service": "shop", "started": T0}),
        );
        let posts = [
            series("checkout_latency_ms", 120.0, 700.0, Some(190)),
            series("checkout_errors_pct", 0.5, 0.0, None),
            series("db_pool_waiting", 4.0, 60.0, Some(180)),
        ];
        for body in &posts {
            let answer = server.call(
                "POST",
                &format!("/v1/incidents/{incident}/series"),
                Some(&responder),
                Some(body),
            );
            assert_eq!(answer.status, 202, "{}", answer.text());
        }
        server.wait_for("three series calls", || {
            (server.plugin_calls("first-mover", "metric-series", Some("ok")) == 3).then_some(())
        });
        let found = server
            .call(
                "GET",
                &format!("/v1/incidents/{incident}/findings"),
                Some(&responder),
                None,
            )
            .json();
        let movers: Vec<&Value> = found
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["subject"] == "first-mover")
            .collect();
        assert_eq!(movers.len(), 1, "said once, not once per post: {found:#}");
        let finding = movers[0];
        assert_eq!(
            finding["title"],
            "db_pool_waiting moved first, 10 min before checkout_latency_ms"
        );
        let detail = finding["detail"].as_str().unwrap();
        assert!(
            detail.contains("Did not move: checkout_errors_pct"),
            "{detail}"
        );
        let evidence = finding["evidence"].to_string();
        assert!(
            evidence.contains("db_pool_waiting")
                && evidence.contains(&(T0 + 180 * MIN).to_string()),
            "the onset is cited as the start of a window: {evidence}"
        );
        assert_eq!(finding["plugin"]["name"], "first-mover");
    }
}

/// An example incident's CSV (`timestamp,value`, seconds) as a series body named `name`.
fn example_series(file: &str, name: &str) -> String {
    let path = rhyme_tests::repo_root()
        .join("examples/incidents")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let points: Vec<Value> = text
        .lines()
        .skip(1)
        .map(|line| {
            let (at, value) = line.split_once(',').unwrap();
            json!({"at": at.parse::<i64>().unwrap() * 1000, "value": value.parse::<f64>().unwrap()})
        })
        .collect();
    json!({"name": name, "unit": "", "points": points}).to_string()
}

/// A server with graph-signature and first-mover installed, and `count` incidents that each
/// got the example's requests (`checkout-rps`) then its pool (`db-pool-in-use`), once every
/// series has been answered: the server, a responder's token, a reviewer's, the incidents.
fn example_movers(
    backend: &rhyme_tests::server::Backend,
    scratch: &std::path::Path,
    count: usize,
) -> (Server, String, String, Vec<String>) {
    backend.install_plugin(
        &scratch.join(unique("src")),
        "graph_signature",
        &builtin_manifest("graph-signature"),
        &[],
    );
    backend.install_plugin(
        &scratch.join(unique("src")),
        "first_mover",
        &builtin_manifest("first-mover"),
        &["incidents"],
    );
    let responder = backend.token("responder", &unique("resp"));
    let reviewer = backend.token("reviewer", &unique("rev"));
    let server = Server::start(backend, &[]);
    let incidents: Vec<String> = (0..count).map(|_| unique("inc")).collect();
    for incident in &incidents {
        server.create_incident(
            &responder,
            &json!({"id": incident, "title": "Checkout down", "severity": "SEV1", "service": "checkout", "started": 1_773_046_800_000_i64}),
        );
    }
    // The pool's slow climb to its ceiling, posted last, is dated only by the plateau
    // graph-signature names from 10:01: the detector alone does not see it move.
    for incident in &incidents {
        for body in [
            example_series("checkout-rps.csv", "checkout-rps"),
            example_series("db-pool-in-use.csv", "db-pool-in-use"),
        ] {
            let answer = server.call(
                "POST",
                &format!("/v1/incidents/{incident}/series"),
                Some(&responder),
                Some(&body),
            );
            assert_eq!(answer.status, 202, "{}", answer.text());
        }
    }
    server.wait_for("every series answered", || {
        (server.plugin_calls("first-mover", "metric-series", Some("ok")) == 2 * count).then_some(())
    });
    (server, responder, reviewer, incidents)
}

/// The race this guards: graph-signature and first-mover both answer a posted series, and
/// first-mover dates a series by graph-signature's window when there is one. Called side by
/// side, first-mover read the incident's findings before graph-signature's window for the
/// series just posted was stored, and (with no later series to correct it) named no first
/// mover. first-mover's manifest says it runs `after` graph-signature, so the worker calls it
/// once graph-signature's findings on the same series are stored. The incident's plot of all
/// its series marks the onsets the finding names.
#[test]
fn first_mover_reads_the_signature_of_the_series_just_posted() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path()) {
        // Several incidents at once: a lost race on any of them fails the test.
        let (server, responder, reviewer, incidents) = example_movers(&backend, dir.path(), 4);
        for incident in &incidents {
            let found = server
                .call(
                    "GET",
                    &format!("/v1/incidents/{incident}/findings"),
                    Some(&responder),
                    None,
                )
                .json();
            let titles: Vec<&str> = found
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["subject"] == "first-mover")
                .filter_map(|f| f["title"].as_str())
                .collect();
            assert_eq!(
                titles,
                ["db-pool-in-use moved first, 10 min before checkout-rps"],
                "{incident}: {found:#}"
            );
        }
        let plot = format!("/v1/incidents/{}/plots/movers.svg", incidents[0]);
        let answer = server.call("GET", &plot, Some(&reviewer), None);
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(answer.header("content-type"), Some("image/svg+xml"));
        let svg = answer.text();
        assert!(
            svg.contains("db-pool-in-use moved first, 10 min before checkout-rps")
                && svg.contains("db-pool-in-use onset 10:01")
                && svg.contains("checkout-rps onset 10:11"),
            "both onsets are marked"
        );
        assert_eq!(server.call("GET", &plot, None, None).status, 401);
    }
}

/// The review page's incident view: the first-mover finding under "What moved first", beside
/// the plot of all series (fetched with the reviewer's token, shown once loaded).
#[test]
fn the_review_page_shows_what_moved_first_beside_the_aligned_plot() {
    let Some(driver) = rhyme_tests::webdriver::driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let backend = rhyme_tests::server::Backend {
        data: dir.path().join("data"),
        database_url: None,
    };
    let (server, _, reviewer, incidents) = example_movers(&backend, dir.path(), 1);
    let browser = rhyme_tests::webdriver::Browser::start(&driver);
    let url = |path: &str| format!("http://{}{path}", server.addr);
    browser.goto(&url("/review"));
    browser.type_text(&browser.find("#token"), &reviewer);
    browser.click(&browser.find("#sign-in"));
    browser.wait_css_text("#who", "(reviewer)");
    browser.goto(&url(&format!("/review/incidents/{}", incidents[0])));
    let section = browser.wait_css_text(
        "section.findings-first-mover",
        "db-pool-in-use moved first, 10 min before checkout-rps",
    );
    assert!(section.contains("What moved first"), "{section}");
    let loaded = browser.wait_for("the aligned plot", || {
        let width = browser.execute(
            "const img = document.querySelector('section.findings-first-mover figure.movers-plot img');\n\
             return img && img.complete ? img.naturalWidth : 0;",
            vec![],
        );
        width.as_u64().filter(|w| *w > 0)
    });
    assert_eq!(loaded, 900, "the plot is drawn 900 wide");
    let other = browser.text(&browser.find("main"));
    assert!(
        !other.contains("Other notes"),
        "the finding is not repeated among the other notes: {other}"
    );
    browser.execute(
        "document.querySelector('section.findings-first-mover').scrollIntoView()",
        vec![],
    );
    browser.screenshot(&rhyme_tests::target_dir().join("screenshots/review-movers.png"));
}

#[test]
fn eval_movers_prints_each_segment_and_beats_the_plain_z_score() {
    let Some(shared) = shared_data() else { return };
    let labels = shared.join("metrics/multivariate/labels.jsonl");
    let data = tempfile::tempdir().unwrap();
    let (code, out, err) = outcome(&rhyme(
        data.path(),
        &["eval", "movers", "--labels", labels.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{err}");
    let items: Vec<Value> = out
        .lines()
        .filter(|l| l.starts_with("{\"") && !l.starts_with("{\"summary\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items.len(), 52);
    for item in &items {
        assert!(item["id"].as_str().unwrap().starts_with("mv-"), "{item}");
        assert!(item["moved"].is_array(), "{item}");
        if let Some(onset) = item["onset"].as_str() {
            assert!(
                onset.ends_with('Z') && onset.contains('T'),
                "RFC 3339: {onset}"
            );
        }
    }
    let summary = eval_summary(&out);
    let (method, baseline) = (&summary["method"], &summary["baseline"]);
    let f1 = method["f1"].as_f64().unwrap();
    assert!(f1 > baseline["f1"].as_f64().unwrap() + 0.2, "{summary:#}");
    assert!(f1 >= 0.55, "{summary:#}");
    assert!(
        method["median_onset_error_min"].as_f64().unwrap() <= 5.0,
        "{summary:#}"
    );
    assert!(
        method["quiet_alarms_per_24h"].as_f64().unwrap() <= 1.0,
        "{summary:#}"
    );
}

#[test]
fn rhyme_movers_dates_named_shapes_by_their_window_and_plots_all_series() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    rhyme_tests::install_builtin(&data, "graph-signature");
    rhyme_tests::install_builtin(&data, "first-mover");
    let root = rhyme_tests::repo_root();
    let plot = tmp.path().join("movers.svg");
    let (code, out, err) = outcome(&rhyme(
        &data,
        &[
            "movers",
            root.join("examples/incidents/checkout-rps.csv")
                .to_str()
                .unwrap(),
            root.join("examples/incidents/db-pool-in-use.csv")
                .to_str()
                .unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{err}");
    // The pool climbs to its ceiling (a plateau graph-signature names from 10:01) before the
    // requests fall off a cliff at 10:11: the climb is too slow for the detector alone.
    assert!(
        out.contains("db-pool-in-use moved first, 10 min before checkout-rps"),
        "{out}"
    );
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.contains("db-pool-in-use onset 10:01") && svg.contains("checkout-rps onset 10:11"),
        "both onsets are marked"
    );
}
