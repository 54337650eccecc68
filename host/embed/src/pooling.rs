//! Sentence pooling as sentence-transformers does it for all-MiniLM-L6-v2: the mean of the
//! token vectors that the attention mask marks as real (special tokens included), then
//! L2 normalisation so that a dot product is a cosine similarity.

/// Same floors as sentence-transformers / torch: avoid dividing by zero for empty masks
/// and zero vectors.
const MIN_TOKEN_COUNT: f32 = 1e-9;
const MIN_NORM: f32 = 1e-12;

/// `hidden`: `[batch, tokens, dim]` row-major; `mask`: `[batch, tokens]` of 0/1.
/// One unit-length vector per row of the batch.
pub(crate) fn sentence_vectors(
    hidden: &[f32],
    mask: &[i32],
    batch: usize,
    dim: usize,
) -> Vec<Vec<f32>> {
    let tokens = mask.len() / batch.max(1);
    (0..batch)
        .map(|b| {
            let mut sum = vec![0.0f32; dim];
            let mut count = 0.0f32;
            for t in 0..tokens {
                if mask[b * tokens + t] == 0 {
                    continue;
                }
                count += 1.0;
                let row = &hidden[(b * tokens + t) * dim..(b * tokens + t + 1) * dim];
                sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
            }
            let count = count.max(MIN_TOKEN_COUNT);
            sum.iter_mut().for_each(|s| *s /= count);
            let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(MIN_NORM);
            sum.iter_mut().for_each(|s| *s /= norm);
            sum
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_tokens_do_not_change_the_mean() {
        // One sentence of two real tokens and one padding token with a large value.
        let hidden = [1f32, 0., 3., 0., 100., 100.];
        let out = sentence_vectors(&hidden, &[1, 1, 0], 1, 2);
        assert_eq!(out, vec![vec![1.0, 0.0]]);
    }

    #[test]
    fn vectors_come_out_unit_length() {
        let hidden = [3f32, 4., 0., 0.];
        let out = sentence_vectors(&hidden, &[1, 1], 2, 2);
        assert!((out[0][0] - 0.6).abs() < 1e-6 && (out[0][1] - 0.8).abs() < 1e-6);
        // A zero vector stays zero instead of turning into NaN.
        assert_eq!(out[1], vec![0.0, 0.0]);
    }
}
