//! A budget of log lines per key and second, so that a client hammering one route with bad
//! requests (48,000 refusals in a load test) cannot flood the log or slow the server with
//! its own logging, while the first refusals of each kind are still written. The exact
//! counts are in `/metrics`; a logged line says how many like it were left out before it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Up to `per_window` lines per key in each window; the rest are counted, not written.
#[derive(Debug)]
pub struct LogBudget<K> {
    per_window: u32,
    window: Duration,
    /// One entry per key ever seen: callers use keys from a bounded set (route templates,
    /// statuses), never raw request data, so this cannot grow without bound.
    keys: Mutex<HashMap<K, Window>>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    written: u32,
    /// Lines left out since the last one written.
    left_out: u64,
}

impl<K: Hash + Eq> LogBudget<K> {
    /// A budget of `per_window` lines per key in each `window`.
    pub fn new(per_window: u32, window: Duration) -> LogBudget<K> {
        LogBudget {
            per_window,
            window,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a line for `key` may be written at `now`: `Some(n)` with the number of lines
    /// for `key` left out since the last one written, or `None` when over budget (counted).
    pub fn admit(&self, key: K, now: Instant) -> Option<u64> {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = keys.entry(key).or_insert(Window {
            started: now,
            written: 0,
            left_out: 0,
        });
        if now.saturating_duration_since(window.started) >= self.window {
            window.started = now;
            window.written = 0;
        }
        if window.written < self.per_window {
            window.written += 1;
            Some(std::mem::take(&mut window.left_out))
        } else {
            window.left_out += 1;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_gets_its_budget_and_the_next_line_says_how_many_were_left_out() {
        let budget = LogBudget::new(2, Duration::from_secs(1));
        let t0 = Instant::now();
        assert_eq!(budget.admit("a", t0), Some(0));
        assert_eq!(budget.admit("a", t0), Some(0));
        assert_eq!(budget.admit("a", t0), None);
        assert_eq!(budget.admit("a", t0 + Duration::from_millis(999)), None);
        assert_eq!(budget.admit("b", t0), Some(0), "another key has its own");
        let later = t0 + Duration::from_secs(1);
        assert_eq!(budget.admit("a", later), Some(2));
        assert_eq!(budget.admit("a", later), Some(0));
        assert_eq!(budget.admit("a", later), None);
    }
}
