//! Medians and 90th percentiles of a handful of times, only where the sample allows: a p90 of
//! five incidents is just the slowest one, and printing it as a percentile would mislead.

use serde::{Deserialize, Serialize};

/// The fewest values a 90th percentile is given for: with fewer, the nearest-rank p90 is the
/// maximum, which the report would then be calling something it is not.
pub const MIN_FOR_P90: usize = 10;

/// A sample's size, median and p90 (milliseconds), each `None` when the sample is too small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// How many values.
    pub n: usize,
    /// The median (the mean of the two middle values for an even count); `None` when empty.
    pub median_ms: Option<i64>,
    /// The nearest-rank 90th percentile; `None` below [`MIN_FOR_P90`] values.
    pub p90_ms: Option<i64>,
}

/// Summarises `values` (any order).
pub fn summarise(values: &[i64]) -> Summary {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let median_ms = match n {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some(sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2),
    };
    let p90_ms = (n >= MIN_FOR_P90).then(|| sorted[(n * 9).div_ceil(10) - 1]);
    Summary {
        n,
        median_ms,
        p90_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_where_n_allows() {
        assert_eq!(summarise(&[]).median_ms, None);
        assert_eq!(summarise(&[5, 1, 3]).median_ms, Some(3));
        assert_eq!(summarise(&[4, 1, 3, 2]).median_ms, Some(2));
        assert_eq!(summarise(&[1, 2, 3]).p90_ms, None);
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(summarise(&ten).p90_ms, Some(9));
        let twenty: Vec<i64> = (1..=20).rev().collect();
        assert_eq!(summarise(&twenty).p90_ms, Some(18));
    }
}
