//! One detector per anti-pattern of the catalog. Each reads the [`Context`] of one call and returns
//! at most one nudge: the episode it found, unless that episode was already nudged.

use crate::context::Context;
use crate::model::Nudge;

mod blame;
mod hero_debugger;
mod no_clear_command;
mod off_channel;
mod silent_handover;
mod stalled_loop;
mod tunnel_vision;
mod update_black_hole;
mod vanishing;

/// Every detector, in the catalog's order.
const DETECTORS: [fn(&Context) -> Option<Nudge>; 9] = [
    tunnel_vision::detect,
    silent_handover::detect,
    update_black_hole::detect,
    hero_debugger::detect,
    stalled_loop::detect,
    no_clear_command::detect,
    off_channel::detect,
    vanishing::detect,
    blame::detect,
];

/// The nudges every detector fires in this call.
pub(crate) fn run_all(ctx: &Context) -> Vec<Nudge> {
    DETECTORS.iter().filter_map(|detect| detect(ctx)).collect()
}

#[cfg(test)]
pub(crate) mod testing;
