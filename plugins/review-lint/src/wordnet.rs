//! English words by kind, from WordNet 3.0: `wordnet/verbs.txt` and `wordnet/person-nouns.txt`,
//! written by `wordnet/words.sh` (the licence is `wordnet/LICENSE`).
//!
//! Many words of operations are nouns and verbs alike ("mask", "stock", "queue"), so knowing a
//! word can be a verb never decides alone: the action-item lint asks for the shape of an order
//! around it too. Likewise a person noun ("producer", "broker") can name a program in a
//! system's vocabulary, so the blame lint asks its own lists of system words first.

use std::sync::OnceLock;

/// One lower-case verb a line, sorted by byte (`LC_ALL=C sort`), as `str` orders them.
const VERBS: &str = include_str!("../wordnet/verbs.txt");

/// Nouns whose commonest sense is a person and that never name an artefact, sorted likewise.
const PERSON_NOUNS: &str = include_str!("../wordnet/person-nouns.txt");

/// True when WordNet knows `word` (lower case, base form) as a verb.
pub(crate) fn is_verb(word: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    listed(&LIST, VERBS, word)
}

/// True when WordNet's commonest sense of `word` (lower case, singular) is a person: a role,
/// a trade, a kind of person ("producer", "hire", "newcomer").
pub(crate) fn is_person_noun(word: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    listed(&LIST, PERSON_NOUNS, word)
}

fn listed(list: &OnceLock<Vec<&'static str>>, lines: &'static str, word: &str) -> bool {
    list.get_or_init(|| lines.lines().collect())
        .binary_search(&word)
        .is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_lists_are_sorted() {
        for (name, list) in [
            ("verbs", super::VERBS),
            ("person-nouns", super::PERSON_NOUNS),
        ] {
            let lines: Vec<&str> = list.lines().collect();
            assert!(
                lines.windows(2).all(|w| w[0] < w[1]),
                "{name}.txt must be sorted, without repeats"
            );
        }
    }

    #[test]
    fn person_nouns_are_roles_not_machines() {
        for role in ["producer", "hire", "dispatcher", "newcomer", "paramedic"] {
            assert!(super::is_person_noun(role), "{role}");
        }
        // Each of these has a sense that is a machine, a program or a document.
        for thing in [
            "server", "host", "editor", "driver", "monitor", "client", "engine",
        ] {
            assert!(!super::is_person_noun(thing), "{thing}");
        }
    }

    #[test]
    fn the_verb_list_knows_verbs_of_operations() {
        for verb in ["redact", "yank", "shred", "partition", "promote", "quiesce"] {
            assert!(super::is_verb(verb), "{verb}");
        }
        for not_verb in ["metric", "dashboard", "backup", "the", "redacted"] {
            assert!(!super::is_verb(not_verb), "{not_verb}");
        }
    }
}
