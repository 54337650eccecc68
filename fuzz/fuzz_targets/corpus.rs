//! A postmortem corpus (`corpus.jsonl`, read by `rhyme corpus import` and `rhyme eval
//! seen-before`): never panics, ids are present and unique, and what it accepts round-trips: the
//! postmortems written back one per line read the same.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use rhyme_core::postmortem::parse_corpus;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(docs) = parse_corpus(text, "fuzz.jsonl".as_ref()) else {
        return;
    };
    let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), docs.len());
    assert!(ids.iter().all(|id| !id.trim().is_empty()), "{ids:?}");
    let written: String = docs
        .iter()
        .map(|d| serde_json::to_string(d).expect("a postmortem serialises") + "\n")
        .collect();
    let again = parse_corpus(&written, "again.jsonl".as_ref()).expect("written corpus reads back");
    assert_eq!(docs, again);
});
