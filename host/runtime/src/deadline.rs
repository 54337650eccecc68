//! A call's wall-clock deadline counts the plugin's own running time, not the time it spends
//! blocked on the host answering a capability call (an LLM reply, a store read): those have
//! their own timeouts, and a plugin that asked a slow model must still get the chance to fall
//! back instead of being stopped the moment the answer arrives. The time forgiven is bounded,
//! so a plugin cannot stretch a call without end by calling slow capabilities in a loop.
//!
//! Calls are async and run on the caller's tasks, so a plugin that computes for long must not
//! hold its thread: every [`YIELD_EVERY`] of its running time it yields to the executor, and
//! other tasks (requests, other plugins) run before it goes on.

use std::time::{Duration, Instant};

use wasmtime::{Store, Trap, UpdateDeadline};

use super::engine::Sandbox;
use super::state::HostState;
use crate::capability::backend::MAX_CHAT_TIMEOUT_S;

/// The most time spent waiting on capabilities that does not count against the deadline: one
/// LLM request at its longest allowed timeout, plus some.
pub const MAX_FORGIVEN_WAIT: Duration = Duration::from_secs(MAX_CHAT_TIMEOUT_S + 30);

/// How long a plugin runs at most before it yields its thread to the executor.
pub const YIELD_EVERY: Duration = Duration::from_millis(10);

/// Arms the deadline of one call on `store`.
pub fn arm(store: &mut Store<HostState>, deadline_ms: u64) {
    let started = Instant::now();
    let deadline = Duration::from_millis(deadline_ms);
    let yield_ticks = Sandbox::deadline_ticks(YIELD_EVERY.as_millis() as u64);
    store.set_epoch_deadline(Sandbox::deadline_ticks(deadline_ms).min(yield_ticks));
    store.epoch_deadline_callback(move |ctx| {
        let waited: Duration = ctx.data().capability_calls.iter().map(|c| c.duration).sum();
        let own = started
            .elapsed()
            .saturating_sub(waited.min(MAX_FORGIVEN_WAIT));
        match deadline.checked_sub(own) {
            Some(left) if !left.is_zero() => Ok(UpdateDeadline::Yield(
                Sandbox::deadline_ticks(left.as_millis() as u64).min(yield_ticks),
            )),
            _ => Err(Trap::Interrupt.into()),
        }
    });
}
