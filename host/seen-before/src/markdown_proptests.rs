//! Property tests of the Markdown postmortem reader: issue 18's fuzzing, done with proptest
//! because this crate links wasmtime and sqlx, which cargo-fuzz's instrumented build would
//! compile again. The example postmortems (`examples/postmortems/`), edited at random, are read
//! or refused with an error naming the line, never a panic; what is read has an id, a title
//! or a summary, and survives the corpus file (written as JSON, it reads the same).

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::parse;

/// What edits insert: Markdown's and the front matter's syntax, and awkward text.
const PIECES: &[&str] = &[
    "---",
    "---\n",
    "\n",
    "\n\n",
    "\r\n",
    ":",
    "# ",
    "## ",
    "#",
    "\"",
    "'",
    "[",
    "]",
    ",",
    " ",
    "id:",
    "id: ",
    "title:",
    "summary:",
    "categories: [",
    "company:",
    "url:",
    "date:",
    "tags:",
    "é",
    "…",
    "🔥",
    "\u{0}",
    "\t",
];

fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/postmortems");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn postmortems_edited_at_random_are_read_or_refused(
        seed in any::<Index>(),
        edits in prop::collection::vec((any::<Index>(), 0..12usize, select(PIECES)), 0..6),
    ) {
        let seeds = examples();
        let mut text: Vec<char> = seeds[seed.index(seeds.len())].chars().collect();
        for (at, len, piece) in edits {
            let start = at.index(text.len() + 1);
            let end = (start + len).min(text.len());
            text.splice(start..end, piece.chars());
        }
        let text: String = text.into_iter().collect();
        let doc = match parse(Path::new("pm.md"), &text) {
            Ok(doc) => doc,
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("pm.md:"), "{message}");
                return Ok(());
            }
        };
        prop_assert!(!doc.id.trim().is_empty(), "{doc:?}");
        let present = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        prop_assert!(present(&doc.title) || present(&doc.summary), "{doc:?}");
        let line = serde_json::to_string(&doc).unwrap();
        let again = rhyme_core::postmortem::parse_corpus(&line, Path::new("corpus.jsonl"));
        prop_assert!(again.as_ref().is_ok_and(|d| d == std::slice::from_ref(&doc)), "{line}: {again:?}");
    }
}
