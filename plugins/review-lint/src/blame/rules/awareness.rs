//! Not knowing what one was in a position to know, given as the cause: "the on-call did not
//! know the replica was still primary, so ...", "the failover stalled because the operator was
//! unaware of the lock", "nobody realised the certificate had expired until customers wrote".
//!
//! Not knowing is blameless narration far more often than blame ("we did not yet know why",
//! "customers were unaware of the change"), so the rule asks for three things: a person as the
//! one who did not know, a fact as what was not known (not a question being investigated), and
//! the not-knowing offered as a cause (a causal link after it, or a "because" before it) or as
//! what let the incident run on ("until", "for six hours"). A "because" after it explains the
//! not-knowing by a condition ("... did not know, because the flag was undocumented"), which
//! puts the cause on the condition.

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::Agent;
use crate::blame::lexicon::{ATTENTIVE_ACTS, has_lemma};
use crate::blame::sentence::Sentence;

/// Verbs of knowing and noticing, as lemmas.
const KNOWING: &[&str] = &[
    "know",
    "knew",
    "realise",
    "realize",
    "notice",
    "recognise",
    "recognize",
    "spot",
    "appreciate",
];

/// Words that open a question being investigated: not knowing *why* is not a failing.
const QUESTIONS: &[&str] = &[
    "why",
    "what",
    "how",
    "where",
    "whether",
    "if",
    "when",
    "which",
    "who",
    "yet",
    "at",
    "about",
    "exactly",
    "immediately",
    "initially",
];

/// Words that link a not-knowing to what followed from it.
const CONSEQUENCES: &[&str] = &[
    "so",
    "therefore",
    "thus",
    "hence",
    "causing",
    "caused",
    "leading",
    "led",
    "resulting",
    "resulted",
    "meant",
    "until",
    "consequently",
];

/// Words that, before the not-knowing, make it the cause of what the sentence reports.
const CAUSES: &[&str] = &["because", "since"];

/// Fires on a person's not knowing given as the cause, or on "nobody noticed" as what let it
/// run on.
pub(crate) fn unaware(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let (cue, verb) = not_knowing(s, i)?;
        let nobody = matches!(s.word(cue), "nobody" | "no-one" | "one");
        // A capitalised subject "is not aware" is as often a product as a person; a name is
        // taken only as the one who "did not know".
        let agent = s.agent_of(cue).0;
        let someone = agent == Agent::Person
            || (agent == Agent::Name && verb != cue + 1 && !s.word(verb).contains("aware"));
        if !(nobody || someone) || QUESTIONS.contains(&s.word(verb + 1)) {
            return None;
        }
        let explained =
            (verb + 1..s.tokens.len()).any(|j| matches!(s.word(j), "because" | "since"));
        let consequence =
            (verb + 1..s.tokens.len()).any(|j| CONSEQUENCES.contains(&s.word(j)) || lasting(s, j));
        let caused = (0..cue).any(|j| CAUSES.contains(&s.word(j)));
        ((consequence || caused) && !explained)
            .then(|| Hit::new(BlameKind::Omission, cue, verb).with_act(Some(verb)))
    })
}

/// Fires on an act left undone although it was known to be needed: "did not disable the
/// pipeline despite being aware of the risk", "we knew the fix, but it had not been applied".
/// Knowing and still not acting is offered as the failing; being unable ("could not") is not.
pub(crate) fn knew_and_did_not(s: &Sentence) -> Option<Hit> {
    let omitted = |from: usize, to: usize| {
        (from..to).find(|&j| {
            let w = s.word(j);
            matches!(w, "didn't" | "hadn't" | "wasn't" | "weren't")
                || matches!(w, "not" | "never")
                    && matches!(s.word(j.wrapping_sub(1)), "did" | "had" | "was" | "were")
        })
    };
    let knowing = |k: usize| {
        let w = s.word(k);
        (matches!(w, "knew" | "knowing") || w == "aware" && s.word(k.wrapping_sub(1)) == "being")
            && !s.negated_before(k, 3)
            && s.agent_of(k).0 != Agent::System
    };
    let end = s.tokens.len();
    // "[did not act] despite knowing / being aware"
    let despite = s.positions(&["despite"]).find_map(|d| {
        let k = (d + 1..(d + 3).min(end)).find(|&k| knowing(k))?;
        omitted(0, d).map(|n| (n, k))
    });
    // "[someone] knew ..., but [it] had not been done"
    let but = || {
        (0..end)
            .filter(|&k| s.word(k) == "knew" && knowing(k) && s.agent_of(k).0.is_someone())
            .find_map(|k| {
                let b = (k + 1..end).find(|&b| s.word(b) == "but")?;
                omitted(b + 1, end).map(|n| (k, n))
            })
    };
    despite
        .or_else(but)
        .map(|(from, to)| Hit::new(BlameKind::Omission, from.min(to), from.max(to)))
}

/// The cue of not knowing at token `i` and the knowing word: "did not know", "never
/// realised", "was unaware", "wasn't aware", "nobody noticed".
fn not_knowing(s: &Sentence, i: usize) -> Option<(usize, usize)> {
    let word = s.word(i);
    let negation = matches!(word, "didn't" | "never" | "hadn't")
        || (matches!(word, "did" | "had") && s.word(i + 1) == "not");
    if negation {
        let after = if s.word(i + 1) == "not" { i + 1 } else { i };
        let verb = s.next_content(after)?;
        return has_lemma(s.word(verb), KNOWING).then_some((i, verb));
    }
    if word == "unaware" {
        return Some((i, i));
    }
    if word == "aware" && matches!(s.word(i.wrapping_sub(1)), "not" | "wasn't" | "weren't") {
        return Some((i - 1, i));
    }
    // "Nobody noticed", "no one realised": a past act of noticing that did not happen.
    let nobody =
        matches!(word, "nobody" | "no-one") || (word == "one" && s.word(i.wrapping_sub(1)) == "no");
    let verb = i + 1;
    // Checking and looking are what someone should have done as well: "nobody checked".
    let noticing = has_lemma(s.word(verb), KNOWING) || has_lemma(s.word(verb), ATTENTIVE_ACTS);
    (nobody && (s.word(verb).ends_with("ed") && noticing || s.word(verb) == "knew"))
        .then_some((i, verb))
}

/// "for six hours", "for two days": the not-knowing lasted, letting the incident run on.
fn lasting(s: &Sentence, j: usize) -> bool {
    const SPANS: &[&str] = &[
        "minutes", "hours", "days", "weeks", "months", "hour", "day", "week", "month",
    ];
    s.word(j) == "for" && (j + 1..(j + 4).min(s.tokens.len())).any(|k| SPANS.contains(&s.word(k)))
}
