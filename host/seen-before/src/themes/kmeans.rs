//! The baseline grouping: TF-IDF vectors of the same text, clustered by spherical k-means
//! (cosine, k-means++ seeding, the best of several deterministic restarts). It groups by shared
//! wording, which is what the embedding grouping is meant to do better than.

use std::collections::HashMap;

use seen_before_index::terms;

use super::cluster::dot;
use crate::seeded::SplitMix64;

/// Restarts of k-means; the one with the highest total similarity to its centroid wins.
const RESTARTS: u64 = 8;
/// Lloyd iterations per restart (it settles well before this on a few hundred documents).
const ITERATIONS: usize = 50;

/// TF-IDF vectors of a set of texts, sparse (a few dozen terms each against thousands of
/// columns, which keeps k-means cheap).
#[derive(Debug, Clone)]
pub struct Tfidf {
    /// One row per text: (column, weight), L2-normalised.
    pub rows: Vec<Vec<(usize, f32)>>,
    /// Distinct terms seen.
    pub columns: usize,
}

/// L2-normalised TF-IDF vectors of `texts`, with sublinear term frequency (1 + ln tf) and
/// smoothed idf (ln((1 + n) / (1 + df)) + 1).
pub fn tfidf(texts: &[String]) -> Tfidf {
    let docs: Vec<Vec<String>> = texts.iter().map(|t| terms(t)).collect();
    let mut column: HashMap<String, usize> = HashMap::new();
    let mut counts: Vec<HashMap<usize, f32>> = Vec::with_capacity(docs.len());
    for doc in &docs {
        let mut tf: HashMap<usize, f32> = HashMap::new();
        for t in doc {
            let next = column.len();
            let c = *column.entry(t.clone()).or_insert(next);
            *tf.entry(c).or_default() += 1.0;
        }
        counts.push(tf);
    }
    let mut df = vec![0usize; column.len()];
    counts
        .iter()
        .flat_map(|tf| tf.keys())
        .for_each(|&c| df[c] += 1);
    let n = docs.len() as f32;
    let rows = counts
        .into_iter()
        .map(|tf| {
            let mut row: Vec<(usize, f32)> = tf
                .into_iter()
                .map(|(c, x)| {
                    (
                        c,
                        (1.0 + x.ln()) * (((1.0 + n) / (1.0 + df[c] as f32)).ln() + 1.0),
                    )
                })
                .collect();
            row.sort_unstable_by_key(|&(c, _)| c);
            let norm = row.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|(_, x)| *x /= norm);
            }
            row
        })
        .collect();
    Tfidf {
        rows,
        columns: column.len(),
    }
}

/// The cluster (0..k) of each row by spherical k-means. `k` is capped at the number of rows;
/// the result is the same for the same input.
pub fn kmeans(data: &Tfidf, k: usize) -> Vec<usize> {
    if data.rows.is_empty() {
        return Vec::new();
    }
    let k = k.clamp(1, data.rows.len());
    (0..RESTARTS)
        .map(|seed| lloyd(data, seeds(data, k, seed)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(assignment, _)| assignment)
        .unwrap_or_default()
}

fn sparse_dot(row: &[(usize, f32)], dense: &[f32]) -> f32 {
    row.iter().map(|&(c, x)| x * dense[c]).sum()
}

fn densify(row: &[(usize, f32)], columns: usize) -> Vec<f32> {
    let mut v = vec![0.0; columns];
    row.iter().for_each(|&(c, x)| v[c] = x);
    v
}

/// k-means++ seeding with a small deterministic generator (no `rand` for one baseline).
fn seeds(data: &Tfidf, k: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = SplitMix64(seed);
    let n = data.rows.len();
    let mut centroids = vec![densify(&data.rows[rng.below(n)], data.columns)];
    let mut best: Vec<f32> = vec![f32::MIN; n];
    while centroids.len() < k {
        let newest = centroids.last().expect("one seed at least");
        for (b, row) in best.iter_mut().zip(&data.rows) {
            *b = b.max(sparse_dot(row, newest));
        }
        let weights: Vec<f64> = best
            .iter()
            .map(|&b| f64::from((1.0 - b).max(0.0)))
            .collect();
        let total: f64 = weights.iter().sum();
        let pick = if total <= 0.0 {
            rng.below(n)
        } else {
            let mut target = rng.unit() * total;
            weights
                .iter()
                .position(|w| {
                    target -= w;
                    target <= 0.0
                })
                .unwrap_or(n - 1)
        };
        centroids.push(densify(&data.rows[pick], data.columns));
    }
    centroids
}

/// Lloyd's iterations from `centroids`; returns the assignment and its total similarity.
fn lloyd(data: &Tfidf, mut centroids: Vec<Vec<f32>>) -> (Vec<usize>, f32) {
    let mut assignment = vec![usize::MAX; data.rows.len()];
    for _ in 0..ITERATIONS {
        let next: Vec<usize> = data.rows.iter().map(|r| nearest(r, &centroids)).collect();
        if next == assignment {
            break;
        }
        assignment = next;
        let mut sums = vec![vec![0.0f32; data.columns]; centroids.len()];
        let mut members = vec![0usize; centroids.len()];
        for (row, &c) in data.rows.iter().zip(&assignment) {
            row.iter().for_each(|&(col, x)| sums[c][col] += x);
            members[c] += 1;
        }
        for ((centroid, sum), count) in centroids.iter_mut().zip(sums).zip(members) {
            // An emptied cluster keeps its old centroid rather than vanish.
            if count > 0 {
                *centroid = normalized(sum);
            }
        }
    }
    let fit = data
        .rows
        .iter()
        .zip(&assignment)
        .map(|(r, &c)| sparse_dot(r, &centroids[c]))
        .sum();
    (assignment, fit)
}

fn nearest(row: &[(usize, f32)], centroids: &[Vec<f32>]) -> usize {
    let mut best = (0, f32::MIN);
    for (c, centroid) in centroids.iter().enumerate() {
        let s = sparse_dot(row, centroid);
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
        let data = tfidf(&texts);
        assert_eq!(data.columns, 3);
        let norm = |r: &[(usize, f32)]| r.iter().map(|(_, x)| x * x).sum::<f32>();
        assert!(data.rows.iter().all(|r| (norm(r) - 1.0).abs() < 1e-5));
        assert_eq!(kmeans(&data, 10).len(), 2);
        assert!(kmeans(&tfidf(&[]), 3).is_empty());
    }
}
