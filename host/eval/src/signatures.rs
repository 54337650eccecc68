//! The graph-signature evaluation set (`metrics/labels.jsonl`) and its scoring.
//!
//! [`load`] turns each label line into a [`Window`] holding exactly the labelled points, read
//! from the series file named relative to the labels file's folder. [`score`] compares one
//! prediction per window (a shape id or `none`) with the labels and returns a [`Summary`]:
//! per-class precision/recall/F1, macro-F1 over the six shapes, the share of `none` windows
//! given a signature, and the same figures again for the untouched real windows only, because
//! derived windows are easier than real incidents and must not hide a weak real score.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use rhyme_core::lines::{LineError, read_text};
use rhyme_core::series::{self, Point, SeriesError};

/// The six shape ids, in the catalog's order; `none` is the seventh label.
pub const SHAPES: [&str; 6] = [
    "stair-step",
    "cliff-drop",
    "oscillation",
    "flatline",
    "spike-then-settle",
    "plateau-under-peak",
];

/// The label meaning "no signature".
pub const NONE: &str = "none";

/// One labelled window with its points.
#[derive(Debug, Clone)]
pub struct Window {
    /// The window's label id (`w-NNN`).
    pub id: String,
    /// Series file, as written in the label (relative to the labels file's folder).
    pub series: String,
    /// A shape id from [`SHAPES`] or [`NONE`].
    pub label: String,
    /// `true` when the window is real data with a recorded transformation, not untouched data.
    pub derived: bool,
    /// The series' source folder (`realTweets`, `smd`, `derived`, ...): useful to split by source.
    pub source: String,
    /// Exactly the points from `start` to `end` inclusive.
    pub points: Vec<Point>,
}

/// Why the labels could not be loaded or a prediction set could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum SignaturesError {
    /// The labels file could not be read, or a label line is bad: not valid JSON, an unknown
    /// shape, a bad time, or a wrong `n_points`.
    #[error(transparent)]
    Labels(#[from] LineError),
    /// A series file named by a label could not be read or parsed.
    #[error(transparent)]
    Series(#[from] SeriesError),
    /// A prediction is neither a shape id of [`SHAPES`] nor [`NONE`].
    #[error("window {id}: unknown prediction `{predicted}` (expected a shape id or `none`)")]
    UnknownPrediction {
        /// Id of the window the prediction was made for.
        id: String,
        /// The unknown prediction.
        predicted: String,
    },
}

#[derive(Deserialize)]
struct LabelLine {
    id: String,
    series: String,
    start: String,
    end: String,
    n_points: usize,
    shape: String,
    #[serde(default)]
    derived: bool,
}

/// Loads every labelled window of a `labels.jsonl` file, with its points.
pub fn load(labels: &Path) -> Result<Vec<Window>, SignaturesError> {
    let text = read_text(labels)?;
    let folder = labels.parent().unwrap_or(Path::new("."));
    let mut cache: HashMap<String, Vec<Point>> = HashMap::new();
    let mut windows = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let fail = |reason: String| SignaturesError::from(LineError::at(labels, index + 1, reason));
        let label: LabelLine = serde_json::from_str(raw).map_err(|e| fail(e.to_string()))?;
        if label.shape != NONE && !SHAPES.contains(&label.shape.as_str()) {
            return Err(fail(format!(
                "field `shape`: unknown shape `{}`",
                label.shape
            )));
        }
        if !cache.contains_key(&label.series) {
            let points = series::parse_csv(
                &read_series_text(folder, &label.series)?,
                &folder.join(&label.series),
            )?;
            cache.insert(label.series.clone(), points);
        }
        let points = cut_window(&cache[&label.series], &label).map_err(fail)?;
        windows.push(Window {
            id: label.id,
            source: source_folder(&label.series),
            series: label.series,
            label: label.shape,
            derived: label.derived,
            points,
        });
    }
    Ok(windows)
}

fn read_series_text(folder: &Path, series: &str) -> Result<String, SeriesError> {
    let path = folder.join(series);
    std::fs::read_to_string(&path).map_err(|source| SeriesError::Io { path, source })
}

/// The points from `start` to `end` inclusive; their count must match `n_points`.
fn cut_window(points: &[Point], label: &LabelLine) -> Result<Vec<Point>, String> {
    let bound = |field: &str, text: &str| {
        series::parse_timestamp(text)
            .ok_or_else(|| format!("field `{field}`: `{text}` is not a timestamp"))
    };
    let (start, end) = (bound("start", &label.start)?, bound("end", &label.end)?);
    let window: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.t >= start && p.t <= end)
        .collect();
    if window.len() != label.n_points {
        return Err(format!(
            "field `n_points`: {} rows lie between {} and {} in {}, label says {}",
            window.len(),
            label.start,
            label.end,
            label.series,
            label.n_points
        ));
    }
    Ok(window)
}

fn source_folder(series: &str) -> String {
    let parts: Vec<&str> = series.split('/').collect();
    match parts.as_slice() {
        [.., folder, _file] => (*folder).to_string(),
        _ => String::new(),
    }
}

/// Precision, recall and F1 of one class; `None` where the ratio has no denominator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScore {
    /// Windows labelled with this class.
    pub support: usize,
    /// Windows predicted as this class.
    pub predicted: usize,
    /// Share of windows predicted as this class that are labelled so; `None` if none predicted.
    pub precision: Option<f64>,
    /// Share of windows labelled with this class predicted as it; `None` if none labelled.
    pub recall: Option<f64>,
    /// `2PR / (P + R)`; 0 when labelled but never hit, `None` when never labelled.
    pub f1: Option<f64>,
}

/// Scores over one set of windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Number of windows scored.
    pub n: usize,
    /// Share of windows whose prediction equals the label.
    pub accuracy: f64,
    /// Mean F1 over the six shapes that have at least one labelled window here.
    pub macro_f1: f64,
    /// Share of `none` windows that were given a signature.
    pub false_signature_rate: Option<f64>,
    /// Number of windows labelled `none`.
    pub none_windows: usize,
    /// Keyed by shape id, plus `none`.
    pub per_class: BTreeMap<String, ClassScore>,
    /// `confusion[label][predicted]` = count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

/// The figures for all windows, and again for the real (not derived) windows only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Figures over every window (serialised flat, at the top level).
    #[serde(flatten)]
    pub all: Figures,
    /// Figures over the real (not derived) windows only.
    pub real_only: Figures,
}

/// Scores one prediction per window (a shape id or `none`).
pub fn score<'a>(
    predictions: impl IntoIterator<Item = (&'a Window, &'a str)>,
) -> Result<Summary, SignaturesError> {
    let mut pairs = Vec::new();
    for (window, predicted) in predictions {
        if predicted != NONE && !SHAPES.contains(&predicted) {
            return Err(SignaturesError::UnknownPrediction {
                id: window.id.clone(),
                predicted: predicted.to_string(),
            });
        }
        pairs.push((window, predicted));
    }
    let real: Vec<_> = pairs.iter().copied().filter(|(w, _)| !w.derived).collect();
    Ok(Summary {
        all: figures(&pairs),
        real_only: figures(&real),
    })
}

fn figures(pairs: &[(&Window, &str)]) -> Figures {
    let mut confusion: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (window, predicted) in pairs {
        *confusion
            .entry(window.label.clone())
            .or_default()
            .entry((*predicted).to_string())
            .or_default() += 1;
    }
    let per_class: BTreeMap<String, ClassScore> = SHAPES
        .iter()
        .chain([&NONE])
        .map(|class| ((*class).to_string(), class_score(pairs, class)))
        .collect();
    let shape_f1: Vec<f64> = SHAPES
        .iter()
        .filter(|c| per_class[**c].support > 0)
        .map(|c| per_class[*c].f1.unwrap_or(0.0))
        .collect();
    let none = &per_class[NONE];
    let correct = pairs.iter().filter(|(w, p)| w.label == *p).count();
    Figures {
        n: pairs.len(),
        accuracy: ratio(correct, pairs.len()).unwrap_or(0.0),
        macro_f1: ratio_f(shape_f1.iter().sum(), shape_f1.len()),
        false_signature_rate: none.recall.map(|r| 1.0 - r),
        none_windows: none.support,
        per_class,
        confusion,
    }
}

fn class_score(pairs: &[(&Window, &str)], class: &str) -> ClassScore {
    let support = pairs.iter().filter(|(w, _)| w.label == class).count();
    let predicted = pairs.iter().filter(|(_, p)| *p == class).count();
    let hits = pairs
        .iter()
        .filter(|(w, p)| w.label == class && *p == class)
        .count();
    let precision = ratio(hits, predicted);
    let recall = ratio(hits, support);
    let f1 = match (precision, recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        // A class that is labelled but never predicted has F1 0; one never labelled has none.
        (None, Some(_)) => Some(0.0),
        _ => None,
    };
    ClassScore {
        support,
        predicted,
        precision,
        recall,
        f1,
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn ratio_f(sum: f64, count: usize) -> f64 {
    if count == 0 { 0.0 } else { sum / count as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(id: &str, label: &str, derived: bool) -> Window {
        Window {
            id: id.into(),
            series: "s.csv".into(),
            label: label.into(),
            derived,
            source: "x".into(),
            points: Vec::new(),
        }
    }

    #[test]
    fn scores_per_class_macro_f1_and_false_signatures() {
        let windows = [
            window("a", "cliff-drop", false),
            window("b", "cliff-drop", true),
            window("c", "flatline", false),
            window("d", "none", false),
            window("e", "none", false),
        ];
        let predicted = ["cliff-drop", "none", "cliff-drop", "none", "flatline"];
        let summary = score(windows.iter().zip(predicted)).unwrap();
        let cliff = &summary.all.per_class["cliff-drop"];
        assert_eq!((cliff.support, cliff.predicted), (2, 2));
        assert_eq!(cliff.precision, Some(0.5));
        assert_eq!(cliff.recall, Some(0.5));
        assert_eq!(summary.all.per_class["flatline"].f1, Some(0.0));
        // Only cliff-drop and flatline are labelled here: macro-F1 = (0.5 + 0) / 2.
        assert_eq!(summary.all.macro_f1, 0.25);
        assert_eq!(summary.all.false_signature_rate, Some(0.5));
        assert_eq!(summary.all.confusion["none"]["flatline"], 1);
        assert_eq!(summary.real_only.n, 4);
        assert_eq!(summary.real_only.per_class["cliff-drop"].recall, Some(1.0));
    }

    #[test]
    fn summary_serialises_flat_with_real_only_nested() {
        let windows = [window("a", "none", false)];
        let summary = score(windows.iter().zip(["none"])).unwrap();
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["n"], 1);
        assert_eq!(json["false_signature_rate"], 0.0);
        assert_eq!(json["real_only"]["n"], 1);
    }

    #[test]
    fn unknown_prediction_is_an_error() {
        let windows = [window("a", "none", false)];
        let err = score(windows.iter().zip(["spike"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("window a") && err.contains("`spike`"), "{err}");
    }

    #[test]
    fn load_cuts_exact_windows_and_reports_bad_lines() {
        let dir =
            std::env::temp_dir().join(format!("rhyme-eval-signatures-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("series")).unwrap();
        std::fs::write(
            dir.join("series/a.csv"),
            "timestamp,value\n10,1\n20,2\n30,3\n40,4\n",
        )
        .unwrap();
        let good = r#"{"id":"w-1","series":"series/a.csv","start":"20","end":"30","n_points":2,"shape":"none"}"#;
        std::fs::write(dir.join("labels.jsonl"), format!("{good}\n")).unwrap();
        let windows = load(&dir.join("labels.jsonl")).unwrap();
        assert_eq!(windows[0].points.len(), 2);
        assert_eq!(windows[0].points[0].v, 2.0);
        assert_eq!(windows[0].source, "series");
        assert!(!windows[0].derived);

        let miscounted = good.replace("\"n_points\":2", "\"n_points\":3");
        std::fs::write(dir.join("labels.jsonl"), format!("{good}\n{miscounted}\n")).unwrap();
        let err = load(&dir.join("labels.jsonl")).unwrap_err().to_string();
        assert!(err.contains("labels.jsonl:2: field `n_points`"), "{err}");

        let unknown = good.replace("\"none\"", "\"zigzag\"");
        std::fs::write(dir.join("labels.jsonl"), format!("{unknown}\n")).unwrap();
        let err = load(&dir.join("labels.jsonl")).unwrap_err().to_string();
        assert!(
            err.contains("labels.jsonl:1: field `shape`: unknown shape `zigzag`"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_shared_labels_load_with_their_exact_point_counts() {
        let labels =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/metrics/labels.jsonl");
        if !labels.exists() {
            eprintln!("skipped: {} not found", labels.display());
            return;
        }
        let windows = load(&labels).unwrap();
        assert!(!windows.is_empty());
        assert!(windows.iter().all(|w| w.points.len() >= 10));
        assert!(windows.iter().any(|w| w.derived) && windows.iter().any(|w| !w.derived));
    }
}
