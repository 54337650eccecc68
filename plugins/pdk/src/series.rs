//! Windows over a metric series and the few statistics plugins compute on them.
//!
//! Series are time-ordered (the contract says so), so every window is a sub-slice found by
//! binary search: no copy, no allocation. Statistics skip NaN points, which stand for gaps.
//!
//! ```
//! use rhyme_pdk::series::{last_minutes, stats};
//! use rhyme_pdk::types::Point;
//!
//! let points: Vec<Point> = (0..10).map(|i| Point { at: i * 60_000, value: i as f64 }).collect();
//! let recent = last_minutes(&points, 9 * 60_000, 3);
//! assert_eq!(recent.len(), 4); // minutes 6, 7, 8 and 9: the window includes both ends
//! assert_eq!(stats(recent).unwrap().mean, 7.5);
//! ```

use crate::time::MINUTE_MS;
use crate::types::{Point, Timestamp};

/// The points at or after `from` and at or before `to`.
pub fn between(points: &[Point], from: Timestamp, to: Timestamp) -> &[Point] {
    let start = points.partition_point(|p| p.at < from);
    let end = points.partition_point(|p| p.at <= to).max(start);
    &points[start..end]
}

/// The points strictly before `at`.
pub fn before(points: &[Point], at: Timestamp) -> &[Point] {
    &points[..points.partition_point(|p| p.at < at)]
}

/// The points at or after `at`.
pub fn after(points: &[Point], at: Timestamp) -> &[Point] {
    &points[points.partition_point(|p| p.at < at)..]
}

/// The points of the last `minutes` minutes up to and including `now`.
pub fn last_minutes(points: &[Point], now: Timestamp, minutes: i64) -> &[Point] {
    between(points, now - minutes * MINUTE_MS, now)
}

/// The last point that is not a gap.
pub fn latest(points: &[Point]) -> Option<&Point> {
    points.iter().rev().find(|p| !p.value.is_nan())
}

/// Summary of a window's values, gaps left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Points that are not gaps.
    pub count: usize,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// The window's statistics, or `None` when it holds no value (empty, or only gaps).
pub fn stats(points: &[Point]) -> Option<Stats> {
    let values = points.iter().map(|p| p.value).filter(|v| !v.is_nan());
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
pub fn relative_change(before: &[Point], after: &[Point]) -> Option<f64> {
    let (b, a) = (stats(before)?.mean, stats(after)?.mean);
    (b != 0.0).then(|| (a - b) / b.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point {
                at: i as i64 * MINUTE_MS,
                value,
            })
            .collect()
    }

    #[test]
    fn windows_split_at_the_timestamp() {
        let p = minutes(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(before(&p, 2 * MINUTE_MS).len(), 2);
        assert_eq!(after(&p, 2 * MINUTE_MS)[0].value, 3.0);
        assert_eq!(between(&p, MINUTE_MS, 2 * MINUTE_MS).len(), 2);
        assert!(between(&p, 3 * MINUTE_MS, MINUTE_MS).is_empty());
        assert_eq!(last_minutes(&p, 3 * MINUTE_MS, 1).len(), 2);
        assert!(last_minutes(&p, 100 * MINUTE_MS, 5).is_empty());
    }

    #[test]
    fn stats_skip_gaps() {
        let p = minutes(&[2.0, f64::NAN, 4.0]);
        let s = stats(&p).unwrap();
        assert_eq!((s.count, s.min, s.max, s.mean), (2, 2.0, 4.0, 3.0));
        assert_eq!(latest(&minutes(&[1.0, f64::NAN])).unwrap().value, 1.0);
        assert!(stats(&minutes(&[f64::NAN])).is_none());
        assert!(stats(&[]).is_none());
    }

    #[test]
    fn relative_change_is_signed() {
        let (b, a) = (minutes(&[100.0, 100.0]), minutes(&[10.0]));
        assert!((relative_change(&b, &a).unwrap() + 0.9).abs() < 1e-9);
        assert!(relative_change(&minutes(&[0.0]), &a).is_none());
    }
}
