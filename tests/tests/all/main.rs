//! Rhyme's end-to-end tests, one binary (`cargo test -p rhyme-tests`).
//!
//! | module | what it covers |
//! |---|---|
//! | `sandbox` | every limit, trap and forbidden import, named; a good plugin unaffected, concurrently |
//! | `nudges_cli` | `rhyme replay` and `rhyme eval nudges`: silence-triggered nudges, the eval floor |
//! | `registry_cli` | `rhyme plugin ...` as a user runs it: install, check, grants, exit codes |
//! | `seen_before_cli` | `rhyme corpus import`, `rhyme ask`, `rhyme eval seen-before`: no duplicates, named errors, the eval floor |
//! | `signature_cli` | `rhyme signature` on CSV and Prometheus files, messy data, the eval floor |

mod nudges_cli;
mod registry_cli;
mod seen_before_cli;
mod signature_cli;
mod sandbox;
