//! Rhyme's host: loads, limits and runs sandboxed WebAssembly plugins that help people during
//! and after production incidents.
//!
//! # Layout
//!
//! | module | job |
//! |---|---|
//! | [`capability`] | the host interfaces a plugin may import, and their backends |
//! | [`conformance`] | the contract's conformance checks on any component (`rhyme plugin test`) |
//! | [`manifest`] | `plugin.toml`: what a plugin asks for, strict and documented |
//! | [`operator`] | the operator's ceilings and grants (`operator.toml`) |
//! | [`runtime`] | wasmtime: engine, compile cache, import policy, limits, one fresh instance per call |
//! | [`incidents`] | incidents, timelines and findings in memory (replay, evaluation) |
//! | [`replay`] | plays a timeline through the plugins in incident time |
//! | [`registry`] | the folder of installed plugins: install, check, enable, grant |
//! | [`seen_before`] | the postmortem corpus and the seen-before plugin's index, built on import |
//! | [`series`] | metric series files in, the contract's `metric-series` out |
//! | [`prometheus`] | range queries through Prometheus's HTTP API, for `rhyme series pull` |
//! | [`render`] | how a series looks: terminal sparkline, SVG plot with the window shaded |
//! | [`bench`] | `rhyme bench`: measured figures, printed |
//! | [`durable`] | the durable incident store (rhyme-store) behind the `incidents` capability |
//! | [`server`] | `rhyme serve`: the HTTP API, plugin dispatch, clock ticks, metrics |
//!
//! The `rhyme` binary (`src/main.rs`, `src/cli/`) only wires these together.

pub mod bench;
pub mod capability;
pub mod conformance;
pub mod durable;
pub mod incidents;
pub mod manifest;
pub mod operator;
pub mod prometheus;
pub mod registry;
pub mod render;
pub mod replay;
pub mod runtime;
pub mod seen_before;
pub mod series;
pub mod server;

/// Milliseconds since the Unix epoch, UTC: the contract's `timestamp`.
pub type Timestamp = i64;
