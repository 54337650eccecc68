//! `rhyme bench`: figures measured in one run and printed, never asserted in unit tests.

pub mod ingest;
pub mod nudges;
pub mod runtime;
pub mod seen_before;
pub mod signature;
pub mod st_reference;
mod stats;

pub use stats::Stats;
