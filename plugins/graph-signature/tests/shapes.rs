//! Synthetic series for each shape, and for each kind of messy data that must not crash the
//! analysis nor, on its own, produce a signature.

use graph_signature::{Point, Shape, Signature, analyze};

const T0: f64 = 1_700_000_000.0;

/// Deterministic noise (xorshift64*), roughly normal with unit spread.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// Points at a fixed step (seconds) from a value function of the sample index.
fn series(n: usize, step: f64, mut value: impl FnMut(usize) -> f64) -> Vec<Point> {
    (0..n)
        .map(|i| Point {
            t: T0 + step * i as f64,
            v: value(i),
        })
        .collect()
}

fn top(found: &[Signature]) -> Option<Shape> {
    found.first().map(|s| s.shape)
}

fn assert_silent(points: &[Point], what: &str) {
    let found = analyze(points);
    assert!(
        found.is_empty(),
        "{what}: expected nothing, got {:?}",
        found
            .iter()
            .map(|s| (s.shape, &s.magnitude))
            .collect::<Vec<_>>()
    );
}

// ---- each shape ------------------------------------------------------------------------------

#[test]
fn stair_step_rise() {
    let mut noise = Noise(1);
    let points = series(400, 60.0, |i| {
        100.0 + 12.0 * (i / 100) as f64 + 2.0 * noise.normal()
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::StairStep), "{found:?}");
    assert!(
        found[0].magnitude.starts_with("3 steps up of about +"),
        "{}",
        found[0].magnitude
    );
    assert_eq!(found[0].shape.id(), "stair-step");
}

#[test]
fn cliff_drop() {
    let mut noise = Noise(2);
    let points = series(
        300,
        60.0,
        |i| if i < 200 { 80.0 } else { 6.0 } + noise.normal(),
    );
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::CliffDrop), "{found:?}");
    let s = &found[0];
    assert!(s.magnitude.starts_with("fell 9"), "{}", s.magnitude);
    assert!(s.magnitude.contains("stayed down"), "{}", s.magnitude);
    assert!(
        s.start >= T0 + 190.0 * 60.0 && s.start <= T0 + 200.0 * 60.0,
        "window starts at the edge"
    );
    assert_eq!(s.end, points[299].t);
    assert!(!s.meanings.is_empty() && !s.first_check.is_empty());
}

#[test]
fn oscillation_every_hour() {
    let mut noise = Noise(3);
    // Five-minute samples, a swing every 12 samples (one hour), for a day.
    let points = series(288, 300.0, |i| {
        let phase = (i % 12) as f64 / 12.0 * std::f64::consts::TAU;
        50.0 + 25.0 * phase.sin() + noise.normal()
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::Oscillation), "{found:?}");
    assert!(
        found[0].magnitude.contains("every 60 min"),
        "{}",
        found[0].magnitude
    );
}

#[test]
fn flatline_after_activity() {
    let mut noise = Noise(4);
    let points = series(300, 60.0, |i| {
        if i < 160 {
            (20.0 + 5.0 * noise.normal()).max(0.0)
        } else {
            0.0
        }
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::Flatline), "{found:?}");
    assert!(
        found[0]
            .magnitude
            .starts_with("dropped to exactly 0 for the last"),
        "{}",
        found[0].magnitude
    );
}

#[test]
fn whole_window_constant_is_a_flatline() {
    let points = series(50, 60.0, |_| 42.0);
    assert_eq!(top(&analyze(&points)), Some(Shape::Flatline));
}

#[test]
fn spike_then_settle() {
    let mut noise = Noise(5);
    let points = series(300, 60.0, |i| match i {
        150 => 400.0,
        151 => 250.0,
        _ => 50.0 + 2.0 * noise.normal(),
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::SpikeThenSettle), "{found:?}");
    assert!(
        found[0].magnitude.starts_with("jumped to 400"),
        "{}",
        found[0].magnitude
    );
}

#[test]
fn plateau_under_peak() {
    let mut noise = Noise(6);
    // Two daily humps of demand, clipped at a ceiling of 80 (a pool or quota limit).
    let points = series(576, 300.0, |i| {
        let day = (i as f64 / 288.0 * std::f64::consts::TAU).sin();
        (50.0 + 45.0 * day + 2.0 * noise.normal()).min(80.0)
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::PlateauUnderPeak), "{found:?}");
    assert!(
        found[0].magnitude.contains("ceiling of about 80"),
        "{}",
        found[0].magnitude
    );
}

#[test]
fn a_counter_that_stops_increasing_is_a_flatline_of_its_rate() {
    let mut total = 0.0;
    let points = series(200, 60.0, |i| {
        if i < 120 {
            total += 60.0 + (i % 5) as f64;
        }
        total
    });
    let found = analyze(&points);
    assert_eq!(top(&found), Some(Shape::Flatline), "{found:?}");
    assert!(
        found[0].of_rate && found[0].magnitude.starts_with("rate "),
        "{:?}",
        found[0]
    );
}

#[test]
fn a_step_between_held_values_is_a_step_not_a_ceiling() {
    // A held reading with rare dips jumps to a new held reading: nothing had noise to lose.
    let points = series(450, 60.0, |i| match i {
        _ if i >= 250 => 0.63,
        130 | 131 | 190 | 191 => 0.105,
        _ => 0.158,
    });
    assert_eq!(top(&analyze(&points)), Some(Shape::StairStep));
}

#[test]
fn a_rounded_hump_is_not_a_ceiling() {
    let mut noise = Noise(21);
    // A smooth daily hump recorded with two decimals, quieter near its top (as busy-hour
    // metrics often are): the top repeats and is quiet, but the signal slows into it rather
    // than being cut off, so it spends longer just below the top than at it.
    let points = series(400, 300.0, |i| {
        let x = (i as f64 - 200.0) / 60.0;
        let bump = (-x * x).exp();
        (((0.4 + 0.45 * bump + 0.02 * (1.0 - bump) * noise.normal()) * 100.0).round()) / 100.0
    });
    let found = analyze(&points);
    assert!(
        found.iter().all(|s| s.shape != Shape::PlateauUnderPeak),
        "{found:?}"
    );
}

// ---- messy data that alone must give nothing -------------------------------------------------

#[test]
fn stationary_noise_of_any_length_gives_nothing() {
    for (n, seed) in [(10, 7), (100, 8), (1_000, 9), (10_080, 10), (100_000, 11)] {
        let mut noise = Noise(seed);
        assert_silent(
            &series(n, 60.0, |_| 100.0 + 5.0 * noise.normal()),
            &format!("{n} points of noise"),
        );
    }
}

#[test]
fn too_few_or_no_usable_points_give_nothing() {
    assert_silent(&[], "empty");
    assert_silent(&series(9, 60.0, |i| i as f64), "nine points");
    assert_silent(&series(100, 60.0, |_| f64::NAN), "all NaN");
    assert_silent(
        &series(
            100,
            60.0,
            |i| if i % 2 == 0 { f64::INFINITY } else { f64::NAN },
        ),
        "infinite",
    );
}

#[test]
fn nan_holes_give_nothing() {
    let mut noise = Noise(12);
    let points = series(500, 60.0, |i| {
        if i % 7 == 3 {
            f64::NAN
        } else {
            100.0 + 5.0 * noise.normal()
        }
    });
    assert_silent(&points, "noise with NaN holes");
}

#[test]
fn irregular_timestamps_give_nothing() {
    let mut noise = Noise(13);
    let mut t = T0;
    let points: Vec<Point> = (0..500)
        .map(|_| {
            t += 10.0 + 110.0 * noise.uniform();
            Point {
                t,
                v: 100.0 + 5.0 * noise.normal(),
            }
        })
        .collect();
    assert_silent(&points, "irregular timestamps");
}

#[test]
fn a_gap_in_time_gives_nothing() {
    let mut noise = Noise(14);
    let points: Vec<Point> = (0..400)
        .map(|i| {
            let t = T0 + 60.0 * i as f64 + if i >= 200 { 6.0 * 3600.0 } else { 0.0 };
            Point {
                t,
                v: 100.0 + 5.0 * noise.normal(),
            }
        })
        .collect();
    assert_silent(&points, "six-hour gap");
}

#[test]
fn unsorted_and_duplicated_points_are_handled() {
    let mut noise = Noise(15);
    let mut points = series(
        300,
        60.0,
        |i| if i < 200 { 80.0 } else { 6.0 } + noise.normal(),
    );
    let sorted = analyze(&points);
    let repeated = points[10..20].to_vec();
    points.extend(repeated);
    points.reverse();
    let shuffled = analyze(&points);
    assert_eq!(top(&shuffled), top(&sorted));
    assert_eq!(top(&sorted), Some(Shape::CliffDrop));
}

#[test]
fn counter_resets_give_nothing() {
    let mut noise = Noise(16);
    let mut total = 5_000.0;
    let points = series(600, 60.0, |i| {
        total = if i % 150 == 149 {
            0.0
        } else {
            total + 60.0 * (10.0 + noise.normal())
        };
        total
    });
    assert_silent(&points, "counter with resets");
}

#[test]
fn daily_seasonality_gives_nothing() {
    let mut noise = Noise(17);
    // A week at one-minute resolution, and four days at five minutes.
    let week = series(10_080, 60.0, |i| {
        100.0 + 40.0 * (i as f64 / 1440.0 * std::f64::consts::TAU).sin() + 3.0 * noise.normal()
    });
    assert_silent(&week, "a week of daily cycles");
    let days = series(1_152, 300.0, |i| {
        100.0 + 40.0 * (i as f64 / 288.0 * std::f64::consts::TAU).sin() + 3.0 * noise.normal()
    });
    assert_silent(&days, "four days of daily cycles");
}

#[test]
fn slow_drift_gives_nothing() {
    let mut noise = Noise(18);
    let points = series(480, 60.0, |i| 50.0 + 0.1 * i as f64 + 2.0 * noise.normal());
    assert_silent(&points, "linear drift");
}

#[test]
fn bursty_counts_give_nothing() {
    let mut noise = Noise(19);
    // Request counts: a Poisson-like baseline with ordinary, frequent bursts.
    let points = series(500, 300.0, |_| {
        let burst = if noise.uniform() < 0.1 {
            15.0 * noise.uniform()
        } else {
            0.0
        };
        (20.0 + 4.0 * noise.normal() + burst).round().max(0.0)
    });
    assert_silent(&points, "bursty counts");
}

#[test]
fn quantised_jitter_gives_nothing() {
    let mut noise = Noise(20);
    let points = series(300, 3600.0, |_| (21.0 + 1.2 * noise.normal()).round());
    assert_silent(&points, "integer jitter");
}
