//! Rhyme's end-to-end tests, one binary (`cargo test -p rhyme-tests`).
//!
//! | module | what it covers |
//! |---|---|
//! | `sandbox` | every limit, trap and forbidden import, named; a good plugin unaffected, concurrently |
//! | `registry_cli` | `rhyme plugin ...` as a user runs it: install, check, grants, exit codes |
//! | `signature_cli` | `rhyme signature` on CSV and Prometheus files, messy data, the eval floor |

mod registry_cli;
mod signature_cli;
mod sandbox;
