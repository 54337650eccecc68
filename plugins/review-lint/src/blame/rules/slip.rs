//! A person's slip or omission given as the cause, with the cases where the same words
//! describe a system, a passive or a lucky find instead.

use super::{Hit, person_possessive};
use crate::blame::BlameKind;
use crate::blame::agent::{Agent, doer_after};
use crate::blame::lexicon::{ATTENTIVE_ACTS, BLAMELESS_OMISSIONS, has_lemma};
use crate::blame::sentence::Sentence;

/// Adverbs that frame an act as a slip.
const SLIP_ADVERBS: &[&str] = &[
    "mistakenly",
    "accidentally",
    "inadvertently",
    "unintentionally",
    "erroneously",
    "incorrectly",
    "wrongly",
    "carelessly",
    "mistakingly",
    "unknowingly",
    "unwittingly",
    "hastily",
    "wrongfully",
];

/// Verbs that name a slip whatever the object; a name in subject position is enough.
const PERSONAL_SLIPS: &[&str] = &[
    "forget",
    "forgot",
    "forgotten",
    "neglect",
    "misread",
    "mistype",
    "fat-finger",
];

/// Verbs that name a slip when a person does them, but describe a system just as often
/// ("the client ignored the header").
const SLIPS_IF_PERSON: &[&str] = &[
    "ignore",
    "overlook",
    "skip",
    "rush",
    "misconfigure",
    "misjudge",
    "mishandle",
];

/// Finding something by accident is luck, not a failing: "accidentally discovered the leak".
const DISCOVERIES: &[&str] = &[
    "discover", "find", "found", "notice", "spot", "uncover", "stumble", "learn", "realise",
    "realize",
];

/// Fires on a slip or an omission attached to a person: "accidentally instructed", "forgot to",
/// "failed to verify", "didn't escalate", "pushed it without running the validator", "made a
/// typo", "brought it up with a bad config".
pub(crate) fn slip(s: &Sentence) -> Option<Hit> {
    slip_word(s)
        .or_else(|| failed_to(s))
        .or_else(|| omission(s))
        .or_else(|| without_check(s))
        .or_else(|| made_a_mistake(s))
        .or_else(|| lost_track(s))
        .or_else(|| wrong_object(s))
        .or_else(|| left_undone(s))
        .or_else(|| by_mistake(s))
}

/// "deleted the volume by mistake", "ran it in error": the slip carried by a phrase.
fn by_mistake(s: &Sentence) -> Option<Hit> {
    s.positions(&["mistake", "accident", "error"])
        .find_map(|i| {
            let before = s.word(i.wrapping_sub(1));
            let carried = matches!(
                (before, s.word(i)),
                ("by", "mistake" | "accident") | ("in", "error")
            );
            (carried
                && !passive_without_person(s, i.saturating_sub(2))
                && s.agent_of(i.saturating_sub(1)).0.is_someone())
            .then(|| Hit::new(BlameKind::Slip, i.saturating_sub(1), i))
        })
}

/// "an operator left a parameter blank", "she left debug logging on": a person leaving
/// something in an unfinished state. The passive ("the parameter was left blank") names no one.
fn left_undone(s: &Sentence) -> Option<Hit> {
    const UNFINISHED: &[&str] = &[
        "blank",
        "empty",
        "unset",
        "unconfigured",
        "unchecked",
        "unpatched",
        "unlocked",
        "unattended",
        "unprotected",
        "enabled",
        "on",
        "running",
        "open",
    ];
    s.positions(&["left", "leave", "leaves", "leaving"])
        .find_map(|i| {
            let state = (i + 2..(i + 7).min(s.tokens.len()))
                .take_while(|&j| s.same_clause(i, j))
                .find(|&j| UNFINISHED.contains(&s.word(j)))?;
            let passive = matches!(
                s.word(i.wrapping_sub(1)),
                "was" | "were" | "been" | "be" | "is" | "are"
            );
            (!passive && s.agent_of(i).0.is_someone())
                .then(|| Hit::new(BlameKind::Omission, i, state).with_act(Some(i)))
        })
}

fn slip_word(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let word = s.word(i);
        let strictly_personal = SLIP_ADVERBS.contains(&word) || has_lemma(word, SLIPS_IF_PERSON);
        let personal = has_lemma(word, PERSONAL_SLIPS);
        if !(strictly_personal || personal)
            || s.negated_before(i, 2)
            || adjectival(s, i)
            || passive_without_person(s, i)
        {
            return None;
        }
        let lucky_find = SLIP_ADVERBS.contains(&word)
            && s.next_content(i)
                .is_some_and(|v| has_lemma(s.word(v), DISCOVERIES));
        let (agent, at) = s.agent_of(i);
        let blamed = !lucky_find && (agent == Agent::Person || (personal && agent == Agent::Name));
        blamed.then(|| {
            Hit::new(
                BlameKind::Slip,
                at.filter(|&a| a < i && i - a <= 6).unwrap_or(i),
                i + usize::from(SLIP_ADVERBS.contains(&word)),
            )
            .with_act(Some(i))
        })
    })
}

/// "due to misconfigured settings", "an accidentally deleted file": a participle used as an
/// adjective describes a thing, not what someone did.
fn adjectival(s: &Sentence, i: usize) -> bool {
    const DETERMINERS: &[&str] = &[
        "a", "an", "the", "its", "their", "our", "some", "any", "of", "due", "by", "with", "from",
        "for", "in", "on",
    ];
    let before = s.word(i.wrapping_sub(1));
    // "to ignore" is an infinitive; "due to misconfigured settings" is an adjective.
    DETERMINERS.contains(&before) || (before == "to" && s.word(i).ends_with("ed"))
}

/// "the namespaces were accidentally deleted": a passive slip names no one unless "by" a
/// person follows, so a subject borrowed from another clause must not be blamed for it.
fn passive_without_person(s: &Sentence, i: usize) -> bool {
    const BE: &[&str] = &["was", "were", "been", "be", "is", "are", "being", "got"];
    let passive = BE.contains(&s.word(i.wrapping_sub(1)))
        || (SLIP_ADVERBS.contains(&s.word(i)) && BE.contains(&s.word(i.wrapping_sub(1))));
    let by_person = (i + 1..(i + 5).min(s.tokens.len()))
        .any(|j| s.word(j) == "by" && doer_after(&s.tokens, j + 1).is_some_and(Agent::is_someone));
    passive && !by_person
}

/// "failed to verify", and the nominal "the failure of a lead operator to act".
fn failed_to(s: &Sentence) -> Option<Hit> {
    s.positions(&["failed", "fails", "fail", "failing", "failure"])
        .find_map(|i| {
            let to = if s.word(i) == "failure" {
                failure_of(s, i)??
            } else {
                Some(i + 1).filter(|&t| s.word(t) == "to")?
            };
            let verb = s.next_content(to)?;
            if has_lemma(s.word(verb), BLAMELESS_OMISSIONS) {
                return None;
            }
            let agent = if s.word(i) == "failure" {
                Agent::Person
            } else {
                s.agent_of(i).0
            };
            let blamed = agent == Agent::Person
                || (agent == Agent::Name && has_lemma(s.word(verb), ATTENTIVE_ACTS));
            blamed.then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
        })
}

/// In "failure of <person> to", the position of "to" when a person owns the failure.
fn failure_of(s: &Sentence, i: usize) -> Option<Option<usize>> {
    let person_owned = person_possessive(s.word(i.wrapping_sub(1)))
        || (s.word(i + 1) == "of" && doer_after(&s.tokens, i + 2).is_some_and(Agent::is_someone));
    let to = (i + 1..(i + 8).min(s.tokens.len())).find(|&j| s.word(j) == "to");
    person_owned.then_some(to)
}

/// "didn't escalate", "never updated", "haven't adopted": a person's act left undone.
fn omission(s: &Sentence) -> Option<Hit> {
    const PAST_NEGATIONS: &[&str] = &["didn't", "never", "hadn't", "haven't", "hasn't"];
    let negations = (0..s.tokens.len()).filter(|&i| {
        PAST_NEGATIONS.contains(&s.word(i))
            || (matches!(s.word(i), "did" | "had" | "has" | "have") && s.word(i + 1) == "not")
    });
    negations.into_iter().find_map(|i| {
        let after = if s.word(i + 1) == "not" { i + 1 } else { i };
        let verb = s.next_content(after)?;
        let word = s.word(verb);
        if has_lemma(word, BLAMELESS_OMISSIONS) || has_lemma(word, &["understand"]) {
            return None;
        }
        let agent = s.agent_of(i).0;
        let blamed =
            agent == Agent::Person || (agent == Agent::Name && has_lemma(word, ATTENTIVE_ACTS));
        blamed.then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
    })
}

/// "pushed the config without running the validator": skipping a check as the cause.
fn without_check(s: &Sentence) -> Option<Hit> {
    s.positions(&["without"]).find_map(|i| {
        let verb = s.next_content(i)?;
        let check = s.word(verb).ends_with("ing") && has_lemma(s.word(verb), ATTENTIVE_ACTS);
        (check && s.agent_of(i).0.is_someone())
            .then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
    })
}

/// "an engineer made a typo".
fn made_a_mistake(s: &Sentence) -> Option<Hit> {
    const SLIPS: &[&str] = &["typo", "mistake", "error", "slip", "blunder", "misstep"];
    s.positions(&["made", "make", "makes", "making"])
        .find_map(|i| {
            let slip =
                (i + 1..(i + 4).min(s.tokens.len())).find(|&j| SLIPS.contains(&s.word(j)))?;
            s.agent_of(i)
                .0
                .is_someone()
                .then(|| Hit::new(BlameKind::Slip, i, slip))
        })
}

/// "the incident commander lost track of the timeline".
fn lost_track(s: &Sentence) -> Option<Hit> {
    s.positions(&["lost", "lose", "loses", "losing"])
        .find(|&i| s.word(i + 1) == "track" && s.agent_of(i).0.is_someone())
        .map(|i| Hit::new(BlameKind::Slip, i, i + 2))
}

/// "brought a device back up with a bad config", "ran the script on the wrong cluster": a
/// person acting on the wrong thing, unless the act was finding or undoing it.
fn wrong_object(s: &Sentence) -> Option<Hit> {
    const WRONG: &[&str] = &[
        "wrong",
        "incorrect",
        "bad",
        "invalid",
        "erroneous",
        "faulty",
    ];
    const REMEDIES: &[&str] = &[
        "roll",
        "revert",
        "fix",
        "identify",
        "find",
        "found",
        "notice",
        "detect",
        "spot",
        "remove",
        "replace",
        "disable",
        "correct",
        "investigate",
        "trace",
        "diagnose",
        "discover",
        "catch",
        "caught",
        "flag",
        "report",
        "escalate",
        "isolate",
        "undo",
        "restore",
        "clean",
    ];
    s.positions(WRONG).find_map(|i| {
        let (agent, at) = s.agent_of(i);
        let at = at.filter(|&a| a < i && s.same_clause(a, i))?;
        let remedied = (at..i).any(|j| has_lemma(s.word(j), REMEDIES));
        (agent == Agent::Person && !remedied && !s.negated_before(i, 2))
            .then(|| Hit::new(BlameKind::Slip, at, i + 1))
    })
}
