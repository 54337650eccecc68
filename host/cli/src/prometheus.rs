//! Reading metric series from Prometheus's HTTP API (`/api/v1/query_range`), for
//! `rhyme series pull`. Each series of the answer's matrix becomes a [`RangeSeries`]: its
//! labels and its points in epoch milliseconds, `NaN` where Prometheus had `NaN` or an infinity.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// Most points Prometheus returns per series; it refuses finer steps.
pub(crate) const MAX_POINTS: u64 = 11_000;

/// What went wrong talking to Prometheus.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PromError {
    #[error("cannot reach Prometheus at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// Prometheus's own error, e.g. a PromQL parse error: its `errorType` and `error`, as sent.
    #[error("Prometheus refused the query{}: {}", kind_in_brackets(.kind), or_none(.message))]
    Refused { kind: String, message: String },
    #[error(
        "{url} answered HTTP {status} with something other than Prometheus's API JSON: {start}"
    )]
    NotPrometheus {
        url: String,
        status: u16,
        start: String,
    },
    #[error(
        "the answer holds a {0} where a range query over series gives a matrix; is the query a range over series?"
    )]
    NotMatrix(String),
    #[error("{url} answered HTTP {status} with `\"status\": \"success\"` but no `data`")]
    NoData { url: String, status: u16 },
    #[error("series {series}, point {index}: {why}")]
    BadPoint {
        series: String,
        index: usize,
        why: String,
    },
}

/// ` (bad_data)` for Prometheus's `errorType`, nothing when it gave none.
fn kind_in_brackets(kind: &str) -> String {
    if kind.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", kind.trim())
    }
}

/// Prometheus's `error`, or a note that it gave no text.
fn or_none(message: &str) -> &str {
    if message.trim().is_empty() {
        "(Prometheus gave no error text)"
    } else {
        message.trim()
    }
}

/// One series of a range query's answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RangeSeries {
    /// Its labels, `__name__` included when the query kept it.
    pub labels: BTreeMap<String, String>,
    /// `(epoch ms, value)`, oldest first.
    pub points: Vec<(i64, f64)>,
}

impl RangeSeries {
    /// The series as Prometheus writes it: `name{a="1",b="2"}`; `{}` for no labels at all.
    pub(crate) fn selector(&self) -> String {
        let name = self.labels.get("__name__").cloned().unwrap_or_default();
        let labels: Vec<String> = self
            .labels
            .iter()
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        if labels.is_empty() && !name.is_empty() {
            name
        } else {
            format!("{name}{{{}}}", labels.join(","))
        }
    }
}

/// A range query: `query` evaluated every `step` over `[end - range, end]` (end in epoch ms).
#[derive(Debug, Clone)]
pub(crate) struct RangeQuery<'a> {
    pub query: &'a str,
    pub end_ms: i64,
    pub range: Duration,
    pub step: Duration,
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(rename = "errorType", default)]
    error_type: String,
    #[serde(default)]
    error: String,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct MatrixItem {
    metric: BTreeMap<String, String>,
    values: Vec<(f64, String)>,
}

/// Runs a range query against the Prometheus at `base_url` (e.g. `http://localhost:9090`).
pub(crate) async fn query_range(
    base_url: &str,
    q: &RangeQuery<'_>,
) -> Result<Vec<RangeSeries>, PromError> {
    let url = format!("{}/api/v1/query_range", base_url.trim_end_matches('/'));
    let end = q.end_ms as f64 / 1000.0;
    let params = [
        ("query", q.query.to_string()),
        ("start", format!("{:.3}", end - q.range.as_secs_f64())),
        ("end", format!("{end:.3}")),
        ("step", format!("{:.3}", q.step.as_secs_f64())),
    ];
    let unreachable = |e: reqwest::Error| PromError::Unreachable {
        url: base_url.to_string(),
        reason: error_chain(&e),
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(unreachable)?;
    let response = client
        .post(&url)
        .form(&params)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(unreachable)?;
    read_answer(&url, status, &body)
}

/// The series in Prometheus's answer `body` (HTTP `status`, from `url`), or Prometheus's own
/// error when it refused the query.
fn read_answer(url: &str, status: u16, body: &str) -> Result<Vec<RangeSeries>, PromError> {
    let url = url.to_string();
    let answer: Answer = serde_json::from_str(body).map_err(|_| PromError::NotPrometheus {
        url: url.clone(),
        status,
        start: body.chars().take(200).collect(),
    })?;
    if answer.status != "success" {
        return Err(PromError::Refused {
            kind: answer.error_type,
            message: answer.error,
        });
    }
    let data = answer.data.ok_or(PromError::NoData {
        url: url.clone(),
        status,
    })?;
    if data.result_type != "matrix" {
        return Err(PromError::NotMatrix(data.result_type));
    }
    let items: Vec<MatrixItem> =
        serde_json::from_value(data.result).map_err(|e| PromError::NotPrometheus {
            url,
            status,
            start: e.to_string(),
        })?;
    items.into_iter().map(to_series).collect()
}

fn to_series(item: MatrixItem) -> Result<RangeSeries, PromError> {
    let mut series = RangeSeries {
        labels: item.metric,
        points: Vec::with_capacity(item.values.len()),
    };
    for (index, (at, text)) in item.values.into_iter().enumerate() {
        let value = parse_value(&text).ok_or_else(|| PromError::BadPoint {
            series: series.selector(),
            index,
            why: format!("value `{text}` is not a number"),
        })?;
        series.points.push(((at * 1000.0).round() as i64, value));
    }
    Ok(series)
}

/// Prometheus's sample text: a float, `NaN`, `+Inf` or `-Inf`. Infinities become gaps.
fn parse_value(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    Some(if value.is_finite() { value } else { f64::NAN })
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A duration as Prometheus writes one: `6h`, `90m`, `1h30m`, `15s`, `500ms`, `2d`, `1w`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let help = "write a number and a unit, e.g. 6h, 30m, 1h30m, 15s, 500ms, 2d";
    let mut total_ms: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(format!("empty duration; {help}"));
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len() - digits);
        let (number, unit) = (&rest[..digits], &rest[digits..digits + unit_len]);
        let number: u64 = number
            .parse()
            .map_err(|_| format!("`{text}`: expected a number before `{unit}`; {help}"))?;
        let unit_ms: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            "y" => 365 * 86_400_000,
            "" => return Err(format!("`{text}`: `{number}` has no unit; {help}")),
            other => return Err(format!("`{text}`: unknown unit `{other}`; {help}")),
        };
        total_ms = number
            .checked_mul(unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| format!("`{text}` is too long"))?;
        rest = &rest[digits + unit_len..];
    }
    if total_ms == 0 {
        return Err(format!("`{text}` is zero; {help}"));
    }
    Ok(Duration::from_millis(total_ms))
}

/// The step when none is given: about 1,440 points over the range (15 s for 6 h), at least 1 s.
pub(crate) fn default_step(range: Duration) -> Duration {
    Duration::from_secs(range.as_secs().div_ceil(1440).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_prometheus_units() {
        assert_eq!(parse_duration("6h"), Ok(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1w2d"), Ok(Duration::from_secs(9 * 86_400)));
        for bad in ["", "6", "h", "6x", "0s", "-1h", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            parse_duration("6x")
                .unwrap_err()
                .contains("unknown unit `x`")
        );
    }

    #[test]
    fn the_default_step_gives_about_1440_points() {
        assert_eq!(
            default_step(Duration::from_secs(6 * 3600)),
            Duration::from_secs(15)
        );
        assert_eq!(
            default_step(Duration::from_secs(60)),
            Duration::from_secs(1)
        );
    }

    /// A file from `../shared/data/external/prometheus/`, read in place.
    fn external(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/external/prometheus")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn prometheus_s_error_type_and_text_are_shown() {
        let url = "http://prom:9090/api/v1/query_range";
        let body = external("grafana_error_bad_data.json");
        let err = read_answer(url, 400, &body).unwrap_err().to_string();
        assert_eq!(
            err,
            r#"Prometheus refused the query (bad_data): invalid parameter "start": cannot parse "" to a valid timestamp"#
        );
        let bare = read_answer(url, 503, r#"{"status": "error"}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            bare,
            "Prometheus refused the query: (Prometheus gave no error text)"
        );
    }

    #[test]
    fn an_answer_that_is_not_a_matrix_says_what_it_is() {
        let url = "http://prom:9090/api/v1/query_range";
        let vector = external("grafana_warnings_vector_inf_nan.json");
        let err = read_answer(url, 200, &vector).unwrap_err().to_string();
        assert!(err.starts_with("the answer holds a vector where"), "{err}");
        let empty = read_answer(url, 200, r#"{"status": "success"}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            empty,
            r#"http://prom:9090/api/v1/query_range answered HTTP 200 with `"status": "success"` but no `data`"#
        );
        let series =
            read_answer(url, 200, &external("prometheus_docs_query_range_up.json")).unwrap();
        assert_eq!(series.len(), 2);
    }

    #[test]
    fn a_matrix_item_becomes_points_in_milliseconds_with_gaps() {
        let item: MatrixItem = serde_json::from_str(
            r#"{"metric": {"__name__": "up", "job": "rhyme"}, "values": [[1700000000.5, "1"], [1700000001, "NaN"], [1700000002, "+Inf"]]}"#,
        )
        .unwrap();
        let series = to_series(item).unwrap();
        assert_eq!(series.selector(), r#"up{job="rhyme"}"#);
        assert_eq!(series.points[0], (1_700_000_000_500, 1.0));
        assert!(series.points[1].1.is_nan() && series.points[2].1.is_nan());
        let bad: MatrixItem =
            serde_json::from_str(r#"{"metric": {}, "values": [[1, "x"]]}"#).unwrap();
        assert!(matches!(
            to_series(bad),
            Err(PromError::BadPoint { index: 0, .. })
        ));
    }
}
