//! Level shifts: cliff-drop (an abrupt fall to a clearly lower level that stays down) and
//! stair-step rise (one or more abrupt rises, each new level kept to the end).
//!
//! Change points are found by binary segmentation: the split that best separates two means,
//! then the same inside each part. A split is kept only if it is a real *step*: most of the
//! change happens within a few samples (a daily ramp or a slow drift moves the same distance
//! over dozens of samples), the change is far beyond both the sample noise and the spread
//! inside each side, and the two sides sit on their own side of the midpoint. Whether the new
//! level lasts is judged against the rest of the window, not just the part being split.

use super::{Candidate, View, margin};
use crate::stats::{diff_noise, mad_sigma, median};
use crate::{Shape, wording};

/// Samples on each side of an edge used to measure how sudden it is.
const EDGE: usize = 3;
/// Share of the total change that must happen at the edge itself.
const MIN_ABRUPT: f64 = 0.5;
/// The change must exceed this many sample-noise units ...
const MIN_NOISE_UNITS: f64 = 3.0;
/// ... and this many times the spread inside each side.
const MIN_SPREAD_UNITS: f64 = 2.5;
/// Share of samples after the edge that must stay on the new side of the midpoint.
const MIN_PERSIST: f64 = 0.85;
/// A cliff loses at least this share of the level it fell from ...
const MIN_CLIFF_DROP: f64 = 0.3;
/// ... and falls "far beyond the noise": more than a step's "several times" the spread.
const MIN_CLIFF_SPREAD_UNITS: f64 = 4.0;
/// Samples on each side of an edge that define the levels it separates: a tenth of the
/// window, but never more than this, so that in a week-long series a step is compared with
/// the hours around it rather than with last Tuesday.
const MAX_REACH: usize = 120;
/// Most samples an abrupt edge may take to complete, however long the window.
const MAX_TRANSITION: usize = 8;
/// At most this many steps are looked for; real staircases have few, visible steps.
const MAX_SHIFTS: usize = 8;

/// One accepted step between two levels at sample `at` (first sample of the new level).
#[derive(Debug, Clone, Copy)]
struct Shift {
    at: usize,
    before: f64,
    after: f64,
    abrupt: f64,
    noise_units: f64,
    spread_units: f64,
}

pub fn detect(view: &View) -> Option<Candidate> {
    let n = view.len();
    let min_seg = (n / 40).max(5);
    if n < 2 * min_seg + 2 * EDGE {
        return None;
    }
    let prefix = prefix_sums(view.v);
    let mut shifts = Vec::new();
    segment(view, &prefix, 0, n, min_seg, &mut shifts);
    shifts.sort_by_key(|s| s.at);
    let cliff = cliff(view, &shifts);
    let stair = stair(view, &shifts);
    match (cliff, stair) {
        (Some(c), Some(s)) => Some(if c.confidence >= s.confidence { c } else { s }),
        (c, s) => c.or(s),
    }
}

fn prefix_sums(v: &[f64]) -> Vec<f64> {
    let mut sums = Vec::with_capacity(v.len() + 1);
    sums.push(0.0);
    for x in v {
        sums.push(sums.last().copied().unwrap_or(0.0) + x);
    }
    sums
}

/// Binary segmentation of `v[a..b]`: keep the best split if it is a real step, then recurse.
fn segment(view: &View, prefix: &[f64], a: usize, b: usize, min_seg: usize, out: &mut Vec<Shift>) {
    if out.len() >= MAX_SHIFTS || b - a < 2 * min_seg {
        return;
    }
    let Some(k) = best_split(prefix, a, b, min_seg) else {
        return;
    };
    let Some(shift) = validate(view, a, k, b) else {
        return;
    };
    out.push(shift);
    segment(view, prefix, a, shift.at, min_seg, out);
    segment(view, prefix, shift.at, b, min_seg, out);
}

/// The split of `[a, b)` that maximises the two-sample mean difference statistic.
fn best_split(prefix: &[f64], a: usize, b: usize, min_seg: usize) -> Option<usize> {
    let total = prefix[b] - prefix[a];
    let len = (b - a) as f64;
    let mut best: Option<(usize, f64)> = None;
    for k in a + min_seg..=b - min_seg {
        let (nl, nr) = ((k - a) as f64, (b - k) as f64);
        let left = (prefix[k] - prefix[a]) / nl;
        let right = (total - (prefix[k] - prefix[a])) / nr;
        let stat = (left - right).abs() * (nl * nr / len).sqrt();
        if best.is_none_or(|(_, s)| stat > s) {
            best = Some((k, stat));
        }
    }
    best.map(|(k, _)| k)
}

/// Checks that the split at `k` of `[a, b)` is an abrupt, large, clean step.
///
/// Levels are compared locally (a tenth of the window on each side of the edge), so that in a
/// staircase each step is judged against its neighbouring treads rather than against the mean
/// of several of them.
fn validate(view: &View, a: usize, k: usize, b: usize) -> Option<Shift> {
    let v = view.v;
    let n = v.len();
    let gap = transition_allowance(n);
    let at = sharpest_edge(v, (a, k, b), gap, (n / 40).max(5))?;
    let reach = (n / 10).clamp(10, MAX_REACH);
    let left = &v[at.saturating_sub(reach).max(a)..at];
    let right = &v[at + gap..(at + gap + reach).min(b)];
    let (before, after) = (median(left), median(right));
    let change = after - before;
    if change == 0.0 || right.len() < EDGE {
        return None;
    }
    let edge = median(&v[at + gap..at + gap + EDGE]) - median(&v[at - EDGE..at]);
    let abrupt = edge / change;
    let spread = mad_sigma(left).max(mad_sigma(right));
    let noise = view.noise.max(diff_noise(left).min(diff_noise(right)));
    let noise_units = change.abs() / noise;
    let spread_units = if spread > 0.0 {
        change.abs() / spread
    } else {
        f64::INFINITY
    };
    let mid = 0.5 * (before + after);
    let old_side = share_on_side(&v[a..at], mid, -change.signum());
    let new_side = share_on_side(&v[at + gap..b], mid, change.signum());
    let passes = abrupt >= MIN_ABRUPT
        && noise_units >= MIN_NOISE_UNITS
        && spread_units >= MIN_SPREAD_UNITS
        && old_side >= MIN_PERSIST
        && new_side >= MIN_PERSIST;
    passes.then_some(Shift {
        at,
        before,
        after,
        abrupt,
        noise_units,
        spread_units,
    })
}

/// Samples an edge may take to complete and still count as abrupt: "within a few samples",
/// a little more in long windows where a handful of samples is still a vertical line.
fn transition_allowance(n: usize) -> usize {
    (n / 50).min(MAX_TRANSITION)
}

/// Near the split `k`, the index where the short-window median jumps most in the direction of
/// the overall change: the mean split can land a few samples off a noisy edge.
fn sharpest_edge(
    v: &[f64],
    (a, k, b): (usize, usize, usize),
    gap: usize,
    min_seg: usize,
) -> Option<usize> {
    let direction = (median(&v[k..b]) - median(&v[a..k])).signum();
    let lo = (a + min_seg.max(EDGE)).max(k.saturating_sub(2 * EDGE + gap));
    let hi = b.checked_sub(min_seg.max(EDGE) + gap)?.min(k + 2 * EDGE);
    if lo > hi {
        return None;
    }
    (lo..=hi)
        .map(|j| {
            (
                j,
                direction * (median(&v[j + gap..j + gap + EDGE]) - median(&v[j - EDGE..j])),
            )
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .filter(|(_, jump)| *jump > 0.0)
        .map(|(j, _)| j)
}

/// Share of `values` strictly beyond `mid` in `direction` (+1 above, -1 below).
fn share_on_side(values: &[f64], mid: f64, direction: f64) -> f64 {
    let count = values
        .iter()
        .filter(|x| (**x - mid) * direction > 0.0)
        .count();
    count as f64 / values.len().max(1) as f64
}

/// The largest persistent fall of at least [`MIN_CLIFF_DROP`] of the level before it.
fn cliff(view: &View, shifts: &[Shift]) -> Option<Candidate> {
    let v = view.v;
    let n = v.len();
    let best = shifts
        .iter()
        .filter(|s| s.after < s.before && s.before > 0.0)
        .filter_map(|s| {
            let rest = median(&v[s.at..]);
            let drop = (s.before - rest) / s.before;
            let mid = 0.5 * (s.before + rest);
            let stays = share_on_side(&v[s.at..], mid, -1.0);
            let tail = median(&v[n - (n - s.at).div_ceil(5)..]);
            let clear = drop >= MIN_CLIFF_DROP && s.spread_units >= MIN_CLIFF_SPREAD_UNITS;
            (clear && stays >= MIN_PERSIST && tail < mid).then_some((s, drop, stays))
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))?;
    let (shift, drop, stays) = best;
    let (from, to) = transition(v, shift);
    let magnitude = format!(
        "fell {} (from about {} to {}) within {} and stayed down for {}",
        wording::percent(drop),
        wording::number(shift.before),
        wording::number(median(&v[shift.at..])),
        wording::duration(view.span(from, to)),
        wording::duration(view.span(shift.at, n - 1)),
    );
    let margins = [
        margin(drop, MIN_CLIFF_DROP, 0.5),
        margin(shift.abrupt, MIN_ABRUPT, 0.8),
        margin(shift.noise_units, MIN_NOISE_UNITS, 2.0 * MIN_NOISE_UNITS),
        margin(stays, MIN_PERSIST, 0.97),
    ];
    Some(Candidate::graded(
        Shape::CliffDrop,
        (from, n - 1),
        &margins,
        magnitude,
    ))
}

/// Upward steps whose new level lasts to the end, with no lasting fall after the first one.
fn stair(view: &View, shifts: &[Shift]) -> Option<Candidate> {
    let v = view.v;
    let n = v.len();
    let lasting = |s: &Shift| {
        let mid = 0.5 * (s.before + s.after);
        share_on_side(&v[s.at..], mid, (s.after - s.before).signum()) >= MIN_PERSIST
    };
    let ups: Vec<&Shift> = shifts
        .iter()
        .filter(|s| s.after > s.before && lasting(s))
        .collect();
    let first = ups.first()?;
    let relative: Vec<f64> = ups
        .iter()
        .map(|s| (s.after - s.before) / s.before.abs())
        .collect();
    let typical = median(&relative);
    let from = median(&v[..first.at]);
    let to = median(&v[ups[ups.len() - 1].at..]);
    let magnitude = if ups.len() == 1 {
        let size = if first.before > 0.0 {
            format!(" (+{})", wording::percent(typical))
        } else {
            String::new()
        };
        format!(
            "1 step up from about {} to {}{size}, held for {}",
            wording::number(from),
            wording::number(to),
            wording::duration(view.span(first.at, n - 1))
        )
    } else if from > 0.0 {
        format!(
            "{} steps up of about +{} each, from about {} to {}",
            ups.len(),
            wording::percent(typical),
            wording::number(from),
            wording::number(to)
        )
    } else {
        format!(
            "{} steps up, from about {} to {}",
            ups.len(),
            wording::number(from),
            wording::number(to)
        )
    };
    let weakest_abrupt = ups.iter().map(|s| s.abrupt).fold(f64::INFINITY, f64::min);
    let weakest_units = ups
        .iter()
        .map(|s| s.noise_units)
        .fold(f64::INFINITY, f64::min);
    let margins = [
        margin(weakest_abrupt, MIN_ABRUPT, 0.8),
        margin(weakest_units, MIN_NOISE_UNITS, 2.0 * MIN_NOISE_UNITS),
        // A single step is less telling than a staircase.
        if ups.len() >= 2 { 1.0 } else { 0.6 },
    ];
    let start = first.at.saturating_sub(1);
    Some(Candidate::graded(
        Shape::StairStep,
        (start, n - 1),
        &margins,
        magnitude,
    ))
}

/// First sample still at the old level and first sample at the new level around an edge.
fn transition(v: &[f64], shift: &Shift) -> (usize, usize) {
    let change = shift.after - shift.before;
    let near_old = |x: f64| (x - shift.before) * change.signum() < 0.2 * change.abs();
    let near_new = |x: f64| (shift.after - x) * change.signum() < 0.2 * change.abs();
    let lo = shift.at.saturating_sub(4 * EDGE);
    let hi = (shift.at + 4 * EDGE).min(v.len() - 1);
    let from = (lo..shift.at)
        .rev()
        .find(|i| near_old(v[*i]))
        .unwrap_or(shift.at.saturating_sub(1));
    let to = (shift.at..=hi)
        .find(|i| near_new(v[*i]))
        .unwrap_or(shift.at);
    (from, to.max(from))
}
