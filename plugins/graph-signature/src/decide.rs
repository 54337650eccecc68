//! Runs every detector on a clean series and orders what they found.

use crate::detect::{self, Candidate, View};
use crate::prepare::Clean;
use crate::Shape;
use crate::stats::diff_noise;

/// Fewest usable points worth analysing.
const MIN_POINTS: usize = 10;

/// The candidates of every detector, best first.
pub fn signatures(clean: &Clean) -> Vec<Candidate> {
    if clean.len() < MIN_POINTS {
        return Vec::new();
    }
    let view = View { t: &clean.t, v: &clean.v, noise: noise_floor(&clean.v), is_rate: clean.is_rate };
    let mut found: Vec<Candidate> = [
        detect::flatline::detect(&view),
        detect::level_shift::detect(&view),
        detect::oscillation::detect(&view),
        detect::plateau::detect(&view),
        detect::spike::detect(&view),
    ]
    .into_iter()
    .flatten()
    .collect();
    // A spike is judged against a settled baseline; an oscillating series has none, and its
    // biggest swing is part of the oscillation rather than a separate event.
    if found.iter().any(|c| c.shape == Shape::Oscillation) {
        found.retain(|c| c.shape != Shape::SpikeThenSettle);
    }
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    keep_one_per_region(found)
}

/// One stretch of a series has one shape: a weaker candidate that mostly covers the same
/// samples as a stronger one is a second reading of the same thing, and is dropped.
fn keep_one_per_region(ranked: Vec<Candidate>) -> Vec<Candidate> {
    let mut kept: Vec<Candidate> = Vec::new();
    for candidate in ranked {
        if !kept.iter().any(|k| mostly_overlaps(k, &candidate)) {
            kept.push(candidate);
        }
    }
    kept
}

fn mostly_overlaps(a: &Candidate, b: &Candidate) -> bool {
    let shared = (a.end.min(b.end) + 1).saturating_sub(a.start.max(b.start));
    let shorter = (a.end - a.start + 1).min(b.end - b.start + 1);
    2 * shared > shorter
}

/// Sample noise, floored at a tiny share of the values' scale so that a perfectly clean
/// signal does not make every wiggle infinitely significant.
fn noise_floor(v: &[f64]) -> f64 {
    let scale = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    diff_noise(v).max(1e-9 * scale).max(f64::MIN_POSITIVE)
}
