//! Finds when each of an incident's series started to move, and which moved first.
//!
//! Pure analysis, no I/O, so the same code runs natively (`rhyme eval movers`) and in the
//! sandbox (the `first-mover` plugin). Like graph-signature it prefers silence: a column only
//! counts as moved when it leaves its own recent past by many spreads for more than one
//! sample, so daily rhythm and ordinary noise, which the past already holds, give no onset.
//!
//! | module | job |
//! |---|---|
//! | [`deviation`] | one sample against its column's recent past |
//! | [`episodes`] | a table read row by row: episodes, the columns that moved, their onsets |
//! | [`onsets`] | an incident's series, each on its own clock: onsets, ordered, and the lead |
//! | [`wording`] | the finding's title and detail |

pub mod deviation;
pub mod episodes;
pub mod onsets;
pub mod wording;

pub use episodes::{Episode, Moved, Params, detect};
pub use onsets::{Onset, Ordering, order};

#[cfg(target_arch = "wasm32")]
mod plugin;
