//! The `rhyme:plugin` contract as Rust types: the `bindgen!` of the current world
//! (`wit/0.2.0`), a minimal one of the released 0.1.0 world (`wit/0.1.0`) with the
//! conversions between the two, and conversions from Rhyme's files (`rhyme-core`) to the
//! contract's types.
//!
//! | item | job |
//! |---|---|
//! | [`types`] | the contract's records (0.2.0): incident, timeline event, change, metric series, finding, output |
//! | [`Plugin`], [`PluginPre`] | the 0.2.0 world a plugin exports, as wasmtime instantiates it (calls are `async`) |
//! | [`contract`] | either version of the world behind one face: [`contract::AnyPluginPre`] picks the version a component was built against |
//! | [`v0_1`] | the 0.1.0 world, its host imports served by the 0.2.0 ones, and its types converted |
//! | [`columns`] | a `metric-series` (two columns, `times` and `values`) built from and read as [`Sample`]s |
//! | [`series`] | metric series files turned into the contract's `metric-series` |
//! | [`Timestamp`] | milliseconds since the Unix epoch, UTC: the contract's `timestamp` |
//!
//! Every other host crate names contract types through here, so the generated code exists
//! once per version, and the host works in the current version's types only.

#![allow(missing_docs)]

/// The `bindgen!` of one released contract version (`path`, relative to this crate), with
/// any further options after it. Every version is bound with the same calling convention:
/// plugin calls are awaited (`exports`), and so are the host imports that wait on something
/// outside the sandbox: a store read, a vector index, a chat endpoint, the embedding model.
/// `log`, `clock` and `config` answer from the call's own state and stay plain functions.
/// Written once so that an old version's glue never awaits what the current one does not.
macro_rules! plugin_bindgen {
    ($path:tt $(, $option:ident: $value:tt)* $(,)?) => {
        wasmtime::component::bindgen!({
            world: "plugin",
            path: $path,
            imports: {
                "rhyme:plugin/embed": async,
                "rhyme:plugin/vector-search": async,
                "rhyme:plugin/llm": async,
                "rhyme:plugin/incidents": async,
            },
            exports: { default: async },
            $($option: $value,)*
        });
    };
}

plugin_bindgen!("../../wit/0.2.0");

pub use self::rhyme::plugin::types;

pub mod columns;
pub mod contract;
pub mod series;

pub use columns::Sample;
pub mod v0_1;
