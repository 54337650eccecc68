//! Blame said without a cue word: a logistic regression on sentence embeddings.
//!
//! The rules find blame by its phrases ("forgot to", "should have"). Blame also comes as a
//! whole sentence's reading with no such phrase: faint praise, a name heading the cause, a
//! competence remark. A small linear model on the host's sentence embedding catches part of
//! that. Its weights are fitted by `rhyme fit blame` on the labelled sentences (each blame
//! sentence's blameless rewording is added as a negative, so the model learns the blame and
//! not the topic) and shipped here as `model/blame-classifier.json`.
//!
//! ```
//! use review_lint::blame::classifier::{Classifier, Example};
//!
//! let examples = [
//!     Example { vector: vec![1.0, 0.0], blame: true },
//!     Example { vector: vec![0.9, 0.1], blame: true },
//!     Example { vector: vec![0.0, 1.0], blame: false },
//!     Example { vector: vec![0.1, 0.9], blame: false },
//! ];
//! let model = Classifier::fit(&examples, 10.0, 0.6, "toy");
//! assert!(model.probability(&[1.0, 0.0]) > 0.6);
//! assert!(model.probability(&[0.0, 1.0]) < 0.4);
//! ```

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One labelled sentence as the fit sees it.
#[derive(Debug, Clone)]
pub struct Example {
    /// The sentence's embedding.
    pub vector: Vec<f32>,
    /// Whether it is blame.
    pub blame: bool,
}

/// A fitted classifier and what it was fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classifier {
    /// The embedding model its vectors must come from (`Embedder::model()`).
    pub embedding_model: String,
    /// One weight per vector dimension.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
    /// A sentence whose probability reaches this is blame.
    pub threshold: f32,
    /// The inverse strength of the L2 penalty the weights were fitted with.
    pub c: f32,
    /// Where the training sentences came from, and how many of each.
    #[serde(default)]
    pub trained_on: Vec<TrainingSource>,
}

/// One file of training sentences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingSource {
    /// The file, as given to `rhyme fit blame`.
    pub file: String,
    /// Its blame sentences.
    pub blame: usize,
    /// Its blameless sentences, rewordings of its blame sentences included.
    pub not_blame: usize,
}

impl Classifier {
    /// The classifier shipped with the lint, fitted by `rhyme fit blame`.
    pub fn shipped() -> &'static Classifier {
        static SHIPPED: OnceLock<Classifier> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            serde_json::from_str(include_str!("../../model/blame-classifier.json"))
                .expect("model/blame-classifier.json is written by `rhyme fit blame`")
        })
    }

    /// The probability that the sentence with this embedding is blame.
    pub fn probability(&self, vector: &[f32]) -> f32 {
        let z: f32 = self
            .weights
            .iter()
            .zip(vector)
            .map(|(w, x)| w * x)
            .sum::<f32>()
            + self.bias;
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether the sentence with this embedding reads as blame.
    pub fn is_blame(&self, vector: &[f32]) -> bool {
        vector.len() == self.weights.len() && self.probability(vector) >= self.threshold
    }

    /// Fits an L2-penalised logistic regression by Newton's method: the same optimum for the
    /// same data every time, so a rerun of the fit writes the same weights.
    ///
    /// Panics when `examples` is empty or the vectors differ in length.
    pub fn fit(examples: &[Example], c: f32, threshold: f32, embedding_model: &str) -> Classifier {
        let dimension = examples[0].vector.len();
        assert!(examples.iter().all(|e| e.vector.len() == dimension));
        let mut theta = vec![0.0f64; dimension + 1];
        for _ in 0..30 {
            let step = newton_step(examples, &theta, f64::from(c));
            let size = step.iter().map(|s| s * s).sum::<f64>().sqrt();
            theta.iter_mut().zip(&step).for_each(|(t, s)| *t -= s);
            if size < 1e-7 {
                break;
            }
        }
        Classifier {
            embedding_model: embedding_model.to_string(),
            weights: theta[..dimension].iter().map(|&w| w as f32).collect(),
            bias: theta[dimension] as f32,
            threshold,
            c,
            trained_on: Vec::new(),
        }
    }
}

/// The Newton step H⁻¹g of the penalised log-loss at `theta` (weights, then the bias, which
/// is not penalised).
fn newton_step(examples: &[Example], theta: &[f64], c: f64) -> Vec<f64> {
    let n = theta.len();
    let mut gradient = vec![0.0; n];
    let mut hessian = vec![0.0; n * n];
    let mut x = vec![0.0; n];
    for example in examples {
        x.iter_mut()
            .zip(example.vector.iter().map(|&v| f64::from(v)).chain([1.0]))
            .for_each(|(slot, v)| *slot = v);
        let z: f64 = x.iter().zip(theta).map(|(a, b)| a * b).sum();
        let p = 1.0 / (1.0 + (-z).exp());
        let error = p - if example.blame { 1.0 } else { 0.0 };
        let curvature = p * (1.0 - p);
        for i in 0..n {
            gradient[i] += error * x[i];
            let row = curvature * x[i];
            // The Hessian is symmetric: fill the lower triangle, mirror it below.
            for j in 0..=i {
                hessian[i * n + j] += row * x[j];
            }
        }
    }
    for i in 0..n - 1 {
        gradient[i] += theta[i] / c;
        hessian[i * n + i] += 1.0 / c;
    }
    hessian[(n - 1) * n + (n - 1)] += 1e-9;
    for i in 0..n {
        for j in 0..i {
            hessian[j * n + i] = hessian[i * n + j];
        }
    }
    solve_symmetric(hessian, gradient, n)
}

/// Solves `a x = b` for a symmetric positive definite `a` (row-major, `n`×`n`) by Cholesky.
fn solve_symmetric(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Vec<f64> {
    for j in 0..n {
        let diagonal = (a[j * n + j] - (0..j).map(|k| a[j * n + k].powi(2)).sum::<f64>()).sqrt();
        a[j * n + j] = diagonal;
        for i in j + 1..n {
            let dot: f64 = (0..j).map(|k| a[i * n + k] * a[j * n + k]).sum();
            a[i * n + j] = (a[i * n + j] - dot) / diagonal;
        }
    }
    for i in 0..n {
        let dot: f64 = (0..i).map(|k| a[i * n + k] * b[k]).sum();
        b[i] = (b[i] - dot) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let dot: f64 = (i + 1..n).map(|k| a[k * n + i] * b[k]).sum();
        b[i] = (b[i] - dot) / a[i * n + i];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_small_system() {
        // [[4, 2], [2, 3]] x = [2, 1] has x = [0.5, 0].
        let x = solve_symmetric(vec![4.0, 2.0, 2.0, 3.0], vec![2.0, 1.0], 2);
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12, "{x:?}");
    }

    #[test]
    fn a_vector_of_the_wrong_length_is_never_blame() {
        let model = Classifier::fit(
            &[
                Example {
                    vector: vec![1.0, 0.0],
                    blame: true,
                },
                Example {
                    vector: vec![0.0, 1.0],
                    blame: false,
                },
            ],
            1.0,
            0.5,
            "toy",
        );
        assert!(model.is_blame(&[1.0, 0.0]));
        assert!(!model.is_blame(&[1.0, 0.0, 0.0]));
    }

    #[test]
    fn the_shipped_model_matches_the_embedding_size_it_names() {
        let model = Classifier::shipped();
        assert!(
            model
                .embedding_model
                .contains(&format!("{}", model.weights.len()))
        );
        assert!((0.5..1.0).contains(&model.threshold));
    }
}
