//! When to try a failed delivery again: exponential backoff with a cap, plus random jitter so
//! that many rows failing together (a sink that was down) do not all retry in the same
//! instant when it comes back.

use std::time::Duration;

/// Exponential backoff settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The wait after `failures` failed attempts (1 = the first): base·2^(failures−1), capped,
    /// plus up to a quarter of that again at random (the total stays under 1.25·cap).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = rhyme_sinks::Backoff { base: Duration::from_secs(1), cap: Duration::from_secs(60) };
    /// let third = b.delay(3);
    /// assert!(third >= Duration::from_secs(4) && third < Duration::from_secs(5));
    /// assert!(b.delay(30) < Duration::from_secs(75));
    /// ```
    pub fn delay(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(32);
        let wait = self
            .base
            .saturating_mul(1u32 << exponent.min(31))
            .min(self.cap);
        wait + jitter(wait / 4)
    }
}

/// A random duration in [0, up_to).
fn jitter(up_to: Duration) -> Duration {
    let millis = up_to.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    Duration::from_millis(u64::from_le_bytes(bytes) % millis)
}
