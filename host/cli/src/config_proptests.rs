//! Property tests of `rhyme.toml`: issue 18's fuzzing, done with proptest because the binary
//! links everything, which cargo-fuzz's instrumented build would compile again. The example
//! of this module's documentation (every section), edited at random, is read or refused with
//! an error naming the file and line, never a panic; and what is read gives every value the
//! binary derives from it (ceilings, limits, connections, Qdrant, LLM) or an error.

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::parse;

/// What edits insert: TOML's syntax, this file's sections and keys, and values at the edges.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    " ",
    "#",
    "\\",
    "é",
    "🔥",
    "[server]",
    "[gate]",
    "[gate.routes]",
    "[ceilings]",
    "[llm]",
    "[vectors]",
    "[sinks]",
    "[audit]",
    "max-connections",
    "header-read-timeout-ms",
    "max-points-per-series",
    "timeout-s",
    "url",
    "qdrant-url",
    "expiry-ms",
    "two-person",
    "\"http://[::1\"",
    "\"ftp://x\"",
    "\"http://127.0.0.1:8000/v1\"",
    "\"\"",
    "0",
    "-1",
    "18446744073709551615",
    "9223372036854775808",
    "nan",
    "1e400",
    "true",
    "1979-05-27T07:32:00Z",
];

/// The TOML example of this module's documentation.
fn example() -> String {
    let source = include_str!("config.rs");
    let lines: Vec<&str> = source
        .lines()
        .map(|l| l.strip_prefix("//!").unwrap_or("").trim_start())
        .collect();
    let start = lines.iter().position(|l| *l == "```toml").unwrap() + 1;
    let end = start + lines[start..].iter().position(|l| *l == "```").unwrap();
    lines[start..end].join("\n")
}

/// `seed` with `edits` applied at character boundaries.
fn apply(seed: &str, edits: Vec<(Index, usize, &str)>) -> String {
    let mut text: Vec<char> = seed.chars().collect();
    for (at, len, piece) in edits {
        let start = at.index(text.len() + 1);
        let end = (start + len).min(text.len());
        text.splice(start..end, piece.chars());
    }
    text.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn rhyme_toml_edited_at_random_is_read_or_refused(
        edits in prop::collection::vec((any::<Index>(), 0..12usize, select(PIECES)), 0..6),
    ) {
        let text = apply(&example(), edits);
        let config = match parse(&text, Path::new("rhyme.toml")) {
            Ok(config) => config,
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("rhyme.toml:"), "{message}");
                return Ok(());
            }
        };
        let ceilings = config.ceilings.unwrap_or_default().limits();
        prop_assert!(ceilings.problem().is_none(), "{ceilings:?}");
        let _ = config.server.connections().map_err(|e| e.to_string());
        let _ = config.server.store_limits().map_err(|e| e.to_string());
        let _ = config.qdrant();
        let _ = config.llm().map_err(|e| e.to_string());
    }
}

#[test]
fn the_example_is_a_valid_file() {
    let config = parse(&example(), Path::new("rhyme.toml")).unwrap();
    assert!(config.gate.is_some() && config.ceilings.is_some());
    assert_eq!(config.server.max_connections, Some(4096));
}
