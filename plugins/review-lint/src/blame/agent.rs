//! Who did it: finds the doer of the act at a given word, so that "the automation failed to"
//! and "the engineer failed to" are told apart.
//!
//! A sentence is cut into clauses at punctuation and at linking words. The doer of a verb is
//! the first person or system noun of its clause that is not the object of a preposition; a
//! clause that starts with "and"/"but" borrows the subject of the clause before it, and one
//! that starts with "which"/"that" refers back to the noun just before it.

use super::lexicon::{
    HUMAN_ACTIVITIES, NO_ONE, PERSON_BIGRAMS, PERSON_NOUNS, PREPOSITIONS, PROCESS_ROLES,
    SERVED_PEOPLE, SYSTEM_BIGRAMS, SYSTEM_NOUNS, is_noun_in, looks_like_verb, name_shaped,
};
use crate::text::Token;

/// What kind of doer stands behind an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Agent {
    /// A person, role or team ("the operator", "we", "the support team").
    Person,
    /// A capitalised word in subject position that is probably a person's name.
    Name,
    /// A system, artefact, process or organisation.
    System,
    /// Explicitly no one ("nobody could have seen it").
    NoOne,
    /// Nothing recognisable (passive voice, "this", a product name).
    Unknown,
}

impl Agent {
    /// A person or a name: someone a sentence can blame.
    pub(super) fn is_someone(self) -> bool {
        matches!(self, Agent::Person | Agent::Name)
    }
}

/// Clause openers after which the clause is subordinate, so its nouns are not the main
/// subject. Each of them also opens a new clause.
const SUBORDINATORS: &[&str] = &[
    "because",
    "since",
    "while",
    "whilst",
    "when",
    "whereas",
    "although",
    "though",
    "after",
    "before",
    "until",
    "if",
    "unless",
    "as",
    "where",
    "once",
    "causing",
    "leading",
    "resulting",
    "which",
    "that",
    "whose",
];

/// The other words that open a new clause, one that may be a main clause.
const MAIN_CLAUSE_WORDS: &[&str] = &["so", "and", "but", "or", "who"];

/// A word that opens a new clause.
fn opens_clause(word: &str) -> bool {
    SUBORDINATORS.contains(&word) || MAIN_CLAUSE_WORDS.contains(&word)
}

/// Where a sentence's clauses begin: `clause_of[i]` is the clause of token `i`, `starts[c]`
/// the first token of clause `c`. Cut once per sentence ([`super::sentence::Sentence`]); every
/// rule's questions about clauses and doers read it.
pub(super) struct ClauseCuts {
    clause_of: Vec<usize>,
    starts: Vec<usize>,
}

impl ClauseCuts {
    /// Cuts `tokens` into clauses.
    pub(super) fn new(tokens: &[Token]) -> Self {
        let mut clause_of = Vec::with_capacity(tokens.len());
        let mut starts = vec![0];
        for (i, t) in tokens.iter().enumerate() {
            let opens = i > 0 && (is_break_mark(t) || opens_clause(&t.lower));
            if opens && *starts.last().unwrap_or(&0) != i {
                starts.push(i);
            }
            clause_of.push(starts.len() - 1);
        }
        ClauseCuts { clause_of, starts }
    }
}

/// A sentence's tokens read with their clause cuts.
pub(super) struct Clauses<'t, 'a> {
    tokens: &'t [Token<'a>],
    cuts: &'t ClauseCuts,
}

impl<'t, 'a> Clauses<'t, 'a> {
    /// `tokens`, cut at `cuts` (made from the same tokens).
    pub(super) fn new(tokens: &'t [Token<'a>], cuts: &'t ClauseCuts) -> Self {
        Clauses { tokens, cuts }
    }

    /// The doer of the act at token `at`.
    pub(super) fn agent_of(&self, at: usize) -> (Agent, Option<usize>) {
        // A subject pronoun right before the verb is its subject, also where no "that" marks
        // the clause ("a warning sign we missed"): object pronouns have their own forms.
        let before = at.checked_sub(1).filter(|&b| self.tokens[b].is_word);
        if let Some(b) = before.filter(|&b| {
            matches!(
                self.tokens[b].lower.as_str(),
                "we" | "they" | "i" | "he" | "she"
            )
        }) {
            return (Agent::Person, Some(b));
        }
        let clause = self.cuts.clause_of[at];
        let start = self.cuts.starts[clause];
        if let Some(found) = first_agent(self.tokens, start, at) {
            return found;
        }
        if self.opens_with(clause, &["which", "that"]) && clause > 0 {
            // "that the databases were ...": a complement clause with its own subject.
            if self.complement_clause(clause) {
                return (Agent::Unknown, None);
            }
            return self.last_noun(self.previous_with_words(clause));
        }
        self.borrowed_subject(clause)
    }

    /// For a clause with no subject of its own ("... but forgot to"), the subject of the
    /// nearest main clause before it, or a person implied by "while troubleshooting".
    fn borrowed_subject(&self, clause: usize) -> (Agent, Option<usize>) {
        // "because Yusuf pointed it at the sandbox and forgot to switch it back": a clause
        // joined by "and" to a subordinate one whose subject is someone may continue it. (After
        // "after the launch party" or "that the service would queue", it continues the main
        // clause.)
        if self.opens_with(clause, &["and", "but", "or"]) && clause > 0 {
            let previous = self.previous_with_words(clause);
            if self.opens_with(previous, SUBORDINATORS) {
                let (start, end) = self.bounds(previous);
                let found = first_agent(self.tokens, start + 1, end);
                if let Some(found) = found.filter(|(agent, _)| agent.is_someone()) {
                    return found;
                }
            }
        }
        for earlier in (0..clause).rev() {
            let (start, end) = self.bounds(earlier);
            // "during" does not cut a sentence into clauses, but a clause it opens (after a
            // comma) is subordinate all the same.
            let subordinate = self.opens_with(earlier, SUBORDINATORS)
                || self.opens_with(earlier, &["during"])
                || self.opens_with(earlier, PREPOSITIONS);
            if subordinate {
                if let Some(i) = (start..end)
                    .find(|&i| HUMAN_ACTIVITIES.contains(&self.tokens[i].lower.as_str()))
                {
                    return (Agent::Person, Some(i));
                }
                continue;
            }
            if let Some(found) = first_agent(self.tokens, start, end) {
                return found;
            }
        }
        (Agent::Unknown, None)
    }

    /// "that" followed by a determiner opens a clause with its own subject, not a relative one.
    fn complement_clause(&self, clause: usize) -> bool {
        const DETERMINERS: &[&str] = &[
            "a", "an", "the", "some", "all", "our", "their", "its", "this", "these", "those",
            "every", "each", "many", "most", "no",
        ];
        let (start, end) = self.bounds(clause);
        let mut words = (start..end).filter(|&i| self.tokens[i].is_word);
        words.next().is_some_and(|w| self.tokens[w].lower == "that")
            && words
                .next()
                .is_some_and(|w| DETERMINERS.contains(&self.tokens[w].lower.as_str()))
    }

    /// The nearest clause before `clause` that has a word (skipping lone commas).
    fn previous_with_words(&self, clause: usize) -> usize {
        (0..clause)
            .rev()
            .find(|&c| {
                let (s, e) = self.bounds(c);
                (s..e).any(|i| self.tokens[i].is_word)
            })
            .unwrap_or(0)
    }

    /// The last person or system noun in a clause: what a following "which" refers to.
    fn last_noun(&self, clause: usize) -> (Agent, Option<usize>) {
        let (start, end) = self.bounds(clause);
        (start..end)
            .rev()
            .find_map(|i| classify(self.tokens, i).map(|a| (a, Some(i))))
            .unwrap_or((Agent::Unknown, None))
    }

    fn bounds(&self, clause: usize) -> (usize, usize) {
        let start = self.cuts.starts[clause];
        let end = self
            .cuts
            .starts
            .get(clause + 1)
            .copied()
            .unwrap_or(self.tokens.len());
        (start, end)
    }

    fn opens_with(&self, clause: usize, words: &[&str]) -> bool {
        let (start, end) = self.bounds(clause);
        (start..end)
            .find(|&i| self.tokens[i].is_word)
            .is_some_and(|i| words.contains(&self.tokens[i].lower.as_str()))
    }

    /// True when tokens `a` and `b` are in the same clause.
    pub(super) fn same_clause(&self, a: usize, b: usize) -> bool {
        self.cuts.clause_of[a] == self.cuts.clause_of[b]
    }
}

fn is_break_mark(t: &Token) -> bool {
    !t.is_word
        && matches!(
            t.text,
            "," | ";" | ":" | "(" | ")" | "—" | "–" | "-" | "\"" | "“" | "”"
        )
}

/// The first doer between tokens `start` and `end`: a noun phrase's head that is not the
/// object of a preposition, a possessive's owner excluded ("the engineer's laptop").
fn first_agent(tokens: &[Token], start: usize, end: usize) -> Option<(Agent, Option<usize>)> {
    let mut after_preposition = false;
    // "the console": a noun phrase of no known kind before the verb is still the clause's own
    // subject, so the clause borrows none from the clause before it.
    let mut own_subject = None;
    let mut i = start;
    while i < end {
        let t = &tokens[i];
        if !t.is_word || is_possessive(&t.lower) {
            i += 1;
            continue;
        }
        if HUMAN_ACTIVITIES.contains(&t.lower.as_str()) && i > start {
            return Some((Agent::Person, Some(i)));
        }
        if PREPOSITIONS.contains(&t.lower.as_str()) {
            after_preposition = true;
        } else if let Some(kind) = classify(tokens, i) {
            let head = compound_head(tokens, i, end);
            if !after_preposition {
                return Some((classify(tokens, head).unwrap_or(kind), Some(i)));
            }
            after_preposition = false;
            i = head;
        } else if is_finite_verb(tokens, i) {
            // Nouns after the clause's verb are its objects ("allowed an operator to").
            return own_subject.map(|at| (Agent::Unknown, Some(at)));
        } else if !after_preposition
            && i > start
            && matches!(
                tokens[i - 1].lower.as_str(),
                "the" | "a" | "an" | "our" | "its" | "their"
            )
        {
            own_subject = Some(i);
        }
        i += 1;
    }
    own_subject.map(|at| (Agent::Unknown, Some(at)))
}

/// A verb that ends the subject: an auxiliary, an irregular past, or an `-ed` word that is
/// not an adjective right after an article ("an authorized member").
fn is_finite_verb(tokens: &[Token], i: usize) -> bool {
    let lower = tokens[i].lower.as_str();
    let after_article =
        i > 0 && ["a", "an", "the", "this", "that"].contains(&tokens[i - 1].lower.as_str());
    let adverb = matches!(
        lower,
        "still" | "just" | "then" | "also" | "clearly" | "simply" | "again" | "kept" | "keeps"
    );
    looks_like_verb(lower) && !adverb && !after_article
}

/// In "release manager" or "database cluster automation" the last noun is the head.
fn compound_head(tokens: &[Token], from: usize, end: usize) -> usize {
    let mut head = from;
    while head + 1 < end
        && tokens[head + 1].is_word
        && classify(tokens, head + 1).is_some()
        && !is_possessive(&tokens[head].lower)
    {
        head += 1;
    }
    head
}

fn is_possessive(lower: &str) -> bool {
    lower.ends_with("'s") || lower.ends_with("s'")
}

/// The first doer named in the few words after token `from` ("a mistake by *the operator*").
pub(super) fn doer_after(tokens: &[Token], from: usize) -> Option<Agent> {
    let end = (from + 5).min(tokens.len());
    (from..end)
        .take_while(|&i| tokens[i].is_word)
        .find_map(|i| match is_possessive(&tokens[i].lower) {
            true => None,
            false if name_shaped(tokens[i].text) => {
                Some(classify(tokens, i).unwrap_or(Agent::Name))
            }
            false => classify(tokens, i)
                .map(|kind| classify(tokens, compound_head(tokens, i, end)).unwrap_or(kind)),
        })
}

/// The kind of doer the word at `i` names, if any.
pub(super) fn classify(tokens: &[Token], i: usize) -> Option<Agent> {
    let t = &tokens[i];
    let lower = t.lower.as_str();
    let last_part = lower.rsplit('-').next().unwrap_or(lower);
    let previous = i
        .checked_sub(1)
        .map(|p| tokens[p].lower.as_str())
        .unwrap_or("");
    // "@dana", Slack's "<@U024BE7LH>": a mention names a person (or a group of people).
    if previous == "@" {
        return Some(Agent::Name);
    }
    if PERSON_BIGRAMS
        .iter()
        .any(|&(a, b)| a == previous && is_noun_in(lower, &[b]))
    {
        return Some(Agent::Person);
    }
    if SYSTEM_BIGRAMS
        .iter()
        .any(|&(a, b)| a == previous && is_noun_in(lower, &[b]))
    {
        return Some(Agent::System);
    }
    if NO_ONE.contains(&lower) || (lower == "one" && previous == "no") {
        return Some(Agent::NoOne);
    }
    // Customers, users, passengers: who the service serves is never the doer blamed, and a
    // clause about them has its own subject; "who" right after them is them.
    // "Anyone who bought a second pass by mistake": whoever it was, nobody in particular.
    let served_before = lower == "who"
        && (is_noun_in(previous, SERVED_PEOPLE) || matches!(previous, "anyone" | "anybody"));
    if is_noun_in(lower, SERVED_PEOPLE) || served_before {
        return Some(Agent::Unknown);
    }
    // "the head of dispatch": a head of something is a person.
    let head_of = lower == "head" && tokens.get(i + 1).is_some_and(|n| n.lower == "of");
    if is_noun_in(lower, PERSON_NOUNS) || head_of {
        return Some(Agent::Person);
    }
    if is_noun_in(lower, SYSTEM_NOUNS) || is_noun_in(last_part, SYSTEM_NOUNS) {
        return Some(Agent::System);
    }
    // "the HMI should have asked", "the API failed to": an acronym the person nouns above do
    // not name (they name "SRE", "DBA", "IC", "NOC", "QA") is a system's.
    if acronym(t.text) {
        return Some(Agent::System);
    }
    // A role the lists above do not name ("the duty producer", "the new hire"). Written with
    // a capital, a singular word is a product's name ("Consul did not elect", "Chef failed");
    // a plural opening the sentence is a role ("Paramedics forgot").
    let common_noun =
        !t.text.starts_with(|c: char| c.is_uppercase()) || (i == 0 && lower.ends_with('s'));
    if common_noun && (names_a_person(lower) || job_title(tokens, i)) {
        return Some(Agent::Person);
    }
    // "Marek pushed", and "Marek accidentally pushed": one adverb may stand between.
    let verb_at = |j: usize| {
        tokens
            .get(j)
            .is_some_and(|n| n.is_word && looks_like_verb(&n.lower))
    };
    let adverb_at = |j: usize| {
        tokens
            .get(j)
            .is_some_and(|n| n.is_word && n.lower.ends_with("ly") && n.lower.len() > 4)
    };
    // "Mateus Oliveira on our mobile team pressed send": who the person works with stands
    // between the name and the verb.
    let affiliated = |j: usize| {
        let opens = tokens
            .get(j)
            .is_some_and(|p| matches!(p.lower.as_str(), "on" | "from" | "at" | "of" | "in"));
        opens
            && (j + 1..(j + 5).min(tokens.len())).any(|k| {
                let group =
                    is_noun_in(&tokens[k].lower, PERSON_NOUNS) || name_shaped(tokens[k].text);
                group && verb_at(k + 1)
            })
    };
    // "Mirela, who exported ...": a relative "who" follows a person.
    let who_follows = tokens.get(i + 1).is_some_and(|c| c.text == ",")
        && tokens.get(i + 2).is_some_and(|w| w.lower == "who");
    let next_is_verb =
        verb_at(i + 1) || (adverb_at(i + 1) && verb_at(i + 2)) || affiliated(i + 1) || who_follows;
    if !(name_shaped(t.text) && next_is_verb) {
        return None;
    }
    Some(if titled(tokens, i) {
        Agent::Person
    } else {
        Agent::Name
    })
}

/// "Dispatcher Aurélie Marchand", "Mr. Yılmaz", "Dr Okafor": a name behind a title or an
/// honorific is a person's (a product has neither).
fn titled(tokens: &[Token], i: usize) -> bool {
    const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "mx", "dr", "miss", "sir", "madam"];
    // Walk back over the name's other parts (and an initial's full stop) to where it starts.
    let mut start = i;
    while start > 0 && (name_shaped(tokens[start - 1].text) || tokens[start - 1].text == ".") {
        if HONORIFICS.contains(&tokens[start - 1].lower.as_str()) {
            return true;
        }
        start -= 1;
    }
    // The title is the word before a name of several parts, or, where the name opens the
    // sentence, its own first word written with a capital ("Dispatcher Aurélie Marchand").
    let title = match start {
        0 if i > 0 => Some(0),
        0 => None,
        _ if start < i => Some(start - 1),
        _ => None,
    };
    title.is_some_and(|t| wordnet_person(&tokens[t].lower))
}

/// "HMI", "API", "DNS", "SCADA": two to six capitals.
fn acronym(text: &str) -> bool {
    (2..=6).contains(&text.chars().count()) && text.chars().all(|c| c.is_ascii_uppercase())
}

/// True when WordNet's commonest sense of `word`, or of its singular, is a person.
fn wordnet_person(word: &str) -> bool {
    let singulars = [word.strip_suffix("es"), word.strip_suffix('s')];
    std::iter::once(word)
        .chain(singulars.into_iter().flatten())
        .any(crate::wordnet::is_person_noun)
}

/// True when WordNet calls `word` (or its singular) a person and no system plays that role.
fn names_a_person(word: &str) -> bool {
    // "have" is a person to WordNet ("the haves"), but in a sentence an auxiliary.
    wordnet_person(word)
        && !looks_like_verb(word)
        && !doer_of_a_verb(word)
        && !is_noun_in(word, PROCESS_ROLES)
        && !is_noun_in(word, SERVED_PEOPLE)
}

/// "the junior adjuster", "the night auditor", "the duty producer", "the claims adjuster on
/// duty": a seniority, a shift or being on duty makes a job title of a person noun that a
/// program could also bear (a program is never on duty).
fn job_title(tokens: &[Token], i: usize) -> bool {
    let word = tokens[i].lower.as_str();
    let person = wordnet_person(word);
    let before = |k: usize| i.checked_sub(k).map_or("", |p| tokens[p].lower.as_str());
    let rank = matches!(
        before(1),
        "junior"
            | "senior"
            | "chief"
            | "head"
            | "lead"
            | "night"
            | "day"
            | "weekend"
            | "relief"
            | "duty"
            | "shift"
            | "on-call"
            | "oncall"
    );
    let on_duty = tokens.get(i + 1).is_some_and(|t| t.lower == "on")
        && tokens
            .get(i + 2)
            .is_some_and(|t| matches!(t.lower.as_str(), "duty" | "call" | "shift"));
    person && (rank || on_duty)
}

/// True when the word at `i` ("nobody", "anyone") is followed by a group it belongs to: "on
/// the catalogue team", "in the night desk".
pub(super) fn of_a_group(tokens: &[Token], i: usize) -> bool {
    let opens = tokens
        .get(i + 1)
        .is_some_and(|t| matches!(t.lower.as_str(), "on" | "in" | "from" | "at"));
    opens
        && (i + 2..(i + 6).min(tokens.len())).any(|k| {
            is_noun_in(
                &tokens[k].lower,
                &["team", "desk", "crew", "squad", "shift", "rota"],
            )
        })
}

/// "loader", "exporter", "attacker": a noun made from a verb names whoever does the act, a
/// program as often as a person.
fn doer_of_a_verb(word: &str) -> bool {
    let word = word.strip_suffix('s').unwrap_or(word);
    let Some(stem) = word.strip_suffix("er").or_else(|| word.strip_suffix("or")) else {
        return false;
    };
    // "load-er", "produc-er" (produce), "dispatch-er", "ship-p-er" (ship).
    let doubled =
        stem.len() > 2 && stem.as_bytes()[stem.len() - 1] == stem.as_bytes()[stem.len() - 2];
    [
        stem.to_string(),
        format!("{stem}e"),
        stem[..stem.len() - usize::from(doubled)].to_string(),
    ]
    .iter()
    .any(|verb| crate::wordnet::is_verb(verb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn agent_at(sentence: &str, word: &str) -> Agent {
        let tokens = tokenize(sentence);
        let at = tokens
            .iter()
            .position(|t| t.lower == word)
            .expect("word in sentence");
        Clauses::new(&tokens, &ClauseCuts::new(&tokens))
            .agent_of(at)
            .0
    }

    #[test]
    fn compound_roles_take_their_last_noun() {
        assert_eq!(
            agent_at("The release manager rushed the deploy.", "rushed"),
            Agent::Person
        );
        assert_eq!(
            agent_at(
                "The database cluster automation failed to promote it.",
                "failed"
            ),
            Agent::System
        );
    }

    #[test]
    fn coordinated_clause_borrows_the_subject() {
        assert_eq!(
            agent_at(
                "The author set the variable but failed to ship it.",
                "failed"
            ),
            Agent::Person
        );
    }

    #[test]
    fn relative_clause_refers_to_the_noun_before_it() {
        assert_eq!(
            agent_at(
                "An engineer deployed a change that accidentally dropped routes.",
                "accidentally"
            ),
            Agent::System
        );
    }

    #[test]
    fn objects_of_prepositions_and_possessives_are_not_doers() {
        assert!(
            !agent_at(
                "A flaw in the tool allowed an operator to delete it.",
                "delete"
            )
            .is_someone()
        );
        assert_eq!(
            agent_at("The engineer's laptop was mistakenly wiped.", "mistakenly"),
            Agent::Unknown
        );
    }

    #[test]
    fn names_are_recognised_before_a_verb() {
        assert_eq!(
            agent_at(
                "Then Marek pushed the config without running checks.",
                "without"
            ),
            Agent::Name
        );
    }

    #[test]
    fn human_work_implies_a_person() {
        assert_eq!(
            agent_at(
                "Disks filled and while debugging accidentally wiped a node.",
                "accidentally"
            ),
            Agent::Person
        );
    }
}
