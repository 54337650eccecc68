//! Metric series files: `timestamp,value` CSV and Prometheus range-query JSON responses.
//!
//! Both `rhyme eval signatures` and `rhyme signature FILE` read series through this module, so a
//! file that one accepts the other accepts too. Timestamps become Unix seconds (`f64`); values
//! stay as written, and a missing or `NaN` value is kept as `NaN` because gaps are part of real
//! data and the analysis must see them rather than have them silently dropped here.
//!
//! ```
//! use rhyme_core::series::parse_csv;
//! let text = "timestamp,value\n2014-04-10 00:02:00,1.5\n1397088180,NaN\n";
//! let points = parse_csv(text, "inline.csv".as_ref()).unwrap();
//! assert_eq!(points[0].t, 1_397_088_120.0);
//! assert!(points[1].v.is_nan());
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// One sample: `t` in Unix seconds, `v` the value (`NaN` when missing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Time of the sample, in Unix seconds.
    pub t: f64,
    /// The sample's value, `NaN` when missing.
    pub v: f64,
}

/// One series of a file, with the labels Prometheus gave it (empty for CSV).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Prometheus label names and values of the series; empty for CSV.
    pub labels: BTreeMap<String, String>,
    /// The samples, in file order.
    pub points: Vec<Point>,
}

/// Why a series file could not be read; every variant names the file and the place at fault.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// The file could not be read at all.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV row is malformed: a missing or extra field, or a bad timestamp or value.
    #[error("{path}:{line}: field `{field}`: {reason}")]
    Csv {
        /// The CSV file at fault.
        path: PathBuf,
        /// 1-based number of the bad line.
        line: usize,
        /// The field at fault: `timestamp` or `value`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A Prometheus response is not JSON, not a successful `matrix`, or holds a bad sample.
    #[error("{path}: Prometheus response, at {at}: {reason}")]
    Prometheus {
        /// The file at fault.
        path: PathBuf,
        /// Where in the response: a JSON path such as `data.result[0].values[1][1]`, or `line N`.
        at: String,
        /// What is wrong there.
        reason: String,
    },
}

/// Reads a series file, choosing the format from its content: a JSON object is taken as a
/// Prometheus range-query response, anything else as `timestamp,value` CSV.
pub fn read(path: &Path) -> Result<Vec<Series>, SeriesError> {
    let text = std::fs::read_to_string(path).map_err(|source| SeriesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if text.trim_start().starts_with('{') {
        parse_prometheus(&text, path)
    } else {
        let points = parse_csv(&text, path)?;
        Ok(vec![Series {
            labels: BTreeMap::new(),
            points,
        }])
    }
}

/// Parses `timestamp,value` CSV. A first line whose timestamp does not parse is taken as the
/// header; blank lines are skipped; an empty value is a missing sample (`NaN`).
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<Point>, SeriesError> {
    let mut points = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let row = raw.trim();
        if row.is_empty() {
            continue;
        }
        let fail = |field, reason: String| SeriesError::Csv {
            path: path.to_path_buf(),
            line,
            field,
            reason,
        };
        let mut fields = row.split(',').map(unquote);
        let stamp = fields.next().unwrap_or_default();
        let Some(value) = fields.next() else {
            return Err(fail("value", "missing: expected `timestamp,value`".into()));
        };
        if fields.next().is_some() {
            return Err(fail("value", "more than two fields".into()));
        }
        let Some(t) = parse_timestamp(stamp) else {
            if points.is_empty() && line == first_row(text) {
                continue; // header
            }
            return Err(fail(
                "timestamp",
                format!("`{stamp}` is neither ISO-8601 nor Unix seconds"),
            ));
        };
        let v = parse_value(value)
            .ok_or_else(|| fail("value", format!("`{value}` is not a number")))?;
        points.push(Point { t, v });
    }
    Ok(points)
}

/// Parses a Prometheus `query_range` response (`resultType` `matrix`); one [`Series`] per result.
pub fn parse_prometheus(text: &str, path: &Path) -> Result<Vec<Series>, SeriesError> {
    let fail = |at: &str, reason: String| SeriesError::Prometheus {
        path: path.to_path_buf(),
        at: at.to_string(),
        reason,
    };
    let root: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| fail(&format!("line {}", e.line()), e.to_string()))?;
    if let Some(status) = root.get("status").and_then(|s| s.as_str())
        && status != "success"
    {
        return Err(fail("status", refused(&root, status)));
    }
    let kind = root.pointer("/data/resultType").and_then(|k| k.as_str());
    if kind != Some("matrix") {
        return Err(fail("data.resultType", not_matrix(kind)));
    }
    let results = root
        .pointer("/data/result")
        .and_then(|r| r.as_array())
        .ok_or_else(|| fail("data.result", "missing or not an array".into()))?;
    results
        .iter()
        .enumerate()
        .map(|(i, result)| parse_matrix_entry(result, &format!("data.result[{i}]"), &fail))
        .collect()
}

/// Prometheus's own words when it answered a query with an error: its `errorType` and `error`.
fn refused(root: &serde_json::Value, status: &str) -> String {
    let text = |key: &str| {
        root.get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    match (text("errorType"), text("error")) {
        (Some(kind), Some(error)) => format!("Prometheus answered with an error ({kind}): {error}"),
        (None, Some(error)) => format!("Prometheus answered with an error: {error}"),
        (Some(kind), None) => format!("Prometheus answered with an error ({kind}) and no text"),
        (None, None) => {
            format!("the query's status is `{status}`, not `success`, and no error is given")
        }
    }
}

/// Why a response other than a range query's matrix cannot be read, and what to send instead.
fn not_matrix(kind: Option<&str>) -> String {
    let wanted = "a range query's answer (`/api/v1/query_range`, resultType `matrix`) is needed";
    match kind {
        Some("vector") => format!(
            "this is an instant query's answer (resultType `vector`: one value per series, no history); {wanted}"
        ),
        Some("scalar" | "string") => format!(
            "this is a single {} value, not series over time; {wanted}",
            kind.unwrap_or_default()
        ),
        Some(other) => format!("resultType `{other}` is not one Prometheus gives; {wanted}"),
        None => format!("no `data.resultType`: is this a Prometheus query answer? {wanted}"),
    }
}

fn parse_matrix_entry(
    result: &serde_json::Value,
    at: &str,
    fail: &dyn Fn(&str, String) -> SeriesError,
) -> Result<Series, SeriesError> {
    let labels = match result.get("metric").and_then(|m| m.as_object()) {
        Some(map) => map
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect(),
        None => BTreeMap::new(),
    };
    let values = result
        .get("values")
        .and_then(|v| v.as_array())
        .ok_or_else(|| fail(&format!("{at}.values"), "missing or not an array".into()))?;
    let mut points = Vec::with_capacity(values.len());
    for (j, pair) in values.iter().enumerate() {
        let here = format!("{at}.values[{j}]");
        let (Some(t), Some(v)) = (pair.get(0), pair.get(1)) else {
            return Err(fail(&here, "expected [timestamp, \"value\"]".into()));
        };
        let t = t
            .as_f64()
            .or_else(|| t.as_str().and_then(parse_timestamp))
            .ok_or_else(|| fail(&format!("{here}[0]"), format!("`{t}` is not a timestamp")))?;
        let v = v
            .as_str()
            .and_then(parse_value)
            .or_else(|| v.as_f64())
            .ok_or_else(|| fail(&format!("{here}[1]"), format!("`{v}` is not a number")))?;
        points.push(Point { t, v });
    }
    Ok(Series { labels, points })
}

/// Parses a timestamp written as Unix seconds (integer or fractional) or as ISO-8601: a date and
/// a time separated by `T` or a space, with optional fractional seconds and optional `Z` or
/// `±hh:mm` offset. A time without an offset is taken as UTC. A bare date is midnight UTC.
pub fn parse_timestamp(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(unix_seconds(at.naive_utc()));
    }
    let spaced = text.replacen(' ', "T", 1);
    if let Ok(at) = DateTime::parse_from_rfc3339(&spaced) {
        return Some(unix_seconds(at.naive_utc()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(&spaced, format) {
            return Some(unix_seconds(at.naive_utc()));
        }
        if let Ok(at) = NaiveDateTime::parse_from_str(&spaced, format) {
            return Some(unix_seconds(at));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(unix_seconds(date.and_hms_opt(0, 0, 0)?))
}

fn unix_seconds(at: NaiveDateTime) -> f64 {
    let utc = at.and_utc();
    utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_nanos()) * 1e-9
}

/// A value cell: a number, `NaN`/`Inf` in any case, or empty for a missing sample.
fn parse_value(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(f64::NAN);
    }
    text.parse::<f64>().ok()
}

fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
        .trim()
}

/// Line number (1-based) of the first non-blank line, where a header may sit.
fn first_row(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty())
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Vec<Point>, SeriesError> {
        parse_csv(text, Path::new("t.csv"))
    }

    #[test]
    fn timestamps_in_every_accepted_form_agree() {
        let expected = 1_397_088_120.0; // 2014-04-10 00:02:00 UTC
        for form in [
            "2014-04-10 00:02:00",
            "2014-04-10T00:02:00",
            "2014-04-10T00:02:00Z",
            "2014-04-10T02:02:00+02:00",
            "2014-04-09 19:02:00-05:00",
            "2014-04-10T00:02",
            "1397088120",
            "1397088120.0",
        ] {
            assert_eq!(parse_timestamp(form), Some(expected), "{form}");
        }
        assert_eq!(
            parse_timestamp("2014-04-10T00:02:00.5Z"),
            Some(expected + 0.5)
        );
        assert_eq!(parse_timestamp("2014-04-10"), Some(expected - 120.0));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("2014-13-40 00:00:00"), None);
    }

    #[test]
    fn csv_with_header_blank_lines_quotes_and_missing_values() {
        let points = csv(
            "timestamp,value\r\n\n\"2014-04-10 00:02:00\",\"3\"\n1397088180,\n1397088240,nan\n",
        )
        .unwrap();
        assert_eq!(points.len(), 3);
        assert_eq!(
            points[0],
            Point {
                t: 1_397_088_120.0,
                v: 3.0
            }
        );
        assert!(points[1].v.is_nan() && points[2].v.is_nan());
    }

    #[test]
    fn csv_without_header_is_accepted() {
        assert_eq!(csv("10,1\n20,2\n").unwrap().len(), 2);
    }

    #[test]
    fn csv_errors_name_line_and_field() {
        let err = csv("timestamp,value\n10,1\n20,abc\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "t.csv:3: field `value`: `abc` is not a number");
        let err = csv("timestamp,value\n10,1\nlater,2\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.csv:3: field `timestamp`"), "{err}");
        let err = csv("10\n").unwrap_err().to_string();
        assert!(err.starts_with("t.csv:1: field `value`: missing"), "{err}");
        let err = csv("10,1,2\n").unwrap_err().to_string();
        assert!(err.contains("more than two fields"), "{err}");
    }

    #[test]
    fn prometheus_matrix_gives_one_series_per_result() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"__name__":"up","job":"api"},"values":[[1397088120,"1"],[1397088180.5,"NaN"]]},
            {"metric":{},"values":[]}]}}"#;
        let series = parse_prometheus(body, Path::new("q.json")).unwrap();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].labels["job"], "api");
        assert_eq!(
            series[0].points[0],
            Point {
                t: 1_397_088_120.0,
                v: 1.0
            }
        );
        assert_eq!(series[0].points[1].t, 1_397_088_180.5);
        assert!(series[0].points[1].v.is_nan());
        assert!(series[1].points.is_empty());
    }

    #[test]
    fn prometheus_errors_name_the_place() {
        let bad_value = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1,"1"],[2,"x"]]}]}}"#;
        let err = parse_prometheus(bad_value, Path::new("q.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("data.result[0].values[1][1]"), "{err}");
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        let err = parse_prometheus(vector, Path::new("q.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("data.resultType"), "{err}");
        let err = parse_prometheus("{", Path::new("q.json"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("q.json: Prometheus response, at line"),
            "{err}"
        );
    }

    /// A file from `../shared/data/external/prometheus/`, read in place.
    fn external(name: &str) -> (String, PathBuf) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/external/prometheus")
            .join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (text, path)
    }

    #[test]
    fn an_instant_query_s_answer_is_named_as_one_in_words() {
        let (text, path) = external("grafana_warnings_vector_inf_nan.json");
        let err = parse_prometheus(&text, &path).unwrap_err().to_string();
        assert!(
            err.contains("at data.resultType: this is an instant query's answer"),
            "{err}"
        );
        assert!(err.contains("/api/v1/query_range"), "{err}");
        assert!(!err.contains("Some("), "{err}");
        let none = parse_prometheus(r#"{"status":"success","data":{}}"#, Path::new("q.json"))
            .unwrap_err()
            .to_string();
        assert!(none.contains("no `data.resultType`"), "{none}");
        assert!(!none.contains("None"), "{none}");
    }

    #[test]
    fn prometheus_s_own_error_is_shown() {
        let (text, path) = external("grafana_error_bad_data.json");
        let err = parse_prometheus(&text, &path).unwrap_err().to_string();
        assert!(
            err.ends_with(
                r#"at status: Prometheus answered with an error (bad_data): invalid parameter "start": cannot parse "" to a valid timestamp"#
            ),
            "{err}"
        );
    }

    #[test]
    fn read_detects_the_format_and_names_missing_files() {
        let err = read(Path::new("/nonexistent/series.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("/nonexistent/series.csv: cannot read"),
            "{err}"
        );
    }
}
