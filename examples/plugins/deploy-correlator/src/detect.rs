//! Where an error-rate series turns bad: the first sample of a jump away from the series'
//! own recent level that is big against its noise and lasts at least two samples. A spike
//! that settles and a cliff that stays both start that way; a single odd sample does not.

/// Which way is bad for a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// Error rates, 5xx ratios, failures: bad when they rise.
    Up,
    /// Success rates, availability: bad when they fall.
    Down,
}

/// The start of one bad stretch.
#[derive(Debug, Clone, PartialEq)]
pub struct Onset {
    /// Time of the first bad sample, in milliseconds.
    pub at: i64,
    /// The typical value just before (median of the calm samples).
    pub baseline: f64,
    /// The worst value of the stretch.
    pub worst: f64,
    /// When the stretch ended (its last bad sample), or the last sample while it lasts.
    pub until: i64,
    /// How far past the threshold the worst sample went: 1.0 = just at it.
    pub strength: f64,
    /// The samples of the stretch and a few before it, for the evidence.
    pub points: Vec<(i64, f64)>,
}

/// Samples of calm the baseline needs before anything can be called a jump.
const MIN_CALM: usize = 5;
/// The baseline is the median of this many latest calm samples.
const CALM_WINDOW: usize = 30;
/// A jump must be this many robust standard deviations of the calm samples.
const SIGMAS: f64 = 4.0;
/// Calm samples shown before the onset in the evidence.
const CONTEXT: usize = 3;

/// Every bad stretch of `points` (time in ms, value), oldest first. `min_change` is the
/// smallest jump that matters in the series' unit (one percentage point for `%`).
pub fn onsets(points: &[(i64, f64)], bad: Bad, min_change: f64) -> Vec<Onset> {
    let mut samples: Vec<(i64, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    samples.sort_by_key(|(t, _)| *t);
    let sign = if bad == Bad::Up { 1.0 } else { -1.0 };
    let mut calm: Vec<f64> = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    while i < samples.len() {
        let value = samples[i].1;
        if calm.len() >= MIN_CALM {
            let recent = &calm[calm.len().saturating_sub(CALM_WINDOW)..];
            let (baseline, threshold) = threshold(recent, bad, min_change);
            let past = |v: f64| sign * (v - baseline) >= threshold;
            let lasts = samples.get(i + 1).is_some_and(|&(_, next)| past(next));
            if past(value) && lasts {
                let end = (i..samples.len())
                    .take_while(|&j| sign * (samples[j].1 - baseline) >= threshold / 2.0)
                    .last()
                    .unwrap_or(i);
                let worst = samples[i..=end]
                    .iter()
                    .map(|&(_, v)| v)
                    .fold(value, |w, v| if sign * (v - w) > 0.0 { v } else { w });
                found.push(Onset {
                    at: samples[i].0,
                    baseline,
                    worst,
                    until: samples[end].0,
                    strength: sign * (worst - baseline) / threshold,
                    points: samples[i.saturating_sub(CONTEXT)..=end].to_vec(),
                });
                i = end + 1;
                continue;
            }
        }
        calm.push(value);
        i += 1;
    }
    found
}

/// The calm level and how far from it a sample must be to count. Besides the noise and
/// `min_change`, a rising error rate must at least double: 0.2% to 0.35% is noise to a
/// responder even on a very quiet series.
fn threshold(calm: &[f64], bad: Bad, min_change: f64) -> (f64, f64) {
    let baseline = median(calm);
    let deviations: Vec<f64> = calm.iter().map(|v| (v - baseline).abs()).collect();
    let sigma = 1.4826 * median(&deviations);
    let mut threshold = (SIGMAS * sigma).max(min_change);
    if bad == Bad::Up {
        threshold = threshold.max(baseline.abs());
    }
    (baseline, threshold)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    /// One sample a minute: `calm` minutes around `level` (with a little wobble), then `bad`.
    fn series(calm: usize, level: f64, bad: &[f64]) -> Vec<(i64, f64)> {
        let wobble = [0.0, 0.1, -0.1, 0.05, -0.05];
        let mut points: Vec<(i64, f64)> = (0..calm)
            .map(|i| (i as i64 * MIN, level + wobble[i % 5] * level))
            .collect();
        points.extend(
            bad.iter()
                .enumerate()
                .map(|(j, &v)| ((calm + j) as i64 * MIN, v)),
        );
        points
    }

    #[test]
    fn a_spike_that_settles_is_one_onset_at_its_first_sample() {
        let points = series(20, 0.5, &[9.0, 12.0, 7.0, 0.6, 0.5, 0.45, 0.5]);
        let found = onsets(&points, Bad::Up, 1.0);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].at, 20 * MIN);
        assert_eq!(found[0].until, 22 * MIN);
        assert_eq!(found[0].worst, 12.0);
        assert!((found[0].baseline - 0.5).abs() < 0.05);
    }

    #[test]
    fn a_cliff_in_a_success_rate_counts_when_falling_is_bad() {
        // Availability wobbling between 99.7% and 99.9%, then about 80%.
        let mut points: Vec<(i64, f64)> = (0..20)
            .map(|i| (i * MIN, 99.7 + 0.1 * (i % 3) as f64))
            .collect();
        points.extend(
            [80.0, 78.0, 79.0, 81.0]
                .iter()
                .enumerate()
                .map(|(j, &v)| ((20 + j as i64) * MIN, v)),
        );
        assert_eq!(onsets(&points, Bad::Down, 1.0)[0].at, 20 * MIN);
        assert!(onsets(&points, Bad::Up, 1.0).is_empty());
    }

    #[test]
    fn noise_a_lone_blip_and_a_small_rise_are_not_onsets() {
        assert!(onsets(&series(30, 2.0, &[]), Bad::Up, 1.0).is_empty());
        assert!(
            onsets(&series(20, 0.5, &[9.0, 0.5, 0.5]), Bad::Up, 1.0).is_empty(),
            "one sample is not a spike"
        );
        assert!(
            onsets(&series(20, 0.5, &[1.2, 1.3, 1.2]), Bad::Up, 1.0).is_empty(),
            "below the one-point minimum"
        );
        assert!(
            onsets(&series(3, 0.5, &[9.0, 9.0]), Bad::Up, 1.0).is_empty(),
            "no baseline yet"
        );
    }

    #[test]
    fn gaps_and_disorder_do_not_matter() {
        let mut points = series(20, 0.5, &[9.0, 12.0, 11.0]);
        points.insert(4, (4 * MIN + 1, f64::NAN));
        points.reverse();
        assert_eq!(onsets(&points, Bad::Up, 1.0)[0].at, 20 * MIN);
    }

    #[test]
    fn a_second_spike_after_recovery_is_found_too() {
        let points = series(
            20,
            0.5,
            &[9.0, 12.0, 0.5, 0.5, 0.6, 0.5, 0.4, 0.5, 15.0, 14.0],
        );
        let at: Vec<i64> = onsets(&points, Bad::Up, 1.0).iter().map(|o| o.at).collect();
        assert_eq!(at, [20 * MIN, 28 * MIN]);
    }
}
