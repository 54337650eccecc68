//! Several series on one time axis, each scaled to its own range (0 = its lowest, 1 = its
//! highest), with each series' onset marked by a vertical line in its colour: the plot of a
//! "what moved first" finding, where series of different units must be read side by side.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
        let colour_of = |name: &str| {
            let i = scaled.iter().position(|(n, _)| *n == name).unwrap_or(0);
            COLOURS[i % COLOURS.len()]
        };
        let marked: Vec<(&Onset, RGBColor)> = onsets
            .iter()
            .filter(|o| scaled.iter().any(|(n, _)| *n == o.series))
            .map(|o| (o, colour_of(&o.series)))
            .collect();
        for (i, (name, points)) in scaled.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(|e| fail(e.to_string()))?
                .label(name.to_string())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
                });
        }
        let (x_pixels, _) = chart.plotting_area().get_pixel_range();
        let labels: Vec<(String, f64)> = marked
            .iter()
            .map(|(o, _)| {
                let at = o.at as f64 / 60_000.0;
                (format!("{} onset {}", o.series, super::plot::hh_mm(at)), at)
            })
            .collect();
        let spans: Vec<(i32, i32)> = labels
            .iter()
            .map(|(text, at)| (chart.backend_coord(&(*at, 0.0)).0, label_width(text)))
            .collect();
        let places = place_labels(&spans, x_pixels.end);
        // Half the gap, in minutes, between a line and the label beside it.
        let nudge =
            (x1 - x0) * f64::from(LABEL_GAP_PX) / 2.0 / f64::from(x_pixels.len().max(1) as i32);
        for (((_, colour), (text, at)), place) in marked.iter().zip(&labels).zip(&places) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*at, -0.05), (*at, 1.05)],
                    colour.stroke_width(1),
                )))
                .map_err(|e| fail(e.to_string()))?;
            let anchor = if place.leftward {
                HPos::Right
            } else {
                HPos::Left
            };
            let style = ("sans-serif", LABEL_FONT_PX)
                .into_font()
                .color(colour)
                .pos(Pos::new(anchor, VPos::Top));
            chart
                .draw_series(std::iter::once(Text::new(
                    text.clone(),
                    (
                        if place.leftward {
                            at - nudge
                        } else {
                            at + nudge
                        },
                        1.04 - ROW_STEP * place.row as f64,
                    ),
                    style,
                )))
                .map_err(|e| fail(e.to_string()))?;
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

/// Whether [`aligned_svg`] can draw this series: it has two finite points.
pub fn drawable(series: &MetricSeries) -> bool {
    series
        .samples()
        .filter(|p| p.value.is_finite())
        .nth(1)
        .is_some()
}

/// (minutes since the epoch, value scaled to 0..1); a flat series sits at 0.5.
fn normalised(series: &MetricSeries) -> Vec<(f64, f64)> {
    let finite: Vec<(f64, f64)> = series
        .samples()
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

const LABEL_FONT_PX: u32 = 12;
/// One row of onset labels, in the plot's 0..1 units (about 18 px on this canvas).
const ROW_STEP: f64 = 0.07;
/// A gap kept between two labels on one row, and between a label and its line.
const LABEL_GAP_PX: i32 = 6;

/// A generous estimate of a label's width: the SVG is drawn without font metrics.
fn label_width(text: &str) -> i32 {
    text.chars().count() as i32 * (LABEL_FONT_PX as i32 * 6 / 10) + LABEL_GAP_PX
}

/// Where one onset label goes: its row from the top, and whether it reads leftwards from its
/// line (so that it ends at the line rather than past the plot's right edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    row: usize,
    leftward: bool,
}

/// Places labels given as (line's x in pixels, width): each goes on the first row where it
/// does not overlap a label already there, so two close onsets never print over each other.
fn place_labels(spans: &[(i32, i32)], right_edge: i32) -> Vec<Place> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].0);
    let mut rows: Vec<Vec<(i32, i32)>> = Vec::new();
    let mut places = vec![
        Place {
            row: 0,
            leftward: false
        };
        spans.len()
    ];
    for i in order {
        let (x, width) = spans[i];
        let leftward = x + LABEL_GAP_PX + width > right_edge;
        let extent = if leftward {
            (x - LABEL_GAP_PX - width, x)
        } else {
            (x, x + LABEL_GAP_PX + width)
        };
        let free = |row: &Vec<(i32, i32)>| row.iter().all(|&(a, b)| extent.1 <= a || b <= extent.0);
        let row = match rows.iter().position(free) {
            Some(row) => row,
            None => {
                rows.push(Vec::new());
                rows.len() - 1
            }
        };
        rows[row].push(extent);
        places[i] = Place { row, leftward };
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhyme_world::Sample;

    fn step(name: &str, at: i64, low: f64, high: f64) -> MetricSeries {
        let samples = (0..120).map(|i| Sample {
            at: i * 60_000,
            value: if i < at { low } else { high },
        });
        MetricSeries::from_samples(name, "", samples)
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

    #[test]
    fn close_onsets_take_separate_rows_and_distant_ones_share_one() {
        // Two lines 20 px apart with 150 px labels, a third far to the right of both.
        let places = place_labels(&[(100, 150), (120, 150), (400, 150)], 800);
        assert_ne!(places[0].row, places[1].row);
        assert_eq!(places[2].row, 0);
        assert!(places.iter().all(|p| !p.leftward));
    }

    #[test]
    fn a_label_near_the_right_edge_reads_leftwards() {
        let places = place_labels(&[(780, 150), (300, 150)], 800);
        assert!(places[0].leftward && !places[1].leftward);
        assert_eq!(places[0].row, 0, "it no longer reaches the other label");
    }
}
