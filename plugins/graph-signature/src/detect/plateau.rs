//! Plateau under a peak: the signal rises and is then held flat at a ceiling, clipped below
//! where it would otherwise go; the tell-tale is that the noise vanishes at the top.
//!
//! The top band is the samples within a few percent of the range below the maximum. A rounded
//! hump also spends time near its top, but keeps its jitter there; a clipped signal does not.
//! So the band must hold enough samples, be reached from below after the window starts, and
//! its sample-to-sample noise must be a small fraction of the noise everywhere else, which
//! must itself be real noise (not a quantised, mostly held signal where everything is quiet).

use super::{Candidate, View, margin};
use crate::stats::{diff_noise, largest, median, quantile};
use crate::{Shape, wording};

/// Width of the top band, as a share of the distance from the 5th percentile to the maximum.
const BAND: f64 = 0.04;
/// Share of the window that must sit in the top band.
const MIN_SHARE: f64 = 0.04;
/// Largest ratio of noise at the top to noise elsewhere.
const MAX_NOISE_RATIO: f64 = 0.3;
/// The ceiling must stand this many noise units above the typical level below it.
const MIN_HEIGHT_UNITS: f64 = 3.0;
/// Depth below the ceiling, as a share of the range, where a rounded top would linger.
const SHOULDER: f64 = 0.1;
/// Most samples in that shoulder per sample held at the ceiling: a clipped signal crosses it.
const MAX_SHOULDER: f64 = 1.0;

pub fn detect(view: &View) -> Option<Candidate> {
    let v = view.v;
    let n = v.len();
    let top = largest(v.iter().copied(), f64::NEG_INFINITY);
    let low = quantile(v, 0.05);
    let range = top - low;
    if range <= 0.0 {
        return None;
    }
    let floor = top - BAND * range;
    let in_band: Vec<bool> = v.iter().map(|x| *x >= floor).collect();
    let count = in_band.iter().filter(|b| **b).count();
    let share = count as f64 / n as f64;
    let first = in_band.iter().position(|b| *b)?;
    let last = in_band.iter().rposition(|b| *b)?;
    let entered_from_below = (1..n).any(|i| in_band[i] && !in_band[i - 1]);
    if count < 5 || share < MIN_SHARE || !entered_from_below {
        return None;
    }
    let top_noise = median_step(v, &in_band, true);
    let (inside, outside) = split_by_band(v, &in_band);
    let rest_noise = rest_noise(&outside);
    if rest_noise <= 0.0 {
        return None; // nothing below is noisy, so no noise can vanish at the top
    }
    let ratio = top_noise / rest_noise;
    let ceiling = median(&inside);
    let tolerance = (3.0 * top_noise).max(1e-9 * top.abs());
    let at_ceiling = v
        .iter()
        .filter(|x| (**x - ceiling).abs() <= tolerance)
        .count();
    let shoulder = v
        .iter()
        .filter(|x| **x < ceiling - tolerance && **x >= ceiling - SHOULDER * range)
        .count();
    let sharpness = shoulder as f64 / at_ceiling.max(1) as f64;
    let typical = median(&outside);
    let height_units = (top - typical) / rest_noise;
    if ratio > MAX_NOISE_RATIO || height_units < MIN_HEIGHT_UNITS || sharpness > MAX_SHOULDER {
        return None;
    }
    let held = view
        .span(first, last)
        .min(count as f64 * view.span(0, n - 1) / (n - 1) as f64);
    let magnitude = format!(
        "held at a ceiling of about {} for {} in all ({} of the window), up from a typical {}; the noise vanishes at the top",
        wording::number(ceiling),
        wording::duration(held),
        wording::percent(share),
        wording::number(typical),
    );
    let margins = [
        margin(MAX_NOISE_RATIO - ratio, 0.0, MAX_NOISE_RATIO * 0.8),
        margin(share, MIN_SHARE, 3.0 * MIN_SHARE),
        margin(height_units, MIN_HEIGHT_UNITS, 4.0 * MIN_HEIGHT_UNITS),
        margin(MAX_SHOULDER - sharpness, 0.0, 0.8 * MAX_SHOULDER),
    ];
    Some(Candidate::graded(
        Shape::PlateauUnderPeak,
        (first, last),
        &margins,
        magnitude,
    ))
}

/// Median absolute difference between neighbours that are both inside (or both outside) the
/// band; 0 when there are no such pairs.
fn median_step(v: &[f64], in_band: &[bool], inside: bool) -> f64 {
    let diffs: Vec<f64> = (1..v.len())
        .filter(|i| in_band[*i] == inside && in_band[i - 1] == inside)
        .map(|i| (v[i] - v[i - 1]).abs())
        .collect();
    if diffs.is_empty() {
        0.0
    } else {
        median(&diffs)
    }
}

/// Sample noise below the band, as [`crate::stats::diff_noise`] measures it (so quantised
/// signals whose median step is zero still get their real jitter); 0 when the signal below
/// the band mostly holds its value.
fn rest_noise(below: &[f64]) -> f64 {
    let steps = below.windows(2).count().max(1);
    let still = below.windows(2).filter(|w| w[0] == w[1]).count();
    if still * 10 > steps * 7 {
        return 0.0; // mostly held values: there is no noise below for the top to lose
    }
    diff_noise(below)
}

/// The values in the top band and those below it, each in time order.
fn split_by_band(v: &[f64], in_band: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for (x, in_top) in v.iter().zip(in_band) {
        if *in_top {
            inside.push(*x)
        } else {
            outside.push(*x)
        }
    }
    (inside, outside)
}
