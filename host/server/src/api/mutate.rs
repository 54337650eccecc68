//! Random edits of real payloads, for the property tests of the readers of senders' bodies:
//! issue 18's fuzzing, done with proptest because this crate links wasmtime and sqlx, which
//! cargo-fuzz's instrumented build would compile again (far past `make test`'s few minutes).

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::{Index, select};

/// What edits insert: JSON's syntax, the values senders' fields take, and their edge cases.
const PIECES: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "0",
    "-1",
    "1e400",
    "\"\"",
    "\" \"",
    "\"\\u0000\"",
    "é",
    "…",
    "\"firing\"",
    "\"resolved\"",
    "\" RESOLVED \"",
    "\"4\"",
    "\"1\"",
    "\"0001-01-01T00:00:00Z\"",
    "\"9999-12-31T23:59:59Z\"",
    "\"-262143-01-01T00:00:00Z\"",
    "\"2020-02-06T00:17:58\"",
    "\"alertname\"",
    "\"summary\"",
    "\"description\"",
    "\"message\"",
    "\"bot_message\"",
    "\"file_share\"",
    "\"event_callback\"",
    "\"subtype\"",
    "\"9223372036854775807.999\"",
    "\"1700000000.000100\"",
    "18446744073709551615",
];

/// The `.json` files of `../shared/data/external/<folder>`, read in place.
pub(crate) fn payloads(folder: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect()
}

/// A string, often long or blank: where cutting at a limit or a character boundary goes wrong.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        (select(&[' ', 'x', 'é', '…', '🔥'][..]), 0..70_000usize)
            .prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// One edit: up to 16 bytes at a place replaced by a piece or a long JSON string.
pub(crate) fn edit() -> impl Strategy<Value = (Index, usize, String)> {
    let piece = prop_oneof![
        4 => select(PIECES).prop_map(str::to_string),
        1 => text().prop_map(|t| serde_json::Value::String(t).to_string()),
    ];
    (any::<Index>(), 0..16usize, piece)
}

/// `seed` with `edits` applied, in order.
pub(crate) fn apply(seed: &[u8], edits: Vec<(Index, usize, String)>) -> Vec<u8> {
    let mut body = seed.to_vec();
    for (at, len, piece) in edits {
        let start = at.index(body.len() + 1);
        let end = (start + len).min(body.len());
        body.splice(start..end, piece.bytes());
    }
    body
}

/// A refusal: building its problem document must not panic, and it must say what is wrong.
pub(crate) fn refused(error: crate::problem::ApiError) -> Result<(), TestCaseError> {
    let detail = error.problem().detail;
    prop_assert!(!detail.trim().is_empty(), "a refusal without a reason");
    Ok(())
}
