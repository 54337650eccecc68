//! Robust statistics over slices: medians, quantiles, MAD and a noise scale from differences.
//!
//! Medians use selection (`select_nth_unstable`), so each call is O(n) rather than a sort.
//!
//! [`largest`] and [`smallest`] compare instead of calling `f64::max`/`f64::min`: on wasm32
//! those lower to calls into libc's `fmax`/`fmin` (wasm's own `f64.max` treats NaN
//! differently), which cost an eighth of an analysis in the sandbox. The series are finite
//! once prepared, so the NaN rule does not matter here.

/// Median of the values; `NaN` for an empty slice.
pub fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// The `q` quantile (0..=1) by linear interpolation between order statistics.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut work = values.to_vec();
    quantile_in_place(&mut work, q)
}

/// As [`quantile`], reordering `work` instead of copying it.
pub fn quantile_in_place(work: &mut [f64], q: f64) -> f64 {
    let n = work.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let (_, lo_value, upper) = work.select_nth_unstable_by(lo, f64::total_cmp);
    let lo_value = *lo_value;
    let frac = pos - lo as f64;
    if frac == 0.0 || upper.is_empty() {
        return lo_value;
    }
    let hi_value = smallest(upper.iter().copied(), f64::INFINITY);
    lo_value + frac * (hi_value - lo_value)
}

/// The larger of two finite values (see the module's note on `f64::max`).
pub fn larger(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// The largest of `values`, or `floor` when none is larger.
pub fn largest(values: impl IntoIterator<Item = f64>, floor: f64) -> f64 {
    values.into_iter().fold(floor, larger)
}

/// The smallest of `values`, or `ceiling` when none is smaller.
pub fn smallest(values: impl IntoIterator<Item = f64>, ceiling: f64) -> f64 {
    values
        .into_iter()
        .fold(ceiling, |low, x| if x < low { x } else { low })
}

/// Median absolute deviation from the median, scaled to match a standard deviation for
/// normally distributed data.
pub fn mad_sigma(values: &[f64]) -> f64 {
    let m = median(values);
    let deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    1.4826 * median(&deviations)
}

/// Sample-to-sample noise: the spread of first differences, scaled to one sample's noise.
///
/// Differences cancel slow trends, daily cycles and level shifts, so this measures the jitter
/// that a real step or spike must stand out from. Quantised or mostly held signals have a
/// median difference of zero; then the mean absolute difference is used so that the rare
/// moves still count as noise rather than the noise being zero.
pub fn diff_noise(values: &[f64]) -> f64 {
    if values.len() < 3 {
        return 0.0;
    }
    let mut diffs: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mean_abs = diffs.iter().sum::<f64>() / diffs.len() as f64;
    let median_abs = quantile_in_place(&mut diffs, 0.5);
    // For Gaussian noise, median |d| = 0.954 sigma (d has sd sigma*sqrt 2).
    let robust = median_abs / 0.954;
    if robust > 0.0 {
        robust
    } else {
        mean_abs / 1.128
    }
}

/// Mean of the values; `NaN` for an empty slice.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quantiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(quantile(&[0.0, 10.0], 0.9), 9.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn mad_ignores_a_single_outlier() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 1000.0];
        assert!(mad_sigma(&values) < 4.0);
    }

    #[test]
    fn diff_noise_ignores_a_level_shift_and_falls_back_on_held_values() {
        let mut step: Vec<f64> = (0..100)
            .map(|i| if i % 2 == 0 { 0.0 } else { 1.0 })
            .collect();
        step.extend((0..100).map(|i| if i % 2 == 0 { 50.0 } else { 51.0 }));
        assert!(diff_noise(&step) < 1.2);
        let held = [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0];
        assert!(diff_noise(&held) > 0.0);
    }
}
