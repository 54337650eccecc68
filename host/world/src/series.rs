//! Metric series files (CSV `timestamp,value` or a Prometheus range-query response) turned
//! into the contract's `metric-series`, optionally cut to a time range.

use std::path::Path;

use rhyme_core::series::{self as files, Point, SeriesError};

use crate::Sample;
use crate::types::MetricSeries;

/// Reads every series in `path` and keeps the points within `[from, to]` (Unix seconds).
/// A Prometheus response may hold several series; each is named by its labels.
pub fn read(
    path: &Path,
    from: Option<f64>,
    to: Option<f64>,
) -> Result<Vec<MetricSeries>, SeriesError> {
    let stem = path.file_stem().map_or_else(
        || "series".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let series = files::read(path)?;
    Ok(series
        .into_iter()
        .map(|s| {
            let name = if s.labels.is_empty() {
                stem.clone()
            } else {
                s.labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let samples = s.points.iter().filter(|p| within(p, from, to)).map(to_wit);
            MetricSeries::from_samples(name, "", samples)
        })
        .collect())
}

fn within(p: &Point, from: Option<f64>, to: Option<f64>) -> bool {
    from.is_none_or(|f| p.t >= f) && to.is_none_or(|t| p.t <= t)
}

/// A point as a sample in the contract's units (milliseconds).
pub fn to_wit(p: &Point) -> Sample {
    Sample {
        at: (p.t * 1000.0).round() as i64,
        value: p.v,
    }
}

/// Parses a `--from`/`--to` argument: Unix seconds or ISO-8601.
pub fn parse_time(text: &str) -> Result<f64, String> {
    files::parse_timestamp(text).ok_or_else(|| {
        format!("`{text}` is not a time (use Unix seconds or ISO-8601, e.g. 2024-05-01T13:00:00Z)")
    })
}
