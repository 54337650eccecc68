//! Turns raw points into a clean series the detectors can trust.
//!
//! Real series arrive with missing values, out-of-order or duplicated timestamps and, for
//! counters, resets to zero. None of that is a shape, so it is dealt with here: non-finite
//! values are dropped, points are put in time order, and a monotonic counter (with or without
//! resets) is turned into its per-second rate, which is what its shape is about.

use crate::Point;

/// A cleaned series: parallel time (Unix seconds) and value arrays, in time order.
#[derive(Debug, Clone)]
pub(crate) struct Clean {
    pub t: Vec<f64>,
    pub v: Vec<f64>,
    /// `true` when the input was a counter and `v` now holds its per-second rate.
    pub is_rate: bool,
}

impl Clean {
    pub(crate) fn len(&self) -> usize {
        self.v.len()
    }
}

/// Drops non-finite points, sorts by time and converts counters to rates.
///
/// Points come as an iterator so that both [`crate::analyze`]'s records and
/// [`crate::analyze_columns`]' columns are read straight into the two columns kept here,
/// without an intermediate copy (inside the sandbox, each copy of a week of points showed in
/// `perf`).
pub(crate) fn prepare(points: impl Iterator<Item = Point>) -> Clean {
    // Sized once rather than grown by doubling, which copies a week's columns a dozen times
    // on the way (in the sandbox, every copy is a slower loop than natively).
    let capacity = points.size_hint().1.unwrap_or(0);
    let (mut t, mut v) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    let mut sorted = true;
    for p in points.filter(|p| p.t.is_finite() && p.v.is_finite()) {
        sorted &= t.last().is_none_or(|&last| p.t >= last);
        t.push(p.t);
        v.push(p.v);
    }
    if !sorted {
        (t, v) = sort_by_time(&t, &v);
    }
    if looks_like_counter(&v) {
        let (t, v) = counter_rate(&t, &v);
        return Clean {
            t,
            v,
            is_rate: true,
        };
    }
    Clean {
        t,
        v,
        is_rate: false,
    }
}

/// The columns reordered by time; a stable sort, so duplicated times keep their order.
fn sort_by_time(t: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut pairs: Vec<(f64, f64)> = t.iter().copied().zip(v.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    pairs.into_iter().unzip()
}

/// A counter only ever goes up, except when it resets to (near) zero. Held values are allowed
/// (no traffic), but it must actually climb: most steps go up and the total rise is large
/// compared with any single step, so a noisy gauge or a clean staircase is not mistaken for one.
fn looks_like_counter(v: &[f64]) -> bool {
    let n = v.len();
    if n < 10 || v.iter().any(|x| *x < 0.0) {
        return false;
    }
    let mut ups = 0usize;
    for w in v.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b > a {
            ups += 1;
        } else if b < a && b > 0.5 * a {
            return false; // a fall that is not a reset: a gauge, not a counter
        }
    }
    let resets = v.windows(2).filter(|w| w[1] < w[0]).count();
    ups * 2 >= n && resets * 20 <= n
}

/// Per-second increase between samples; after a reset the new value is the increase, as
/// Prometheus' `rate()` assumes. Each rate sample is stamped at the later point.
fn counter_rate(t: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut times = Vec::with_capacity(v.len());
    let mut rates = Vec::with_capacity(v.len());
    for i in 1..v.len() {
        let dt = t[i] - t[i - 1];
        if dt <= 0.0 {
            continue;
        }
        let increase = if v[i] >= v[i - 1] {
            v[i] - v[i - 1]
        } else {
            v[i]
        };
        times.push(t[i]);
        rates.push(increase / dt);
    }
    (times, rates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                t: i as f64 * 60.0,
                v: *v,
            })
            .collect()
    }

    #[test]
    fn drops_nan_and_infinite_and_sorts_by_time() {
        let mut input = points(&[1.0, f64::NAN, 3.0, f64::INFINITY, 5.0]);
        input.swap(0, 4);
        let clean = prepare(input.into_iter());
        assert_eq!(clean.v, vec![1.0, 3.0, 5.0]);
        assert!(clean.t.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_counter_with_a_reset_becomes_a_steady_rate() {
        let mut values: Vec<f64> = (0..50).map(|i| 1000.0 + 60.0 * i as f64).collect();
        values.extend((0..50).map(|i| 60.0 * (i + 1) as f64));
        let clean = prepare(points(&values).into_iter());
        assert!(clean.is_rate);
        assert!(
            clean.v.iter().all(|r| (r - 1.0).abs() < 1e-9),
            "{:?}",
            clean.v
        );
    }

    #[test]
    fn a_noisy_gauge_is_not_a_counter() {
        let values: Vec<f64> = (0..100).map(|i| 50.0 + ((i * 7919) % 13) as f64).collect();
        assert!(!prepare(points(&values).into_iter()).is_rate);
    }
}
