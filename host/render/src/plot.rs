//! An SVG plot of a series with the finding's window shaded and the changes around it drawn as
//! vertical lines, for the CLI (`--plot`), the web page and chat.

use plotters::prelude::*;

use super::{Mark, Moment};
use rhyme_world::types::MetricSeries;

/// The plot could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot plot series `{series}`: {reason}")]
pub struct PlotError {
    series: String,
    reason: String,
}

impl PlotError {
    pub(crate) fn new(series: &str, reason: String) -> PlotError {
        PlotError {
            series: series.to_string(),
            reason,
        }
    }
}

/// How far before the first point a moment may still be drawn, as a share of the series' span:
/// a deploy shortly before the data starts is the answer to "what changed?", so the axis is
/// widened to show it; one long before is another story and is left out.
const LEAD_SHARE: f64 = 0.5;

/// The series as an SVG document, 900×300, the marked windows shaded and labelled, each moment
/// a dashed vertical line with its label.
pub fn svg(series: &MetricSeries, marks: &[Mark], moments: &[Moment]) -> Result<String, PlotError> {
    let fail = |reason: String| PlotError {
        series: series.name.clone(),
        reason,
    };
    let points: Vec<(f64, f64)> = series
        .samples()
        .filter(|p| p.value.is_finite())
        .map(|p| (p.at as f64 / 60_000.0, p.value))
        .collect();
    if points.len() < 2 {
        return Err(fail("fewer than two finite points".into()));
    }
    let (first, x1) = (
        points[0].0,
        points[points.len() - 1].0.max(points[0].0 + 1.0),
    );
    let earliest = first - (x1 - first) * LEAD_SHARE;
    let moments: Vec<(f64, &str)> = moments
        .iter()
        .map(|m| (m.at as f64 / 60_000.0, m.label.as_str()))
        .filter(|(at, _)| (earliest..=x1).contains(at))
        .collect();
    let x0 = moments.iter().map(|(at, _)| *at).fold(first, f64::min);
    let (lo, hi) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let title = match marks.first() {
            Some(mark) => format!("{} — {}", series.name, mark.label),
            None => series.name.clone(),
        };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc("UTC")
            .x_label_formatter(&|minutes| hh_mm(*minutes))
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        let shade = RGBColor(220, 50, 47).mix(0.18).filled();
        for mark in marks {
            let (a, b) = (mark.start as f64 / 60_000.0, mark.end as f64 / 60_000.0);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a.max(x0), lo - pad), (b.min(x1).max(a), hi + pad)],
                    shade,
                )))
                .map_err(|e| fail(e.to_string()))?;
        }
        chart
            .draw_series(LineSeries::new(
                points,
                RGBColor(38, 139, 210).stroke_width(2),
            ))
            .map_err(|e| fail(e.to_string()))?;
        let ink = RGBColor(88, 110, 117);
        for (at, label) in &moments {
            chart
                .draw_series(DashedLineSeries::new(
                    [(*at, lo - pad), (*at, hi + pad)],
                    6,
                    4,
                    ink.stroke_width(1),
                ))
                .map_err(|e| fail(e.to_string()))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{} {label}", hh_mm(*at)),
                    (*at, hi + pad),
                    ("sans-serif", 12).into_font().color(&ink),
                )))
                .map_err(|e| fail(e.to_string()))?;
        }
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(out)
}

pub(crate) fn hh_mm(minutes_since_epoch: f64) -> String {
    let m = (minutes_since_epoch.round() as i64).rem_euclid(24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_world::Sample;

    #[test]
    fn shades_the_window_and_labels_it() {
        let samples = (0..120).map(|i| Sample {
            at: i * 60_000,
            value: if i < 80 { 100.0 } else { 5.0 },
        });
        let series = MetricSeries::from_samples("checkout_rps", "req/s", samples);
        let mark = Mark {
            start: 79 * 60_000,
            end: 119 * 60_000,
            label: "cliff-drop".into(),
        };
        let svg = svg(&series, &[mark], &[]).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("checkout_rps — cliff-drop"),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("opacity=\"0.18\""), "the window is shaded");
        assert!(
            svg.contains("01:19") || svg.contains("01:20") || svg.contains("00:"),
            "time labels"
        );
    }

    #[test]
    fn draws_a_change_shortly_before_the_data_and_leaves_out_one_long_before() {
        let samples = (0..60).map(|i| Sample {
            at: (600 + i) * 60_000,
            value: 100.0 - i as f64,
        });
        let series = MetricSeries::from_samples("checkout_rps", "req/s", samples);
        let moment = |minute: i64, label: &str| Moment {
            at: minute * 60_000,
            label: label.into(),
        };
        let svg = svg(
            &series,
            &[],
            &[moment(590, "deploy cart v2"), moment(100, "deploy old v1")],
        )
        .unwrap();
        assert!(svg.contains("09:50 deploy cart v2"), "{svg}");
        let plain = super::svg(&series, &[], &[]).unwrap();
        let strokes = |svg: &str| svg.matches("<polyline").count() + svg.matches("<line").count();
        assert!(
            strokes(&svg) > strokes(&plain) + 2,
            "the change is a dashed line of several strokes"
        );
        assert!(
            !svg.contains("deploy old v1"),
            "a change hours before is left out"
        );
    }

    #[test]
    fn refuses_a_series_with_nothing_to_draw() {
        let series = MetricSeries::from_samples("empty", "", []);
        assert!(
            svg(&series, &[], &[])
                .unwrap_err()
                .to_string()
                .contains("`empty`")
        );
    }
}
