//! Runs the analysis on every labelled window of `shared/data/metrics/labels.jsonl` and scores
//! it with `rhyme-eval`, exactly as `rhyme eval signatures` does in the sandbox.
//!
//! Prints every miss, the summary (all windows and real windows only), and the figures on two
//! halves of the data split by series file, so that a rule that only fits some series shows up
//! as a gap between the halves. Fails below a floor set a little under the measured figures.

use std::path::PathBuf;

use graph_signature::{Point, analyze};
use rhyme_eval::signatures::{self, NONE, Summary, Window};

/// Floors, a little under the figures measured when the analysis was last tuned.
const FLOOR_MACRO_F1: f64 = 0.95;
const FLOOR_REAL_MACRO_F1: f64 = 0.95;
const CEILING_FALSE_SIGNATURES: f64 = 0.04;

fn labels() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("../shared/data/metrics/labels.jsonl");
    path.exists().then_some(path)
}

fn predict(window: &Window) -> &'static str {
    let points: Vec<Point> = window
        .points
        .iter()
        .map(|p| Point { t: p.t, v: p.v })
        .collect();
    analyze(&points).first().map_or(NONE, |s| s.shape.id())
}

fn summarise(windows: &[&Window], predicted: &[&'static str]) -> Summary {
    signatures::score(windows.iter().copied().zip(predicted.iter().copied())).expect("known labels")
}

fn line(name: &str, s: &Summary) {
    println!(
        "{name:>10}: n={:3} macro-F1 {:.3} (real {:.3}) false signatures {:.1}% (real {:.1}%) accuracy {:.3}",
        s.all.n,
        s.all.macro_f1,
        s.real_only.macro_f1,
        100.0 * s.all.false_signature_rate.unwrap_or(0.0),
        100.0 * s.real_only.false_signature_rate.unwrap_or(0.0),
        s.all.accuracy,
    );
}

/// A stable half of the series files, independent of window ids and labels.
fn half(series: &str) -> bool {
    series.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    }) % 2
        == 0
}

#[test]
fn signatures_on_labelled_windows() {
    let Some(path) = labels() else {
        eprintln!("skipped: ../shared/data/metrics/labels.jsonl not found");
        return;
    };
    let windows = signatures::load(&path).expect("labels load");
    let predicted: Vec<&'static str> = windows.iter().map(predict).collect();
    for (w, p) in windows.iter().zip(&predicted) {
        if w.label != *p {
            println!(
                "miss {} {:<18} -> {:<18} {}{}",
                w.id,
                w.label,
                p,
                w.series,
                if w.derived { " (derived)" } else { "" }
            );
        }
    }
    let all: Vec<&Window> = windows.iter().collect();
    let summary = summarise(&all, &predicted);
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "summary": summary })).unwrap()
    );
    line("all", &summary);
    for side in [true, false] {
        let (ws, ps): (Vec<&Window>, Vec<&'static str>) = windows
            .iter()
            .zip(&predicted)
            .filter(|(w, _)| half(&w.series) == side)
            .map(|(w, p)| (w, *p))
            .unzip();
        line(if side { "half A" } else { "half B" }, &summarise(&ws, &ps));
    }
    assert!(
        summary.all.macro_f1 >= FLOOR_MACRO_F1,
        "macro-F1 {} below floor",
        summary.all.macro_f1
    );
    assert!(
        summary.real_only.macro_f1 >= FLOOR_REAL_MACRO_F1,
        "real macro-F1 below floor"
    );
    let rate = summary.all.false_signature_rate.unwrap_or(0.0);
    assert!(
        rate <= CEILING_FALSE_SIGNATURES,
        "false-signature rate {rate} above ceiling"
    );
}
