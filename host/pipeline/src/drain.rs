//! How fast the worker has been finishing work, and from it how long a refused client should
//! wait: a `Retry-After` of one second against a backlog that takes minutes only turns the
//! clients' retries into load.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The window the rate is measured over: long enough to span a few slow plugin calls on a
/// long timeline (seconds each, during which nothing finishes), so a pause between them does
/// not read as a stalled worker.
const WINDOW: Duration = Duration::from_secs(30);
/// Bounds of the advice, in seconds.
const SHORTEST_S: u64 = 1;
const LONGEST_S: u64 = 60;
/// Advice while nothing has finished lately: the worker may be stuck on a slow call.
const UNMEASURED_S: u64 = 2;

/// Events finished recently, with when.
#[derive(Debug, Default)]
pub struct DrainRate {
    finished: VecDeque<(Instant, usize)>,
    since: Option<Instant>,
}

impl DrainRate {
    /// Records `events` finished by work that started at `started`.
    pub fn finished(&mut self, events: usize, started: Instant) {
        let now = Instant::now();
        self.since.get_or_insert(started);
        self.finished.push_back((now, events));
        if let Some(cutoff) = now.checked_sub(WINDOW) {
            self.forget_before(cutoff);
        }
    }

    /// Events per second over the window; `None` when nothing finished in it.
    pub fn rate(&self) -> Option<f64> {
        let now = Instant::now();
        let recent: usize = self
            .finished
            .iter()
            .filter(|(at, _)| now.duration_since(*at) <= WINDOW)
            .map(|(_, n)| n)
            .sum();
        if recent == 0 {
            return None;
        }
        let since = self.since.map_or(WINDOW, |s| now.duration_since(s));
        let span = since.min(WINDOW).max(Duration::from_millis(100));
        Some(recent as f64 / span.as_secs_f64())
    }

    /// Seconds until `excess` events have drained, when the worker's rate is shared by
    /// `busy_lines` incidents taking turns.
    pub fn retry_after(&self, excess: usize, busy_lines: usize) -> u64 {
        let Some(rate) = self.rate() else {
            return UNMEASURED_S;
        };
        let share = rate / busy_lines.max(1) as f64;
        let seconds = (excess as f64 / share).ceil();
        (seconds as u64).clamp(SHORTEST_S, LONGEST_S)
    }

    fn forget_before(&mut self, cutoff: Instant) {
        while self.finished.front().is_some_and(|(at, _)| *at < cutoff) {
            self.finished.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advice_grows_with_the_backlog_and_stays_in_bounds() {
        let mut drain = DrainRate::default();
        assert_eq!(drain.retry_after(10, 1), UNMEASURED_S);
        let started = Instant::now() - Duration::from_secs(2);
        drain.finished(2_000, started);
        let rate = drain.rate().unwrap();
        assert!((500.0..=1_000.5).contains(&rate), "{rate}");
        assert_eq!(drain.retry_after(1, 1), SHORTEST_S);
        let shared = drain.retry_after(2_000, 4);
        assert!(
            shared > drain.retry_after(2_000, 1),
            "four lines share the rate"
        );
        assert_eq!(drain.retry_after(10_000_000, 1), LONGEST_S);
    }
}
