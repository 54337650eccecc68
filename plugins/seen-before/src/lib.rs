//! The seen-before plugin: the sandbox face of the retrieval in `seen-before-index`. The host
//! builds the index at import; each call reads back only the parts a question needs.

#[cfg(target_arch = "wasm32")]
mod plugin;
