//! How a metric series looks to a person: a terminal sparkline and an SVG plot, each with
//! the window of a finding marked, several series aligned with their onsets marked, and the
//! report's bar charts.

#![warn(missing_docs)]

mod aligned;
mod bars;
mod plot;
mod sparkline;

pub use aligned::{Onset, aligned_svg, drawable};
pub use bars::bars_svg;
pub use plot::{PlotError, svg};
pub use sparkline::sparkline;

/// A moment to mark on a plot with a vertical line and a short label: a deploy, a rollback.
#[derive(Debug, Clone)]
pub struct Moment {
    /// When, in milliseconds.
    pub at: i64,
    /// What happened ("deploy cart-service v4.18.0").
    pub label: String,
}

/// A span to mark on a rendering, in milliseconds, with a short label.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Start of the span.
    pub start: i64,
    /// End of the span.
    pub end: i64,
    /// What it is ("cliff-drop").
    pub label: String,
}
