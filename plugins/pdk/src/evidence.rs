//! Evidence references: what a finding or proposal rests on, built from the values a handler
//! already holds, so the ids cited are the ids the host knows.
//!
//! ```
//! use rhyme_pdk::types::{Evidence, MetricSeries};
//!
//! let series = MetricSeries {
//!     name: "checkout_rps".into(),
//!     unit: "req/s".into(),
//!     times: vec![1_000, 61_000],
//!     values: vec![5.0, 0.0],
//! };
//! let Some(Evidence::Window(w)) = Evidence::series_span(&series) else { panic!() };
//! assert_eq!((w.series.as_str(), w.start, w.end), ("checkout_rps", 1_000, 61_000));
//! ```

use crate::series::Window;
use crate::types::{Evidence, Finding, MetricSeries, SeriesWindow, TimelineEvent, Timestamp};

impl Evidence {
    /// A timeline event, cited by its id.
    pub fn event(event: &TimelineEvent) -> Evidence {
        Evidence::Event(event.id.clone())
    }

    /// A span of the series named `series`, from `start` to `end` (swapped if reversed).
    pub fn window(series: &str, start: Timestamp, end: Timestamp) -> Evidence {
        Evidence::Window(SeriesWindow {
            series: series.to_string(),
            start: start.min(end),
            end: start.max(end),
        })
    }

    /// The span a window of `series` covers (see [`crate::series`] for windows); `None` for
    /// an empty window.
    pub fn window_of(series: &MetricSeries, window: Window<'_>) -> Option<Evidence> {
        let (start, end) = window.span()?;
        Some(Evidence::window(&series.name, start, end))
    }

    /// The whole of `series`; `None` when it has no samples.
    #[cfg(not(feature = "contract-0-1"))]
    pub fn series_span(series: &MetricSeries) -> Option<Evidence> {
        Evidence::window_of(series, Window::of(series))
    }

    /// The whole of `series`; `None` when it has no points (0.1.0 carries them as records).
    #[cfg(feature = "contract-0-1")]
    pub fn series_span(series: &MetricSeries) -> Option<Evidence> {
        let (first, last) = (series.points.first()?, series.points.last()?);
        Some(Evidence::window(&series.name, first.at, last.at))
    }

    /// A past postmortem, by corpus id.
    pub fn postmortem(id: &str) -> Evidence {
        Evidence::Postmortem(id.to_string())
    }

    /// An earlier finding, by the id the host gave it (its `subject` is not an id).
    pub fn finding(id: &str) -> Evidence {
        Evidence::Finding(id.to_string())
    }

    /// The event ids among `evidence`, in order.
    pub fn event_ids(evidence: &[Evidence]) -> impl Iterator<Item = &str> {
        evidence.iter().filter_map(|e| match e {
            Evidence::Event(id) => Some(id.as_str()),
            _ => None,
        })
    }
}

impl Finding {
    /// The ids of the timeline events this finding cites.
    pub fn cited_events(&self) -> impl Iterator<Item = &str> {
        Evidence::event_ids(&self.evidence)
    }
}
