//! Symmetric int8 quantisation of a weight matrix, one scale per output column.
//!
//! The int8 graph quantises its activations at run time and takes the weights already as
//! int8 with their scales; this module makes those from the float weights when the graph
//! is built, so the weight file stays the pinned safetensors. A scale per column (rather than
//! one per matrix) keeps a column of small weights from being rounded to a few levels
//! because another column is large.

use crate::weights::Weight;

/// A `[rows, cols]` matrix as int8 values with one scale per column:
/// `value[r][c] ≈ quantised[r][c] · scales[c]`.
pub(crate) struct Quantised {
    pub(crate) shape: Vec<usize>,
    pub(crate) values: Vec<i8>,
    pub(crate) scales: Vec<f32>,
}

/// Quantises the `[in, out]` matrix `w` column by column, symmetric around zero
/// (zero point 0), using the full range −127..=127 so that +x and −x stay mirror images.
pub(crate) fn per_column(w: &Weight) -> Quantised {
    let (rows, cols) = (w.shape[0], w.shape[1]);
    let mut largest = vec![0.0f32; cols];
    for row in w.values.chunks_exact(cols) {
        for (m, v) in largest.iter_mut().zip(row) {
            *m = m.max(v.abs());
        }
    }
    // An all-zero column would give a zero scale (and a division by zero); any positive
    // scale represents it exactly.
    let scales: Vec<f32> = largest
        .iter()
        .map(|&m| if m > 0.0 { m / 127.0 } else { 1.0 })
        .collect();
    let mut values = Vec::with_capacity(rows * cols);
    for row in w.values.chunks_exact(cols) {
        values.extend(
            row.iter()
                .zip(&scales)
                .map(|(v, s)| (v / s).round().clamp(-127.0, 127.0) as i8),
        );
    }
    Quantised {
        shape: w.shape.clone(),
        values,
        scales,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, values: Vec<f32>) -> Weight {
        Weight {
            shape: vec![rows, cols],
            values,
        }
    }

    #[test]
    fn each_column_gets_its_own_scale_and_its_largest_value_maps_to_127() {
        let w = matrix(2, 3, vec![1.0, -0.012, 0.0, -0.4, 0.02, 0.0]);
        let q = per_column(&w);
        assert_eq!(q.scales[0], 1.0 / 127.0);
        assert_eq!(q.scales[1], 0.02 / 127.0);
        assert_eq!(q.values, vec![127, -76, 0, -51, 127, 0]);
    }

    #[test]
    fn dequantised_values_are_within_half_a_step_of_the_original() {
        let values: Vec<f32> = (0..64)
            .map(|i| ((i * 37 % 29) as f32 - 14.0) / 9.0)
            .collect();
        let w = matrix(16, 4, values);
        let q = per_column(&w);
        for (i, (&v, &qv)) in w.values.iter().zip(&q.values).enumerate() {
            let scale = q.scales[i % 4];
            let back = f32::from(qv) * scale;
            assert!(
                (back - v).abs() <= scale / 2.0 + 1e-6,
                "{v} came back as {back}"
            );
        }
    }

    #[test]
    fn an_all_zero_column_stays_zero() {
        let q = per_column(&matrix(2, 2, vec![0.0, 3.0, 0.0, -1.0]));
        assert!(q.scales[0] > 0.0);
        assert_eq!((q.values[0], q.values[2]), (0, 0));
    }
}
