//! One detector per shape. Each looks at the clean series and either finds its shape, with
//! the sample range where it is and a confidence, or stays silent.
//!
//! Every detector applies the shape's definition as hard gates (how abrupt, how far beyond
//! the noise, how long it lasts) and only then grades how clearly the gates were passed.

pub mod flatline;
pub mod level_shift;
pub mod oscillation;
pub mod plateau;
pub mod spike;

use crate::Shape;

/// A shape found by a detector, in sample indices of the clean series (`end` inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub shape: Shape,
    pub start: usize,
    pub end: usize,
    pub confidence: f64,
    pub magnitude: String,
}

impl Candidate {
    /// A found shape whose confidence is graded from how clearly each gate was passed
    /// ([`confidence`]): every detector grades the same way, so their confidences compare.
    pub fn graded(
        shape: Shape,
        (start, end): (usize, usize),
        margins: &[f64],
        magnitude: String,
    ) -> Candidate {
        Candidate {
            shape,
            start,
            end,
            confidence: confidence(margins),
            magnitude,
        }
    }
}

/// Maps `x` linearly from `[lo, hi]` onto `[0, 1]`, clamped: how far past a gate a value is.
pub fn margin(x: f64, lo: f64, hi: f64) -> f64 {
    if !x.is_finite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// A confidence from margins: 0.5 when the gates are only just passed, up to 1.0 when every
/// margin is comfortable. The weakest margin dominates, as one doubtful feature should.
fn confidence(margins: &[f64]) -> f64 {
    let weakest = margins.iter().copied().fold(1.0, f64::min);
    let average = margins.iter().sum::<f64>() / margins.len().max(1) as f64;
    0.5 + 0.5 * (0.7 * weakest + 0.3 * average)
}

/// What every detector gets: the clean values and times plus scales computed once.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub t: &'a [f64],
    pub v: &'a [f64],
    /// Sample-to-sample noise ([`crate::stats::diff_noise`]), floored above zero.
    pub noise: f64,
    /// Whether the values are a rate computed from a counter.
    pub is_rate: bool,
}

impl View<'_> {
    pub fn len(&self) -> usize {
        self.v.len()
    }

    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }

    /// Seconds from sample `a` to sample `b`.
    pub fn span(&self, a: usize, b: usize) -> f64 {
        self.t[b] - self.t[a]
    }
}
