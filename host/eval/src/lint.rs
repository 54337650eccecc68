//! Evaluation set: the review lint (`lint/blame.jsonl`, `lint/action_items.jsonl`).
//!
//! Reads the two hand-labelled sets (format in that folder's README) and scores predictions:
//! blame as a binary classifier (precision, recall, F1), action items as five binary
//! judgements per item (accuracy per element). Predictions use the shapes `rhyme eval lint`
//! prints: `{"id","blame"}` and `{"id","elements":{"owner","verb","outcome","ticket","deadline"}}`.
//!
//! ```
//! use rhyme_eval::lint::{BlameItem, BlamePrediction, score_blame};
//!
//! let labels: Vec<BlameItem> = [
//!     r#"{"id":"b-1","text":"Ops should have checked.","blame":true,"why":"","reframe":"","source":"written"}"#,
//!     r#"{"id":"b-2","text":"The job failed.","blame":false,"why":"","reframe":null,"source":"written"}"#,
//! ].iter().map(|l| serde_json::from_str(l).unwrap()).collect();
//! let predictions = vec![
//!     BlamePrediction { id: "b-1".into(), blame: true },
//!     BlamePrediction { id: "b-2".into(), blame: true },
//! ];
//! let score = score_blame(&labels, &predictions).unwrap();
//! assert_eq!((score.precision, score.recall), (0.5, 1.0));
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What can go wrong reading a set or matching predictions to it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A labelled set's file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A line is not valid JSON or does not have the set's fields.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file holding the bad line.
        path: PathBuf,
        /// 1-based number of the bad line.
        line: usize,
        /// The JSON error's message.
        message: String,
    },
    /// Two lines of a labelled set carry the same id.
    #[error("{path}:{line}: id {id} appears twice")]
    DuplicateId {
        /// The file holding the duplicate.
        path: PathBuf,
        /// 1-based line number of the second occurrence.
        line: usize,
        /// The repeated id.
        id: String,
    },
    /// A prediction names an id that the labelled set does not have.
    #[error("prediction for id {id}, which is not in the labelled set")]
    UnknownId {
        /// The unknown id.
        id: String,
    },
    /// Two predictions name the same id.
    #[error("two predictions for id {id}")]
    DuplicatePrediction {
        /// The id predicted twice.
        id: String,
    },
    /// A labelled id has no prediction.
    #[error("no prediction for labelled id {id}")]
    MissingPrediction {
        /// The labelled id left without a prediction.
        id: String,
    },
}

/// Result with this module's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One labelled sentence of `blame.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlameItem {
    /// The sentence's id (`b-NNN`).
    pub id: String,
    /// The sentence, verbatim from a corpus postmortem or written for the set.
    pub text: String,
    /// True when the sentence puts the cause on a person's failing or character.
    pub blame: bool,
    /// The labeller's short reason.
    pub why: String,
    /// A blameless rewording for blame rows.
    pub reframe: Option<String>,
    /// `pm-NNNN` corpus id or `"written"`.
    pub source: String,
}

/// The five elements of an action item, each present or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elements {
    /// A named individual is responsible (teams, roles and "we" do not count).
    pub owner: bool,
    /// The main action is concrete and its completion can be observed.
    pub verb: bool,
    /// The text says how anyone would know it is done (target value, check, done-condition).
    pub outcome: bool,
    /// The text holds a tracker reference such as `OPS-2231`, `#4821` or an issue link.
    pub ticket: bool,
    /// The text gives a calendar date, or a month or quarter with its year.
    pub deadline: bool,
}

impl Elements {
    /// The element names in the spec's order, with their values.
    pub fn named(&self) -> [(&'static str, bool); 5] {
        [
            ("owner", self.owner),
            ("verb", self.verb),
            ("outcome", self.outcome),
            ("ticket", self.ticket),
            ("deadline", self.deadline),
        ]
    }
}

/// One labelled item of `action_items.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    /// The item's id (`a-NNN`).
    pub id: String,
    /// The action item's text, from a corpus postmortem or written for the set.
    pub text: String,
    /// Which of the five elements the item contains, as labelled.
    pub elements: Elements,
    /// `pm-NNNN` corpus id or `"written"`.
    pub source: String,
}

/// A prediction for one sentence: `{"id","blame"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlamePrediction {
    /// Id of the labelled sentence this prediction is for.
    pub id: String,
    /// Whether the sentence is predicted to be blame.
    pub blame: bool,
}

/// A prediction for one action item: `{"id","elements":{...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementsPrediction {
    /// Id of the labelled action item this prediction is for.
    pub id: String,
    /// The elements predicted present.
    pub elements: Elements,
}

/// Blame detection scored as a binary classifier; blame is the positive class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlameScore {
    /// Number of labelled sentences scored.
    pub items: usize,
    /// Sentences labelled as blame.
    pub labelled_blame: usize,
    /// Predicted blame, labelled blame.
    pub true_positives: usize,
    /// Predicted blame, labelled not blame.
    pub false_positives: usize,
    /// Predicted not blame, labelled blame.
    pub false_negatives: usize,
    /// Predicted not blame, labelled not blame.
    pub true_negatives: usize,
    /// `true_positives / (true_positives + false_positives)`; 0 when nothing was predicted blame.
    pub precision: f64,
    /// `true_positives / labelled_blame`; 0 when nothing is labelled blame.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
    /// Share of sentences whose prediction matches the label; 0 for an empty set.
    pub accuracy: f64,
}

/// One element judged across all action items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementScore {
    /// Items where the prediction matches the label.
    pub correct: usize,
    /// Items labelled as having the element.
    pub present: usize,
    /// Predicted present, labelled absent.
    pub false_positives: usize,
    /// Predicted absent, labelled present.
    pub false_negatives: usize,
    /// `correct / items`.
    pub accuracy: f64,
}

/// Action items: accuracy for each of the five elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItemScore {
    /// Number of labelled action items scored.
    pub items: usize,
    /// Scores for the `owner` element.
    pub owner: ElementScore,
    /// Scores for the `verb` element.
    pub verb: ElementScore,
    /// Scores for the `outcome` element.
    pub outcome: ElementScore,
    /// Scores for the `ticket` element.
    pub ticket: ElementScore,
    /// Scores for the `deadline` element.
    pub deadline: ElementScore,
    /// Items with all five elements judged right.
    pub all_five_right: usize,
    /// The lowest of the five accuracies; 0 for an empty set.
    pub min_accuracy: f64,
}

/// The summary `rhyme eval lint` prints after the per-item lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LintSummary {
    /// Scores on the blame sentences.
    pub blame: BlameScore,
    /// Scores on the action items.
    pub action_items: ActionItemScore,
}

/// Reads `blame.jsonl`.
pub fn read_blame(path: &Path) -> Result<Vec<BlameItem>> {
    read_jsonl(path, |item: &BlameItem| &item.id)
}

/// Reads `action_items.jsonl`.
pub fn read_action_items(path: &Path) -> Result<Vec<ActionItem>> {
    read_jsonl(path, |item: &ActionItem| &item.id)
}

/// Reads one JSON object per non-blank line, rejecting repeated ids.
fn read_jsonl<T: DeserializeOwned>(path: &Path, id: impl Fn(&T) -> &String) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let line_no = index + 1;
        let item: T = serde_json::from_str(line).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: line_no,
            message: e.to_string(),
        })?;
        if !seen.insert(id(&item).clone()) {
            return Err(Error::DuplicateId {
                path: path.to_path_buf(),
                line: line_no,
                id: id(&item).clone(),
            });
        }
        items.push(item);
    }
    Ok(items)
}

/// Pairs every label with its prediction by id; every label needs exactly one prediction.
fn pair<'a, L, P>(
    labels: &'a [L],
    predictions: &'a [P],
    label_id: impl Fn(&L) -> &str,
    prediction_id: impl Fn(&P) -> &str,
) -> Result<Vec<(&'a L, &'a P)>> {
    let mut by_id: HashMap<&str, &P> = HashMap::new();
    for p in predictions {
        if by_id.insert(prediction_id(p), p).is_some() {
            return Err(Error::DuplicatePrediction {
                id: prediction_id(p).to_string(),
            });
        }
    }
    let label_ids: HashSet<&str> = labels.iter().map(&label_id).collect();
    if let Some(stray) = predictions
        .iter()
        .find(|p| !label_ids.contains(prediction_id(p)))
    {
        return Err(Error::UnknownId {
            id: prediction_id(stray).to_string(),
        });
    }
    labels
        .iter()
        .map(|l| {
            let p = by_id
                .get(label_id(l))
                .ok_or_else(|| Error::MissingPrediction {
                    id: label_id(l).to_string(),
                })?;
            Ok((l, *p))
        })
        .collect()
}

/// Scores blame predictions against the labelled sentences.
pub fn score_blame(labels: &[BlameItem], predictions: &[BlamePrediction]) -> Result<BlameScore> {
    let pairs = pair(labels, predictions, |l| &l.id, |p| &p.id)?;
    let count = |label: bool, predicted: bool| {
        pairs
            .iter()
            .filter(|(l, p)| l.blame == label && p.blame == predicted)
            .count()
    };
    let (tp, fp, fn_, tn) = (
        count(true, true),
        count(false, true),
        count(true, false),
        count(false, false),
    );
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    Ok(BlameScore {
        items: pairs.len(),
        labelled_blame: tp + fn_,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        true_negatives: tn,
        precision,
        recall,
        f1: if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        },
        accuracy: ratio(tp + tn, pairs.len()),
    })
}

/// Scores element predictions against the labelled action items.
pub fn score_action_items(
    labels: &[ActionItem],
    predictions: &[ElementsPrediction],
) -> Result<ActionItemScore> {
    let pairs = pair(labels, predictions, |l| &l.id, |p| &p.id)?;
    let judged: Vec<(Elements, Elements)> = pairs
        .iter()
        .map(|(l, p)| (l.elements, p.elements))
        .collect();
    let element = |pick: fn(&Elements) -> bool| element_score(&judged, pick);
    let scores = [
        element(|e| e.owner),
        element(|e| e.verb),
        element(|e| e.outcome),
        element(|e| e.ticket),
        element(|e| e.deadline),
    ];
    let min_accuracy = scores
        .iter()
        .map(|s| s.accuracy)
        .fold(f64::INFINITY, f64::min);
    let [owner, verb, outcome, ticket, deadline] = scores;
    Ok(ActionItemScore {
        items: judged.len(),
        all_five_right: judged.iter().filter(|(l, p)| l == p).count(),
        min_accuracy: if judged.is_empty() { 0.0 } else { min_accuracy },
        owner,
        verb,
        outcome,
        ticket,
        deadline,
    })
}

fn element_score(judged: &[(Elements, Elements)], pick: fn(&Elements) -> bool) -> ElementScore {
    let count = |label: bool, predicted: bool| {
        judged
            .iter()
            .filter(|(l, p)| pick(l) == label && pick(p) == predicted)
            .count()
    };
    let correct = count(true, true) + count(false, false);
    ElementScore {
        correct,
        present: count(true, true) + count(true, false),
        false_positives: count(false, true),
        false_negatives: count(true, false),
        accuracy: ratio(correct, judged.len()),
    }
}

/// `n / d`, and 0 when there is nothing to divide.
fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blame(id: &str, label: bool) -> BlameItem {
        BlameItem {
            id: id.into(),
            text: String::new(),
            blame: label,
            why: String::new(),
            reframe: None,
            source: "written".into(),
        }
    }

    fn item(id: &str, elements: Elements) -> ActionItem {
        ActionItem {
            id: id.into(),
            text: String::new(),
            elements,
            source: "written".into(),
        }
    }

    #[test]
    fn blame_counts_every_cell_of_the_confusion_matrix() {
        let labels = [
            blame("a", true),
            blame("b", true),
            blame("c", false),
            blame("d", false),
        ];
        let predicted =
            [("a", true), ("b", false), ("c", true), ("d", false)].map(|(id, b)| BlamePrediction {
                id: id.into(),
                blame: b,
            });
        let s = score_blame(&labels, &predicted).unwrap();
        assert_eq!(
            (
                s.true_positives,
                s.false_negatives,
                s.false_positives,
                s.true_negatives
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            (s.precision, s.recall, s.f1, s.accuracy),
            (0.5, 0.5, 0.5, 0.5)
        );
    }

    #[test]
    fn predictions_must_match_the_labelled_ids() {
        let labels = [blame("a", true)];
        let stray = [
            BlamePrediction {
                id: "a".into(),
                blame: true,
            },
            BlamePrediction {
                id: "z".into(),
                blame: true,
            },
        ];
        assert!(matches!(
            score_blame(&labels, &stray),
            Err(Error::UnknownId { .. })
        ));
        assert!(matches!(
            score_blame(&labels, &[]),
            Err(Error::MissingPrediction { .. })
        ));
    }

    #[test]
    fn each_element_is_scored_on_its_own() {
        let full = Elements {
            owner: true,
            verb: true,
            outcome: true,
            ticket: true,
            deadline: true,
        };
        let labels = [item("a", full), item("b", Elements::default())];
        let predicted = [
            ElementsPrediction {
                id: "a".into(),
                elements: Elements {
                    owner: false,
                    ..full
                },
            },
            ElementsPrediction {
                id: "b".into(),
                elements: Elements::default(),
            },
        ];
        let s = score_action_items(&labels, &predicted).unwrap();
        assert_eq!((s.owner.accuracy, s.owner.false_negatives), (0.5, 1));
        assert_eq!(s.verb.accuracy, 1.0);
        assert_eq!((s.all_five_right, s.min_accuracy), (1, 0.5));
    }

    #[test]
    fn a_bad_line_names_the_file_and_line() {
        let dir = std::env::temp_dir().join(format!("rhyme-eval-lint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("blame.jsonl");
        std::fs::write(&path, "{\"id\":\"b-1\",\"text\":\"x\",\"blame\":true,\"why\":\"\",\"reframe\":null,\"source\":\"w\"}\n\n{\"id\":\"b-2\"}\n").unwrap();
        let err = read_blame(&path).unwrap_err().to_string();
        assert!(err.contains("blame.jsonl:3"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
