//! Words of a chat line, and a phrase index that finds cue phrases among them in one pass.
//!
//! Chat is informal ("can u take it", "hasnt replied", "👋"), so lines are lowercased, curly
//! apostrophes straightened, and split into words that keep the characters people use inside
//! names and commands (`orders-db`, `@sam`, `+1`, `1:1`, `server.log`). Each emoji is a word of
//! its own, and a question mark is remembered rather than kept as a word.
//!
//! ```
//! use anti_patterns::text::Words;
//! let words = Words::new("@Sam can u take IC? gotta sleep 👋");
//! assert_eq!(words.iter().collect::<Vec<_>>(), ["@sam", "can", "u", "take", "ic", "gotta", "sleep", "👋"]);
//! assert!(words.question());
//! ```

use std::collections::HashMap;

/// The words of one line.
#[derive(Debug, Clone)]
pub struct Words {
    lower: String,
    spans: Vec<(usize, usize)>,
    question: bool,
}

/// Characters that may sit inside a word; they are trimmed from its edges unless listed in
/// [`KEEP_LEADING`].
fn joins_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '\'' | '@' | '#' | '+' | '-' | '.' | '/' | ':' | '%')
}

const TRIM: &[char] = &['.', ',', ':', ';', '-', '/', '\''];
const KEEP_LEADING: &[char] = &['@', '#', '+'];

impl Words {
    /// Splits a line into words.
    pub fn new(text: &str) -> Words {
        let lower = text.to_lowercase().replace('\u{2019}', "'");
        let mut spans = Vec::new();
        let mut question = false;
        let mut start: Option<usize> = None;
        for (i, c) in lower.char_indices() {
            if joins_word(c) {
                start.get_or_insert(i);
                continue;
            }
            if let Some(s) = start.take() {
                push_trimmed(&lower, s, i, &mut spans);
            }
            if c == '?' {
                question = true;
            } else if is_symbol_word(c) {
                spans.push((i, i + c.len_utf8()));
            }
        }
        if let Some(s) = start {
            push_trimmed(&lower, s, lower.len(), &mut spans);
        }
        Words { lower, spans, question }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `i`-th word.
    pub fn get(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.lower[s..e]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().map(|&(s, e)| &self.lower[s..e])
    }

    /// Whether the line asks something.
    pub fn question(&self) -> bool {
        self.question
    }

    /// The whole line, lowercased.
    pub fn lower(&self) -> &str {
        &self.lower
    }
}

/// Emoji and pictographs carry meaning in chat (👋 is a goodbye, 👍 an ack); dashes, arrows and
/// the modifiers and joiners that glue emoji together do not.
fn is_symbol_word(c: char) -> bool {
    c >= '\u{2300}' && !matches!(c, '\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}')
}

fn push_trimmed(lower: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let word = &lower[start..end];
    let head = word.trim_start_matches(|c: char| TRIM.contains(&c) && !KEEP_LEADING.contains(&c));
    let trimmed = head.trim_end_matches(TRIM);
    if trimmed.is_empty() {
        return;
    }
    let s = start + (word.len() - head.len());
    spans.push((s, s + trimmed.len()));
}

/// The content words of a line, crudely stemmed (`locks` → `lock`, `watching` → `watch`), for
/// telling whether two lines talk about the same thing. Short words, numbers and function words
/// carry no topic and are left out.
pub fn topic_stems(words: &Words) -> Vec<String> {
    let mut stems: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 4 && w.starts_with(|c: char| c.is_alphabetic()))
        .filter(|w| !FUNCTION_WORDS.contains(w))
        .map(stem)
        .collect();
    stems.sort_unstable();
    stems.dedup();
    stems
}

/// Whether two sorted stem lists share a stem.
pub fn share_topic(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.binary_search(x).is_ok())
}

fn stem(word: &str) -> String {
    for suffix in ["ing", "ies", "es", "ed", "s"] {
        if let Some(root) = word.strip_suffix(suffix)
            && root.chars().count() >= 3
        {
            return root.to_string();
        }
    }
    word.to_string()
}

const FUNCTION_WORDS: &[&str] = &[
    "that", "this", "with", "from", "have", "been", "were", "they", "them", "then", "than", "what", "when",
    "where", "which", "while", "will", "would", "could", "should", "there", "their", "about", "after", "before",
    "into", "just", "like", "more", "most", "only", "some", "still", "also", "even", "much", "very", "here",
    "does", "doesn't", "don't", "isn't", "can't", "it's", "that's", "let's", "lets", "maybe", "probably",
    "think", "looks", "seems", "because", "again", "other", "same", "over", "under", "your", "yours", "ours",
    "okay", "yeah", "sure", "thanks", "please", "going", "something", "anything", "nothing", "everything",
    "know", "need", "want", "look", "check", "right", "now", "today", "those", "these", "being", "each",
];

/// A set of phrases, each tagged with a bit; [`PhraseIndex::find`] returns the union of the bits
/// of every phrase that occurs in a line. A phrase is one or more words separated by spaces; a
/// word ending in `*` matches any word it begins (`hypothes*`).
pub struct PhraseIndex {
    by_first: HashMap<&'static str, Vec<(Vec<&'static str>, u64)>>,
    by_prefix: Vec<(&'static str, Vec<&'static str>, u64)>,
}

impl PhraseIndex {
    pub fn new(phrases: &[(&'static str, u64)]) -> PhraseIndex {
        let mut by_first: HashMap<&'static str, Vec<(Vec<&'static str>, u64)>> = HashMap::new();
        let mut by_prefix = Vec::new();
        for &(phrase, bit) in phrases {
            let mut words: Vec<&'static str> = phrase.split(' ').collect();
            let first = words.remove(0);
            match first.strip_suffix('*') {
                Some(prefix) => by_prefix.push((prefix, words, bit)),
                None => by_first.entry(first).or_default().push((words, bit)),
            }
        }
        PhraseIndex { by_first, by_prefix }
    }

    /// The bits of every phrase found in `words`.
    pub fn find(&self, words: &Words) -> u64 {
        let mut bits = 0;
        for i in 0..words.len() {
            let word = words.get(i);
            if let Some(candidates) = self.by_first.get(word) {
                for (rest, bit) in candidates {
                    if bits & bit == 0 && rest_matches(words, i + 1, rest) {
                        bits |= bit;
                    }
                }
            }
            for (prefix, rest, bit) in &self.by_prefix {
                if bits & bit == 0 && word.starts_with(prefix) && rest_matches(words, i + 1, rest) {
                    bits |= bit;
                }
            }
        }
        bits
    }
}

fn rest_matches(words: &Words, from: usize, rest: &[&str]) -> bool {
    if from + rest.len() > words.len() {
        return false;
    }
    rest.iter().enumerate().all(|(k, want)| {
        let got = words.get(from + k);
        match want.strip_suffix('*') {
            Some(prefix) => got.starts_with(prefix),
            None => got == *want,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_names_commands_and_emoji_and_drop_edge_punctuation() {
        let w = Words::new("Also: failures only from auth-5, auth-6 (new AMI). 🤔 +1 — see server.log");
        let got: Vec<&str> = w.iter().collect();
        assert_eq!(got, ["also", "failures", "only", "from", "auth-5", "auth-6", "new", "ami", "🤔", "+1", "see", "server.log"]);
        assert!(!w.question());
    }

    #[test]
    fn curly_apostrophes_are_straightened() {
        let w = Words::new("I\u{2019}m IC");
        assert_eq!(w.iter().collect::<Vec<_>>(), ["i'm", "ic"]);
    }

    #[test]
    fn topic_stems_match_word_forms_and_skip_function_words() {
        let a = topic_stems(&Words::new("Smells like lock contention on orders-db"));
        let b = topic_stems(&Words::new("Read-only can still take locks"));
        assert!(share_topic(&a, &b));
        let c = topic_stems(&Words::new("zone b has packet loss"));
        assert!(!share_topic(&a, &c));
    }

    #[test]
    fn phrases_match_whole_words_in_order_and_prefixes() {
        let index = PhraseIndex::new(&[("as agreed", 1), ("hypothes*", 2), ("on the call", 4)]);
        assert_eq!(index.find(&Words::new("As agreed, on the call we roll back")), 1 | 4);
        assert_eq!(index.find(&Words::new("our hypotheses so far")), 2);
        assert_eq!(index.find(&Words::new("agreed as before; the call")), 0);
    }
}
