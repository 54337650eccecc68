//! Lessons that tell people how to behave instead of changing the system: "know all your
//! certificates", "don't rush a fix", "raise an incident quicker", "we should act on it".
//!
//! The shape is advice (an imperative opening the sentence, or "should / must / need to /
//! better") whose verb is a person's conduct (knowing, assuming, rushing, acting, raising the
//! alarm), not a change to a system ("add an alert", "we should pin the image").

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::Agent;
use crate::blame::lexicon::has_lemma;
use crate::blame::sentence::Sentence;

/// Conduct people are told to avoid: "not assume", "don't rush", "never guess".
const AVOIDED: &[&str] = &[
    "rush", "assume", "panic", "guess", "hesitate", "ignore", "skip",
];

/// Knowing and minding, as an imperative: "Know your certificates", "Remember to ...".
const MINDING: &[&str] = &["know", "remember", "double-check", "always"];

/// Raising the alarm, which a lesson asks people to do sooner.
const RAISING: &[&str] = &[
    "raise",
    "escalate",
    "declare",
    "page",
    "communicate",
    "respond",
    "react",
    "act",
    "ask",
];

/// Comparatives of speed that turn a verb of raising into "try harder".
const SOONER: &[&str] = &["quicker", "quickly", "faster", "sooner", "earlier"];

/// Words that frame a clause as advice.
const ADVICE: &[&str] = &[
    "should",
    "must",
    "better",
    "need",
    "needs",
    "ought",
    "let's",
    "important",
    "try",
];

/// Fires on advice about a person's conduct offered as the lesson.
pub(crate) fn conduct_advice(s: &Sentence) -> Option<Hit> {
    avoided(s)
        .or_else(|| minding(s))
        .or_else(|| sooner(s))
        .or_else(|| act_on(s))
}

/// The first word of the sentence, past list markers and numbering.
fn first_word(s: &Sentence) -> Option<usize> {
    (0..s.tokens.len())
        .find(|&i| s.tokens[i].is_word && !s.word(i).chars().all(|c| c.is_ascii_digit()))
}

/// True when the sentence gives advice: it opens with an imperative or carries a word of advice.
fn advises(s: &Sentence, opener: bool) -> bool {
    opener || (0..s.tokens.len()).any(|i| ADVICE.contains(&s.word(i)))
}

/// "not assume", "don't rush a fix", "never guess": a negated verb of conduct in advice.
fn avoided(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        if !has_lemma(s.word(i), AVOIDED) {
            return None;
        }
        let before = s.word(i.wrapping_sub(1));
        let negator = |w: &str| matches!(w, "not" | "never" | "don't" | "dont");
        // "not to rush": the infinitive has no subject of its own; the advice is to people.
        let infinitive = before == "to";
        let negated = negator(before) || (infinitive && negator(s.word(i.wrapping_sub(2))));
        let opener = first_word(s)
            .is_some_and(|f| f + 2 >= i && matches!(s.word(f), "don't" | "do" | "never" | "dont"));
        let person = infinitive || !matches!(s.agent_of(i).0, Agent::System);
        (negated && person && advises(s, opener)).then(|| {
            Hit::new(
                BlameKind::Exhortation,
                i.saturating_sub(1 + usize::from(infinitive)),
                i,
            )
        })
    })
}

/// "Know all your certificates", "Always double-check the target": an imperative of minding
/// that opens the sentence.
fn minding(s: &Sentence) -> Option<Hit> {
    let first = first_word(s)?;
    let word = s.word(first);
    let imperative =
        MINDING.contains(&word) && s.tokens[first].text.starts_with(char::is_uppercase);
    // "Always" alone is an adverb; it advises only before a verb of checking or minding.
    let minded = word != "always"
        || has_lemma(
            s.word(first + 1),
            &[
                "check",
                "double-check",
                "verify",
                "confirm",
                "remember",
                "know",
            ],
        );
    (imperative && minded).then(|| Hit::new(BlameKind::Exhortation, first, first))
}

/// "Raise an incident quicker", "we need to escalate sooner".
fn sooner(s: &Sentence) -> Option<Hit> {
    let comparative = s.positions(SOONER).next()?;
    let first = first_word(s)?;
    let verb = (0..comparative).find(|&i| has_lemma(s.word(i), RAISING))?;
    let imperative = verb == first;
    let urged = (verb.saturating_sub(3)..verb).any(|j| ADVICE.contains(&s.word(j)));
    let person = !matches!(s.agent_of(verb).0, Agent::System);
    ((imperative || urged) && person).then(|| Hit::new(BlameKind::Exhortation, verb, comparative))
}

/// "we should act on it", "people must act on warnings": acting on what one knows, urged.
fn act_on(s: &Sentence) -> Option<Hit> {
    s.positions(&["act"]).find_map(|i| {
        let on = s.word(i + 1) == "on";
        let urged = (i.saturating_sub(3)..i).any(|j| ADVICE.contains(&s.word(j)));
        (on && urged && s.agent_of(i).0.is_someone())
            .then(|| Hit::new(BlameKind::Exhortation, i, i + 1))
    })
}
