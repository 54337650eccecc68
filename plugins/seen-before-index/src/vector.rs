//! The little vector arithmetic ranking needs.

/// Dot product (cosine similarity for unit vectors).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `v` scaled to unit length (unchanged when zero).
pub(crate) fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = dot(&v, &v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Element-wise mean of equally long vectors.
pub(crate) fn mean(vectors: &[&[f32]]) -> Vec<f32> {
    let Some(first) = vectors.first() else {
        return Vec::new();
    };
    let mut out = vec![0.0; first.len()];
    for v in vectors {
        out.iter_mut().zip(v.iter()).for_each(|(o, x)| *o += x);
    }
    out.iter_mut().for_each(|o| *o /= vectors.len() as f32);
    out
}

/// Standard scores: puts lexical and dense scores, which live on unrelated scales, on a
/// common one before they are added. A constant list maps to zeros.
pub(crate) fn standardized(scores: &[f32]) -> Vec<f32> {
    let n = scores.len().max(1) as f32;
    let mean = scores.iter().sum::<f32>() / n;
    let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / n;
    let sd = var.sqrt();
    if sd < 1e-9 {
        return vec![0.0; scores.len()];
    }
    scores.iter().map(|s| (s - mean) / sd).collect()
}

/// Standard scores using the mean and spread of the `included` entries only: dense scores
/// are known exactly only for documents the vector search returned, so the floor given to
/// the rest must not distort the scale. With everything included this is [`standardized`].
pub(crate) fn standardized_over(scores: &[f32], included: &[bool]) -> Vec<f32> {
    let sample: Vec<f32> = scores
        .iter()
        .zip(included)
        .filter(|(_, i)| **i)
        .map(|(s, _)| *s)
        .collect();
    let n = sample.len().max(1) as f32;
    let mean = sample.iter().sum::<f32>() / n;
    let sd = (sample.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / n).sqrt();
    if sd < 1e-9 {
        return vec![0.0; scores.len()];
    }
    scores.iter().map(|s| (s - mean) / sd).collect()
}

/// Positions of the `k` largest values, largest first (ties keep input order).
pub(crate) fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order.truncate(k);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        assert_eq!(normalized(vec![3.0, 4.0]), vec![0.6, 0.8]);
        assert_eq!(mean(&[&[1.0, 2.0], &[3.0, 4.0]]), vec![2.0, 3.0]);
        assert_eq!(standardized(&[1.0, 1.0]), vec![0.0, 0.0]);
        let z = standardized(&[1.0, 3.0]);
        assert!((z[0] + 1.0).abs() < 1e-6 && (z[1] - 1.0).abs() < 1e-6);
        let partial = standardized_over(&[1.0, 3.0, -5.0], &[true, true, false]);
        assert!((partial[1] - 1.0).abs() < 1e-6 && partial[2] < -4.0);
        assert_eq!(top_k(&[0.1, 0.9, 0.5], 2), vec![1, 2]);
    }
}
