//! Several series on one time axis, each scaled to its own range (0 = its lowest, 1 = its
//! highest), with each series' onset marked by a vertical line in its colour: the plot of a
//! "what moved first" finding, where series of different units must be read side by side.

use plotters::prelude::*;

use super::PlotError;
use rhyme_world::types::MetricSeries;

/// One series' onset to mark, in milliseconds.
#[derive(Debug, Clone)]
pub struct Onset {
    /// The series' name, as in [`MetricSeries::name`].
    pub series: String,
    /// When it started to move.
    pub at: i64,
}

const COLOURS: [RGBColor; 6] = [
    RGBColor(38, 139, 210),
    RGBColor(220, 50, 47),
    RGBColor(133, 153, 0),
    RGBColor(211, 54, 130),
    RGBColor(181, 137, 0),
    RGBColor(42, 161, 152),
];

/// The series as an SVG document, 900×360, normalised and aligned, onsets marked.
pub fn aligned_svg(
    series: &[MetricSeries],
    onsets: &[Onset],
    title: &str,
) -> Result<String, PlotError> {
    let fail = |reason: String| PlotError::new(title, reason);
    let scaled: Vec<(&str, Vec<(f64, f64)>)> = series
        .iter()
        .map(|s| (s.name.as_str(), normalised(s)))
        .filter(|(_, p)| p.len() >= 2)
        .collect();
    if scaled.is_empty() {
        return Err(fail("no series with two finite points".into()));
    }
    let x0 = scaled.iter().map(|(_, p)| p[0].0).fold(f64::MAX, f64::min);
    let x1 = scaled
        .iter()
        .map(|(_, p)| p[p.len() - 1].0)
        .fold(f64::MIN, f64::max)
        .max(x0 + 1.0);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(x0..x1, -0.05..1.05)
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc("UTC")
            .y_desc("each series' own range")
            .x_label_formatter(&|minutes| super::plot::hh_mm(*minutes))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        for (i, (name, points)) in scaled.into_iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                .map_err(|e| fail(e.to_string()))?
                .label(name.to_string())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
            for onset in onsets.iter().filter(|o| o.series == name) {
                let at = onset.at as f64 / 60_000.0;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(at, -0.05), (at, 1.05)],
                        colour.stroke_width(1),
                    )))
                    .map_err(|e| fail(e.to_string()))?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{name} onset {}", super::plot::hh_mm(at)),
                        (at, 1.02 - 0.07 * i as f64),
                        ("sans-serif", 12).into_font().color(&colour),
                    )))
                    .map_err(|e| fail(e.to_string()))?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(out)
}

/// (minutes since the epoch, value scaled to 0..1); a flat series sits at 0.5.
/// Whether [`aligned_svg`] can draw this series: it has two finite points.
pub fn drawable(series: &MetricSeries) -> bool {
    series
        .points
        .iter()
        .filter(|p| p.value.is_finite())
        .nth(1)
        .is_some()
}

fn normalised(series: &MetricSeries) -> Vec<(f64, f64)> {
    let finite: Vec<(f64, f64)> = series
        .points
        .iter()
        .filter(|p| p.value.is_finite())
        .map(|p| (p.at as f64 / 60_000.0, p.value))
        .collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    finite
        .into_iter()
        .map(|(t, v)| (t, if hi > lo { (v - lo) / (hi - lo) } else { 0.5 }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_world::types::Point;

    fn step(name: &str, at: i64, low: f64, high: f64) -> MetricSeries {
        MetricSeries {
            name: name.into(),
            unit: String::new(),
            points: (0..120)
                .map(|i| Point {
                    at: i * 60_000,
                    value: if i < at { low } else { high },
                })
                .collect(),
        }
    }

    #[test]
    fn draws_every_series_and_marks_each_onset() {
        let series = [
            step("pool_waiting", 60, 4.0, 60.0),
            step("latency_ms", 70, 120.0, 900.0),
        ];
        let onsets = [
            Onset {
                series: "pool_waiting".into(),
                at: 60 * 60_000,
            },
            Onset {
                series: "latency_ms".into(),
                at: 70 * 60_000,
            },
        ];
        let svg = aligned_svg(&series, &onsets, "pool_waiting moved first").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("pool_waiting moved first"));
        assert!(
            svg.contains("pool_waiting onset 01:00") && svg.contains("latency_ms onset 01:10"),
            "{svg}"
        );
    }
}
