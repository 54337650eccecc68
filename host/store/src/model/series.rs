//! Metric series (WIT `metric-series`, `point`).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// One sample; `value` is NaN where the source had a gap (stored as JSON `null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub at: Timestamp,
    #[serde(with = "nan_as_null")]
    pub value: f64,
}

/// A metric series: samples in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    pub name: String,
    #[serde(default)]
    pub unit: String,
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
