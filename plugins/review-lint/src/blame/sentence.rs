//! One sentence as the blame rules see it: its words, with quoted passages set aside.
//!
//! A quotation is someone else's wording under discussion ("we stopped writing "human error"
//! in reviews"), so blame words inside quotes are not the writer's own and are masked.

use super::agent::{Agent, ClauseCuts, Clauses};
use crate::text::{Token, tokenize};

/// Words that cancel or reverse what follows: "no human error", "to prevent human error".
pub(super) const NEGATORS: &[&str] = &[
    "no",
    "not",
    "never",
    "without",
    "prevent",
    "prevents",
    "preventing",
    "reduce",
    "reduces",
    "reducing",
    "avoid",
    "avoids",
    "avoiding",
    "eliminate",
    "eliminating",
    "minimise",
    "minimize",
    "minimising",
    "minimizing",
    "mitigate",
    "mitigating",
    "against",
    "rather",
    "instead",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "beyond",
    "than",
    "nor",
    "blaming",
];

/// A sentence's tokens, quotations collapsed to their opening mark.
pub(super) struct Sentence<'a> {
    /// The sentence as written.
    pub text: &'a str,
    /// Words and marks outside quotations.
    pub tokens: Vec<Token<'a>>,
    /// Where its clauses begin, cut once: the rules ask about clauses and doers many times.
    cuts: ClauseCuts,
}

impl<'a> Sentence<'a> {
    /// Tokenizes `text` and masks quoted passages.
    pub(super) fn new(text: &'a str) -> Self {
        let tokens = mask_quotes(tokenize(text));
        let cuts = ClauseCuts::new(&tokens);
        Sentence { text, tokens, cuts }
    }

    /// The lowercase word at `i`, or `""` past the end or on a punctuation mark.
    pub(super) fn word(&self, i: usize) -> &str {
        self.tokens
            .get(i)
            .filter(|t| t.is_word)
            .map_or("", |t| t.lower.as_str())
    }

    /// Indices of the words equal to one of `words`.
    pub(super) fn positions<'s>(&'s self, words: &'s [&str]) -> impl Iterator<Item = usize> + 's {
        (0..self.tokens.len()).filter(move |&i| words.contains(&self.word(i)))
    }

    /// The next word after `i`, skipping the adverbs people put between verbs.
    pub(super) fn next_content(&self, i: usize) -> Option<usize> {
        const FILLERS: &[&str] = &[
            "actually",
            "just",
            "really",
            "properly",
            "first",
            "even",
            "simply",
            "also",
            "then",
            "ever",
            "fully",
            "correctly",
            "carefully",
            "adequately",
            "clearly",
            "still",
        ];
        (i + 1..self.tokens.len())
            .find(|&j| self.tokens[j].is_word && !FILLERS.contains(&self.word(j)))
    }

    /// True when one of the `window` words before `i` (within the clause) cancels it.
    pub(super) fn negated_before(&self, i: usize, window: usize) -> bool {
        let clauses = self.clauses();
        (i.saturating_sub(window)..i).any(|j| clauses.same_clause(i, j) && is_negator(self.word(j)))
    }

    /// True when the words at `j` say no one: "nobody", "no-one", "noone", or "no one".
    pub(super) fn says_no_one(&self, j: usize) -> bool {
        matches!(self.word(j), "nobody" | "no-one" | "noone")
            || (self.word(j) == "no" && self.word(j + 1) == "one")
    }

    /// True when the sentence calls someone "he" or "she": a name in it is a person's, not a
    /// product's ("Henrik should have waited ... before he cut over").
    pub(super) fn refers_to_a_person(&self) -> bool {
        self.positions(&["he", "she", "him", "his", "her", "hers"])
            .next()
            .is_some()
    }

    /// True when the sentence names someone besides the writers' "we": a person, a role, a
    /// team or a name. Blame needs someone to put the cause on, so the sentence classifier
    /// reads only such sentences.
    pub(super) fn names_someone(&self) -> bool {
        (0..self.tokens.len()).any(|i| {
            !matches!(self.word(i), "we" | "us" | "our" | "ours" | "ourselves")
                && super::agent::classify(&self.tokens, i).is_some_and(Agent::is_someone)
        }) || self.refers_to_a_person()
    }

    /// True when tokens `a` and `b` are in the same clause.
    pub(super) fn same_clause(&self, a: usize, b: usize) -> bool {
        self.clauses().same_clause(a, b)
    }

    /// The doer of the act at token `i`.
    pub(super) fn agent_of(&self, i: usize) -> (Agent, Option<usize>) {
        self.clauses().agent_of(i)
    }

    fn clauses(&self) -> Clauses<'_, 'a> {
        Clauses::new(&self.tokens, &self.cuts)
    }

    /// Byte range of tokens `from..=to` in the sentence.
    pub(super) fn span(&self, from: usize, to: usize) -> &'a str {
        let to = to.min(self.tokens.len().saturating_sub(1));
        &self.text[self.tokens[from].start..self.tokens[to].end]
    }
}

fn is_negator(word: &str) -> bool {
    NEGATORS.contains(&word) || word.ends_with("n't")
}

/// Drops the tokens between matching quotation marks, keeping the opening mark so the quote
/// still separates clauses. An unmatched mark is left alone.
fn mask_quotes(tokens: Vec<Token<'_>>) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let closing = closing_mark(tokens[i].text).and_then(|close| {
            (i + 1..tokens.len()).find(|&j| !tokens[j].is_word && tokens[j].text == close)
        });
        out.push(tokens[i].clone());
        i = closing.map_or(i + 1, |j| j + 1);
    }
    out
}

fn closing_mark(mark: &str) -> Option<&'static str> {
    match mark {
        "\"" => Some("\""),
        "“" => Some("”"),
        "‘" => Some("’"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_are_masked() {
        let s = Sentence::new(r#"We no longer write "human error" as a cause."#);
        assert!(!s.tokens.iter().any(|t| t.lower == "human"));
        assert!(s.tokens.iter().any(|t| t.lower == "cause"));
    }

    #[test]
    fn negation_is_found_within_the_clause_only() {
        let s = Sentence::new("There was no human error, and human error caused it.");
        let first = s.positions(&["human"]).next().unwrap();
        let second = s.positions(&["human"]).nth(1).unwrap();
        assert!(s.negated_before(first, 3));
        assert!(!s.negated_before(second, 3));
    }
}
