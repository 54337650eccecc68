//! Medians and tails of a set of timings.

use std::time::Duration;

use serde::Serialize;

/// The value at quantile `q` (0 to 1) of `sorted` (not empty), by the nearest rank.
pub(super) fn quantile<T: Copy>(sorted: &[T], q: f64) -> T {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Summary of repeated timings, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Stats {
    /// Number of samples.
    pub samples: usize,
    /// Median.
    pub median_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Fastest.
    pub min_us: f64,
}

impl Stats {
    /// Summarises `samples` (at least one).
    pub(crate) fn of(samples: &mut [Duration]) -> Stats {
        assert!(!samples.is_empty(), "no samples");
        samples.sort_unstable();
        let at = |q: f64| quantile(samples, q).as_secs_f64() * 1e6;
        Stats {
            samples: samples.len(),
            median_us: at(0.5),
            p99_us: at(0.99),
            min_us: at(0.0),
        }
    }

    /// Times `f` `n` times after `warmup` untimed runs.
    pub(crate) fn measure(warmup: usize, n: usize, mut f: impl FnMut()) -> Stats {
        for _ in 0..warmup {
            f();
        }
        let mut samples: Vec<Duration> = (0..n)
            .map(|_| {
                let started = std::time::Instant::now();
                f();
                started.elapsed()
            })
            .collect();
        Stats::of(&mut samples)
    }

    /// [`Stats::measure`] for an async `f`: each run awaited in turn on the caller's runtime,
    /// as the server awaits plugin calls.
    pub(crate) async fn measure_async(warmup: usize, n: usize, mut f: impl AsyncFnMut()) -> Stats {
        for _ in 0..warmup {
            f().await;
        }
        let mut samples = Vec::with_capacity(n);
        for _ in 0..n {
            let started = std::time::Instant::now();
            f().await;
            samples.push(started.elapsed());
        }
        Stats::of(&mut samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_tail() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let stats = Stats::of(&mut samples);
        assert_eq!(stats.median_us.round(), 51.0);
        assert_eq!(stats.p99_us.round(), 99.0);
        assert_eq!(stats.min_us.round(), 1.0);
    }
}
