//! Rhyme's host: loads, limits and runs sandboxed WebAssembly plugins that help people during
//! and after production incidents.
//!
//! # Layout
//!
//! | module | job |
//! |---|---|
//! | [`capability`] | the host interfaces a plugin may import, and their backends |
//! | [`manifest`] | `plugin.toml`: what a plugin asks for, strict and documented |
//! | [`operator`] | the operator's ceilings and grants (`operator.toml`) |
//! | [`runtime`] | wasmtime: engine, compile cache, import policy, limits, one fresh instance per call |
//! | [`registry`] | the folder of installed plugins: install, check, enable, grant |
//! | [`bench`] | `rhyme bench`: measured figures, printed |
//!
//! The `rhyme` binary (`src/main.rs`, `src/cli/`) only wires these together.

pub mod bench;
pub mod capability;
pub mod manifest;
pub mod operator;
pub mod registry;
pub mod runtime;

/// Milliseconds since the Unix epoch, UTC: the contract's `timestamp`.
pub type Timestamp = i64;
