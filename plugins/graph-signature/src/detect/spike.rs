//! Spike then settle: a sharp upward excursion far above the baseline that comes back to
//! (about) the same baseline within a few samples or a short decay.
//!
//! "Far above" is judged twice, because bursty series have heavy tails: against the robust
//! spread of the whole window, and against the next-highest separate excursion, so that one
//! more burst in a bursty series is not called a spike. Downward dips are not spikes here.

use super::{Candidate, View, margin};
use crate::stats::{largest, mad_sigma, median};
use crate::{Shape, wording};

/// Height above the baseline, in robust standard deviations of the window.
const MIN_SPREAD_UNITS: f64 = 8.0;
/// A spike this far above the spread is clear even if the window holds another like it
/// (a secondary spike, a recurring job).
const CLEAR_SPREAD_UNITS: f64 = 20.0;
/// Below that, the spike must be the window's clearly largest excursion: at least this many
/// times the next-highest one, so that a bursty series' biggest burst is not called a spike.
const MIN_ISOLATION: f64 = 2.0;
/// The excursion (above half its height) may last at most this share of the window.
const MAX_WIDTH_SHARE: f64 = 0.05;
/// After the spike the level must come back within this share of the spike's height.
const MAX_SETTLE_GAP: f64 = 0.25;

pub fn detect(view: &View) -> Option<Candidate> {
    let v = view.v;
    let n = v.len();
    let baseline = median(v);
    let (peak, &top) = v.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    let height = top - baseline;
    if height <= 0.0 {
        return None;
    }
    let (left, right) = extent(v, peak, baseline + 0.5 * height);
    let width = right - left + 1;
    if width as f64 > (MAX_WIDTH_SHARE * n as f64).max(3.0) {
        return None;
    }
    // Where the excursion has decayed to near the baseline again.
    let (foot_left, foot_right) = extent(v, peak, baseline + 0.2 * height);
    let after = &v[(foot_right + 1).min(n)..];
    let before = &v[..foot_left];
    if after.len() < 3 || before.len() < 3 {
        return None; // at the window's edge there is nothing to settle to, or nothing to rise from
    }
    let settle_window = (n / 10).max(10);
    let settled = median(&after[..after.len().min(settle_window)]);
    let prior = median(&before[before.len().saturating_sub(settle_window)..]);
    let settle_gap = (settled - prior).abs() / height;
    if settle_gap > MAX_SETTLE_GAP {
        return None;
    }
    let spread = spread_without(v, foot_left, foot_right, view.noise);
    let spread_units = height / spread;
    let next = next_highest(v, baseline, foot_left, foot_right, width);
    let isolation = if next > 0.0 {
        height / next
    } else {
        f64::INFINITY
    };
    if spread_units < MIN_SPREAD_UNITS
        || (spread_units < CLEAR_SPREAD_UNITS && isolation < MIN_ISOLATION)
    {
        return None;
    }
    let magnitude = describe(view, baseline, top, foot_left, foot_right);
    let margins = [
        margin(spread_units, MIN_SPREAD_UNITS, 2.0 * CLEAR_SPREAD_UNITS),
        margin(isolation, 1.0, 2.0 * MIN_ISOLATION).max(margin(
            spread_units,
            CLEAR_SPREAD_UNITS,
            2.0 * CLEAR_SPREAD_UNITS,
        )),
        margin(MAX_SETTLE_GAP - settle_gap, 0.0, MAX_SETTLE_GAP * 0.6),
    ];
    Some(Candidate::graded(
        Shape::SpikeThenSettle,
        (foot_left, foot_right),
        &margins,
        magnitude,
    ))
}

/// Widest index range around `peak` whose values stay above `level`.
fn extent(v: &[f64], peak: usize, level: f64) -> (usize, usize) {
    let mut left = peak;
    while left > 0 && v[left - 1] > level {
        left -= 1;
    }
    let mut right = peak;
    while right + 1 < v.len() && v[right + 1] > level {
        right += 1;
    }
    (left, right)
}

/// Robust spread of the window with the spike removed, floored by the sample noise so that a
/// perfectly constant baseline does not make any bump infinitely significant.
fn spread_without(v: &[f64], left: usize, right: usize, noise: f64) -> f64 {
    let rest: Vec<f64> = v[..left].iter().chain(&v[right + 1..]).copied().collect();
    mad_sigma(&rest).max(noise).max(f64::MIN_POSITIVE)
}

/// Height above the baseline of the highest sample outside the spike and a guard band around
/// it (a spike's own shoulders are not a second excursion).
fn next_highest(v: &[f64], baseline: f64, left: usize, right: usize, width: usize) -> f64 {
    let guard = width.max(2);
    let lo = left.saturating_sub(guard);
    let hi = (right + guard).min(v.len() - 1);
    largest(
        v[..lo].iter().chain(&v[hi + 1..]).map(|x| x - baseline),
        0.0,
    )
}

fn describe(view: &View, baseline: f64, top: f64, left: usize, right: usize) -> String {
    let size = if baseline > 0.0 {
        format!("{:.1}x the baseline", top / baseline)
    } else {
        format!("+{} above the baseline", wording::number(top - baseline))
    };
    let lasted = view.span(left.saturating_sub(1), (right + 1).min(view.len() - 1));
    format!(
        "jumped to {} ({size} of {}) and was back within {}",
        wording::number(top),
        wording::number(baseline),
        wording::duration(lasted)
    )
}
