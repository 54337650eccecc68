//! `rhyme bench ingest` and `rhyme bench seen-before --scale` run end to end on small plans:
//! the figures are printed by `make bench`, never asserted here; these only check that every
//! batch was acknowledged and counted, and that every size and figure is there.

use std::path::Path;

use rhyme_tests::{component, embedding_model, outcome, repo_root, rhyme};

/// `rhyme --json ARGS` in `data`, which must succeed; its printed figures.
fn bench_json(data: &Path, args: &[&str]) -> serde_json::Value {
    let (code, out, err) = outcome(&rhyme(data, &[&["--json"], args].concat()));
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn the_ingest_benchmark_acknowledges_every_batch_and_drains_the_plugin_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let trivial = component("guest_trivial");
    let figures = bench_json(
        tmp.path(),
        &[
            "bench",
            "ingest",
            "--component",
            trivial.to_str().unwrap(),
            "--batches",
            "12",
            "--batch-size",
            "25",
            "--clients",
            "3",
        ],
    );
    assert_eq!(figures["events"], 300, "{figures}");
    assert_eq!(figures["ack"]["samples"], 12, "{figures}");
    assert!(figures["events_per_s"].as_f64().unwrap() > 0.0, "{figures}");
}

/// The crash run of the burst: the server, a `rhyme serve` process, is killed with SIGKILL a
/// second into the burst and started again; every acknowledged event is stored and run.
#[test]
fn the_burst_survives_a_kill_mid_burst_with_nothing_acknowledged_lost() {
    let tmp = tempfile::tempdir().unwrap();
    rhyme_tests::install_builtin(tmp.path(), "anti-patterns");
    let figures = bench_json(
        tmp.path(),
        &[
            "bench",
            "ingest",
            "--burst",
            "--seconds",
            "3",
            "--clients",
            "2",
            "--kill-after",
            "1",
        ],
    );
    assert!(figures["acknowledged"].as_u64().unwrap() > 0, "{figures}");
    assert_eq!(figures["killed"]["at_s"], 1, "{figures}");
    assert_eq!(figures["lost"], 0, "{figures}");
    assert!(figures["drain_s"].is_number(), "drained: {figures}");
}

#[test]
fn the_ingest_benchmark_spreads_the_events_over_each_count_of_incidents() {
    let tmp = tempfile::tempdir().unwrap();
    let trivial = component("guest_trivial");
    let figures = bench_json(
        tmp.path(),
        &[
            "bench",
            "ingest",
            "--component",
            trivial.to_str().unwrap(),
            "--batches",
            "6",
            "--batch-size",
            "10",
            "--clients",
            "2",
            "--incidents",
            "1,2",
        ],
    );
    let runs = figures["runs"].as_array().expect("one run per count");
    assert_eq!(runs.len(), 2, "{figures}");
    for (run, incidents) in runs.iter().zip([1, 2]) {
        assert_eq!(run["incidents"], incidents, "{run}");
        assert_eq!(run["events"], 60, "{run}");
        assert_eq!(run["ack"]["samples"], 6, "{run}");
        assert!(run["processed_per_s"].as_f64().unwrap() > 0.0, "{run}");
        assert!(run["drain_s"].is_number(), "{run}");
    }

    // In text: one incident is printed beside its target; issue 15 sets none for three.
    let (code, out, err) = outcome(&rhyme(
        tmp.path(),
        &[
            "bench",
            "ingest",
            "--component",
            trivial.to_str().unwrap(),
            "--batches",
            "4",
            "--batch-size",
            "10",
            "--incidents",
            "1,3",
        ],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("run target >= 15000 /s"),
        "one incident is printed beside its target: {out}"
    );
    assert_eq!(out.matches("run target").count(), 1, "{out}");
}

#[test]
fn the_scale_benchmark_prints_every_figure_for_each_size_and_a_verdict() {
    if embedding_model().is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let corpus = repo_root().join("examples/postmortems");
    let seen_before = component("seen_before");
    let f = bench_json(
        tmp.path(),
        &[
            "bench",
            "seen-before",
            "--component",
            seen_before.to_str().unwrap(),
            "--corpus",
            corpus.to_str().unwrap(),
            "--scale",
            "20,40",
        ],
    );
    assert_eq!(f["real_postmortems"], 7, "{f}");
    assert!(
        f["corpus"]
            .as_str()
            .unwrap()
            .contains("7 real postmortems repeated with perturbed text"),
        "{f}"
    );
    assert!(f["method"].as_str().unwrap().contains("projected"), "{f}");
    let exact: Vec<&serde_json::Value> = f["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["backend"] == "exact")
        .collect();
    assert_eq!(exact.len(), 2, "{f}");
    assert_eq!(exact[0]["postmortems"], 20);
    assert_eq!(exact[1]["postmortems"], 40);
    assert!(
        exact[1]["passages"].as_u64() > exact[0]["passages"].as_u64(),
        "{f}"
    );
    for row in &exact {
        assert!(row["error"].is_null(), "{row}");
        assert_eq!(row["question"]["samples"], f["questions"], "{row}");
        assert!(row["search"]["p99_us"].is_number(), "{row}");
        let projected = row["embed_seconds_projected"].as_f64().unwrap();
        let import = row["import_seconds"].as_f64().unwrap();
        assert!(projected > 0.0 && import >= projected, "{row}");
        assert!(row["rss_mib"].as_f64().unwrap() > 0.0, "{row}");
        assert!(row["disk_mib"].as_f64().unwrap() > 0.0, "{row}");
    }
    assert!(
        f["verdict"]["setting"]
            .as_str()
            .unwrap()
            .contains("qdrant-url"),
        "{f}"
    );
    assert!(!f["verdict"]["text"].as_str().unwrap().is_empty(), "{f}");
    // Each size's exact index is removed once measured.
    assert!(
        std::fs::read_dir(tmp.path().join("bench-scale"))
            .map(|mut d| d.next().is_none())
            .unwrap_or(true)
    );
}
