//! Names the shape of a metric series — stair-step rise, cliff-drop, oscillation, flatline,
//! spike-then-settle, plateau under peak — and says where it is, how big it is, what it often
//! means and what to check first.
//!
//! This crate is the pure analysis: points in, signatures out, no I/O, no clock, no threads,
//! so it runs the same natively and inside the wasm sandbox. It prefers silence to a guess: a
//! wrong signature at 3 a.m. costs more than none, so each shape must pass its definition's
//! gates (abruptness, size against the noise, persistence) before it is reported.
//!
//! ```
//! use graph_signature::{analyze, Point, Shape};
//!
//! // Two hours at one-minute resolution: steady around 100, then a fall to about 8.
//! let points: Vec<Point> = (0..120)
//!     .map(|i| {
//!         let level = if i < 80 { 100.0 } else { 8.0 };
//!         Point { t: 1_700_000_000.0 + 60.0 * i as f64, v: level + (i % 3) as f64 }
//!     })
//!     .collect();
//! let found = analyze(&points);
//! assert_eq!(found[0].shape, Shape::CliffDrop);
//! assert!(found[0].magnitude.starts_with("fell 91%"), "{}", found[0].magnitude);
//! ```

mod decide;
pub mod detect;
mod prepare;
mod shape;
pub mod stats;
mod wording;

pub use shape::Shape;

/// One sample of a metric: `t` in Unix seconds, `v` the value. Non-finite values are skipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub t: f64,
    pub v: f64,
}

/// A shape found in a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub shape: Shape,
    /// Where the shape is, in Unix seconds (inclusive).
    pub start: f64,
    pub end: f64,
    /// How big it is, in plain words ("fell 92% within 2 min and stayed down for 40 min").
    pub magnitude: String,
    /// What this shape most often means, most likely first.
    pub meanings: Vec<String>,
    /// What a responder should look at first.
    pub first_check: String,
    /// 0..1: how clearly the shape's definition is met (0.5 = only just).
    pub confidence: f64,
    /// `true` when the input looked like a counter and the shape is that of its rate.
    pub of_rate: bool,
}

/// Finds the shapes in a series, best first; empty when nothing is clearly there.
///
/// Points may come in any order, with gaps, duplicates and `NaN`s; counters are analysed as
/// rates. Series shorter than ten usable points give nothing.
pub fn analyze(points: &[Point]) -> Vec<Signature> {
    signatures_of(prepare::prepare(points.iter().copied()))
}

/// [`analyze`] for a series held as two columns, as the contract carries it: `times` in
/// milliseconds since the Unix epoch, `values` the samples (the longer column is cut to the
/// shorter's length).
pub fn analyze_columns(times: &[i64], values: &[f64]) -> Vec<Signature> {
    let points = times.iter().zip(values).map(|(&at, &v)| Point {
        t: at as f64 / 1000.0,
        v,
    });
    signatures_of(prepare::prepare(points))
}

fn signatures_of(clean: prepare::Clean) -> Vec<Signature> {
    decide::signatures(&clean)
        .into_iter()
        .map(|c| Signature {
            shape: c.shape,
            start: clean.t[c.start],
            end: clean.t[c.end],
            magnitude: if clean.is_rate {
                format!("rate {}", c.magnitude)
            } else {
                c.magnitude
            },
            meanings: c
                .shape
                .meanings()
                .iter()
                .map(|m| (*m).to_string())
                .collect(),
            first_check: c.shape.first_check().to_string(),
            confidence: c.confidence,
            of_rate: clean.is_rate,
        })
        .collect()
}

#[cfg(target_arch = "wasm32")]
mod plugin;
