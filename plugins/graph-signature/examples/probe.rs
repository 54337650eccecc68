//! Shows what the analysis finds on chosen labelled windows, for looking into a miss.
//!
//! `cargo run --release -p graph-signature --example probe -- w-057 oscillation`
//! (arguments are window ids or labels; the labels file is `../shared/data/metrics`).

use std::path::PathBuf;

use graph_signature::{Point, analyze};

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let labels =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/metrics/labels.jsonl");
    let windows = match rhyme_eval::signatures::load(&labels) {
        Ok(windows) => windows,
        Err(e) => return eprintln!("{e}"),
    };
    for w in windows
        .iter()
        .filter(|w| wanted.iter().any(|x| *x == w.id || *x == w.label))
    {
        println!("{} {} n={} {}", w.id, w.label, w.points.len(), w.series);
        let points: Vec<Point> = w.points.iter().map(|p| Point { t: p.t, v: p.v }).collect();
        for s in analyze(&points) {
            println!("  => {} {:.2} {}", s.shape, s.confidence, s.magnitude);
        }
    }
}
