//! `rhyme bench ingest` runs end to end on a small plan: the figures are printed by `make bench`,
//! never asserted here; this only checks that every batch was acknowledged and counted.

use rhyme_tests::{component, outcome, rhyme};

#[test]
fn the_ingest_benchmark_acknowledges_every_batch_and_drains_the_plugin_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let trivial = component("guest_trivial");
    let (code, out, err) = outcome(&rhyme(
        tmp.path(),
        &[
            "--json",
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
    ));
    assert_eq!(code, 0, "{out}{err}");
    let figures: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
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
    let (code, out, err) = outcome(&rhyme(
        tmp.path(),
        &[
            "--json",
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
    ));
    assert_eq!(code, 0, "{out}{err}");
    let figures: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert!(figures["acknowledged"].as_u64().unwrap() > 0, "{figures}");
    assert_eq!(figures["killed"]["at_s"], 1, "{figures}");
    assert_eq!(figures["lost"], 0, "{figures}");
    assert!(figures["drain_s"].is_number(), "drained: {figures}");
}
