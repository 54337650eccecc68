//! Onsets of several series that need not share timestamps: each series is read on its own
//! clock by the same detector as a one-column table, its first episode gives its onset, and
//! the onsets are put in order. A series whose onset another analysis already knows (the
//! start of a graph-signature window) is given that onset instead.

use crate::episodes::{Params, detect};

/// When one series started to move.
#[derive(Debug, Clone, PartialEq)]
pub struct Onset {
    /// The series' name.
    pub series: String,
    /// The onset, in the series' time unit (epoch milliseconds in the plugin).
    pub at: i64,
    /// The largest deviation after it, in spreads of the series' own past (signed); `NaN`
    /// when the onset came from elsewhere.
    pub peak: f64,
}

/// The onsets of an incident's series, earliest first, and those that did not move.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ordering {
    /// Series that moved, earliest onset first (ties: larger deviation first).
    pub moved: Vec<Onset>,
    /// Series that gave no onset.
    pub still: Vec<String>,
}

impl Ordering {
    /// The first mover and how far ahead of the next series it moved, when two or more moved.
    pub fn lead(&self) -> Option<(&Onset, &Onset, i64)> {
        let first = self.moved.first()?;
        let next = self.moved.get(1)?;
        Some((first, next, next.at - first.at))
    }
}

/// The onset of one series of `(time, value)` samples in time order: the first episode's
/// onset, or `None` when it never moved.
pub fn onset(points: &[(i64, f64)], params: &Params) -> Option<(i64, f64)> {
    let column: Vec<f64> = points.iter().map(|p| p.1).collect();
    let episode = detect(&[column], params).into_iter().next()?;
    let moved = episode.moved.first()?;
    Some((points[moved.onset].0, moved.peak))
}

/// Orders the onsets of `series` (name, samples). `known` gives onsets found by another
/// analysis by series name, the start of a graph-signature window: a series with a named
/// shape has moved, and its onset is its earliest window's start (that analysis holds its own
/// "none" discipline). Every other series gets the detector's onset, or none.
pub fn order(
    series: &[(String, Vec<(i64, f64)>)],
    known: &[(String, i64)],
    params: &Params,
) -> Ordering {
    let mut out = Ordering::default();
    for (name, points) in series {
        let named = known
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .min();
        let found = match named {
            Some(at) => Some((at, f64::NAN)),
            None => onset(points, params),
        };
        match found {
            Some((at, peak)) => out.moved.push(Onset {
                series: name.clone(),
                at,
                peak,
            }),
            None => out.still.push(name.clone()),
        }
    }
    out.moved
        .sort_by(|a, b| a.at.cmp(&b.at).then(b.peak.abs().total_cmp(&a.peak.abs())));
    out
}
