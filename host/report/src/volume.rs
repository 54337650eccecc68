//! How many incidents started, by severity and by service, per day (windows up to two weeks)
//! or per week starting Monday, UTC (longer windows), so a table stays a few columns wide.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use rhyme_store::Incident;
use serde::{Deserialize, Serialize};

use crate::window::Window;

const DAY_MS: i64 = 86_400_000;

/// The longest window counted per day; longer ones are counted per week.
pub const MAX_DAILY_DAYS: i64 = 14;

/// What a bucket spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// A UTC day.
    Day,
    /// A week from Monday 00:00 UTC.
    Week,
}

/// One row: a severity or a service, its total and its count in each bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The severity (upper-cased) or the service (`(unknown)` when none was recorded).
    pub key: String,
    /// Incidents in the window.
    pub total: usize,
    /// Incidents per bucket, in the order of [`Volume::buckets`].
    pub per_bucket: Vec<usize>,
}

/// Incident counts over the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// What each bucket spans.
    pub bucket: Bucket,
    /// Each bucket's first day, `YYYY-MM-DD` (UTC).
    pub buckets: Vec<String>,
    /// Incidents per bucket, all severities together.
    pub per_bucket: Vec<usize>,
    /// By severity, most incidents first.
    pub by_severity: Vec<Row>,
    /// By service, most incidents first.
    pub by_service: Vec<Row>,
}

/// The severity as counted: trimmed and upper-cased, so `sev2` and `SEV2` are one row.
pub(crate) fn severity(incident: &Incident) -> String {
    let s = incident.severity.trim().to_uppercase();
    if s.is_empty() { "(unknown)".into() } else { s }
}

fn service(incident: &Incident) -> String {
    let s = incident.service.trim();
    if s.is_empty() {
        "(unknown)".into()
    } else {
        s.to_string()
    }
}

/// The start of the bucket holding `ms`.
fn bucket_start(bucket: Bucket, ms: i64) -> i64 {
    let day = ms.div_euclid(DAY_MS) * DAY_MS;
    match bucket {
        Bucket::Day => day,
        Bucket::Week => {
            let weekday = DateTime::<Utc>::from_timestamp_millis(day)
                .map_or(0, |t| i64::from(t.weekday().num_days_from_monday()));
            day - weekday * DAY_MS
        }
    }
}

fn date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d").to_string())
}

/// Counts `incidents` (those that started in `window`) per bucket.
pub fn count(window: Window, incidents: &[Incident]) -> Volume {
    let bucket = if window.len_ms() <= MAX_DAILY_DAYS * DAY_MS {
        Bucket::Day
    } else {
        Bucket::Week
    };
    let step = match bucket {
        Bucket::Day => DAY_MS,
        Bucket::Week => 7 * DAY_MS,
    };
    let mut starts = Vec::new();
    let mut at = bucket_start(bucket, window.from);
    while at < window.to {
        starts.push(at);
        at += step;
    }
    let index = |ms: i64| {
        let start = bucket_start(bucket, ms);
        starts.iter().position(|&s| s == start)
    };
    let rows = |key: fn(&Incident) -> String| {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for incident in incidents {
            let counts = map
                .entry(key(incident))
                .or_insert_with(|| vec![0; starts.len()]);
            if let Some(i) = index(incident.started) {
                counts[i] += 1;
            }
        }
        let mut rows: Vec<Row> = map
            .into_iter()
            .map(|(key, per_bucket)| Row {
                key,
                total: per_bucket.iter().sum(),
                per_bucket,
            })
            .collect();
        rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
        rows
    };
    let by_severity = rows(severity);
    let by_service = rows(service);
    let mut per_bucket = vec![0; starts.len()];
    for i in incidents.iter().filter_map(|i| index(i.started)) {
        per_bucket[i] += 1;
    }
    Volume {
        bucket,
        buckets: starts.into_iter().map(date).collect(),
        per_bucket,
        by_severity,
        by_service,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(id: &str, severity: &str, service: &str, started: i64) -> Incident {
        Incident {
            id: id.into(),
            title: id.into(),
            severity: severity.into(),
            service: service.into(),
            started,
            ended: None,
        }
    }

    #[test]
    fn counts_by_severity_and_service_per_day() {
        // 2026-12-01 is a Tuesday.
        let day0 = 1_796_083_200_000;
        let window = Window {
            from: day0,
            to: day0 + 3 * DAY_MS,
        };
        let incidents = [
            incident("a", "sev2", "api", day0 + 1000),
            incident("b", "SEV2", "api", day0 + DAY_MS + 5),
            incident("c", "SEV3", "", day0 + 2 * DAY_MS + 5),
        ];
        let v = count(window, &incidents);
        assert_eq!(v.bucket, Bucket::Day);
        assert_eq!(v.buckets, ["2026-12-01", "2026-12-02", "2026-12-03"]);
        assert_eq!(v.per_bucket, [1, 1, 1]);
        assert_eq!(v.by_severity[0].key, "SEV2");
        assert_eq!(v.by_severity[0].per_bucket, [1, 1, 0]);
        assert_eq!(v.by_service[1].key, "(unknown)");
    }

    #[test]
    fn long_windows_count_per_week_from_monday() {
        let day0 = 1_796_083_200_000; // Tuesday 2026-12-01
        let window = Window {
            from: day0,
            to: day0 + 20 * DAY_MS,
        };
        let v = count(window, &[incident("a", "SEV1", "db", day0 + 6 * DAY_MS)]);
        assert_eq!(v.bucket, Bucket::Week);
        assert_eq!(v.buckets[0], "2026-11-30");
        assert_eq!(v.per_bucket[..2], [0, 1]);
    }
}
