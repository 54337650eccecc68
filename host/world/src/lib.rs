//! The `rhyme:plugin` contract as Rust types: the one `bindgen!` of the world in `wit/`, and
//! conversions from Rhyme's files (`rhyme-core`) to the contract's types.
//!
//! | item | job |
//! |---|---|
//! | [`types`] | the contract's records: incident, timeline event, metric series, finding, output |
//! | [`Plugin`], [`PluginPre`] | the world a plugin exports, as wasmtime instantiates it |
//! | [`series`] | metric series files turned into the contract's `metric-series` |
//! | [`Timestamp`] | milliseconds since the Unix epoch, UTC: the contract's `timestamp` |
//!
//! Every other host crate names contract types through here, so the generated code exists once.

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    world: "plugin",
    path: "../../wit",
});

pub use self::rhyme::plugin::types;

pub mod series;
