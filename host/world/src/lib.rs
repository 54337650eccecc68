//! The `rhyme:plugin` contract as Rust types: the one `bindgen!` of the world in `wit/`, and
//! conversions from Rhyme's files (`rhyme-core`) to the contract's types.
//!
//! | item | job |
//! |---|---|
//! | [`types`] | the contract's records: incident, timeline event, metric series, finding, output |
//! | [`Plugin`], [`PluginPre`] | the world a plugin exports, as wasmtime instantiates it (calls are `async`) |
//! | [`series`] | metric series files turned into the contract's `metric-series` |
//! | [`Timestamp`] | milliseconds since the Unix epoch, UTC: the contract's `timestamp` |
//!
//! Every other host crate names contract types through here, so the generated code exists once.

#![allow(missing_docs)]

// Plugin calls are awaited (`exports`), and so are the host imports that wait on something
// outside the sandbox: a store read, a vector index, a chat endpoint, the embedding model.
// `log`, `clock` and `config` answer from the call's own state and stay plain functions.
wasmtime::component::bindgen!({
    world: "plugin",
    path: "../../wit",
    imports: {
        "rhyme:plugin/embed": async,
        "rhyme:plugin/vector-search": async,
        "rhyme:plugin/llm": async,
        "rhyme:plugin/incidents": async,
    },
    exports: { default: async },
});

pub use self::rhyme::plugin::types;

pub mod series;
