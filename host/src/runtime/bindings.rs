//! The one place the host generates bindings for the `rhyme:plugin` world (from `wit/`).

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    world: "plugin",
    path: "../wit",
});

pub use self::rhyme::plugin::types;
