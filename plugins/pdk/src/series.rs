//! Windows over a metric series and the few statistics plugins compute on them.
//!
//! A series crosses the contract as two columns (`times`, `values`; see `wit/0.2.0`), and a
//! [`Window`] is a view of both over the same samples. Series are time-ordered (the contract
//! says so), so every window is found by binary search: no copy, no allocation. Statistics
//! skip NaN values, which stand for gaps.
//!
//! ```
//! use rhyme_pdk::series::{Window, last_minutes, stats};
//!
//! let times: Vec<i64> = (0..10).map(|i| i * 60_000).collect();
//! let values: Vec<f64> = (0..10).map(|i| i as f64).collect();
//! let recent = last_minutes(Window::new(&times, &values), 9 * 60_000, 3);
//! assert_eq!(recent.len(), 4); // minutes 6, 7, 8 and 9: the window includes both ends
//! assert_eq!(stats(recent).unwrap().mean, 7.5);
//! ```

use crate::time::MINUTE_MS;
use crate::types::Timestamp;

/// Samples of a series as two columns of the same length: sample `i` was taken at
/// `times[i]` and is `values[i]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window<'a> {
    pub times: &'a [Timestamp],
    pub values: &'a [f64],
}

impl<'a> Window<'a> {
    /// A window over two columns; the longer is cut to the shorter's length.
    pub fn new(times: &'a [Timestamp], values: &'a [f64]) -> Window<'a> {
        let n = times.len().min(values.len());
        Window {
            times: &times[..n],
            values: &values[..n],
        }
    }

    /// The whole of `series`.
    #[cfg(not(feature = "contract-0-1"))]
    pub fn of(series: &'a crate::types::MetricSeries) -> Window<'a> {
        Window::new(&series.times, &series.values)
    }

    /// Samples in the window.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// `true` when the window holds no sample.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The time of its first and last sample; `None` when empty.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        Some((*self.times.first()?, *self.times.last()?))
    }

    fn slice(self, start: usize, end: usize) -> Window<'a> {
        Window {
            times: &self.times[start..end],
            values: &self.values[start..end],
        }
    }
}

/// The samples at or after `from` and at or before `to`.
pub fn between(window: Window<'_>, from: Timestamp, to: Timestamp) -> Window<'_> {
    let start = window.times.partition_point(|&t| t < from);
    let end = window.times.partition_point(|&t| t <= to).max(start);
    window.slice(start, end)
}

/// The samples strictly before `at`.
pub fn before(window: Window<'_>, at: Timestamp) -> Window<'_> {
    window.slice(0, window.times.partition_point(|&t| t < at))
}

/// The samples at or after `at`.
pub fn after(window: Window<'_>, at: Timestamp) -> Window<'_> {
    window.slice(window.times.partition_point(|&t| t < at), window.len())
}

/// The samples of the last `minutes` minutes up to and including `now`.
pub fn last_minutes(window: Window<'_>, now: Timestamp, minutes: i64) -> Window<'_> {
    between(window, now - minutes * MINUTE_MS, now)
}

/// The last sample that is not a gap, as (time, value).
pub fn latest(window: Window<'_>) -> Option<(Timestamp, f64)> {
    let i = window.values.iter().rposition(|v| !v.is_nan())?;
    Some((window.times[i], window.values[i]))
}

/// Summary of a window's values, gaps left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Samples that are not gaps.
    pub count: usize,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// The window's statistics, or `None` when it holds no value (empty, or only gaps).
pub fn stats(window: Window<'_>) -> Option<Stats> {
    let values = window.values.iter().copied().filter(|v| !v.is_nan());
    let (count, min, max, sum) = values.fold(
        (0usize, f64::INFINITY, f64::NEG_INFINITY, 0.0),
        |(n, lo, hi, s), v| (n + 1, lo.min(v), hi.max(v), s + v),
    );
    (count > 0).then(|| Stats {
        count,
        min,
        max,
        mean: sum / count as f64,
    })
}

/// The relative change from the mean of `before` to the mean of `after` (`-0.9` is a 90%
/// fall), or `None` when either side has no value or `before` averages zero.
pub fn relative_change(before: Window<'_>, after: Window<'_>) -> Option<f64> {
    let (b, a) = (stats(before)?.mean, stats(after)?.mean);
    (b != 0.0).then(|| (a - b) / b.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample a minute from minute 0.
    struct Minutes {
        times: Vec<Timestamp>,
        values: Vec<f64>,
    }

    impl Minutes {
        fn window(&self) -> Window<'_> {
            Window::new(&self.times, &self.values)
        }
    }

    fn minutes(values: &[f64]) -> Minutes {
        Minutes {
            times: (0..values.len() as i64).map(|i| i * MINUTE_MS).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn windows_split_at_the_timestamp() {
        let m = minutes(&[1.0, 2.0, 3.0, 4.0]);
        let p = m.window();
        assert_eq!(before(p, 2 * MINUTE_MS).len(), 2);
        assert_eq!(after(p, 2 * MINUTE_MS).values[0], 3.0);
        assert_eq!(after(p, 2 * MINUTE_MS).times[0], 2 * MINUTE_MS);
        assert_eq!(between(p, MINUTE_MS, 2 * MINUTE_MS).len(), 2);
        assert!(between(p, 3 * MINUTE_MS, MINUTE_MS).is_empty());
        assert_eq!(last_minutes(p, 3 * MINUTE_MS, 1).len(), 2);
        assert!(last_minutes(p, 100 * MINUTE_MS, 5).is_empty());
        assert_eq!(p.span(), Some((0, 3 * MINUTE_MS)));
    }

    #[test]
    fn uneven_columns_are_cut_to_the_shorter() {
        let times = [0, MINUTE_MS, 2 * MINUTE_MS];
        let w = Window::new(&times, &[5.0]);
        assert_eq!((w.len(), w.times.len(), w.values.len()), (1, 1, 1));
    }

    #[test]
    fn stats_skip_gaps() {
        let m = minutes(&[2.0, f64::NAN, 4.0]);
        let s = stats(m.window()).unwrap();
        assert_eq!((s.count, s.min, s.max, s.mean), (2, 2.0, 4.0, 3.0));
        assert_eq!(latest(minutes(&[1.0, f64::NAN]).window()), Some((0, 1.0)));
        assert!(stats(minutes(&[f64::NAN]).window()).is_none());
        assert!(stats(Window::new(&[], &[])).is_none());
    }

    #[test]
    fn relative_change_is_signed() {
        let (b, a) = (minutes(&[100.0, 100.0]), minutes(&[10.0]));
        assert!((relative_change(b.window(), a.window()).unwrap() + 0.9).abs() < 1e-9);
        assert!(relative_change(minutes(&[0.0]).window(), a.window()).is_none());
    }
}
