//! `examples/plugins/error-budget`, a plugin written in Python and built by componentize-py,
//! through the same checks and the same sandbox as the Rust plugins: `rhyme plugin check`,
//! `rhyme plugin install` with a grant, calls on series that should and should not fire, the
//! operator's settings override, and a bad setting reported by name.
//!
//! `make test` builds the component first (`make python-plugin`); a plain `cargo test` without
//! it prints a note and passes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::registry::Registry;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_tests::{outcome, repo_root, rhyme};
use rhyme_world::Sample;
use rhyme_world::types::MetricSeries;

const CALL_FAILED: i32 = 4;
/// 2024-05-01T00:00:00Z, in seconds.
const START: i64 = 1_714_521_600;
/// Minute of the series from which the fast burn runs.
const BAD_FROM: i64 = 120;

fn plugin_dir() -> Option<PathBuf> {
    let dir = repo_root().join("examples/plugins/error-budget");
    if dir.join("build/error-budget.wasm").exists() {
        Some(dir)
    } else {
        eprintln!(
            "note: {}/build/error-budget.wasm is missing: `make python-plugin` (part of `make test`) builds it; skipping",
            dir.display()
        );
        None
    }
}

/// Three hours of one-minute error ratios: 0.05% errors, then (when `fast_burn`) 2.5% for the
/// last hour, 25 times what a 99.9% SLO allows; otherwise a five-minute blip of 3% that a
/// multiwindow rule must not page for.
fn error_ratios(fast_burn: bool) -> Vec<(i64, f64)> {
    (0..180)
        .map(|minute| {
            let bad = if fast_burn {
                minute >= BAD_FROM
            } else {
                (150..155).contains(&minute)
            };
            let noise = (minute % 7) as f64 * 0.00002;
            (
                START + 60 * minute,
                if bad { 0.025 + noise } else { 0.0005 + noise },
            )
        })
        .collect()
}

fn write_csv(dir: &Path, stem: &str, points: &[(i64, f64)]) -> String {
    let mut csv = String::from("timestamp,value\n");
    for (t, v) in points {
        csv.push_str(&format!("{t},{v}\n"));
    }
    let path = dir.join(format!("{stem}.csv"));
    std::fs::write(&path, csv).unwrap();
    path.to_string_lossy().into_owned()
}

/// `rhyme --json signature FILE --plugin error-budget`: the series through the installed plugin.
fn findings(data: &Path, file: &str) -> Vec<serde_json::Value> {
    let (code, out, err) = outcome(&rhyme(
        data,
        &["--json", "signature", file, "--plugin", "error-budget"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    let answer: serde_json::Value =
        serde_json::from_str(out.lines().next().unwrap_or_default()).expect("one JSON line");
    answer["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn python_error_budget_plugin_checks_installs_and_fires_only_on_a_fast_burn() {
    let Some(dir) = plugin_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = dir.to_str().unwrap();

    // The same checks as any plugin: manifest, imports (only `log` of Rhyme's capabilities, no
    // filesystem or sockets), exports, and `describe` agreeing with the manifest.
    let started = Instant::now();
    let (code, out, err) = outcome(&rhyme(&data, &["plugin", "check", dir]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ok: error-budget 0.1.0") && out.contains("imports: log"),
        "{out}"
    );
    eprintln!(
        "note: check (compiling the Python component, then cached) took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (code, out, err) = outcome(&rhyme(&data, &["plugin", "install", dir, "--grant", "log"]));
    assert_eq!(code, 0, "{out}{err}");

    // The contract's conformance checks, the same as for a Rust plugin (compile cache is warm).
    let (code, out, err) = outcome(&rhyme(&data, &["plugin", "test", dir]));
    assert_eq!(code, 0, "conformance failed:\n{out}{err}");

    let burning = write_csv(tmp.path(), "checkout_error_ratio", &error_ratios(true));
    let found = findings(&data, &burning);
    assert_eq!(
        found.len(),
        1,
        "one finding, the most severe rule: {found:?}"
    );
    let finding = &found[0];
    assert_eq!(finding["subject"], "error-budget-fast-burn", "{finding}");
    let title = finding["title"].as_str().unwrap();
    assert!(
        title.contains("checkout_error_ratio") && title.chars().count() <= 80,
        "{title}"
    );
    // The 1-hour window's mean crosses 14.4 × 0.1% about 34 minutes into the bad hour.
    let at = finding["at"].as_i64().expect("the finding says when");
    let bad_from_ms = (START + 60 * BAD_FROM) * 1000;
    assert!(
        (bad_from_ms + 30 * 60_000..=bad_from_ms + 40 * 60_000).contains(&at),
        "fired at {at}, bad from {bad_from_ms}"
    );
    let evidence = finding["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty(), "cites the windows: {finding}");
    assert!(
        evidence.iter().all(|e| e
            .as_str()
            .is_some_and(|e| e.starts_with("checkout_error_ratio 2024-05-01 0"))),
        "{finding}"
    );
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("99.9%") && detail.contains("14.4"),
        "{detail}"
    );

    let blip = write_csv(
        tmp.path(),
        "checkout_error_ratio_blip",
        &error_ratios(false),
    );
    assert!(
        findings(&data, &blip).is_empty(),
        "a five-minute blip must not page"
    );
    let traffic: Vec<(i64, f64)> = error_ratios(true)
        .iter()
        .map(|(t, v)| (*t, v * 40_000.0))
        .collect();
    let not_a_ratio = write_csv(tmp.path(), "checkout_errors_per_second", &traffic);
    assert!(
        findings(&data, &not_a_ratio).is_empty(),
        "errors per second are not a ratio"
    );

    // The operator's override of a setting reaches the plugin: at 99% the same hour burns
    // 2.5× the budget, below every fast-burn threshold.
    let operator = data.join("plugins/operator.toml");
    let mut text = std::fs::read_to_string(&operator).unwrap();
    text.push_str("\n[plugins.error-budget.settings]\nslo = 0.99\n");
    std::fs::write(&operator, &text).unwrap();
    assert!(
        findings(&data, &burning)
            .iter()
            .all(|f| f["subject"] != "error-budget-fast-burn"),
        "no fast burn at 99%"
    );

    // A setting that cannot be right fails the call with its name.
    std::fs::write(&operator, text.replace("slo = 0.99", "slo = 1.5")).unwrap();
    let (code, out, err) = outcome(&rhyme(
        &data,
        &["signature", &burning, "--plugin", "error-budget"],
    ));
    assert_eq!(code, CALL_FAILED, "{out}{err}");
    assert!(err.contains("error-budget") && err.contains("slo"), "{err}");
    std::fs::write(&operator, text.replace("slo = 0.99", "slo = 0.999")).unwrap();

    report_call_latency(&data);
}

/// Prints what a call costs in the sandbox (fresh instance per call, compile cache warm): a
/// figure for the reader, not an assertion.
fn report_call_latency(data: &Path) {
    let registry = Registry::open(data.join("plugins"));
    let sandbox = Sandbox::new(Allocator::Pooling, &registry.operator().unwrap().ceilings).unwrap();
    let started = Instant::now();
    let (plugin, cache) =
        rhyme_tests::wait(registry.load(&sandbox, "error-budget", &Backends::default())).unwrap();
    let load = started.elapsed();
    let ratios = error_ratios(true);
    let samples = ratios.iter().map(|(t, v)| Sample {
        at: t * 1000,
        value: *v,
    });
    let series = MetricSeries::from_samples("checkout_error_ratio", "", samples);
    // A series it does not judge returns right after reading its settings: the cost of a
    // fresh instance of the interpreter's snapshot.
    let other = MetricSeries {
        name: "checkout_latency_p99".into(),
        ..series.clone()
    };
    let found = |s: &MetricSeries| {
        rhyme_tests::wait(plugin.on_series(CallContext { now: 0 }, None, s))
            .unwrap()
            .value
            .findings
            .len()
    };
    let analysed = median_ms(|| found(&series), 1);
    let skipped = median_ms(|| found(&other), 0);
    eprintln!(
        "note: error-budget load {:.0} ms ({cache:?}); on-series, fresh instance: 180 points analysed median {analysed:.1} ms, a series skipped median {skipped:.1} ms",
        load.as_secs_f64() * 1000.0
    );
}

/// The median of 20 timed calls of `call`, each returning `expected` findings.
fn median_ms(call: impl Fn() -> usize, expected: usize) -> f64 {
    let mut times: Vec<f64> = (0..20)
        .map(|_| {
            let started = Instant::now();
            assert_eq!(call(), expected);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
