//! Flatline: the signal becomes exactly constant (zero or a held value) for a large part of
//! the window, typically after activity; a window that is constant throughout also counts.
//!
//! Exactness is the point: a dead exporter or a process that stopped updating repeats the very
//! same number, while even quiet live signals jitter. Two look-alikes are excluded by
//! definition: a constant line broken by a single short blip is a spike on a flat baseline,
//! and a level held at the very top after a rise is a step up or a ceiling, not a stop.

use super::{Candidate, View, margin};
use crate::stats::{larger, largest};
use crate::{Shape, wording};

/// The held run must cover at least this share of the window.
const MIN_SHARE: f64 = 0.3;
/// And at least this many samples, so that a few equal readings are never enough.
const MIN_SAMPLES: usize = 10;

pub fn detect(view: &View) -> Option<Candidate> {
    let n = view.len();
    let (start, end) = longest_constant_run(view.v)?;
    let len = end - start + 1;
    let share = len as f64 / n as f64;
    if len < MIN_SAMPLES || share < MIN_SHARE {
        return None;
    }
    let held = view.v[start];
    let others = view.v[..start].iter().chain(&view.v[end + 1..]);
    let (mut above, mut below) = (0usize, 0usize);
    for x in others {
        if !same(*x, held) {
            if *x > held { above += 1 } else { below += 1 }
        }
    }
    if len < n && above + below > 0 {
        if above == 0 && start > 0 && is_top_after_rise(view.v, start, held) {
            return None;
        }
        if activity_is_one_blip(view.v, held) {
            return None;
        }
    }
    let reaches_end = end == n - 1;
    let duration = view.span(start, end);
    let what = if held == 0.0 {
        "dropped to exactly 0".to_string()
    } else {
        format!("held exactly at {}", wording::number(held))
    };
    let magnitude = if len == n {
        format!(
            "{what} for the whole window ({})",
            wording::duration(duration)
        )
    } else if reaches_end {
        format!(
            "{what} for the last {} ({} of the window)",
            wording::duration(duration),
            wording::percent(share)
        )
    } else {
        format!(
            "{what} for {} ({} of the window)",
            wording::duration(duration),
            wording::percent(share)
        )
    };
    let margins = [
        margin(share, MIN_SHARE, 0.45),
        if reaches_end || len == n { 1.0 } else { 0.5 },
    ];
    Some(Candidate::graded(
        Shape::Flatline,
        (start, end),
        &margins,
        magnitude,
    ))
}

/// Equal within float rounding: a held value re-encoded as text may differ in the last bit.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * larger(larger(a.abs(), b.abs()), 1e-300)
}

/// Inclusive index range of the longest run of equal values.
fn longest_constant_run(v: &[f64]) -> Option<(usize, usize)> {
    if v.is_empty() {
        return None;
    }
    let (mut best, mut run_start) = ((0, 0), 0);
    for i in 1..v.len() {
        if !same(v[i], v[i - 1]) {
            run_start = i;
        }
        if i - run_start > best.1 - best.0 {
            best = (run_start, i);
        }
    }
    Some(best)
}

/// The held value is the window's maximum and the run starts after a rise: that is a level
/// reached and kept at the top (a step up, a ceiling), not a signal that stopped.
fn is_top_after_rise(v: &[f64], start: usize, held: f64) -> bool {
    v[..start].iter().any(|x| !same(*x, held) && *x < held)
}

/// All samples that clearly differ from the held value lie in one short stretch: a blip on
/// an otherwise constant line. "Becoming" constant needs activity before the run. Tiny
/// deviations (a few bytes on a disk counter) do not count as activity next to a large blip.
fn activity_is_one_blip(v: &[f64], held: f64) -> bool {
    let largest = largest(v.iter().map(|x| (x - held).abs()), 0.0);
    let clear = |x: &f64| (x - held).abs() > 0.05 * largest;
    match (v.iter().position(clear), v.iter().rposition(clear)) {
        (Some(a), Some(b)) => b - a < (v.len() / 20).max(5),
        _ => false,
    }
}
