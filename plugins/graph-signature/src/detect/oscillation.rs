//! Oscillation: at least four repeated up/down swings of similar size, well above the noise,
//! with a period under 12 hours (daily and weekly cycles are ordinary seasonality).
//!
//! The period comes from the autocorrelation: a true oscillation correlates strongly with
//! itself one period later after going negative half a period in, whereas noise has no such
//! peak and a drift or random walk decays without one. Long series are averaged into at most
//! [`MAX_POINTS`] blocks first so the cost stays linear in the input; periods shorter than two
//! blocks are then out of reach, which only matters for series much longer than a day.

use super::{Candidate, View, margin};
use crate::stats::{largest, mad_sigma, median, smallest};
use crate::{Shape, wording};

const MAX_POINTS: usize = 1024;
/// Longest period that counts as an oscillation rather than seasonality.
const MAX_PERIOD_SECONDS: f64 = 12.0 * 3600.0;
/// Fewest full cycles in the window.
const MIN_CYCLES: f64 = 4.0;
/// Autocorrelation one period later, and how far it must rise above the dip before it.
const MIN_PEAK: f64 = 0.2;
const MIN_PEAK_OVER_DIP: f64 = 0.3;
/// Typical swing over the jitter around the running median. Pure noise already reaches about
/// 6 here (a period's range of Gaussian noise is several sigmas), so "well above noise" is
/// set at four times that.
const MIN_NOISE_UNITS: f64 = 25.0;
/// Largest robust spread of per-cycle swing sizes, relative to their median.
const MAX_SWING_SPREAD: f64 = 0.5;

pub fn detect(view: &View) -> Option<Candidate> {
    let (values, block) = downsample(view.v);
    let n = values.len();
    if n < 16 {
        return None;
    }
    let step = view.span(0, view.len() - 1) / (view.len() - 1) as f64 * block as f64;
    let centred = detrend(&values);
    let max_lag = ((n as f64 / MIN_CYCLES) as usize).min(if step > 0.0 {
        (MAX_PERIOD_SECONDS / step) as usize
    } else {
        n
    });
    let (period, peak, dip) = autocorrelation_peak(&centred, max_lag)?;
    let swings = cycle_swings(&centred, period);
    let typical = median(&swings);
    if typical <= 0.0 {
        return None;
    }
    let swing_spread = mad_sigma(&swings) / typical;
    let noise_units = typical / local_noise(&values).max(f64::MIN_POSITIVE);
    if peak < MIN_PEAK || peak - dip < MIN_PEAK_OVER_DIP {
        return None;
    }
    if swing_spread > MAX_SWING_SPREAD || noise_units < MIN_NOISE_UNITS {
        return None;
    }
    let cycles = n as f64 / period as f64;
    let seconds = period as f64 * step;
    let magnitude = format!(
        "{} swings of about {} (peak to trough) every {}",
        cycles.floor(),
        wording::number(typical),
        wording::duration(seconds)
    );
    let margins = [
        margin(peak, MIN_PEAK, 0.6),
        margin(peak - dip, MIN_PEAK_OVER_DIP, 1.0),
        margin(noise_units, MIN_NOISE_UNITS, 4.0 * MIN_NOISE_UNITS),
        margin(MAX_SWING_SPREAD - swing_spread, 0.0, 0.3),
        margin(cycles, MIN_CYCLES, 8.0),
    ];
    Some(Candidate::graded(
        Shape::Oscillation,
        (0, view.len() - 1),
        &margins,
        magnitude,
    ))
}

/// Block means so that at most [`MAX_POINTS`] values remain; returns them and the block size.
fn downsample(v: &[f64]) -> (Vec<f64>, usize) {
    let block = v.len().div_ceil(MAX_POINTS).max(1);
    if block == 1 {
        return (v.to_vec(), 1);
    }
    (
        v.chunks(block)
            .map(|c| c.iter().sum::<f64>() / c.len() as f64)
            .collect(),
        block,
    )
}

/// Removes the least-squares line, so that a slow trend does not read as correlation.
fn detrend(v: &[f64]) -> Vec<f64> {
    let n = v.len() as f64;
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = v.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in v.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (y - mean_y);
        sxx += dx * dx;
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    v.iter()
        .enumerate()
        .map(|(i, y)| y - mean_y - slope * (i as f64 - mean_x))
        .collect()
}

/// The lag of the highest autocorrelation after it first goes negative (up to `max_lag`),
/// with that value and the lowest value before it.
fn autocorrelation_peak(y: &[f64], max_lag: usize) -> Option<(usize, f64, f64)> {
    let energy: f64 = y.iter().map(|a| a * a).sum();
    if energy <= 0.0 || max_lag < 2 {
        return None;
    }
    let acf: Vec<f64> = (0..=max_lag)
        .map(|lag| y.iter().zip(&y[lag..]).map(|(a, b)| a * b).sum::<f64>() / energy)
        .collect();
    let first_negative = acf.iter().position(|r| *r < 0.0)?;
    let (period, peak) = acf
        .iter()
        .enumerate()
        .skip(first_negative)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(lag, r)| (lag, *r))?;
    let dip = acf[..period].iter().copied().fold(f64::INFINITY, f64::min);
    Some((period, peak, dip))
}

/// Jitter around a three-point running median. Unlike differences, this ignores the swings
/// themselves (a level held for two samples or more survives the median), so it measures the
/// noise on top of the oscillation even when its period wanders.
fn local_noise(v: &[f64]) -> f64 {
    let residuals: Vec<f64> = v
        .windows(3)
        .map(|w| w[1] - median3(w[0], w[1], w[2]))
        .collect();
    let robust = mad_sigma(&residuals);
    if robust > 0.0 {
        robust
    } else {
        // Held or quantised values: most residuals are exactly zero, so use their mean size.
        residuals.iter().map(|r| r.abs()).sum::<f64>() / residuals.len().max(1) as f64
    }
}

fn median3(a: f64, b: f64, c: f64) -> f64 {
    a.min(b).max(a.max(b).min(c))
}

/// Peak-to-trough size of each full period-long stretch.
fn cycle_swings(y: &[f64], period: usize) -> Vec<f64> {
    y.chunks_exact(period)
        .map(|c| {
            let hi = largest(c.iter().copied(), f64::NEG_INFINITY);
            let lo = smallest(c.iter().copied(), f64::INFINITY);
            hi - lo
        })
        .collect()
}
