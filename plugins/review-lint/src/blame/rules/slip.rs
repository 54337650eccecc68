//! A person's slip or omission given as the cause, with the cases where the same words
//! describe a system, a passive or a lucky find instead.

use super::harm::{DAMAGING, REMOVING};
use super::{Hit, person_possessive};
use crate::blame::BlameKind;
use crate::blame::agent::{Agent, doer_after};
use crate::blame::lexicon::{
    ATTENTIVE_ACTS, BLAMELESS_OMISSIONS, PERSON_NOUNS, has_lemma, is_noun_in, name_shaped,
};
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
    // Under the stems' seven-letter floor.
    "rashly",
    "lazily",
    "naively",
];

/// Stems of the adjectives of accident and negligence: an adverb built on one ("accidently",
/// "negligently", "thoughtlessly", "improperly", "unintendedly") frames the act it modifies as a
/// slip, however it is spelled after the stem.
const SLIP_ADVERB_STEMS: &[&str] = &[
    "accident",
    "mistak",
    "inadvert",
    "unintend",
    "unintention",
    "erroneous",
    "incorrect",
    "wrong",
    "careless",
    "negligent",
    "reckless",
    "thoughtless",
    "heedless",
    "unwitting",
    "unknowing",
    "absent-minded",
    "sloppi",
    "hast",
    "improper",
    "blind",
    "unthinking",
    "mindless",
    "hurried",
    "foolish",
    "impulsive",
    "casual",
    // Ease where care was due: "breezily", "cavalierly", "perfunctorily".
    "breez",
    "cavalier",
    "flippant",
    "nonchalant",
    "perfunctori",
    "cursori",
];

/// True for an adverb that frames an act as an accident or a lapse: one of [`SLIP_ADVERBS`],
/// or an `-ly` word on one of [`SLIP_ADVERB_STEMS`].
pub(super) fn is_slip_adverb(word: &str) -> bool {
    SLIP_ADVERBS.contains(&word)
        || (word.ends_with("ly")
            && word.len() > 6
            && SLIP_ADVERB_STEMS.iter().any(|stem| word.starts_with(stem)))
}

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
    "disregard",
    "botch",
    "bungle",
    "fumble",
    "omit",
    "miss",
    // "shrugged off the alarm", "brushed it off", "dismissed the page": ignoring, in other words.
    "shrug",
    "brush",
    "wave",
    "dismiss",
    // Reading past what mattered: "skimmed past the notice", "glossed over the warning".
    "skim",
    "gloss",
];

/// Verbs with the prefix of doing wrong ("misconfigured", "mistyped", "mislabelled",
/// "misread", "misunderstood"): a person doing one is slipping, whatever the verb. "Missed"
/// and "misbehaved" are not of the kind ("miss" is in [`SLIPS_IF_PERSON`]; a node misbehaves).
fn is_mis_verb(word: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "misread",
        "mistook",
        "misunderstood",
        "misheard",
        "misspelt",
    ];
    word.strip_prefix("mis").is_some_and(|rest| {
        rest.len() >= 4
            && !rest.starts_with('s')
            && !rest.starts_with("behav")
            && !rest.starts_with("sion")
            && rest.ends_with("ed")
    }) || IRREGULAR.contains(&word)
}

/// Finding something by accident is luck, not a failing: "accidentally discovered the leak".
const DISCOVERIES: &[&str] = &[
    "discover", "find", "found", "notice", "spot", "uncover", "stumble", "learn", "realise",
    "realize",
];

/// Fires on a slip or an omission attached to a person: "accidentally instructed", "forgot to",
/// "failed to verify", "didn't escalate", "pushed it without running the validator", "made a
/// typo", "brought it up with a bad config".
/// "was warned twice ... and chose to carry on regardless": going on past a warning is ignoring
/// it, whatever the words.
fn went_on_despite_warning(s: &Sentence) -> Option<Hit> {
    // "elected to push it early, over the objections raised": the same, told the other way.
    let overruled = s
        .positions(&["objection", "objections", "warnings", "advice"])
        .find(|&i| {
            (i.saturating_sub(3)..i).any(|j| matches!(s.word(j), "over" | "despite" | "against"))
                && s.agent_of(i).0.is_someone()
        });
    if let Some(i) = overruled {
        return Some(Hit::new(BlameKind::Slip, i.saturating_sub(2), i));
    }
    let warned = s.positions(&["warned"]).find(|&i| {
        matches!(
            s.word(i.wrapping_sub(1)),
            "was" | "were" | "been" | "twice" | "repeatedly"
        ) || s.word(i.wrapping_sub(2)) == "was"
    })?;
    let anyway = (warned + 1..s.tokens.len()).find(|&j| {
        matches!(
            s.word(j),
            "regardless" | "anyway" | "nonetheless" | "nevertheless"
        )
    })?;
    s.agent_of(warned)
        .0
        .is_someone()
        .then(|| Hit::new(BlameKind::Slip, warned, anyway))
}

/// Idioms of a lapse, each a verb and the word that makes it one: "dropped the ball", "jumped
/// the gun", "turned a blind eye", "took their eye off", "fell asleep at the wheel".
const LAPSE_IDIOMS: &[(&str, &str)] = &[
    ("drop", "ball"),
    ("jump", "gun"),
    ("turn", "blind"),
    ("take", "eye"),
    ("took", "eye"),
    // "mixed up the two consoles": one thing taken for another.
    ("mix", "up"),
    ("fall", "asleep"),
    ("wing", "it"),
    ("cut", "corner"),
];

/// A person as the doer of an idiom of a lapse.
fn lapse_idiom(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let (_, key) = LAPSE_IDIOMS
            .iter()
            .find(|(verb, _)| has_lemma(s.word(i), &[*verb]))?;
        let key_at = (i + 1..(i + 4).min(s.tokens.len())).find(|&j| s.word(j) == *key)?;
        s.agent_of(i)
            .0
            .is_someone()
            .then(|| Hit::new(BlameKind::Slip, i, key_at))
    })
}

/// "Not once did the contractor test the splice": the negation put first, the doer after it.
fn not_once_did(s: &Sentence) -> Option<Hit> {
    s.positions(&["did"]).find_map(|i| {
        let inverted = s.word(i.wrapping_sub(1)) == "once"
            && matches!(s.word(i.wrapping_sub(2)), "not" | "never");
        // The doer stands before the verb ("did the technician test"), so a person noun among
        // the next few words is it; a compound would swallow the verb as its head.
        let end = (i + 5).min(s.tokens.len());
        let person = (i + 1..end).any(|j| {
            is_noun_in(s.word(j), PERSON_NOUNS)
                || s.tokens[j].is_word && name_shaped(s.tokens[j].text)
        });
        (inverted && person).then(|| Hit::new(BlameKind::Omission, i - 2, i))
    })
}

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
        .or_else(|| went_on_despite_warning(s))
        .or_else(|| lapse_idiom(s))
        .or_else(|| not_once_did(s))
        .or_else(|| meant_otherwise(s))
        .or_else(|| no_one_of_the_group_looked(s))
}

/// "Nobody on the catalogue team noticed", "had anyone on the mobile team looked at the crash
/// dashboard": the looking a named group did not do. ("Nobody on the team did anything wrong"
/// denies a failing; only acts of attention are a group's omission.)
fn no_one_of_the_group_looked(s: &Sentence) -> Option<Hit> {
    s.positions(&["nobody", "anyone", "anybody", "one"])
        .find_map(|i| {
            let none =
                s.word(i) == "nobody" || (s.word(i) == "one" && s.word(i.wrapping_sub(1)) == "no");
            let had_anyone = matches!(s.word(i), "anyone" | "anybody")
                && matches!(s.word(i.wrapping_sub(1)), "had" | "if");
            if !(none || had_anyone) || !crate::blame::agent::of_a_group(&s.tokens, i) {
                return None;
            }
            const LOOKING: &[&str] = &[
                "look",
                "notice",
                "check",
                "read",
                "watch",
                "open",
                "glance",
                "spot",
                "see",
                "review",
                "verify",
                "double-check",
            ];
            let act = (i + 3..(i + 9).min(s.tokens.len()))
                .find(|&j| has_lemma(s.word(j), LOOKING) && s.same_clause(i, j))?;
            Some(Hit::new(BlameKind::Omission, i, act).with_act(Some(act)))
        })
}

/// "pointed the script at the live store when he meant to point it at the archive": an act
/// set against what its doer intended is a slip, told as one.
fn meant_otherwise(s: &Sentence) -> Option<Hit> {
    s.positions(&["meant", "intended"]).find_map(|i| {
        let doer = i.checked_sub(1)?;
        let contrast = matches!(
            s.word(doer.wrapping_sub(1)),
            "when" | "while" | "but" | "though"
        );
        let pronoun = matches!(s.word(doer), "he" | "she" | "they" | "i" | "we");
        let act = doer.checked_sub(2)?;
        (s.word(i + 1) == "to" && contrast && pronoun && s.agent_of(act).0.is_someone())
            .then(|| Hit::new(BlameKind::Slip, doer.saturating_sub(1), i + 1))
    })
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
        "unmonitored",
        "unanswered",
        "unwatched",
        "unreviewed",
        "enabled",
        "on",
        "running",
        "open",
        // "left the processor in test mode": a rehearsal's setting left on in production.
        "test",
        "debug",
    ];
    // "let the queue sit unattended": letting a thing stay so is leaving it so. Only the
    // un- states count after "let" ("let the job run" is no omission).
    const LETTING: &[&str] = &["let", "lets", "letting"];
    s.positions(&[
        "left", "leave", "leaves", "leaving", "let", "lets", "letting",
    ])
    .find_map(|i| {
        let state = (i + 2..(i + 7).min(s.tokens.len()))
            .take_while(|&j| s.same_clause(i, j))
            .find(|&j| {
                let state = s.word(j);
                // "let the renewal lapse": a thing let fall is left undone too.
                let lapsed = LETTING.contains(&s.word(i)) && matches!(state, "lapse" | "slide");
                lapsed
                    || UNFINISHED.contains(&state)
                        && (!LETTING.contains(&s.word(i)) || state.starts_with("un"))
            })?;
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
        let adverb = is_slip_adverb(word);
        let strictly_personal = adverb || has_lemma(word, SLIPS_IF_PERSON) || is_mis_verb(word);
        let personal = has_lemma(word, PERSONAL_SLIPS);
        if !(strictly_personal || personal)
            || word == "missing"
            || obliged(s, i)
            || hypothetical(s, i)
            || requested(s, i)
            || s.negated_before(i, 2)
            || adjectival(s, i)
            || passive_without_person(s, i)
        {
            return None;
        }
        let lucky_find = adverb
            && s.next_content(i)
                .is_some_and(|v| has_lemma(s.word(v), DISCOVERIES));
        let (agent, at) = s.agent_of(i);
        // A name right before the act ("Marek accidentally pushed", "Ana misread") is its
        // subject; further away it may be a product named earlier in the clause.
        let named_subject = agent == Agent::Name && at.is_some_and(|a| a < i && i - a <= 2);
        let blamed = !lucky_find
            && (agent == Agent::Person || (agent == Agent::Name && (personal || named_subject)));
        blamed.then(|| {
            Hit::new(
                BlameKind::Slip,
                at.filter(|&a| a < i && i - a <= 6).unwrap_or(i),
                i + usize::from(adverb),
            )
            .with_act(Some(i))
        })
    })
}

/// "operators had to skip the queue", "were forced to ignore the alarms": an act people were
/// obliged to do is the situation's doing, not a slip.
fn obliged(s: &Sentence, i: usize) -> bool {
    s.word(i.wrapping_sub(1)) == "to"
        && matches!(
            s.word(i.wrapping_sub(2)),
            "had" | "has" | "have" | "needed" | "need" | "forced" | "required" | "obliged"
        )
}

/// "would miss the point", "might have overlooked it too": an act someone would or might do is
/// not one they did.
fn hypothetical(s: &Sentence, i: usize) -> bool {
    const MODALS: &[&str] = &["would", "might", "may", "will", "can", "could", "cannot"];
    (i.saturating_sub(2)..i).any(|j| MODALS.contains(&s.word(j)))
}

/// "please disregard the adjustment notice", "kindly ignore the earlier mail": a request to
/// the reader, not a report of what someone did.
fn requested(s: &Sentence, i: usize) -> bool {
    matches!(
        s.word(i.wrapping_sub(1)),
        "please" | "pls" | "plz" | "kindly"
    )
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
        || (is_slip_adverb(s.word(i)) && BE.contains(&s.word(i.wrapping_sub(1))));
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
    // "at no point confirmed", "at no time checked": the same negation, told as a span of time.
    let at_no_time = |i: usize| {
        matches!(s.word(i), "point" | "time" | "stage")
            && s.word(i.wrapping_sub(1)) == "no"
            && s.word(i.wrapping_sub(2)) == "at"
            && s.word(i + 1).ends_with("ed")
    };
    let negations = (0..s.tokens.len()).filter(|&i| {
        PAST_NEGATIONS.contains(&s.word(i))
            || (matches!(s.word(i), "did" | "had" | "has" | "have") && s.word(i + 1) == "not")
            || at_no_time(i)
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
        (blamed && !missed_by_a_test_stage(s, verb))
            .then(|| Hit::new(BlameKind::Omission, i, verb).with_act(Some(verb)))
    })
}

/// "we did not detect it in our testing environments", "didn't catch it in staging": what
/// was missed is placed on a stage of testing that could not show it, a gap in the process.
fn missed_by_a_test_stage(s: &Sentence, verb: usize) -> bool {
    const DETECTING: &[&str] = &["detect", "catch", "caught", "notice", "spot", "see", "find"];
    const STAGES: &[&str] = &[
        "testing",
        "test",
        "tests",
        "staging",
        "ci",
        "review",
        "qa",
        "pre-production",
        "preprod",
    ];
    has_lemma(s.word(verb), DETECTING)
        && (verb + 1..(verb + 6).min(s.tokens.len()))
            .take_while(|&j| s.same_clause(verb, j))
            .any(|j| {
                s.word(j) == "in"
                    && (j + 1..(j + 3).min(s.tokens.len())).any(|k| STAGES.contains(&s.word(k)))
            })
}

/// "pushed the config without running the validator": skipping a check as the cause.
fn without_check(s: &Sentence) -> Option<Hit> {
    s.positions(&["without"]).find_map(|i| {
        // "without so much as opening it": not even the least look, whatever the verb.
        let not_even = s.word(i + 1) == "so" && s.word(i + 2) == "much" && s.word(i + 3) == "as";
        let verb = if not_even { i + 4 } else { s.next_content(i)? };
        // "without getting anyone to look at it": the check asked of no one, so not made.
        // "without sending anyone down to look": the same, with where they would go.
        let to_look = (verb + 2..(verb + 5).min(s.tokens.len()))
            .any(|j| s.word(j) == "to" && has_lemma(s.word(j + 1), ATTENTIVE_ACTS));
        let delegated = has_lemma(s.word(verb), &["get", "have", "ask", "send"])
            && matches!(
                s.word(verb + 1),
                "anyone" | "anybody" | "someone" | "somebody"
            )
            && to_look;
        let check = s.word(verb).ends_with("ing")
            && (has_lemma(s.word(verb), ATTENTIVE_ACTS) || delegated || not_even);
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
    s.positions(WRONG).chain(removed_instead(s)).find_map(|i| {
        let (agent, at) = s.agent_of(i);
        let at = at.filter(|&a| a < i && s.same_clause(a, i))?;
        let remedied = (at..i).any(|j| has_lemma(s.word(j), REMEDIES));
        (agent == Agent::Person && !remedied && !s.negated_before(i, 2))
            .then(|| Hit::new(BlameKind::Slip, at, i + 1))
    })
}

/// "disconnected the suppression link instead of the lift controller's": a removing or
/// damaging act done to one thing when another was meant. With other verbs "instead of" tells
/// a choice ("used Terraform instead of the console"), and a fix told this way is no slip.
fn removed_instead<'s>(s: &'s Sentence) -> impl Iterator<Item = usize> + 's {
    let remedied =
        (0..s.tokens.len()).any(|j| has_lemma(s.word(j), &["restore", "fix", "recover"]));
    // "rather than the spare one": the same substitution.
    let rather = |i: usize| s.word(i) == "rather" && s.word(i + 1) == "than";
    s.positions(&["instead", "rather"]).filter(move |&i| {
        let target = s.tokens.get(i + 2).is_some_and(|t| {
            matches!(t.lower.as_str(), "the" | "a" | "an" | "its" | "their") || name_shaped(t.text)
        });
        let act = (i.saturating_sub(8)..i).any(|j| {
            let w = s.word(j);
            has_lemma(w, REMOVING) || has_lemma(w, DAMAGING) || has_lemma(w, &["pull", "yank"])
        });
        // "pushed the rate file to production instead of the sandbox": whatever the act, one
        // environment taken for another is a wrong target, not a choice of tool.
        let environment = (i + 2..(i + 4).min(s.tokens.len())).any(|j| {
            matches!(
                s.word(j),
                "sandbox" | "staging" | "production" | "prod" | "live" | "test" | "archive"
            )
        });
        (s.word(i + 1) == "of" || rather(i)) && target && (act || environment) && !remedied
    })
}
