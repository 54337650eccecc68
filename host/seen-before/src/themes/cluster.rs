//! Agglomerative clustering with average linkage on cosine distance.
//!
//! Why this and not k-means: the number of recurring mechanisms in a team's postmortems is not
//! known in advance and most write-ups recur with nothing, so the method must be free to leave
//! an incident alone. A distance threshold says that directly ("join only what is at least this
//! close on average"), and average linkage keeps one stray close pair from chaining unrelated
//! incidents together the way single linkage does. The whole merge tree is built once, so
//! cutting it at another threshold (cross-validation tries many) costs nothing.
//!
//! Naive O(n³) merging: a few hundred postmortems take milliseconds, and the code stays short.

/// One merge of the tree: two clusters (by their representative item) joined at `height`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Merge {
    a: usize,
    b: usize,
    height: f32,
}

/// The full merge tree of a set of unit vectors, cut at any threshold by [`Dendrogram::cut`].
#[derive(Debug, Clone)]
pub struct Dendrogram {
    items: usize,
    /// In the order they happened; heights never decrease (average linkage is monotone).
    merges: Vec<Merge>,
}

impl Dendrogram {
    /// Builds the tree over `vectors` (unit length; cosine distance is `1 − dot`).
    pub fn build(vectors: &[Vec<f32>]) -> Dendrogram {
        let n = vectors.len();
        let mut distance = vec![vec![0.0f32; n]; n];
        for i in 0..n {
            for j in (i + 1)..n {
                let d = 1.0 - dot(&vectors[i], &vectors[j]);
                distance[i][j] = d;
                distance[j][i] = d;
            }
        }
        let mut size = vec![1usize; n];
        let mut alive = vec![true; n];
        let mut merges = Vec::with_capacity(n.saturating_sub(1));
        for _ in 1..n {
            let mut best: Option<(usize, usize, f32)> = None;
            for i in (0..n).filter(|&i| alive[i]) {
                for j in ((i + 1)..n).filter(|&j| alive[j]) {
                    if best.is_none_or(|(_, _, d)| distance[i][j] < d) {
                        best = Some((i, j, distance[i][j]));
                    }
                }
            }
            let Some((a, b, height)) = best else { break };
            // Lance–Williams update for average linkage: the distance from the union to any
            // other cluster is the size-weighted mean of the two distances.
            let (sa, sb) = (size[a] as f32, size[b] as f32);
            for k in (0..n).filter(|&k| alive[k] && k != a && k != b) {
                let d = (sa * distance[a][k] + sb * distance[b][k]) / (sa + sb);
                distance[a][k] = d;
                distance[k][a] = d;
            }
            size[a] += size[b];
            alive[b] = false;
            merges.push(Merge { a, b, height });
        }
        Dendrogram { items: n, merges }
    }

    /// The cluster of each item when every merge at distance `threshold` or less is kept.
    /// Clusters are numbered 0.. in order of their first item.
    pub fn cut(&self, threshold: f32) -> Vec<usize> {
        let mut parent: Vec<usize> = (0..self.items).collect();
        for m in self.merges.iter().take_while(|m| m.height <= threshold) {
            let (ra, rb) = (root(&parent, m.a), root(&parent, m.b));
            parent[rb] = ra;
        }
        let mut number = vec![usize::MAX; self.items];
        let mut next = 0;
        (0..self.items)
            .map(|i| {
                let r = root(&parent, i);
                if number[r] == usize::MAX {
                    number[r] = next;
                    next += 1;
                }
                number[r]
            })
            .collect()
    }
}

fn root(parent: &[usize], mut i: usize) -> usize {
    while parent[i] != i {
        i = parent[i];
    }
    i
}

pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(angle_degrees: f32) -> Vec<f32> {
        let r = angle_degrees.to_radians();
        vec![r.cos(), r.sin()]
    }

    #[test]
    fn close_points_join_and_far_ones_stay_apart() {
        // Two tight pairs far apart, and one loner between them.
        let points = [unit(0.0), unit(5.0), unit(90.0), unit(94.0), unit(45.0)];
        let tree = Dendrogram::build(&points);
        let cut = tree.cut(0.05);
        assert_eq!(cut, vec![0, 0, 1, 1, 2]);
        // Everything joins at a large enough threshold; nothing at zero.
        assert!(tree.cut(2.0).iter().all(|&c| c == 0));
        assert_eq!(tree.cut(0.0), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn average_linkage_does_not_chain() {
        // A line of points each close to the next: single linkage would join them all at the
        // step distance; average linkage needs the mean distance to be small.
        let points: Vec<Vec<f32>> = (0..6).map(|i| unit(i as f32 * 10.0)).collect();
        let step = 1.0 - 10f32.to_radians().cos();
        let cut = Dendrogram::build(&points).cut(step + 1e-4);
        let clusters = cut.iter().max().unwrap() + 1;
        assert!(clusters >= 3, "{cut:?}");
    }

    #[test]
    fn merge_heights_never_decrease() {
        let points: Vec<Vec<f32>> = [3.0, 40.0, 41.0, 170.0, 12.0, 100.0, 101.5]
            .iter()
            .map(|&a| unit(a))
            .collect();
        let tree = Dendrogram::build(&points);
        assert_eq!(tree.merges.len(), points.len() - 1);
        assert!(
            tree.merges
                .windows(2)
                .all(|w| w[0].height <= w[1].height + 1e-6)
        );
    }

    #[test]
    fn empty_and_single_inputs_are_fine() {
        assert!(Dendrogram::build(&[]).cut(0.5).is_empty());
        assert_eq!(Dendrogram::build(&[unit(1.0)]).cut(0.5), vec![0]);
    }
}
