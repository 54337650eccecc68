//! English verbs, from WordNet 3.0: `wordnet/verbs.txt`, written by `wordnet/verbs.sh` (the
//! licence is `wordnet/LICENSE`). Many words of operations are nouns and verbs alike ("mask",
//! "stock", "queue"), so knowing a word can be a verb never decides alone: the action-item
//! lint asks for the shape of an order around it too.

use std::sync::OnceLock;

/// One lower-case verb a line, sorted by byte (`LC_ALL=C sort`), as `str` orders them.
const VERBS: &str = include_str!("../wordnet/verbs.txt");

/// True when WordNet knows `word` (lower case, base form) as a verb.
pub(crate) fn is_verb(word: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| VERBS.lines().collect())
        .binary_search(&word)
        .is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_sorted_and_knows_verbs_of_operations() {
        let lines: Vec<&str> = super::VERBS.lines().collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "verbs.txt must be sorted, without repeats"
        );
        for verb in ["redact", "yank", "shred", "partition", "promote", "quiesce"] {
            assert!(super::is_verb(verb), "{verb}");
        }
        for not_verb in ["metric", "dashboard", "backup", "the", "redacted"] {
            assert!(!super::is_verb(not_verb), "{not_verb}");
        }
    }
}
