//! How far one sample sits from its column's recent past, in units of that past's spread.
//!
//! The baseline is causal: the median and standard deviation of the `window` samples before
//! the one scored, refreshed every few samples and frozen while an episode is open, so an
//! anomaly that lasts hours is measured against the time before it, not against itself. The
//! standard deviation (not a robust scale) is used on purpose: a column that is spiky in
//! ordinary times earns a wide spread, and its ordinary spikes stay below the threshold.

/// The centre and spread a column is measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Median of the window.
    pub center: f64,
    /// Standard deviation of the window, raised to the floor.
    pub scale: f64,
}

impl Baseline {
    /// The baseline of `window` (non-finite values skipped); `None` with fewer than `min`
    /// finite values. `floor` is the smallest spread allowed, relative to the column's level
    /// (`floor · max(|median|, 1)`): a column flat for hours still needs a real move to count.
    pub fn of(window: &[f64], min: usize, floor: f64) -> Option<Baseline> {
        let mut values: Vec<f64> = window.iter().copied().filter(|v| v.is_finite()).collect();
        if values.len() < min.max(2) {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let mid = values.len() / 2;
        let (_, center, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
        let center = *center;
        let scale = var.sqrt().max(floor * center.abs().max(1.0)).max(1e-12);
        Some(Baseline { center, scale })
    }

    /// The signed deviation of `value`, in spreads; 0 for a non-finite value.
    pub fn z(&self, value: f64) -> f64 {
        if value.is_finite() {
            (value - self.center) / self.scale
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_column_keeps_a_floor_under_its_spread() {
        let b = Baseline::of(&[0.2; 50], 10, 0.01).unwrap();
        assert_eq!(b.center, 0.2);
        assert!((b.z(0.205) - 0.5).abs() < 1e-9, "{}", b.z(0.205));
        assert!(b.z(0.4) > 10.0);
    }

    #[test]
    fn too_few_values_give_no_baseline() {
        assert!(Baseline::of(&[1.0, f64::NAN, 2.0], 5, 0.01).is_none());
    }
}
