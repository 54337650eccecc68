//! The cues of blame language, one function per way a sentence can put the cause on a person.
//!
//! Every rule asks two questions: is there a cue (a slip, an omission, a counterfactual, a
//! judgement of character, a "human error" label), and is it attached to a person rather than
//! to a system? Words like "failed to" or "mistakenly" are blameless when a script is their
//! subject, so those cues only fire when [`Sentence::agent_of`] finds a person.

use super::BlameKind;
use super::agent::{Agent, doer_after};
use super::lexicon::{ATTENTIVE_ACTS, BLAMELESS_OMISSIONS, has_lemma};
use super::sentence::Sentence;

/// Where a rule matched: the kind of blame, the tokens carrying it, and where the blamed act
/// starts (for the rewording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: BlameKind,
    pub from: usize,
    pub to: usize,
    pub act: Option<usize>,
}

impl Hit {
    fn new(kind: BlameKind, from: usize, to: usize) -> Self {
        Hit { kind, from, to, act: None }
    }

    fn with_act(mut self, act: Option<usize>) -> Self {
        self.act = act;
        self
    }
}

/// Acts that only people perform: a sentence saying one "should have" been done judges a
/// person even when no one is named.
const PERSON_ONLY_ACTS: &[&str] = &[
    "read", "notice", "escalate", "ask", "remember", "double-check", "realise", "realize",
    "bother", "think", "know", "pay", "listen", "heed", "care", "study", "learn", "consult",
];

/// Adverbs that frame an act as a slip.
const SLIP_ADVERBS: &[&str] = &[
    "mistakenly", "accidentally", "inadvertently", "unintentionally", "erroneously",
    "incorrectly", "wrongly", "carelessly", "mistakingly", "unknowingly", "unwittingly",
    "hastily", "wrongfully",
];

/// Verbs that name a slip whatever the object; a name in subject position is enough.
const PERSONAL_SLIPS: &[&str] = &["forget", "forgot", "forgotten", "neglect", "misread", "mistype", "fat-finger"];

/// Verbs that name a slip when a person does them, but describe a system just as often
/// ("the client ignored the header").
const SLIPS_IF_PERSON: &[&str] = &["ignore", "overlook", "skip", "rush", "misconfigure", "misjudge", "mishandle"];

/// Fires on "human error", "operator error" or "this oversight" given as a cause.
pub fn human_error_label(s: &Sentence) -> Option<Hit> {
    const WHO: &[&str] = &["human", "operator", "user", "pilot", "manual", "personnel", "staff", "engineer"];
    const SLIP: &[&str] = &["error", "errors", "mistake", "mistakes"];
    let labelled = s.positions(WHO).find(|&i| SLIP.contains(&s.word(i + 1)) && !denied(s, i, i + 1));
    let hyphenated = s.positions(&["human-error", "operator-error"]).find(|&i| !denied(s, i, i));
    labelled
        .map(|i| Hit::new(BlameKind::HumanError, i, i + 1))
        .or_else(|| hyphenated.map(|i| Hit::new(BlameKind::HumanError, i, i)))
        .or_else(|| oversight(s))
}

/// "Human error" with a denial before it ("no", "to prevent") or after it ("was not").
fn denied(s: &Sentence, from: usize, to: usize) -> bool {
    let after = [s.word(to + 1), s.word(to + 2)];
    let denied_after = after.iter().any(|w| matches!(*w, "not" | "never" | "isn't" | "wasn't")) || after[0] == "is" && s.word(to + 2) == "a";
    let hypothetical = (from.saturating_sub(4)..from).any(|j| HYPOTHETICAL.contains(&s.word(j)));
    s.negated_before(from, 4) || denied_after || hypothetical
}

/// Words that make "human error" a risk the system should absorb, not the cause of this
/// incident: "the chance of human error", "a process prone to human error".
const HYPOTHETICAL: &[&str] = &[
    "chance", "chances", "risk", "risks", "likelihood", "possibility", "prone", "room", "potential",
    "susceptible", "remove", "removes", "removing", "guard", "guards", "tolerate", "tolerates", "absorb",
];

/// "This oversight led to ..." (a slip), not "regulatory oversight" or "lack of oversight".
fn oversight(s: &Sentence) -> Option<Hit> {
    const SLIP_SENSE: &[&str] = &["this", "that", "an", "human", "simple", "small", "unfortunate", "careless"];
    const SUPERVISION_SENSE: &[&str] = &["of", "committee", "board", "body", "over", "team", "process"];
    s.positions(&["oversight", "oversights"])
        .find(|&i| i > 0 && SLIP_SENSE.contains(&s.word(i.wrapping_sub(1))) && !SUPERVISION_SENSE.contains(&s.word(i + 1)))
        .map(|i| Hit::new(BlameKind::HumanError, i - 1, i))
}

/// Fires on a mistake owned by a person: "a mistake by a member of staff", "our mistake",
/// "the engineer's error".
pub fn owned_mistake(s: &Sentence) -> Option<Hit> {
    const MISTAKES: &[&str] = &["mistake", "mistakes", "error", "errors", "blunder", "slip", "typo", "fault"];
    s.positions(MISTAKES).find_map(|i| {
        let before = s.word(i.wrapping_sub(1));
        let owner_before = matches!(before, "our" | "my" | "his" | "her") || person_possessive(before);
        let owner_after = (i + 1..(i + 6).min(s.tokens.len()))
            .take_while(|&j| s.tokens[j].is_word)
            .find(|&j| matches!(s.word(j), "by" | "of" | "from") || (s.word(j) == "our" && matches!(s.word(j + 1), "side" | "part")))
            .filter(|&j| s.word(j) == "our" || doer_after(&s.tokens, j + 1).is_some_and(Agent::is_someone));
        if owner_before && !s.negated_before(i, 3) {
            Some(Hit::new(BlameKind::Culprit, i - 1, i))
        } else {
            owner_after.map(|j| Hit::new(BlameKind::Culprit, i, (j + 3).min(s.tokens.len() - 1)))
        }
    })
}

fn person_possessive(word: &str) -> bool {
    word.strip_suffix("'s").or_else(|| word.strip_suffix('\'')).is_some_and(|base| {
        super::lexicon::is_noun_in(base, super::lexicon::PERSON_NOUNS)
    })
}

/// Fires on pointing at the culprit: "the fault of the contractor", "X is to blame", an
/// anonymous "someone deleted ...", or a person disciplined as the remedy.
pub fn culprit(s: &Sentence) -> Option<Hit> {
    let fault_of = s.positions(&["fault"]).find(|&i| {
        s.word(i + 1) == "of" && doer_after(&s.tokens, i + 2).is_some_and(Agent::is_someone) && !s.negated_before(i, 4)
    });
    let to_blame = s.positions(&["blame"]).find(|&i| {
        matches!(s.word(i.wrapping_sub(1)), "to") && matches!(s.word(i.saturating_sub(2)), "is" | "was" | "are" | "were")
            && s.agent_of(i).0.is_someone()
    });
    let someone = s.positions(&["someone", "somebody"]).find(|&i| anonymous_doer(s, i));
    let disciplined = s.positions(&["spoken", "disciplined", "reprimanded", "retrained", "fired"]).find(|&i| {
        matches!(s.word(i.wrapping_sub(1)), "been" | "was" | "were") && s.agent_of(i).0.is_someone()
    });
    fault_of
        .map(|i| Hit::new(BlameKind::Culprit, i, i + 2))
        .or_else(|| to_blame.map(|i| Hit::new(BlameKind::Culprit, i - 2, i)))
        .or_else(|| someone.map(|i| Hit::new(BlameKind::Culprit, i, i + 1).with_act(Some(i + 1))))
        .or_else(|| disciplined.map(|i| Hit::new(BlameKind::Culprit, i - 1, i)))
}

/// "Someone wrote ...": an unnamed person as the doer of the act, in the past tense.
fn anonymous_doer(s: &Sentence, i: usize) -> bool {
    let verb = s.word(i + 1);
    let verb = if matches!(verb, "had" | "just" | "then") { s.word(i + 2) } else { verb };
    let past = verb.ends_with("ed") || super::lexicon::IRREGULAR_PAST.contains(&verb);
    past && !s.negated_before(i, 4) && !matches!(s.word(i.wrapping_sub(1)), "for" | "to" | "by" | "blame")
}

/// Fires on hindsight about a person: "X should have checked", "if the reviewer had read",
/// "had the engineer double-checked", "this shouldn't have been rushed".
pub fn counterfactual(s: &Sentence) -> Option<Hit> {
    should_have(s).or_else(|| if_had(s)).or_else(|| inverted_had(s))
}

fn should_have(s: &Sentence) -> Option<Hit> {
    const PASSIVE_PERSON_ACTS: &[&str] = &["rush", "ignore", "overlook", "notice", "escalate", "spot"];
    const PREVENTIONS: &[&str] = &["prevent", "avoid", "catch", "stop", "notice", "spot"];
    s.positions(&["should", "shouldn't", "ought", "could", "couldn't"]).find_map(|i| {
        let have = s.next_content(i).filter(|&h| matches!(s.word(h), "have" | "not" | "to"))?;
        let have = if s.word(have) == "have" { have } else { s.next_content(have).filter(|&h| s.word(h) == "have")? };
        let verb = s.next_content(have)?;
        let could = s.word(i).starts_with("could");
        let hit = Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb));
        if s.word(verb) == "been" {
            let participle = s.next_content(verb)?;
            let by_system = s.word(participle + 1) == "by";
            return (!could && has_lemma(s.word(participle), PASSIVE_PERSON_ACTS) && !by_system)
                .then_some(Hit { to: participle, ..hit });
        }
        let (agent, _) = s.agent_of(i);
        let judged = match agent {
            Agent::Person => !could || has_lemma(s.word(verb), PREVENTIONS),
            Agent::Name | Agent::Unknown => !could && has_lemma(s.word(verb), PERSON_ONLY_ACTS),
            Agent::System | Agent::NoOne => false,
        };
        judged.then_some(hit)
    })
}

/// "If the reviewer had read the diff ...": a condition on a person's act.
fn if_had(s: &Sentence) -> Option<Hit> {
    s.positions(&["if"]).find_map(|i| {
        let had = (i + 1..(i + 7).min(s.tokens.len())).find(|&j| matches!(s.word(j), "had" | "hadn't"))?;
        let verb = s.next_content(had)?;
        let someone = doer_after(&s.tokens, i + 1).is_some_and(Agent::is_someone);
        (someone && s.word(verb) != "been").then(|| Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb)))
    })
}

/// "Had the engineer double-checked the region, ...": the inverted condition.
fn inverted_had(s: &Sentence) -> Option<Hit> {
    s.positions(&["had"]).find_map(|i| {
        let opens_clause = i == 0 || !s.tokens[i - 1].is_word;
        let someone = doer_after(&s.tokens, i + 1).is_some_and(Agent::is_someone);
        let verb = (i + 2..(i + 6).min(s.tokens.len())).find(|&j| s.word(j).ends_with("ed") || has_lemma(s.word(j), ATTENTIVE_ACTS))?;
        (opens_clause && someone).then(|| Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb)))
    })
}

/// Fires on a slip or an omission attached to a person: "accidentally instructed", "forgot to",
/// "failed to verify", "didn't escalate", "pushed it without running the validator", "made a
/// typo", "brought it up with a bad config".
pub fn slip(s: &Sentence) -> Option<Hit> {
    slip_word(s)
        .or_else(|| failed_to(s))
        .or_else(|| omission(s))
        .or_else(|| without_check(s))
        .or_else(|| made_a_mistake(s))
        .or_else(|| lost_track(s))
        .or_else(|| wrong_object(s))
}

fn slip_word(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let word = s.word(i);
        let strictly_personal = SLIP_ADVERBS.contains(&word) || has_lemma(word, SLIPS_IF_PERSON);
        let personal = has_lemma(word, PERSONAL_SLIPS);
        if !(strictly_personal || personal) || s.negated_before(i, 2) {
            return None;
        }
        let (agent, at) = s.agent_of(i);
        let blamed = agent == Agent::Person || (personal && agent == Agent::Name);
        blamed.then(|| Hit::new(BlameKind::Slip, at.filter(|&a| a < i && i - a <= 6).unwrap_or(i), i + usize::from(SLIP_ADVERBS.contains(&word))).with_act(Some(i)))
    })
}

/// "failed to verify", and the nominal "the failure of a lead operator to act".
fn failed_to(s: &Sentence) -> Option<Hit> {
    s.positions(&["failed", "fails", "fail", "failing", "failure"]).find_map(|i| {
        let to = if s.word(i) == "failure" { failure_of(s, i)?? } else { Some(i + 1).filter(|&t| s.word(t) == "to")? };
        let verb = s.next_content(to)?;
        if has_lemma(s.word(verb), BLAMELESS_OMISSIONS) {
            return None;
        }
        let agent = if s.word(i) == "failure" { Agent::Person } else { s.agent_of(i).0 };
        let blamed = agent == Agent::Person || (agent == Agent::Name && has_lemma(s.word(verb), ATTENTIVE_ACTS));
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
        PAST_NEGATIONS.contains(&s.word(i)) || (matches!(s.word(i), "did" | "had" | "has" | "have") && s.word(i + 1) == "not")
    });
    negations.into_iter().find_map(|i| {
        let after = if s.word(i + 1) == "not" { i + 1 } else { i };
        let verb = s.next_content(after)?;
        let word = s.word(verb);
        if has_lemma(word, BLAMELESS_OMISSIONS) || has_lemma(word, &["understand"]) {
            return None;
        }
        let agent = s.agent_of(i).0;
        let blamed = agent == Agent::Person || (agent == Agent::Name && has_lemma(word, ATTENTIVE_ACTS));
        blamed.then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
    })
}

/// "pushed the config without running the validator": skipping a check as the cause.
fn without_check(s: &Sentence) -> Option<Hit> {
    s.positions(&["without"]).find_map(|i| {
        let verb = s.next_content(i)?;
        let check = s.word(verb).ends_with("ing") && has_lemma(s.word(verb), ATTENTIVE_ACTS);
        (check && s.agent_of(i).0.is_someone()).then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
    })
}

/// "an engineer made a typo".
fn made_a_mistake(s: &Sentence) -> Option<Hit> {
    const SLIPS: &[&str] = &["typo", "mistake", "error", "slip", "blunder", "misstep"];
    s.positions(&["made", "make", "makes", "making"]).find_map(|i| {
        let slip = (i + 1..(i + 4).min(s.tokens.len())).find(|&j| SLIPS.contains(&s.word(j)))?;
        s.agent_of(i).0.is_someone().then(|| Hit::new(BlameKind::Slip, i, slip))
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
    const WRONG: &[&str] = &["wrong", "incorrect", "bad", "invalid", "erroneous", "faulty"];
    const REMEDIES: &[&str] = &[
        "roll", "revert", "fix", "identify", "find", "found", "notice", "detect", "spot", "remove",
        "replace", "disable", "correct", "investigate", "trace", "diagnose", "discover", "catch",
        "caught", "flag", "report", "escalate", "isolate", "undo", "restore", "clean",
    ];
    s.positions(WRONG).find_map(|i| {
        let (agent, at) = s.agent_of(i);
        let at = at.filter(|&a| a < i)?;
        let remedied = (at..i).any(|j| has_lemma(s.word(j), REMEDIES));
        (agent == Agent::Person && !remedied && !s.negated_before(i, 2)).then(|| Hit::new(BlameKind::Slip, at, i + 1))
    })
}

/// Fires on a judgement of a person's character, state or competence: "careless",
/// "too tired", "did not understand", "panicked".
pub fn character(s: &Sentence) -> Option<Hit> {
    const JUDGEMENTS: &[&str] = &[
        "careless", "carelessness", "sloppy", "sloppiness", "lazy", "laziness", "negligent",
        "negligence", "incompetent", "incompetence", "reckless", "recklessly", "recklessness",
        "inattentive", "inattention", "clueless", "inexperienced", "complacent", "complacency",
    ];
    let judged = s.positions(JUDGEMENTS).find(|&i| !s.negated_before(i, 3)).map(|i| Hit::new(BlameKind::Character, i, i));
    let tired = s.positions(&["too"]).find(|&i| matches!(s.word(i + 1), "tired" | "sleepy" | "exhausted" | "distracted"));
    let not_understood = s.positions(&["understand", "grasp", "comprehend"]).find(|&i| {
        let negated = s.word(i.wrapping_sub(1)).ends_with("n't") || matches!(s.word(i.wrapping_sub(1)), "not" | "to") && !s.word(i.wrapping_sub(2)).is_empty();
        negated && s.agent_of(i).0.is_someone()
    });
    let panicked = s.positions(&["panicked", "panic", "panicking"]).find(|&i| s.agent_of(i).0.is_someone() && s.word(i.wrapping_sub(1)) != "kernel");
    judged
        .or_else(|| tired.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| not_understood.map(|i| Hit::new(BlameKind::Character, i.saturating_sub(2), i)))
        .or_else(|| panicked.map(|i| Hit::new(BlameKind::Character, i, i)))
}

/// Fires on a lesson that asks people to try harder: "be more careful", "pay more attention",
/// "needs more carefully studying".
pub fn exhortation(s: &Sentence) -> Option<Hit> {
    const VIRTUES: &[&str] = &["careful", "carefully", "vigilant", "diligent", "attentive", "thorough", "mindful", "aware", "disciplined"];
    let more_virtue = s.positions(VIRTUES).find(|&i| {
        let urged = matches!(s.word(i.wrapping_sub(1)), "more" | "be") || (s.word(i.wrapping_sub(1)) == "extra" && s.word(i.wrapping_sub(2)) == "be");
        urged && !s.negated_before(i, 7)
    });
    let attention = s.positions(&["attention"]).find(|&i| {
        s.word(i.saturating_sub(1)) == "more" || (s.word(i.wrapping_sub(1)) == "closer" && s.word(i.wrapping_sub(2)).starts_with("pa"))
    });
    let following = s.positions(&["better"]).find(|&i| s.word(i + 1) == "at" && has_lemma(s.word(i + 2), &["follow", "stick", "check", "remember"]));
    more_virtue
        .map(|i| Hit::new(BlameKind::Exhortation, i.saturating_sub(1), i))
        .or_else(|| attention.map(|i| Hit::new(BlameKind::Exhortation, i - 1, i)))
        .or_else(|| following.map(|i| Hit::new(BlameKind::Exhortation, i, i + 2)))
}

/// True when the sentence denies blame outright ("we are not looking for someone to blame",
/// "no one is at fault"): such a sentence is blameless by construction.
pub fn disclaims_blame(s: &Sentence) -> bool {
    s.positions(&["blame", "fault", "blamed", "culprit", "scapegoat"]).any(|i| {
        let negated = s.negated_before(i, 6) || (0..i).any(|j| matches!(s.word(j), "nobody" | "no-one") || (s.word(j) == "no" && s.word(j + 1) == "one"));
        negated && s.word(i + 1) != "of"
    })
}
