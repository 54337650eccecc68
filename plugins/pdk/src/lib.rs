//! Plugin development kit: write a Rhyme plugin in Rust against the `rhyme:plugin` contract,
//! version 0.2.0 (`wit/0.2.0`). The `contract-0-1` feature builds against the released 0.1.0
//! instead (`wit/0.1.0`); the host loads either.
//!
//! A plugin is a `cdylib` crate built for `wasm32-wasip2`. It implements [`Guest`] and names
//! its type with [`export!`]:
//!
//! ```ignore
//! use rhyme_pdk::{Guest, types::*};
//!
//! struct Hello;
//!
//! impl Guest for Hello {
//!     fn describe() -> PluginInfo {
//!         rhyme_pdk::info("hello", "0.1.0", "Says hello to every query")
//!             .triggers(&[Trigger::Query])
//!             .build()
//!     }
//!     fn on_query(query: Query) -> Result<Output, String> {
//!         Ok(Output::note("Hello", &query.text))
//!     }
//!     // Triggers the plugin does not subscribe to keep the default: an empty output.
//!     rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
//! }
//!
//! rhyme_pdk::export!(Hello with_types_in rhyme_pdk::bindings);
//! ```
//!
//! Beyond the bindings: [`contract`] builds findings and proposals with the contract's rules
//! checked, [`series`] cuts metric series into windows and summarises them, evidence
//! constructors live on [`types::Evidence`] (`Evidence::event`, `Evidence::window`, ...), and
//! [`time`] formats incident time.
//!
//! Only the host interfaces a plugin calls end up among its imports, so a plugin that never
//! calls `llm` does not need the `llm` grant.

#[allow(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::mem_forget,
    clippy::too_many_arguments
)]
pub mod bindings {
    #[cfg(not(feature = "contract-0-1"))]
    wit_bindgen::generate!({
        world: "plugin",
        path: "../../wit/0.2.0",
        pub_export_macro: true,
        default_bindings_module: "rhyme_pdk::bindings",
        export_macro_name: "export",
    });

    #[cfg(feature = "contract-0-1")]
    wit_bindgen::generate!({
        world: "plugin",
        path: "../../wit/0.1.0",
        pub_export_macro: true,
        default_bindings_module: "rhyme_pdk::bindings",
        export_macro_name: "export",
    });
}

mod builders;
pub mod contract;
mod evidence;
pub mod series;
pub mod time;

pub use bindings::Guest;
pub use bindings::export;
pub use bindings::rhyme::plugin::{
    clock, config, embed, incidents, llm, log, types, vector_search,
};
pub use builders::{InfoBuilder, info};

/// Defines the given handlers of [`Guest`] to return an empty output, for triggers a plugin
/// does not subscribe to.
#[macro_export]
macro_rules! unused_handlers {
    ($($handler:ident),* $(,)?) => { $($crate::unused_handlers!(@one $handler);)* };
    (@one on_event) => {
        fn on_event(_: $crate::types::Incident, _: $crate::types::TimelineEvent)
            -> Result<$crate::types::Output, String> { Ok($crate::types::Output::empty()) }
    };
    (@one on_tick) => {
        fn on_tick(_: $crate::types::Incident, _: $crate::types::Timestamp)
            -> Result<$crate::types::Output, String> { Ok($crate::types::Output::empty()) }
    };
    (@one on_series) => {
        fn on_series(_: Option<$crate::types::Incident>, _: $crate::types::MetricSeries)
            -> Result<$crate::types::Output, String> { Ok($crate::types::Output::empty()) }
    };
    (@one on_query) => {
        fn on_query(_: $crate::types::Query) -> Result<$crate::types::Output, String> {
            Ok($crate::types::Output::empty())
        }
    };
}
