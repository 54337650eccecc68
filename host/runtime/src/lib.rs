//! Rhyme's sandbox: loads, limits and runs WebAssembly plugin components, and checks them
//! against the `rhyme:plugin` contract.
//!
//! | module | job |
//! |---|---|
//! | [`engine`] | wasmtime configuration, the epoch ticker, the pooling allocator |
//! | [`compile_cache`] | compiled components on disk, keyed by component hash and engine |
//! | [`imports`] | which imports a plugin may have, given what it asked for or was granted |
//! | [`state`] | what each call's store holds: WASI without authority, limits, capability log |
//! | [`host_calls`] | the host side of each capability interface (async where the backend waits) |
//! | [`plugin`] | a loaded plugin: its `InstancePre`, and one fresh instance per (async) call |
//! | [`deadline`] | the wall-clock deadline, which does not count time waiting on the host; yields while computing |
//! | [`output`] | checks a plugin's answer against the contract and the size cap |
//! | [`error`] | typed errors callers branch on (limit hit, refused, contract broken) |
//! | [`capability`] | the capabilities a plugin may import, and the traits their backends implement |
//! | [`manifest`] | `plugin.toml`: what a plugin asks for, strict and documented |
//! | [`operator`] | the operator's ceilings and grants (`operator.toml`) |
//! | [`toml_file`] | parsing a TOML configuration file, its errors naming file and line |
//! | [`registry`] | the folder of installed plugins: install, check, enable, grant |
//! | [`conformance`] | the contract's conformance checks on any component (`rhyme plugin test`) |
//! | [`incidents`] | incidents, timelines and findings in memory (replay, conformance, harness) |
//! | [`replay`] | plays a timeline through the plugins in incident time |
//!
//! Backends (local model, vector indexes, LLM endpoint) live in `rhyme-capabilities`; the
//! durable store behind `incidents` in `rhyme-pipeline`.

#![warn(missing_docs)]

pub mod capability;
pub mod compile_cache;
pub mod conformance;
pub mod deadline;
pub mod engine;
pub mod error;
pub mod host_calls;
pub mod imports;
pub mod incidents;
pub mod manifest;
pub mod operator;
pub mod output;
pub mod plugin;
#[cfg(test)]
mod proptests;
pub mod registry;
pub mod replay;
pub mod state;
pub mod toml_file;

pub use compile_cache::CompileCache;
pub use engine::{Allocator, Sandbox};
pub use error::{Limit, PluginError};
pub use plugin::{CallContext, CallReport, LoadedPlugin};
pub use rhyme_world::Timestamp;
