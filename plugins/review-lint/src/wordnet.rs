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

/// True when `word` (lower case, base form) is a verb: WordNet lists it, or it is the British
/// `-ise` spelling of one WordNet lists with `-ize`, or a verb made with that suffix, which
/// English keeps making ("pseudonymise", "tokenise", "containerize").
pub(crate) fn is_verb(word: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let listed_verb = |w: &str| listed(&LIST, VERBS, w);
    listed_verb(word) || made_with_ise(word, listed_verb)
}

/// A verb made with `-ise`/`-ize` (the nouns that merely end so are set apart).
fn made_with_ise(word: &str, listed_verb: impl Fn(&str) -> bool) -> bool {
    const NOUNS: &[&str] = &[
        "enterprise",
        "expertise",
        "premise",
        "paradise",
        "otherwise",
    ];
    let stem = word
        .strip_suffix("ise")
        .or_else(|| word.strip_suffix("ize"));
    stem.is_some_and(|stem| {
        listed_verb(&format!("{stem}ize")) || (word.len() >= 8 && !NOUNS.contains(&word))
    })
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
        for made in [
            "pseudonymise",
            "tokenise",
            "containerize",
            "anonymise",
            "prioritise",
        ] {
            assert!(super::is_verb(made), "{made}");
        }
        for not_verb in [
            "metric",
            "dashboard",
            "backup",
            "the",
            "redacted",
            "enterprise",
        ] {
            assert!(!super::is_verb(not_verb), "{not_verb}");
        }
    }
}
