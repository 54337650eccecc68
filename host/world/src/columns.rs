//! The contract's `metric-series` carries its samples as two columns (`times`, `values`), so
//! that each crosses into the sandbox as one copy. The host mostly thinks in samples: this
//! builds a series from samples and reads one back as samples, keeping the columns the same
//! length.

use crate::types::{MetricSeries, Timestamp};

/// One sample of a metric series as the host handles it. `value` is NaN for a gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at: Timestamp,
    pub value: f64,
}

impl MetricSeries {
    /// A series from its samples, in the order given (the contract wants them ascending).
    pub fn from_samples(
        name: impl Into<String>,
        unit: impl Into<String>,
        samples: impl IntoIterator<Item = Sample>,
    ) -> MetricSeries {
        let (times, values) = samples.into_iter().map(|s| (s.at, s.value)).unzip();
        MetricSeries {
            name: name.into(),
            unit: unit.into(),
            times,
            values,
        }
    }

    /// The samples, in order. Columns of different lengths (only a hand-built series can have
    /// them) are read up to the shorter one.
    pub fn samples(&self) -> impl DoubleEndedIterator<Item = Sample> + ExactSizeIterator + '_ {
        self.times
            .iter()
            .zip(&self.values)
            .map(|(&at, &value)| Sample { at, value })
    }

    /// How many samples the series holds.
    pub fn len(&self) -> usize {
        self.times.len().min(self.values.len())
    }

    /// `true` when the series holds no sample.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_trip_through_the_columns() {
        let samples = [
            Sample {
                at: 1_000,
                value: 1.5,
            },
            Sample {
                at: 61_000,
                value: f64::NAN,
            },
            Sample {
                at: 121_000,
                value: -2.0,
            },
        ];
        let series = MetricSeries::from_samples("p99", "ms", samples);
        assert_eq!(series.times, vec![1_000, 61_000, 121_000]);
        assert_eq!(series.values.len(), 3);
        let back: Vec<Sample> = series.samples().collect();
        assert_eq!(back[0], samples[0]);
        assert!(back[1].value.is_nan());
        assert_eq!(back[2], samples[2]);
        assert_eq!(series.len(), 3);
    }

    #[test]
    fn uneven_columns_read_to_the_shorter() {
        let series = MetricSeries {
            name: "x".into(),
            unit: String::new(),
            times: vec![1, 2, 3],
            values: vec![0.5],
        };
        assert_eq!(series.len(), 1);
        assert_eq!(series.samples().count(), 1);
        assert!(!series.is_empty());
    }
}
