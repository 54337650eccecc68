//! Runs every detector on a clean series and orders what they found.

use crate::Shape;
use crate::detect::{self, Candidate, View};
use crate::prepare::Clean;
use crate::stats::{diff_noise, largest};

/// Fewest usable points worth analysing.
const MIN_POINTS: usize = 10;

/// The candidates of every detector, best first.
pub(crate) fn signatures(clean: &Clean) -> Vec<Candidate> {
    if clean.len() < MIN_POINTS {
        return Vec::new();
    }
    let view = View {
        t: &clean.t,
        v: &clean.v,
        noise: noise_floor(&clean.v),
        is_rate: clean.is_rate,
    };
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
    prefer_specific_readings(&mut found);
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    keep_one_per_region(found)
}

/// Pairs where the first shape, when found over the same samples, is the more specific
/// account of the second: a fall to an exactly held value is a stopped signal (check the
/// collector and the process) more than a cliff; a rise into a level where the noise vanishes
/// is a ceiling more than a step.
const MORE_SPECIFIC: [(Shape, Shape); 2] = [
    (Shape::Flatline, Shape::CliffDrop),
    (Shape::PlateauUnderPeak, Shape::StairStep),
];

/// Lets the more specific reading of a region take the confidence of the general one.
fn prefer_specific_readings(found: &mut [Candidate]) {
    for (specific, general) in MORE_SPECIFIC {
        let general_confidence = found
            .iter()
            .filter(|g| g.shape == general)
            .filter(|g| {
                found
                    .iter()
                    .any(|s| s.shape == specific && mostly_overlaps(s, g))
            })
            .map(|g| g.confidence)
            .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))));
        if let Some(confidence) = general_confidence {
            for s in found.iter_mut().filter(|s| s.shape == specific) {
                // Strictly ahead of the general reading, so that sorting keeps it first.
                s.confidence = s
                    .confidence
                    .max(confidence)
                    .max((confidence + 1e-9).min(1.0));
            }
        }
    }
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
    let scale = largest(v.iter().map(|x| x.abs()), 0.0);
    diff_noise(v).max(1e-9 * scale).max(f64::MIN_POSITIVE)
}
