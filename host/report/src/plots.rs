//! The report's figures as SVG, drawn by `rhyme-render` as the signature plots are: incidents
//! per day or week, and each incident's time to resolve.

use rhyme_render::{PlotError, bars_svg};

use crate::Report;
use crate::volume::Bucket;

/// The plots a report has, by the name its URL uses.
pub const NAMES: [&str; 2] = ["incidents", "time-to-resolve"];

/// The plot called `name` (one of [`NAMES`]), `None` for another name, an error when there is
/// nothing to draw (no incident resolved in the window).
pub fn svg(report: &Report, name: &str) -> Option<Result<String, PlotError>> {
    match name {
        "incidents" => {
            let v = &report.volume;
            let per = match v.bucket {
                Bucket::Day => "day",
                Bucket::Week => "week",
            };
            let bars: Vec<(String, f64)> = v
                .buckets
                .iter()
                .zip(&v.per_bucket)
                .map(|(b, n)| (b[5..].to_string(), *n as f64))
                .collect();
            Some(bars_svg(
                &format!("Incidents per {per}"),
                "incidents",
                &bars,
            ))
        }
        "time-to-resolve" => {
            let bars: Vec<(String, f64)> = report
                .incidents
                .iter()
                .filter_map(|i| {
                    i.resolve_ms
                        .map(|ms| (i.id.clone(), ms as f64 / 3_600_000.0))
                })
                .collect();
            Some(bars_svg(
                "Time to resolve per incident (hours)",
                "hours",
                &bars,
            ))
        }
        _ => None,
    }
}
