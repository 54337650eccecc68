//! The multivariate set (`metrics/multivariate/labels.jsonl`): which metrics moved in each
//! labelled segment and when it started, scored against a detector's alarms.
//!
//! The detector sees each CSV whole, without labels, and raises [`Alarm`]s. For each segment,
//! the alarm whose onset is nearest the segment's `start`, among those with an onset from
//! [`MARGIN_S`] before `start` to `end`, is its prediction (none: the segment was missed). The
//! named metrics are scored against `dims` (micro precision, recall and F1, a missed segment
//! counting all its dims as missed), the onset by its error in minutes. False alarms are
//! counted in the quiet context of the README: six hours either side of each segment, less
//! every row within [`MARGIN_S`] of any labelled segment, each row counted once.
//!
//! ```
//! use rhyme_eval::movers::{Alarm, Segment, predict};
//! let seg = Segment { id: "mv-1".into(), file: "m.csv".into(), start: 600.0, end: 900.0, dims: vec![3] };
//! let alarms = [Alarm { raised: 10.0, onset: 10.0, moved: vec![1] }, Alarm { raised: 660.0, onset: 540.0, moved: vec![3] }];
//! assert_eq!(predict(&seg, &alarms).unwrap().onset, 540.0);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How far before a segment's start an alarm may still be its prediction, and how far around
/// every segment a row is not quiet: 30 minutes.
pub const MARGIN_S: f64 = 1800.0;
/// The quiet context on each side of a segment: six hours.
pub const CONTEXT_S: f64 = 6.0 * 3600.0;

/// One labelled segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// `mv-NNN`.
    pub id: String,
    /// The CSV, resolved against the labels file's folder.
    pub file: PathBuf,
    /// First and last anomalous row's time, Unix seconds (inclusive).
    pub start: f64,
    /// See `start`.
    pub end: f64,
    /// 0-based indexes of the columns (after the time column) marked as involved.
    pub dims: Vec<usize>,
}

/// Something a detector raised on one CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// When it could be raised, Unix seconds.
    pub raised: f64,
    /// When it says the trouble started, Unix seconds.
    pub onset: f64,
    /// The columns it names as having moved (indexes after the time column).
    pub moved: Vec<usize>,
}

/// Why the labels could not be read: the file, or a label line naming the field at fault.
pub type MoversError = rhyme_core::lines::LineError;

#[derive(Deserialize)]
struct Line {
    id: String,
    file: String,
    start: String,
    end: String,
    dims: Vec<usize>,
}

/// Reads the labels; CSV paths are resolved against the labels file's folder.
pub fn load(path: &Path) -> Result<Vec<Segment>, MoversError> {
    let text = rhyme_core::lines::read_text(path)?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let fail = |reason: String| MoversError::at(path, i + 1, reason);
        let line: Line = serde_json::from_str(raw).map_err(|e| fail(e.to_string()))?;
        let time = |field: &str, text: &str| {
            rhyme_core::series::parse_timestamp(text)
                .ok_or_else(|| fail(format!("`{field}`: `{text}` is not a time")))
        };
        out.push(Segment {
            start: time("start", &line.start)?,
            end: time("end", &line.end)?,
            id: line.id,
            file: folder.join(line.file),
            dims: line.dims,
        });
    }
    Ok(out)
}

/// The alarm that stands for `segment`: onset nearest its start, within the window above.
pub fn predict<'a>(segment: &Segment, alarms: &'a [Alarm]) -> Option<&'a Alarm> {
    alarms
        .iter()
        .filter(|a| a.onset >= segment.start - MARGIN_S && a.onset <= segment.end)
        .min_by(|a, b| {
            (a.onset - segment.start)
                .abs()
                .total_cmp(&(b.onset - segment.start).abs())
        })
}

/// Figures over a set of segments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Segments scored.
    pub segments: usize,
    /// Share of segments with no alarm standing for them.
    pub missed_share: f64,
    /// Named metrics against `dims`, micro-averaged.
    pub precision: f64,
    /// See `precision`.
    pub recall: f64,
    /// See `precision`.
    pub f1: f64,
    /// Named metrics that are in `dims`.
    pub true_positives: usize,
    /// Named metrics that are not.
    pub false_positives: usize,
    /// Metrics of `dims` not named.
    pub false_negatives: usize,
    /// Median |onset − start| in minutes over segments with an alarm; `None` when none had one.
    pub median_onset_error_min: Option<f64>,
    /// Share of segments with an alarm whose onset is within 5 minutes of `start`.
    pub onset_within_5_min_share: Option<f64>,
    /// Hours of quiet context.
    pub quiet_hours: f64,
    /// Alarms raised in it.
    pub quiet_alarms: usize,
    /// Alarms per 24 hours of quiet context.
    pub quiet_alarms_per_24h: f64,
    /// The onset errors behind the median, for [`pool`].
    #[serde(skip)]
    pub onset_errors_min: Vec<f64>,
    /// Segments without an alarm, for [`pool`].
    #[serde(skip)]
    pub missed: usize,
}

/// Scores `items` (a segment and its prediction). `files` gives each CSV's row times and all
/// its alarms, for the quiet count; `all` is every labelled segment (the quiet context avoids
/// them all, including those not scored here).
pub fn score(
    items: &[(&Segment, Option<&Alarm>)],
    all: &[Segment],
    files: &BTreeMap<PathBuf, (Vec<f64>, Vec<Alarm>)>,
) -> Summary {
    let (mut tp, mut fp, mut fne) = (0usize, 0usize, 0usize);
    let mut errors = Vec::new();
    for (segment, alarm) in items {
        let truth: BTreeSet<usize> = segment.dims.iter().copied().collect();
        let named: BTreeSet<usize> = alarm
            .map(|a| a.moved.iter().copied().collect())
            .unwrap_or_default();
        tp += truth.intersection(&named).count();
        fp += named.difference(&truth).count();
        fne += truth.difference(&named).count();
        if let Some(a) = alarm {
            errors.push((a.onset - segment.start).abs() / 60.0);
        }
    }
    let missed = items.iter().filter(|(_, a)| a.is_none()).count();
    let (quiet_hours, quiet_alarms) = quiet(items.iter().map(|(s, _)| *s), all, files);
    figures(Counts {
        segments: items.len(),
        missed,
        tp,
        fp,
        fne,
        errors,
        quiet_hours,
        quiet_alarms,
    })
}

/// Figures over disjoint sets scored apart (the held-out folds of a cross-validation), as if
/// scored together: counts are summed, the median taken over all onset errors.
pub fn pool(parts: &[Summary]) -> Summary {
    figures(Counts {
        segments: parts.iter().map(|p| p.segments).sum(),
        missed: parts.iter().map(|p| p.missed).sum(),
        tp: parts.iter().map(|p| p.true_positives).sum(),
        fp: parts.iter().map(|p| p.false_positives).sum(),
        fne: parts.iter().map(|p| p.false_negatives).sum(),
        errors: parts
            .iter()
            .flat_map(|p| p.onset_errors_min.iter().copied())
            .collect(),
        quiet_hours: parts.iter().map(|p| p.quiet_hours).sum(),
        quiet_alarms: parts.iter().map(|p| p.quiet_alarms).sum(),
    })
}

struct Counts {
    segments: usize,
    missed: usize,
    tp: usize,
    fp: usize,
    fne: usize,
    errors: Vec<f64>,
    quiet_hours: f64,
    quiet_alarms: usize,
}

fn figures(c: Counts) -> Summary {
    let mut errors = c.errors;
    errors.sort_by(f64::total_cmp);
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (precision, recall) = (ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fne));
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let n = errors.len();
    let median = (n > 0).then(|| {
        if n % 2 == 1 {
            errors[n / 2]
        } else {
            (errors[n / 2 - 1] + errors[n / 2]) / 2.0
        }
    });
    let within = (n > 0).then(|| ratio(errors.iter().filter(|e| **e <= 5.0).count(), n));
    Summary {
        segments: c.segments,
        missed_share: ratio(c.missed, c.segments),
        precision,
        recall,
        f1,
        true_positives: c.tp,
        false_positives: c.fp,
        false_negatives: c.fne,
        median_onset_error_min: median,
        onset_within_5_min_share: within,
        quiet_hours: c.quiet_hours,
        quiet_alarms: c.quiet_alarms,
        quiet_alarms_per_24h: if c.quiet_hours > 0.0 {
            c.quiet_alarms as f64 * 24.0 / c.quiet_hours
        } else {
            0.0
        },
        onset_errors_min: errors,
        missed: c.missed,
    }
}

/// Hours of quiet context around `segments` and the alarms raised in it. A row is quiet when
/// it lies within [`CONTEXT_S`] of a scored segment and further than [`MARGIN_S`] from every
/// labelled one; its hour is the spacing of the rows.
fn quiet<'a>(
    segments: impl Iterator<Item = &'a Segment>,
    all: &[Segment],
    files: &BTreeMap<PathBuf, (Vec<f64>, Vec<Alarm>)>,
) -> (f64, usize) {
    let mut by_file: BTreeMap<&Path, Vec<&Segment>> = BTreeMap::new();
    for s in segments {
        by_file.entry(s.file.as_path()).or_default().push(s);
    }
    let (mut hours, mut alarms) = (0.0, 0);
    for (file, scored) in by_file {
        let Some((t, raised)) = files.get(file) else {
            continue;
        };
        let labelled: Vec<&Segment> = all.iter().filter(|s| s.file == file).collect();
        let is_quiet = |x: f64| {
            scored
                .iter()
                .any(|s| x >= s.start - CONTEXT_S && x <= s.end + CONTEXT_S)
                && labelled
                    .iter()
                    .all(|s| x < s.start - MARGIN_S || x > s.end + MARGIN_S)
        };
        let step = if t.len() > 1 {
            (t[t.len() - 1] - t[0]) / (t.len() - 1) as f64
        } else {
            60.0
        };
        hours += t.iter().filter(|&&x| is_quiet(x)).count() as f64 * step / 3600.0;
        alarms += raised.iter().filter(|a| is_quiet(a.raised)).count();
    }
    (hours, alarms)
}
