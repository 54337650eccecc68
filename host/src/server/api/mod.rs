//! The `/v1` handlers, one file per resource.

pub mod alertmanager;
pub mod audit;
pub mod incidents;
pub mod ingest;
pub mod nudges;
pub mod ops;
pub mod plots;
pub mod proposals;
pub mod seen_before;
pub mod slack;
