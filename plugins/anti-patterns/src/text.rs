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
    c.is_alphanumeric()
        || matches!(
            c,
            '_' | '\'' | '@' | '#' | '+' | '-' | '.' | '/' | ':' | '%'
        )
}

const TRIM: &[char] = &['.', ',', ':', ';', '-', '/', '\''];
const KEEP_LEADING: &[char] = &['@', '#', '+'];

impl Words {
    /// Splits a line into words.
    pub fn new(text: &str) -> Words {
        let mut lower = text.to_lowercase();
        if lower.contains('\u{2019}') {
            lower = lower.replace('\u{2019}', "'");
        }
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
        Words {
            lower,
            spans,
            question,
        }
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

    /// The `i`-th word, or `""` past the end.
    pub fn get_or_empty(&self, i: usize) -> &str {
        if i < self.len() { self.get(i) } else { "" }
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
    // Every character of TRIM is ASCII, and an ASCII byte is never part of a longer UTF-8
    // sequence, so trimming bytes trims exactly those characters (and is much cheaper).
    let trims = |b: u8| b.is_ascii() && TRIM.contains(&(b as char));
    let keeps = |b: u8| b.is_ascii() && KEEP_LEADING.contains(&(b as char));
    let bytes = lower.as_bytes();
    let mut s = start;
    while s < end && trims(bytes[s]) && !keeps(bytes[s]) {
        s += 1;
    }
    let mut e = end;
    while e > s && trims(bytes[e - 1]) {
        e -= 1;
    }
    if e > s {
        spans.push((s, e));
    }
}

/// The content words of a line, crudely stemmed (`locks` → `lock`, `watching` → `watch`), for
/// telling whether two lines talk about the same thing. Short words, numbers and function words
/// carry no topic and are left out.
pub fn topic_stems(words: &Words) -> Vec<String> {
    let mut stems: Vec<String> = words
        .iter()
        .filter(|w| {
            let n = w.chars().count();
            // Three letters carry a topic too ("bag", "dns", "cpu"), unless a function word.
            let content = n >= 4 || n == 3 && !SHORT_FUNCTION_WORDS.contains(w);
            (content && w.starts_with(|c: char| c.is_alphabetic())) || is_version(w)
        })
        .filter(|w| !FUNCTION_WORDS.contains(w))
        .map(stem)
        .collect();
    stems.sort_unstable();
    stems.dedup();
    stems
}

/// "3.2.7", "10.4.1": a version names one release as a word names a thing (a number, a time
/// or "2.5" does not).
fn is_version(word: &str) -> bool {
    // Asked of every word of every line read for a topic: no allocation.
    word.starts_with(|c: char| c.is_ascii_digit())
        && word.split('.').count() >= 3
        && word
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
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

/// Three-letter words that say nothing about what a line is about.
const SHORT_FUNCTION_WORDS: &[&str] = &[
    "the", "and", "but", "for", "nor", "not", "are", "was", "you", "can", "has", "had", "its",
    "our", "who", "how", "why", "any", "all", "one", "two", "per", "via", "yes", "now", "out",
    "off", "get", "got", "see", "may", "too", "let", "did", "her", "him", "his", "she", "few",
    "own", "way", "yet", "ago", "lot", "bit", "hmm", "brb", "tbh", "imo", "idk", "lol", "pls",
    "thx", "ack", "yep", "yup", "nah", "new", "old", "big", "bad", "far", "use", "put", "say",
    "set", "run", "try", "ask", "saw", "i'm", "i'd", "won", "hey",
];

const FUNCTION_WORDS: &[&str] = &[
    "that",
    "this",
    "with",
    "from",
    "have",
    "been",
    "were",
    "they",
    "them",
    "then",
    "than",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "would",
    "could",
    "should",
    "there",
    "their",
    "about",
    "after",
    "before",
    "into",
    "just",
    "like",
    "more",
    "most",
    "only",
    "some",
    "still",
    "also",
    "even",
    "much",
    "very",
    "here",
    "does",
    "doesn't",
    "don't",
    "isn't",
    "can't",
    "it's",
    "that's",
    "let's",
    "lets",
    "maybe",
    "probably",
    "think",
    "looks",
    "seems",
    "because",
    "again",
    "other",
    "same",
    "over",
    "under",
    "your",
    "yours",
    "ours",
    "okay",
    "yeah",
    "sure",
    "thanks",
    "please",
    "going",
    "something",
    "anything",
    "nothing",
    "everything",
    "know",
    "need",
    "want",
    "look",
    "check",
    "right",
    "now",
    "today",
    "those",
    "these",
    "being",
    "each",
];

/// A phrase table: phrases tagged with a bit, sorted and indexed when the crate is compiled (see
/// [`phrase_table!`](crate::phrase_table)), so a call pays nothing to set it up and a word costs
/// one hash probe. [`PhraseTable::find`] returns the union of the bits of every phrase that occurs
/// in a line. A phrase is one or more words separated by spaces; a word ending in `*` matches any
/// word it begins (`hypothes*`).
pub struct PhraseTable {
    /// `(phrase, bit)`, sorted by first word: phrases sharing a first word are contiguous.
    pub sorted: &'static [(&'static str, u64)],
    /// Open-addressing hash of first words: the index in `sorted` of the first phrase with that
    /// first word, or [`EMPTY`]. The length is a power of two.
    pub slots: &'static [u16],
    /// Indices in `sorted` of the phrases whose first word is a prefix (`hypothes*`).
    pub starred: &'static [u16],
}

/// An unused hash slot.
pub const EMPTY: u16 = u16::MAX;

impl PhraseTable {
    /// The bits of every phrase found in `words`.
    pub fn find(&self, words: &Words) -> u64 {
        let mut bits = 0;
        for i in 0..words.len() {
            let word = words.get(i);
            if let Some(from) = self.first_with(word) {
                for &(phrase, bit) in self.sorted[from..]
                    .iter()
                    .take_while(|(p, _)| starts_with_word(p, word))
                {
                    // The phrase starts with `word` and then a space or nothing.
                    let rest = phrase.get(word.len() + 1..).unwrap_or("");
                    if bits & bit == 0 && rest_matches(words, i + 1, rest) {
                        bits |= bit;
                    }
                }
            }
            for &k in self.starred {
                let (phrase, bit) = self.sorted[k as usize];
                if phrase.as_bytes()[0] != word.as_bytes()[0] {
                    continue;
                }
                let star = phrase
                    .bytes()
                    .position(|b| b == b'*')
                    .unwrap_or(phrase.len());
                let prefix = &phrase[..star];
                if bits & bit == 0
                    && word.starts_with(prefix)
                    && rest_matches(words, i + 1, rest_of(phrase))
                {
                    bits |= bit;
                }
            }
        }
        bits
    }

    /// The index of the first phrase whose first word is `word`.
    fn first_with(&self, word: &str) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut slot = hash(word.as_bytes()) as usize & mask;
        loop {
            let k = self.slots[slot];
            if k == EMPTY {
                return None;
            }
            if starts_with_word(self.sorted[k as usize].0, word) {
                return Some(k as usize);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// Whether `phrase`'s first word is `word`, without searching the phrase for its first space
/// (this runs for every word of every line read).
fn starts_with_word(phrase: &str, word: &str) -> bool {
    let (p, w) = (phrase.as_bytes(), word.as_bytes());
    p.len() >= w.len() && &p[..w.len()] == w && (p.len() == w.len() || p[w.len()] == b' ')
}

fn rest_of(phrase: &str) -> &str {
    phrase.split_once(' ').map_or("", |(_, rest)| rest)
}

/// FNV-1a over a word's bytes, stopping at a space (so a phrase hashes as its first word).
const fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut k = 0;
    while k < bytes.len() && bytes[k] != b' ' {
        h ^= bytes[k] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        k += 1;
    }
    h
}

/// Sorts a phrase table by first word, at compile time.
pub const fn sort_phrases<const N: usize>(
    mut table: [(&'static str, u64); N],
) -> [(&'static str, u64); N] {
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && first_word_order(table[j - 1].0, table[j].0) > 0 {
            let swap = table[j - 1];
            table[j - 1] = table[j];
            table[j] = swap;
            j -= 1;
        }
        i += 1;
    }
    table
}

/// Compares first words as `str`'s `Ord` does: negative, zero or positive.
const fn first_word_order(a: &str, b: &str) -> i32 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut k = 0;
    loop {
        let a_end = k >= a.len() || a[k] == b' ';
        let b_end = k >= b.len() || b[k] == b' ';
        match (a_end, b_end) {
            (true, true) => return 0,
            (true, false) => return -1,
            (false, true) => return 1,
            _ => {}
        }
        if a[k] != b[k] {
            return if a[k] > b[k] { 1 } else { -1 };
        }
        k += 1;
    }
}

const fn is_starred(phrase: &str) -> bool {
    let b = phrase.as_bytes();
    let mut k = 0;
    while k < b.len() && b[k] != b' ' {
        k += 1;
    }
    k > 0 && b[k - 1] == b'*'
}

/// The hash slots of a sorted table, at compile time; `S` must be a power of two, well above
/// the number of distinct first words.
pub const fn hash_slots<const S: usize>(sorted: &[(&'static str, u64)]) -> [u16; S] {
    let mut slots = [EMPTY; S];
    let mut i = 0;
    while i < sorted.len() {
        let first_of_run = i == 0 || first_word_order(sorted[i - 1].0, sorted[i].0) != 0;
        if first_of_run && !is_starred(sorted[i].0) {
            let mut slot = hash(sorted[i].0.as_bytes()) as usize & (S - 1);
            while slots[slot] != EMPTY {
                slot = (slot + 1) & (S - 1);
            }
            slots[slot] = i as u16;
        }
        i += 1;
    }
    slots
}

/// How many phrases of a table start with a prefix word.
pub const fn starred_count(sorted: &[(&'static str, u64)]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < sorted.len() {
        if is_starred(sorted[i].0) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The indices of the phrases that start with a prefix word.
pub const fn starred<const K: usize>(sorted: &[(&'static str, u64)]) -> [u16; K] {
    let mut out = [0u16; K];
    let (mut n, mut i) = (0, 0);
    while i < sorted.len() {
        if is_starred(sorted[i].0) {
            out[n] = i as u16;
            n += 1;
        }
        i += 1;
    }
    out
}

/// Builds a `&'static` [`PhraseTable`] from an array expression of `(phrase, bit)` at compile time.
#[macro_export]
macro_rules! phrase_table {
    ($n:expr, $phrases:expr) => {{
        static SORTED: [(&str, u64); $n] = $crate::text::sort_phrases($phrases);
        static SLOTS: [u16; 4096] = $crate::text::hash_slots::<4096>(&SORTED);
        const STARRED_N: usize = $crate::text::starred_count(&SORTED);
        static STARRED: [u16; STARRED_N] = $crate::text::starred::<STARRED_N>(&SORTED);
        static TABLE: $crate::text::PhraseTable = $crate::text::PhraseTable {
            sorted: &SORTED,
            slots: &SLOTS,
            starred: &STARRED,
        };
        &TABLE
    }};
}

fn rest_matches(words: &Words, from: usize, rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    // Split on bytes rather than with `str::split`: this runs for every candidate phrase.
    for (k, want) in (from..).zip(rest.as_bytes().split(|&b| b == b' ')) {
        if k >= words.len() {
            return false;
        }
        let got = words.get(k).as_bytes();
        let matched = match want.strip_suffix(b"*") {
            Some(prefix) => got.starts_with(prefix),
            None => got == want,
        };
        if !matched {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_letter_words_carry_a_topic_unless_they_are_function_words() {
        let topic = topic_stems(&Words::new(
            "probably the same bag problem, cpu and dns fine",
        ));
        assert!(
            ["bag", "cpu", "dns"]
                .iter()
                .all(|w| topic.contains(&w.to_string()))
        );
        assert!(!topic.iter().any(|t| t == "the" || t == "and"));
    }

    #[test]
    fn a_version_is_a_topic_and_a_number_is_not() {
        let topic = topic_stems(&Words::new(
            "the ACS pushes fw 3.2.7 since 18:00, 2.5 per cent",
        ));
        assert!(topic.contains(&"3.2.7".to_string()));
        assert!(!topic.iter().any(|t| t == "2.5" || t == "18:00"));
    }

    #[test]
    fn words_keep_names_commands_and_emoji_and_drop_edge_punctuation() {
        let w =
            Words::new("Also: failures only from auth-5, auth-6 (new AMI). 🤔 +1 — see server.log");
        let got: Vec<&str> = w.iter().collect();
        assert_eq!(
            got,
            [
                "also",
                "failures",
                "only",
                "from",
                "auth-5",
                "auth-6",
                "new",
                "ami",
                "🤔",
                "+1",
                "see",
                "server.log"
            ]
        );
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
        let sorted = sort_phrases([
            ("on the call", 4),
            ("as agreed", 1),
            ("hypothes*", 2),
            ("as", 8),
        ]);
        assert_eq!(
            sorted.map(|(p, _)| p),
            ["as agreed", "as", "hypothes*", "on the call"]
        );
        let index = crate::phrase_table!(
            4,
            [
                ("on the call", 4),
                ("as agreed", 1),
                ("hypothes*", 2),
                ("as", 8)
            ]
        );
        assert_eq!(
            index.find(&Words::new("As agreed, on the call we roll back")),
            1 | 4 | 8
        );
        assert_eq!(index.find(&Words::new("our hypotheses so far")), 2);
        assert_eq!(index.find(&Words::new("agreed as before; the call")), 8);
    }
}
