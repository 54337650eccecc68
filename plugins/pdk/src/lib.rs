//! Plugin development kit for Rhyme plugins written in Rust.
