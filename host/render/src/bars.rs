//! A bar chart of labelled values as SVG, in the signature plots' size and style: the report's
//! incidents per day or week, and each incident's time to resolve.

use plotters::prelude::*;

use super::PlotError;

/// The most bars labelled on the x axis; past it every few bars get a label, so the labels
/// do not overprint one another.
const MAX_LABELS: usize = 16;

/// `bars` (label, value) as an SVG document, 900×300, titled `title`, the y axis described
/// by `y_desc`. Negative or non-finite values are refused.
pub fn bars_svg(title: &str, y_desc: &str, bars: &[(String, f64)]) -> Result<String, PlotError> {
    let fail = |reason: String| PlotError::new(title, reason);
    if bars.is_empty() {
        return Err(fail("nothing to plot".into()));
    }
    if let Some((label, _)) = bars.iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
        return Err(fail(format!("bar `{label}` is negative or not a number")));
    }
    let top = bars
        .iter()
        .map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let n = bars.len();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..n as f64, 0.0..top)
            .map_err(|e| fail(e.to_string()))?;
        let label_at = |x: &f64| {
            let i = x.floor() as usize;
            let centred = (x - x.floor() - 0.5).abs() < 1e-6;
            match bars.get(i) {
                Some((label, _)) if centred => label.clone(),
                _ => String::new(),
            }
        };
        chart
            .configure_mesh()
            .y_desc(y_desc)
            .x_labels(n.min(MAX_LABELS))
            .x_label_formatter(&label_at)
            .disable_x_mesh()
            .light_line_style(WHITE)
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        let fill = RGBColor(38, 139, 210).filled();
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                let x = i as f64;
                Rectangle::new([(x + 0.15, 0.0), (x + 0.85, *v)], fill)
            }))
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_one_rectangle_per_bar_and_refuses_bad_values() {
        let bars = vec![("12-01".to_string(), 2.0), ("12-02".to_string(), 0.0)];
        let svg = bars_svg("Incidents per day", "incidents", &bars).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Incidents per day"));
        assert!(bars_svg("x", "y", &[]).is_err());
        assert!(bars_svg("x", "y", &[("a".into(), f64::NAN)]).is_err());
    }
}
