//! The turns of a background loop: every so often, and at once when woken. The audit sealer
//! here, the outbox delivery loop (`rhyme-sinks`) and the Slack poster (`rhyme-server`) all
//! run on these turns; they live in the store because it is the crate all three share.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{Interval, MissedTickBehavior};

/// When a background loop runs next: every `every`, and whenever `wake` is notified.
#[derive(Debug)]
pub struct Turns {
    timer: Interval,
    wake: Arc<Notify>,
}

impl Turns {
    /// Turns every `every` (the first at once) and on each notification of `wake`. A turn
    /// that ran long delays the next tick rather than bunching the missed ones together.
    pub fn new(every: Duration, wake: Arc<Notify>) -> Self {
        let mut timer = tokio::time::interval(every);
        timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Turns { timer, wake }
    }

    /// Waits for the next turn: the next tick or the next notification, whichever comes first.
    pub async fn next(&mut self) {
        tokio::select! {
            _ = self.timer.tick() => {}
            () = self.wake.notified() => {}
        }
    }
}
