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
