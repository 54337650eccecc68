//! Metric series per incident. Submitting a series again merges its points into the stored
//! ones (a point at the same time is replaced), so sources can send overlapping windows. A
//! post that would take the merged series past [`Limits::points_per_series`] is refused whole,
//! leaving the stored series as it was.
//!
//! [`Limits::points_per_series`]: crate::Limits::points_per_series

use std::collections::BTreeMap;

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::error::{Error, Result};
use crate::incidents;
use crate::jobs::{self, JobLease, JobWork, PluginJob};
use crate::limits::Limits;
use crate::limits::{MAX_NAME, check_len};
use crate::model::{MetricSeries, Point, check_id};
use crate::store::Store;

/// Points as stored: `[at, value]`, value `null` for a gap.
type StoredPoint = (i64, Option<f64>);

impl Store {
    /// Stores a series for an incident, merged with what is stored under the same name.
    /// Returns the series as now stored.
    pub async fn put_series(
        &self,
        incident_id: &str,
        series: &MetricSeries,
    ) -> Result<MetricSeries> {
        Ok(self.put_series_inner(incident_id, series, None).await?.0)
    }

    /// As [`Store::put_series`], and in the same transaction a plugin job for the series,
    /// leased to `lease`.
    pub async fn put_series_with_job(
        &self,
        incident_id: &str,
        series: &MetricSeries,
        lease: &JobLease,
        requested_by: Option<&str>,
    ) -> Result<(MetricSeries, PluginJob)> {
        let (stored, job) = self
            .put_series_inner(incident_id, series, Some((lease, requested_by)))
            .await?;
        Ok((stored, job.expect("a job was asked for")))
    }

    async fn put_series_inner(
        &self,
        incident_id: &str,
        series: &MetricSeries,
        job: Option<(&JobLease, Option<&str>)>,
    ) -> Result<(MetricSeries, Option<PluginJob>)> {
        check_id("name", &series.name)?;
        check_len("unit", &series.unit, MAX_NAME)?;
        let now = self.now();
        let mut tx = self.db().write().await?;
        incidents::require(tx.conn(), incident_id).await?;
        let stored = fetch(tx.conn(), incident_id, &series.name).await?;
        let merged = merge(stored.as_ref(), series);
        check_points(incident_id, stored.as_ref(), series, &merged, self.limits())?;
        sqlx::query(
            "INSERT INTO metric_series (incident_id, name, unit, points, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (incident_id, name) DO UPDATE
             SET unit = excluded.unit, points = excluded.points, updated_at = excluded.updated_at",
        )
        .bind(incident_id)
        .bind(&merged.name)
        .bind(&merged.unit)
        .bind(encode(&merged.points))
        .bind(now)
        .execute(tx.conn())
        .await?;
        let job = match job {
            Some((lease, by)) => {
                let work = JobWork::Series(merged.name.clone());
                Some(jobs::insert_in(tx.conn(), now, lease, incident_id, work, by).await?)
            }
            None => None,
        };
        tx.commit().await?;
        Ok((merged, job))
    }

    /// All series of an incident, by name.
    pub async fn series(&self, incident_id: &str) -> Result<Vec<MetricSeries>> {
        let mut conn = self.db().pool.acquire().await?;
        incidents::require(&mut conn, incident_id).await?;
        let rows = sqlx::query(
            "SELECT name, unit, points FROM metric_series WHERE incident_id = $1 ORDER BY name",
        )
        .bind(incident_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The series `name` of an incident, if one is stored; an unknown incident is
    /// `NotFound`, as for [`Store::series`].
    pub async fn series_named(
        &self,
        incident_id: &str,
        name: &str,
    ) -> Result<Option<MetricSeries>> {
        let mut conn = self.db().pool.acquire().await?;
        incidents::require(&mut conn, incident_id).await?;
        fetch(&mut conn, incident_id, name).await
    }
}

async fn fetch(
    conn: &mut sqlx::AnyConnection,
    incident_id: &str,
    name: &str,
) -> Result<Option<MetricSeries>> {
    let row = sqlx::query(
        "SELECT name, unit, points FROM metric_series WHERE incident_id = $1 AND name = $2",
    )
    .bind(incident_id)
    .bind(name)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The union of both point sets in time order, the incoming point winning a tie. The unit
/// is the incoming one unless it is empty.
fn merge(stored: Option<&MetricSeries>, incoming: &MetricSeries) -> MetricSeries {
    let mut points: BTreeMap<i64, f64> = BTreeMap::new();
    for point in stored
        .iter()
        .flat_map(|s| &s.points)
        .chain(&incoming.points)
    {
        points.insert(point.at, point.value);
    }
    let unit = match (incoming.unit.is_empty(), stored) {
        (true, Some(stored)) => stored.unit.clone(),
        _ => incoming.unit.clone(),
    };
    let points = points
        .into_iter()
        .map(|(at, value)| Point { at, value })
        .collect();
    MetricSeries {
        name: incoming.name.clone(),
        unit,
        points,
    }
}

/// Refuses a post whose merge with the stored series holds more points than the limit.
fn check_points(
    incident_id: &str,
    stored: Option<&MetricSeries>,
    incoming: &MetricSeries,
    merged: &MetricSeries,
    limits: Limits,
) -> Result<()> {
    let limit = limits.points_per_series;
    if merged.points.len() <= limit {
        return Ok(());
    }
    let held = stored.map_or(0, |s| s.points.len());
    Err(Error::over_limit(
        "points",
        format!(
            "series `{}` of incident `{incident_id}` would hold {} points with this post \
             ({held} stored, {} sent, a time sent again counted once); the limit is {limit} \
             per series; nothing was stored",
            merged.name,
            merged.points.len(),
            incoming.points.len(),
        ),
    ))
}

fn encode(points: &[Point]) -> String {
    let stored: Vec<StoredPoint> = points
        .iter()
        .map(|p| (p.at, p.value.is_finite().then_some(p.value)))
        .collect();
    serde_json::to_string(&stored).expect("integers and finite floats always serialise")
}

fn from_row(row: &AnyRow) -> Result<MetricSeries> {
    let text: String = row.try_get("points")?;
    let stored: Vec<StoredPoint> =
        serde_json::from_str(&text).map_err(|e| Error::corrupt("metric_series", e))?;
    let points = stored
        .into_iter()
        .map(|(at, value)| Point {
            at,
            value: value.unwrap_or(f64::NAN),
        })
        .collect();
    Ok(MetricSeries {
        name: row.try_get("name")?,
        unit: row.try_get("unit")?,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(unit: &str, points: &[(i64, f64)]) -> MetricSeries {
        MetricSeries {
            name: "latency".into(),
            unit: unit.into(),
            points: points
                .iter()
                .map(|&(at, value)| Point { at, value })
                .collect(),
        }
    }

    #[test]
    fn merge_keeps_order_and_lets_new_points_win() {
        let stored = series("ms", &[(1, 1.0), (3, 3.0)]);
        let merged = merge(Some(&stored), &series("", &[(3, 30.0), (2, 2.0)]));
        let got: Vec<(i64, f64)> = merged.points.iter().map(|p| (p.at, p.value)).collect();
        assert_eq!(got, vec![(1, 1.0), (2, 2.0), (3, 30.0)]);
        assert_eq!(merged.unit, "ms");
    }

    #[test]
    fn gaps_survive_a_round_trip() {
        let text = encode(&series("", &[(1, f64::NAN), (2, 2.5)]).points);
        assert_eq!(text, "[[1,null],[2,2.5]]");
    }
}
