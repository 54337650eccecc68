//! The sandbox: how a plugin component is compiled, checked, limited and called.
//!
//! | module | job |
//! |---|---|
//! | [`bindings`] | the one `bindgen!` of the `rhyme:plugin` world |
//! | [`engine`] | wasmtime configuration, the epoch ticker, the pooling allocator |
//! | [`compile_cache`] | compiled components on disk, keyed by component hash and engine |
//! | [`imports`] | which imports a plugin may have, given what it asked for or was granted |
//! | [`state`] | what each call's store holds: WASI without authority, limits, capability log |
//! | [`host_calls`] | the host side of each capability interface |
//! | [`plugin`] | a loaded plugin: its `InstancePre`, and one fresh instance per call |
//! | [`deadline`] | the wall-clock deadline, which does not count time blocked on the host |
//! | [`output`] | checks a plugin's answer against the contract and the size cap |
//! | [`error`] | typed errors callers branch on (limit hit, refused, contract broken) |

pub mod bindings;
pub mod compile_cache;
pub mod deadline;
pub mod engine;
pub mod error;
pub mod host_calls;
pub mod imports;
pub mod output;
pub mod plugin;
pub mod state;

pub use compile_cache::CompileCache;
pub use engine::{Allocator, Sandbox};
pub use error::{Limit, PluginError};
pub use plugin::{CallContext, CallReport, LoadedPlugin};
