//! A call's wall-clock deadline counts the plugin's own running time, not the time it spends
//! blocked on the host answering a capability call (an LLM reply, a store read): those have
//! their own timeouts, and a plugin that asked a slow model must still get the chance to fall
//! back instead of being stopped the moment the answer arrives. The time forgiven is bounded,
//! so a plugin cannot stretch a call without end by calling slow capabilities in a loop.

use std::time::{Duration, Instant};

use wasmtime::{Store, Trap, UpdateDeadline};

use super::engine::Sandbox;
use super::state::HostState;
use crate::capability::backend::MAX_CHAT_TIMEOUT_S;

/// The most time spent waiting on capabilities that does not count against the deadline: one
/// LLM request at its longest allowed timeout, plus some.
pub const MAX_FORGIVEN_WAIT: Duration = Duration::from_secs(MAX_CHAT_TIMEOUT_S + 30);

/// Arms the deadline of one call on `store`.
pub fn arm(store: &mut Store<HostState>, deadline_ms: u64) {
    let started = Instant::now();
    let deadline = Duration::from_millis(deadline_ms);
    store.set_epoch_deadline(Sandbox::deadline_ticks(deadline_ms));
    store.epoch_deadline_callback(move |ctx| {
        let waited: Duration = ctx.data().capability_calls.iter().map(|c| c.duration).sum();
        let own = started
            .elapsed()
            .saturating_sub(waited.min(MAX_FORGIVEN_WAIT));
        match deadline.checked_sub(own) {
            Some(left) if !left.is_zero() => Ok(UpdateDeadline::Continue(Sandbox::deadline_ticks(
                left.as_millis() as u64,
            ))),
            _ => Err(Trap::Interrupt.into()),
        }
    });
}
