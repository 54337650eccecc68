//! A one-line picture of a series for the terminal, with the marked window underlined.

use super::Mark;
use rhyme_world::Sample;
use rhyme_world::types::MetricSeries;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Two lines: the series averaged into `width` columns by time (blank where there is no
/// data), and under it `▔` beneath the columns `mark` covers.
pub fn sparkline(series: &MetricSeries, width: usize, mark: Option<&Mark>) -> String {
    let finite: Vec<Sample> = series.samples().filter(|p| p.value.is_finite()).collect();
    let (Some(first), Some(last)) = (finite.first(), finite.last()) else {
        return String::new();
    };
    let (t0, t1) = (first.at, last.at.max(first.at + 1));
    let column =
        |t: i64| (((t - t0) as f64 / (t1 - t0) as f64) * (width - 1) as f64).round() as usize;
    let mut sums = vec![(0.0f64, 0usize); width];
    for p in &finite {
        let c = column(p.at).min(width - 1);
        sums[c].0 += p.value;
        sums[c].1 += 1;
    }
    let means: Vec<Option<f64>> = sums
        .iter()
        .map(|(s, n)| (*n > 0).then(|| s / *n as f64))
        .collect();
    let (lo, hi) = means
        .iter()
        .flatten()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let level = |v: f64| {
        if hi > lo {
            (((v - lo) / (hi - lo)) * 7.0).round() as usize
        } else {
            3
        }
    };
    let line: String = means
        .iter()
        .map(|m| m.map_or(' ', |v| BARS[level(v).min(7)]))
        .collect();
    let Some(mark) = mark else { return line };
    let (a, b) = (
        column(mark.start.max(t0)).min(width - 1),
        column(mark.end.min(t1)).min(width - 1),
    );
    let under: String = (0..width)
        .map(|c| if c >= a && c <= b { '▔' } else { ' ' })
        .collect();
    format!("{line}\n{}", under.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> MetricSeries {
        let samples = values.iter().enumerate().map(|(i, v)| Sample {
            at: i as i64 * 60_000,
            value: *v,
        });
        MetricSeries::from_samples("s", "", samples)
    }

    #[test]
    fn draws_levels_and_marks_the_window() {
        let drawn = sparkline(
            &series(&[0.0, 7.0, 7.0, 0.0]),
            4,
            Some(&Mark {
                start: 60_000,
                end: 120_000,
                label: "x".into(),
            }),
        );
        assert_eq!(drawn, "▁██▁\n ▔▔");
    }

    #[test]
    fn survives_empty_flat_and_nan() {
        assert_eq!(sparkline(&series(&[]), 10, None), "");
        assert_eq!(
            sparkline(&series(&[f64::NAN, 2.0, 2.0]), 3, None),
            "▄ ▄",
            "no data in the middle column"
        );
    }
}
