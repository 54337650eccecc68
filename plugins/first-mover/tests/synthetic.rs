//! The detector on series made up here: what must give no onset (noise, a daily rhythm) and
//! what must be ordered right (a step in one series ten minutes before another's).

use first_mover::{Params, detect, order};

const MIN: i64 = 60_000;

/// A deterministic noise in [-1, 1] (xorshift), so the tests need no crate and never flake.
fn noise(seed: u64, n: usize) -> Vec<f64> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2001) as f64 / 1000.0 - 1.0
        })
        .collect()
}

fn points(values: &[f64]) -> Vec<(i64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (1_790_000_000_000 + i as i64 * MIN, *v))
        .collect()
}

#[test]
fn noise_alone_gives_no_onset() {
    let columns: Vec<Vec<f64>> = (0..8)
        .map(|c| {
            noise(c + 1, 3 * 1440)
                .iter()
                .map(|v| 50.0 + 3.0 * v)
                .collect()
        })
        .collect();
    let episodes = detect(&columns, &Params::default());
    assert!(episodes.is_empty(), "{episodes:#?}");
}

#[test]
fn a_daily_rhythm_gives_no_onset() {
    // Three days of a load that doubles every afternoon, with noise on top.
    let columns: Vec<Vec<f64>> = (0..4)
        .map(|c| {
            noise(c + 11, 3 * 1440)
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let day = (i % 1440) as f64 / 1440.0 * std::f64::consts::TAU;
                    100.0 + 50.0 * day.sin() + 4.0 * v
                })
                .collect()
        })
        .collect();
    let episodes = detect(&columns, &Params::default());
    assert!(episodes.is_empty(), "{episodes:#?}");
}

#[test]
fn a_step_ten_minutes_before_another_is_ordered_first() {
    let n = 240;
    // Queue depth steps up at minute 180; latency follows at minute 190; errors stay calm.
    let queue: Vec<f64> = noise(3, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 180 { 400.0 } else { 100.0 } + 5.0 * v)
        .collect();
    let latency: Vec<f64> = noise(4, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 190 { 900.0 } else { 120.0 } + 8.0 * v)
        .collect();
    let errors: Vec<f64> = noise(5, n).iter().map(|v| 0.5 + 0.05 * v).collect();
    let series = vec![
        ("latency_ms".to_string(), points(&latency)),
        ("errors_pct".to_string(), points(&errors)),
        ("queue_depth".to_string(), points(&queue)),
    ];
    let ordering = order(&series, &[], &Params::default());
    let names: Vec<&str> = ordering.moved.iter().map(|o| o.series.as_str()).collect();
    assert_eq!(names, ["queue_depth", "latency_ms"]);
    assert_eq!(ordering.still, ["errors_pct"]);
    let (_, _, lead) = ordering.lead().unwrap();
    assert_eq!(lead, 10 * MIN);
    assert_eq!(ordering.moved[0].at, series[2].1[180].0);
    let title = first_mover::wording::title(&ordering).unwrap();
    assert_eq!(title, "queue_depth moved first, 10 min before latency_ms");
}

#[test]
fn a_ramp_is_dated_from_its_foot() {
    // Flat with noise, then a climb of 2 units a minute from minute 200.
    let column: Vec<f64> = noise(9, 300)
        .iter()
        .enumerate()
        .map(|(i, v)| {
            10.0 + v
                + if i >= 200 {
                    2.0 * (i - 200) as f64
                } else {
                    0.0
                }
        })
        .collect();
    let episodes = detect(&[column], &Params::default());
    let onset = episodes[0].onset;
    assert!((199..=203).contains(&onset), "onset at row {onset}");
}

#[test]
fn a_shape_named_elsewhere_gives_that_series_its_onset() {
    let n = 240;
    let a: Vec<f64> = noise(21, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 150 { 60.0 } else { 10.0 } + v)
        .collect();
    let b: Vec<f64> = noise(22, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 170 { 60.0 } else { 10.0 } + v)
        .collect();
    let series = vec![("a".to_string(), points(&a)), ("b".to_string(), points(&b))];
    let window_start = series[1].1[165].0;
    let ordering = order(
        &series,
        &[("b".to_string(), window_start)],
        &Params::default(),
    );
    assert_eq!(ordering.moved[1].at, window_start);
    assert_eq!(ordering.lead().unwrap().2, 15 * MIN);
    // A named shape counts as a move even where the detector sees none (a slow climb to a
    // ceiling, say): the calm series `c` becomes the first mover once a shape is named on it.
    let c: Vec<f64> = noise(23, n).iter().map(|v| 10.0 + v).collect();
    let mut three = series.clone();
    three.push(("c".to_string(), points(&c)));
    let early = three[2].1[100].0;
    let ordering = order(&three, &[("c".to_string(), early)], &Params::default());
    assert_eq!(ordering.moved[0].series, "c");
    assert!(ordering.still.is_empty());
}

#[test]
fn a_second_move_two_hours_into_a_lasting_one_is_its_own_episode() {
    // Disk usage steps up at minute 400 and stays up; hours later, at minute 520, the error
    // rate jumps. The first change is the new normal by then: the jump must not be folded
    // into its episode, or the second incident would go unseen.
    let n = 700;
    let disk: Vec<f64> = noise(21, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 400 { 80.0 } else { 40.0 } + v)
        .collect();
    let errors: Vec<f64> = noise(22, n)
        .iter()
        .enumerate()
        .map(|(i, v)| if i >= 520 { 9.0 } else { 1.0 } + 0.1 * v)
        .collect();
    let episodes = detect(&[disk, errors], &Params::default());
    let starts: Vec<(usize, Vec<usize>)> = episodes
        .iter()
        .map(|e| (e.onset, e.moved.iter().map(|m| m.column).collect()))
        .collect();
    let second = starts.iter().find(|(onset, _)| *onset == 520);
    assert!(
        second.is_some_and(|(_, moved)| moved.contains(&1)),
        "the error jump opens an episode of its own: {starts:?}"
    );
}
