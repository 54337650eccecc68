//! The baseline grouping: TF-IDF vectors of the same text, clustered by spherical k-means
//! (cosine, k-means++ seeding, the best of several deterministic restarts). It groups by shared
//! wording, which is what the embedding grouping is meant to do better than.

use std::collections::HashMap;

use seen_before_index::terms;

use super::cluster::dot;

/// Restarts of k-means; the one with the highest total similarity to its centroid wins.
const RESTARTS: u64 = 8;
/// Lloyd iterations per restart (it settles well before this on a few hundred documents).
const ITERATIONS: usize = 50;

/// L2-normalised TF-IDF vectors (dense, one column per term seen in `texts`), with
/// sublinear term frequency (1 + ln tf) and smoothed idf (ln((1 + n) / (1 + df)) + 1).
pub fn tfidf(texts: &[String]) -> Vec<Vec<f32>> {
    let docs: Vec<Vec<String>> = texts.iter().map(|t| terms(t)).collect();
    let mut column: HashMap<&str, usize> = HashMap::new();
    let mut df: Vec<usize> = Vec::new();
    for doc in &docs {
        let mut seen: Vec<usize> = doc
            .iter()
            .map(|t| {
                let next = column.len();
                let c = *column.entry(t.as_str()).or_insert(next);
                if c == df.len() {
                    df.push(0);
                }
                c
            })
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter().for_each(|c| df[c] += 1);
    }
    let n = docs.len() as f32;
    docs.iter()
        .map(|doc| {
            let mut v = vec![0.0f32; column.len()];
            for t in doc {
                v[column[t.as_str()]] += 1.0;
            }
            for (c, x) in v.iter_mut().enumerate() {
                if *x > 0.0 {
                    *x = (1.0 + x.ln()) * (((1.0 + n) / (1.0 + df[c] as f32)).ln() + 1.0);
                }
            }
            normalized(v)
        })
        .collect()
}

/// The cluster (0..k) of each of `vectors` (unit length) by spherical k-means. `k` is capped
/// at the number of vectors; the result is the same for the same input.
pub fn kmeans(vectors: &[Vec<f32>], k: usize) -> Vec<usize> {
    let k = k.clamp(1, vectors.len().max(1));
    if vectors.is_empty() {
        return Vec::new();
    }
    (0..RESTARTS)
        .map(|seed| lloyd(vectors, seeds(vectors, k, seed)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(assignment, _)| assignment)
        .unwrap_or_default()
}

/// k-means++ seeding with a small deterministic generator (no `rand` for one baseline).
fn seeds(vectors: &[Vec<f32>], k: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = SplitMix(seed);
    let mut centroids = vec![vectors[rng.below(vectors.len())].clone()];
    while centroids.len() < k {
        let weights: Vec<f64> = vectors
            .iter()
            .map(|v| {
                let best = centroids.iter().map(|c| dot(v, c)).fold(f32::MIN, f32::max);
                f64::from((1.0 - best).max(0.0))
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let pick = if total <= 0.0 {
            rng.below(vectors.len())
        } else {
            let mut target = rng.unit() * total;
            weights
                .iter()
                .position(|w| {
                    target -= w;
                    target <= 0.0
                })
                .unwrap_or(vectors.len() - 1)
        };
        centroids.push(vectors[pick].clone());
    }
    centroids
}

/// Lloyd's iterations from `centroids`; returns the assignment and its total similarity.
fn lloyd(vectors: &[Vec<f32>], mut centroids: Vec<Vec<f32>>) -> (Vec<usize>, f32) {
    let mut assignment = vec![usize::MAX; vectors.len()];
    for _ in 0..ITERATIONS {
        let next: Vec<usize> = vectors.iter().map(|v| nearest(v, &centroids)).collect();
        if next == assignment {
            break;
        }
        assignment = next;
        for (c, centroid) in centroids.iter_mut().enumerate() {
            let mut sum = vec![0.0f32; centroid.len()];
            let mut members = 0;
            for (v, _) in vectors.iter().zip(&assignment).filter(|(_, a)| **a == c) {
                sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
                members += 1;
            }
            // An emptied cluster keeps its old centroid rather than vanish.
            if members > 0 {
                *centroid = normalized(sum);
            }
        }
    }
    let fit = vectors
        .iter()
        .zip(&assignment)
        .map(|(v, &c)| dot(v, &centroids[c]))
        .sum();
    (assignment, fit)
}

fn nearest(v: &[f32], centroids: &[Vec<f32>]) -> usize {
    let mut best = (0, f32::MIN);
    for (c, centroid) in centroids.iter().enumerate() {
        let s = dot(v, centroid);
        if s > best.1 {
            best = (c, s);
        }
    }
    best.0
}

pub(crate) fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = dot(&v, &v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// SplitMix64: a tiny, well-known generator; good enough to pick seeds.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_with_shared_words_land_together() {
        let texts: Vec<String> = [
            "certificate expired tls handshake failed",
            "expired tls certificate broke the handshake",
            "disk full on the database host",
            "database host ran out of disk space, disk full",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let groups = kmeans(&tfidf(&texts), 2);
        assert_eq!(groups[0], groups[1]);
        assert_eq!(groups[2], groups[3]);
        assert_ne!(groups[0], groups[2]);
    }

    #[test]
    fn tfidf_rows_are_unit_length_and_k_is_capped() {
        let texts = vec!["alpha beta".to_string(), "beta gamma".to_string()];
        let rows = tfidf(&texts);
        assert!(rows.iter().all(|r| (dot(r, r) - 1.0).abs() < 1e-5));
        assert_eq!(kmeans(&rows, 10).len(), 2);
        assert!(kmeans(&[], 3).is_empty());
    }
}
