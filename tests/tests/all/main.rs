//! Rhyme's end-to-end tests, one binary (`cargo test -p rhyme-tests`).
//!
//! | module | what it covers |
//! |---|---|
//! | `sandbox` | every limit, trap and forbidden import, named; a good plugin unaffected, concurrently |
//! | `drafts_cli` | `rhyme draft` and `rhyme eval drafts`: CAN parts, citations, no blame |
//! | `lint_cli` | `rhyme eval lint`: blame and action-item floors |
//! | `nudges_cli` | `rhyme replay` and `rhyme eval nudges`: silence-triggered nudges, the eval floor |
//! | `review_page` | the reviewer's web page in headless Chromium: accept, edit then accept, reject, re-draft a section, a responder refused |
//! | `registry_cli` | `rhyme plugin ...` as a user runs it: install, check, grants, exit codes |
//! | `server_api` | `rhyme serve`: roles on every route, bad input, plugins on ingest, the approval gate |
//! | `server_durability` | `rhyme serve`: acknowledged events survive SIGKILL; clock ticks for open incidents |
//! | `seen_before_cli` | `rhyme corpus import`, `rhyme ask`, `rhyme eval seen-before`: no duplicates, named errors, the eval floor |
//! | `signature_cli` | `rhyme signature` on CSV and Prometheus files, messy data, the eval floor |

mod drafts_cli;
mod lint_cli;
mod nudges_cli;
mod registry_cli;
mod review_page;
mod server_api;
mod server_durability;
mod seen_before_cli;
mod signature_cli;
mod sandbox;
