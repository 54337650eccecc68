//! Metric series (WIT `metric-series`, `point`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// One sample; `value` is NaN where the source had a gap (stored as JSON `null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// When the sample was taken, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// The measured value, in the series' unit; NaN for a gap.
    #[serde(with = "nan_as_null")]
    pub value: f64,
}

/// A metric series: samples in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    /// The series' name, unique within its incident (`latency_p99`, ...).
    pub name: String,
    /// The unit as given by the source (`ms`, `req/s`, `%`, `bytes`); empty when unknown.
    #[serde(default)]
    pub unit: String,
    /// The samples, in time order when read back from the store.
    pub points: Vec<Point>,
}

/// JSON has no NaN; a gap travels as `null`.
pub(crate) mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        if value.is_finite() {
            s.serialize_f64(*value)
        } else {
            s.serialize_none()
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}
