//! The `/v1` handlers, one file per resource.

pub mod alertmanager;
pub mod audit;
pub mod drafts;
pub mod incidents;
pub mod ingest;
pub mod lint;
pub mod me;
pub mod nudges;
pub mod ops;
pub mod plots;
pub mod proposals;
pub mod seen_before;
pub mod slack;
