//! Sentence pooling as sentence-transformers does it for all-MiniLM-L6-v2: the mean of the
//! token vectors that the attention mask marks as real (special tokens included), then
//! L2 normalisation so that a dot product is a cosine similarity.

use candle_core::{DType, Tensor};

/// Same floors as sentence-transformers / torch: avoid dividing by zero for empty masks
/// and zero vectors.
const MIN_TOKEN_COUNT: f64 = 1e-9;
const MIN_NORM: f64 = 1e-12;

/// `hidden`: `[batch, tokens, dim]`; `mask`: `[batch, tokens]` of 0/1. Returns `[batch, dim]`.
pub(crate) fn mean_pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = mask.to_dtype(hidden.dtype())?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(MIN_TOKEN_COUNT, f64::MAX)?;
    summed.broadcast_div(&counts)
}

/// Scales each row of `[batch, dim]` to unit length.
pub(crate) fn l2_normalize(rows: &Tensor) -> candle_core::Result<Tensor> {
    let norms = rows
        .sqr()?
        .sum_keepdim(1)?
        .sqrt()?
        .clamp(MIN_NORM, f64::MAX)?;
    rows.broadcast_div(&norms)
}

/// Pools and normalises, returning plain vectors.
pub(crate) fn sentence_vectors(
    hidden: &Tensor,
    mask: &Tensor,
) -> candle_core::Result<Vec<Vec<f32>>> {
    l2_normalize(&mean_pool(hidden, mask)?)?
        .to_dtype(DType::F32)?
        .to_vec2::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn padding_tokens_do_not_change_the_mean() {
        let dev = Device::Cpu;
        // One sentence of two real tokens and one padding token with a large value.
        let hidden = Tensor::new(&[[[1f32, 0.], [3., 0.], [100., 100.]]], &dev).unwrap();
        let mask = Tensor::new(&[[1u32, 1, 0]], &dev).unwrap();
        let mean = mean_pool(&hidden, &mask).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(mean, vec![vec![2.0, 0.0]]);
    }

    #[test]
    fn vectors_come_out_unit_length() {
        let dev = Device::Cpu;
        let hidden = Tensor::new(&[[[3f32, 4.]], [[0., 0.]]], &dev).unwrap();
        let mask = Tensor::new(&[[1u32], [1]], &dev).unwrap();
        let out = sentence_vectors(&hidden, &mask).unwrap();
        assert!((out[0][0] - 0.6).abs() < 1e-6 && (out[0][1] - 0.8).abs() < 1e-6);
        // A zero vector stays zero instead of turning into NaN.
        assert_eq!(out[1], vec![0.0, 0.0]);
    }
}
