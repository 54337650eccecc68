//! Times the analysis natively on week-long series (10,080 one-minute points) of several
//! kinds; `rhyme bench signature` measures the same inside the sandbox.
//!
//! `cargo run --release -p graph-signature --example bench`

use std::time::Instant;

use graph_signature::{Point, analyze};

const N: usize = 10_080;

fn noise(seed: &mut u64) -> f64 {
    // xorshift64*, mapped to roughly normal by summing uniforms.
    (0..4)
        .map(|_| {
            *seed ^= *seed >> 12;
            *seed ^= *seed << 25;
            *seed ^= *seed >> 27;
            (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .sum::<f64>()
}

fn series(kind: &str) -> Vec<Point> {
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    (0..N)
        .map(|i| {
            let day = (i as f64 / 1440.0 * std::f64::consts::TAU).sin();
            let base = 100.0 + 30.0 * day + 3.0 * noise(&mut seed);
            let v = match kind {
                "cliff" if i > 9000 => base * 0.1,
                "stair" => base + 150.0 * (i / 2500) as f64,
                _ => base,
            };
            Point {
                t: 1.7e9 + 60.0 * i as f64,
                v,
            }
        })
        .collect()
}

fn main() {
    for kind in ["seasonal noise", "cliff", "stair"] {
        let points = series(kind);
        let mut times: Vec<f64> = (0..200)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(analyze(std::hint::black_box(&points)));
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let found = analyze(&points);
        if std::env::args().any(|a| a == "--split") {
            per_detector(&points);
        }
        println!(
            "{kind:>15}: {N} points, median {:.3} ms, p90 {:.3} ms -> {}",
            times[times.len() / 2],
            times[times.len() * 9 / 10],
            found.first().map_or("nothing".to_string(), |s| format!(
                "{} ({})",
                s.shape, s.magnitude
            )),
        );
    }
}

/// Per-detector split of the time, to see where it goes.
#[allow(dead_code)]
fn per_detector(points: &[Point]) {
    use graph_signature::detect::{self, View};
    let t: Vec<f64> = points.iter().map(|p| p.t).collect();
    let v: Vec<f64> = points.iter().map(|p| p.v).collect();
    let view = View {
        t: &t,
        v: &v,
        noise: graph_signature::stats::diff_noise(&v),
        is_rate: false,
    };
    let time = |name: &str, f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..50 {
            f();
        }
        println!(
            "    {name:>12}: {:.3} ms",
            start.elapsed().as_secs_f64() * 1e3 / 50.0
        );
    };
    time("flatline", &|| {
        drop(std::hint::black_box(detect::flatline::detect(&view)))
    });
    time("level shift", &|| {
        drop(std::hint::black_box(detect::level_shift::detect(&view)))
    });
    time("oscillation", &|| {
        drop(std::hint::black_box(detect::oscillation::detect(&view)))
    });
    time("plateau", &|| {
        drop(std::hint::black_box(detect::plateau::detect(&view)))
    });
    time("spike", &|| {
        drop(std::hint::black_box(detect::spike::detect(&view)))
    });
}
