//! Labels and culprits: "human error" as a cause, a mistake owned by a person, pointing at
//! who is at fault, and sentences that disclaim blame outright.

use super::{Hit, person_possessive};
use crate::blame::BlameKind;
use crate::blame::agent::{Agent, classify, doer_after};
use crate::blame::lexicon::{PERSON_NOUNS, is_noun_in, name_shaped};
use crate::blame::sentence::Sentence;
use crate::lemma::has_lemma;

/// Fires on "human error", "operator error" or "this oversight" given as a cause.
pub(crate) fn human_error_label(s: &Sentence) -> Option<Hit> {
    const WHO: &[&str] = &[
        "human",
        "operator",
        "user",
        "pilot",
        "manual",
        "personnel",
        "staff",
        "engineer",
    ];
    const SLIP: &[&str] = &["error", "errors", "mistake", "mistakes"];
    // "user errors" are usually errors users saw; "user error" is the label.
    let label = |i: usize| {
        SLIP.contains(&s.word(i + 1)) && !(s.word(i) == "user" && s.word(i + 1).ends_with('s'))
    };
    let labelled = s.positions(WHO).find(|&i| label(i) && !denied(s, i, i + 1));
    let hyphenated = s
        .positions(&["human-error", "operator-error"])
        .find(|&i| !denied(s, i, i));
    labelled
        .map(|i| Hit::new(BlameKind::HumanError, i, i + 1))
        .or_else(|| hyphenated.map(|i| Hit::new(BlameKind::HumanError, i, i)))
        .or_else(|| oversight(s))
        .or_else(|| misbelief(s))
        .or_else(|| someones_decision(s))
        .or_else(|| someones_failing(s))
}

/// Nouns that name a failing: owned by a person ("Sipho's mistake", "the admin's oversight"),
/// or with a person's role in front ("an operator slip"), they put the cause on that person
/// whatever verb follows.
const FAILINGS: &[&str] = &[
    "mistake",
    "mistakes",
    "error",
    "errors",
    "misjudgement",
    "misjudgment",
    "oversight",
    "slip",
    "slip-up",
    "blunder",
    "lapse",
    "goof",
    "gaffe",
    "misstep",
    "fumble",
    "carelessness",
    "negligence",
    // "Mateusz's botched cutover": the work owned by a person, called badly done.
    "botched",
    "bungled",
];

/// "Ksenia's misjudgement of the forecast", "Helga's oversight", "an operator slip": a failing
/// noun whose owner is a person. "Human error" and "operator error" are labelled above.
fn someones_failing(s: &Sentence) -> Option<Hit> {
    // "Ingrid's misreading", "the admin's mishandling": a noun of doing wrong, by its prefix.
    let failing = |i: usize| {
        let w = s.word(i);
        // "the clerks' misplaced confidence in the script": trust given where it was not due.
        let misplaced = matches!(w, "confidence" | "trust" | "faith")
            && matches!(s.word(i.wrapping_sub(1)), "misplaced" | "blind" | "undue");
        misplaced
            || FAILINGS.contains(&w)
            || (w.starts_with("mis") && w.len() > 7 && (w.ends_with("ing") || w.ends_with("ment")))
    };
    (0..s.tokens.len()).filter(|&i| failing(i)).find_map(|i| {
        // "A lapse on Wanjiru's part": the owner after the noun.
        if s.word(i + 1) == "on" {
            // "on Wanjiru's part", "on the operator's part".
            let owner = if s.word(i + 2) == "the" { i + 3 } else { i + 2 };
            if s.word(owner + 1) == "part" && owned_by_someone(s, owner) {
                return (!denied(s, i, owner + 1))
                    .then(|| Hit::new(BlameKind::HumanError, i, owner + 1));
            }
        }
        // "a goof by our antenna contractor": the owner named after "by". Errors and slips
        // also come "by" systems, and "a mistake by" is the culprit rule's, so only the
        // failings that are people's alone.
        let elsewhere = matches!(
            s.word(i),
            "error" | "errors" | "slip" | "mistake" | "mistakes"
        );
        // "a lapse of attention by the duty operator": what failed may come between.
        let by = if matches!(s.word(i + 1), "of" | "in") && s.word(i + 3) == "by" {
            i + 3
        } else {
            i + 1
        };
        if s.word(by) == "by" && !elsewhere {
            let end = (by + 5).min(s.tokens.len());
            if let Some(owner) = (by + 1..end).find(|&o| is_noun_in(s.word(o), PERSON_NOUNS)) {
                return (!denied(s, i, owner)).then(|| Hit::new(BlameKind::HumanError, i, owner));
            }
        }
        // The owner's possessive stands right before, or before one adjective ("Sipho's small
        // mistake"); a role right before is the owner too ("an operator slip").
        let role = |o: usize| is_noun_in(s.word(o), PERSON_NOUNS);
        let owner = (i.saturating_sub(2)..i)
            .rev()
            .find(|&o| someones_possessive(s, o) || (o + 1 == i && role(o)))?;
        (!denied(s, owner, i)).then(|| Hit::new(BlameKind::HumanError, owner, i))
    })
}

/// A person's or a role's possessive: "Ksenia's", "the engineer's".
fn someones_possessive(s: &Sentence, o: usize) -> bool {
    // "the clerks' ...": a plural's apostrophe stands as a token of its own.
    let plural = s.tokens[o].text == "'"
        && o > 0
        && s.tokens[o - 1].end == s.tokens[o].start
        && is_noun_in(s.word(o - 1), PERSON_NOUNS);
    if plural {
        return true;
    }
    let text = s.tokens[o].text;
    let named = text
        .strip_suffix("'s")
        .or_else(|| text.strip_suffix("’s"))
        .is_some_and(name_shaped);
    named || person_possessive(s.word(o))
}

/// A person's possessive or a person noun ("operator").
fn owned_by_someone(s: &Sentence, o: usize) -> bool {
    someones_possessive(s, o) || is_noun_in(s.word(o), PERSON_NOUNS)
}

/// "The root cause was Priya's decision to ...": a named person's (or a role's) choice given
/// as the cause puts it on their judgement. "Our decision" is left alone: a team's choice is
/// as often a plan as a failing.
fn someones_decision(s: &Sentence) -> Option<Hit> {
    // Not "choice": a product's is as common ("Postgres's choice of plan").
    // "Diego's call to skip the canary": a call followed by what was chosen.
    // "insistence", "refusal": choices only people make, named as the cause the same way.
    let possessed = s
        .positions(&[
            "decision",
            "decisions",
            "call",
            "judgement",
            "judgment",
            "insistence",
            "refusal",
            "verdict",
        ])
        .filter(|&i| i > 0 && (s.word(i) != "call" || s.word(i + 1) == "to"))
        .find(|&i| {
            // "What sank the launch was Haruki's insistence": a cleft that names the cause.
            let cleft = s.word(0) == "what" && matches!(s.word(i.wrapping_sub(2)), "was" | "is");
            let as_cause = (i.saturating_sub(5)..i).any(|j| AS_CAUSE.contains(&s.word(j)))
                || caused_after(s, i)
                || cleft;
            someones_possessive(s, i - 1) && as_cause
        })
        .map(|i| Hit::new(BlameKind::Culprit, i - 1, i));
    possessed
        .or_else(|| choice_someone_made(s))
        .or_else(|| decision_by_someone(s))
}

/// "The decision by the head of dispatch to keep the old tables is what left ...": the maker
/// named after "by", the choice named as the cause.
fn decision_by_someone(s: &Sentence) -> Option<Hit> {
    s.positions(&["decision", "choice", "call", "insistence", "refusal"])
        .find(|&i| {
            let by_person = s.word(i + 1) == "by"
                && doer_after(&s.tokens, i + 2).is_some_and(|a| a == Agent::Person);
            by_person && caused_after(s, i)
        })
        .map(|i| Hit::new(BlameKind::Culprit, i, i + 2))
}

/// "The choice Bogdan made to run ... is the root cause": a choice a named person made, named
/// as the cause.
fn choice_someone_made(s: &Sentence) -> Option<Hit> {
    s.positions(&["choice", "decision", "call"])
        .find(|&i| {
            let maker = i + 1;
            let named = s.tokens.get(maker).is_some_and(|t| name_shaped(t.text));
            let made = has_lemma(s.word(maker + 1), &["make", "made"]);
            // The cause is often named far on ("... is the root cause of the empty machines").
            let as_cause =
                caused_after(s, maker) || (maker + 2..s.tokens.len()).any(|j| s.word(j) == "cause");
            named && made && as_cause
        })
        .map(|i| Hit::new(BlameKind::Culprit, i, i + 2))
}

/// Words that, a few words before, make what follows the cause.
const AS_CAUSE: &[&str] = &[
    "cause", "caused", "due", "because", "result", "stemmed", "traces", "traced", "down",
];

/// "X's decision ... led to the outage", "... is why the login broke": what follows makes it
/// the cause.
fn caused_after(s: &Sentence, i: usize) -> bool {
    const CAUSING: &[&str] = &[
        "caused",
        "causes",
        "led",
        "leads",
        "resulted",
        "triggered",
        "broke",
        "why",
        "meant",
    ];
    // "... is what left forty lorries circling": a cleft naming the effect.
    let cleft = |j: usize| s.word(j) == "what" && matches!(s.word(j - 1), "is" | "was");
    (i + 1..(i + 12).min(s.tokens.len())).any(|j| CAUSING.contains(&s.word(j)) || cleft(j))
}

/// "The root cause was a misunderstanding of ...": only people hold beliefs, so a wrong one
/// named as the cause puts it on whoever held it, named or not.
fn misbelief(s: &Sentence) -> Option<Hit> {
    const MISBELIEFS: &[&str] = &[
        "misunderstanding",
        "misunderstandings",
        "misconception",
        "misconceptions",
        "misjudgement",
        "misjudgment",
        "misjudgements",
        "misjudgments",
    ];
    s.positions(MISBELIEFS)
        .find(|&i| (i.saturating_sub(4)..i).any(|j| AS_CAUSE.contains(&s.word(j))))
        .map(|i| Hit::new(BlameKind::HumanError, i, i))
}

/// "Human error" with a denial before it ("no", "to prevent") or after it ("was not").
/// A "not" that opens what the error was ("human error in not knowing") is no denial.
fn denied(s: &Sentence, from: usize, to: usize) -> bool {
    let after = [s.word(to + 1), s.word(to + 2)];
    let copula = matches!(after[0], "is" | "was" | "are" | "were");
    let denied_after = matches!(after[0], "not" | "never" | "isn't" | "wasn't")
        || copula && matches!(after[1], "not" | "never")
        || after[0] == "is" && after[1] == "a";
    let hypothetical = (from.saturating_sub(4)..from).any(|j| HYPOTHETICAL.contains(&s.word(j)));
    // "We are not treating this as operator error": the framing itself is denied.
    let framing_denied = (from.saturating_sub(6)..from).any(|j| {
        matches!(s.word(j), "not" | "never")
            && has_lemma(
                s.word(j + 1),
                &[
                    "treat", "regard", "call", "count", "see", "view", "consider", "classify",
                ],
            )
    });
    s.negated_before(from, 4) || denied_after || hypothetical || framing_denied
}

/// Words that make "human error" a risk the system should absorb, not the cause of this
/// incident: "the chance of human error", "a process prone to human error".
const HYPOTHETICAL: &[&str] = &[
    "chance",
    "chances",
    "risk",
    "risks",
    "likelihood",
    "possibility",
    "prone",
    "room",
    "potential",
    "susceptible",
    "remove",
    "removes",
    "removing",
    "guard",
    "guards",
    "tolerate",
    "tolerates",
    "absorb",
    "assumed",
    "assume",
    "suspected",
    "suspect",
    "suspicion",
    "theorised",
    "theorized",
    "hypothesis",
];

/// "This oversight led to ..." (a slip), not "regulatory oversight" or "lack of oversight".
fn oversight(s: &Sentence) -> Option<Hit> {
    const SLIP_SENSE: &[&str] = &[
        "this",
        "that",
        "an",
        "human",
        "simple",
        "small",
        "unfortunate",
        "careless",
    ];
    const SUPERVISION_SENSE: &[&str] = &[
        "of",
        "committee",
        "board",
        "body",
        "over",
        "team",
        "process",
    ];
    s.positions(&["oversight", "oversights"])
        .find(|&i| {
            // "Root cause: oversight in the sign-off": named as the cause, it is the slip.
            let as_cause = (i.saturating_sub(4)..i).any(|j| AS_CAUSE.contains(&s.word(j)));
            i > 0
                && (SLIP_SENSE.contains(&s.word(i.wrapping_sub(1))) || as_cause)
                && !SUPERVISION_SENSE.contains(&s.word(i + 1))
        })
        .map(|i| Hit::new(BlameKind::HumanError, i.saturating_sub(1), i))
}

/// Fires on a mistake owned by a person: "a mistake by a member of staff", "our mistake",
/// "the engineer's error".
pub(crate) fn owned_mistake(s: &Sentence) -> Option<Hit> {
    const MISTAKES: &[&str] = &[
        "mistake", "mistakes", "error", "errors", "blunder", "slip", "typo", "fault",
    ];
    s.positions(MISTAKES).find_map(|i| {
        let before = s.word(i.wrapping_sub(1));
        let owner_before =
            matches!(before, "our" | "my" | "his" | "her") || person_possessive(before);
        // "mistake by X", "error made by X", "error on the part of X", "mistake on our side".
        let after_be = if matches!(s.word(i + 1), "was" | "were") {
            i + 2
        } else {
            i + 1
        };
        let linked = if matches!(s.word(after_be), "made" | "introduced" | "committed") {
            after_be + 1
        } else {
            i + 1
        };
        let on_the_part =
            s.word(linked) == "on" && s.word(linked + 1) == "the" && s.word(linked + 2) == "part";
        let link = if on_the_part { linked + 3 } else { linked };
        let our_side = s.word(i + 1) == "on"
            && s.word(i + 2) == "our"
            && matches!(s.word(i + 3), "side" | "part");
        let owner_after = match s.word(link) {
            "by" => doer_after(&s.tokens, link + 1).is_some_and(Agent::is_someone),
            "of" | "from" => doer_after(&s.tokens, link + 1) == Some(Agent::Person),
            _ => false,
        };
        let owner_after = (owner_after || our_side).then_some(link.min(s.tokens.len() - 1));
        if owner_before && !s.negated_before(i, 3) {
            Some(Hit::new(BlameKind::Culprit, i - 1, i))
        } else {
            owner_after
                .map(|j| Hit::new(BlameKind::Culprit, i, (j + 3).min(s.tokens.len() - 1)))
                .filter(|_| !s.negated_before(i, 3))
        }
    })
}

/// Fires on pointing at the culprit: "the fault of the contractor", "X is to blame", an
/// anonymous "someone deleted ...", or a person disciplined as the remedy.
pub(crate) fn culprit(s: &Sentence) -> Option<Hit> {
    let fault_of = s.positions(&["fault"]).find(|&i| {
        s.word(i + 1) == "of"
            && doer_after(&s.tokens, i + 2).is_some_and(Agent::is_someone)
            && !s.negated_before(i, 4)
    });
    let to_blame = s.positions(&["blame"]).find(|&i| {
        matches!(s.word(i.wrapping_sub(1)), "to")
            && matches!(s.word(i.saturating_sub(2)), "is" | "was" | "are" | "were")
            && s.agent_of(i).0.is_someone()
    });
    let someone = s
        .positions(&["someone", "somebody"])
        .find(|&i| anonymous_doer(s, i));
    let disciplined = s
        .positions(&["spoken", "disciplined", "reprimanded", "retrained", "fired"])
        .find(|&i| {
            matches!(s.word(i.wrapping_sub(1)), "been" | "was" | "were")
                && s.agent_of(i).0.is_someone()
        });
    let cause_is_person = cause_is_a_person(s);
    let on_someone = responsibility_on(s);
    fault_of
        .or(on_someone)
        .map(|i| Hit::new(BlameKind::Culprit, i, i + 2))
        .or_else(|| cause_is_person.map(|(i, j)| Hit::new(BlameKind::Culprit, i, j)))
        .or_else(|| to_blame.map(|i| Hit::new(BlameKind::Culprit, i - 2, i)))
        .or_else(|| someone.map(|i| Hit::new(BlameKind::Culprit, i, i + 1).with_act(Some(i + 1))))
        .or_else(|| disciplined.map(|i| Hit::new(BlameKind::Culprit, i - 1, i)))
        .or_else(|| admission(s))
        .or_else(|| decision_as_cause(s))
        .or_else(|| ironic_praise(s))
}

/// "this one is on Thabo, he merged ...", "this outage is on the mobile team": the incident
/// put on someone, as a debt is. A name counts where the sentence calls it "he" or "she" (an
/// outage can be "on Kafka" in the other sense).
fn responsibility_on(s: &Sentence) -> Option<usize> {
    const INCIDENTS: &[&str] = &[
        "this", "that", "it", "one", "outage", "incident", "failure", "mess", "breakage",
    ];
    s.positions(&["on"]).find(|&i| {
        let copula = matches!(s.word(i.wrapping_sub(1)), "is" | "was" | "'s");
        let subject = INCIDENTS.contains(&s.word(i.wrapping_sub(2)));
        // "it is on the support team to tell customers": a duty, not a debt.
        let duty = (i + 2..(i + 6).min(s.tokens.len())).any(|j| s.word(j) == "to");
        let doer = doer_after(&s.tokens, i + 1);
        copula
            && subject
            && !duty
            && !s.negated_before(i, 3)
            && (doer == Some(Agent::Person) || doer == Some(Agent::Name) && s.refers_to_a_person())
    })
}

/// "Rafael's decision to skip the canary is what turned this into an outage", "what turned it
/// into an outage was Park's go-ahead": a person's decision set up as the cause by a cleft.
fn decision_as_cause(s: &Sentence) -> Option<Hit> {
    s.positions(&["decision", "go-ahead", "call", "choice"])
        .find_map(|i| {
            let owner = s.tokens.get(i.checked_sub(1)?)?;
            let base = owner
                .text
                .strip_suffix("'s")
                .or_else(|| owner.text.strip_suffix("’s"))?;
            let someone =
                super::person_possessive(&owner.lower) || crate::blame::lexicon::name_shaped(base);
            // "... is what blanked the boards" after it, or "What turned ... was" before it.
            let cleft_after = (i + 1..s.tokens.len())
                .any(|j| matches!(s.word(j), "is" | "was") && s.word(j + 1) == "what");
            let cleft_before = s.word(0) == "what"
                && (1..i).any(|j| matches!(s.word(j), "was" | "is") && j + 3 >= i);
            (someone && (cleft_after || cleft_before))
                .then(|| Hit::new(BlameKind::Culprit, i - 1, i))
        })
}

/// "Hats off to the contractor who decided the live order book was a fine place to test":
/// praise said in irony of a person's choice. Read in the raw text: it is often quoted chat.
fn ironic_praise(s: &Sentence) -> Option<Hit> {
    const PRAISE: &[&str] = &[
        "hats off to",
        "kudos to",
        "well done to",
        "bravo to",
        "congrats to",
    ];
    let text = s.text.to_lowercase();
    let (start, at) = PRAISE
        .iter()
        .find_map(|p| text.find(p).map(|k| (k, k + p.len())))?;
    let rest: Vec<&str> = text[at..].split_whitespace().take(6).collect();
    let chooser = rest.iter().any(|w| matches!(*w, "whoever" | "who"));
    let chose = text[at..].contains("decided") || text[at..].contains("thought");
    // The finding quotes the praise itself ("Hats off to"), where the tokens still show it.
    (chooser && chose).then(|| {
        hit_at_byte(s, start, BlameKind::Culprit).unwrap_or(Hit::new(BlameKind::Culprit, 0, 0))
    })
}

/// A hit of `kind` on the words from byte `at` of the sentence on (three tokens at most):
/// for phrases found in the raw text rather than among the tokens.
fn hit_at_byte(s: &Sentence, at: usize, kind: BlameKind) -> Option<Hit> {
    let from = s.tokens.iter().position(|t| t.start >= at)?;
    let to = (from + 2).min(s.tokens.len() - 1);
    Some(Hit::new(kind, from, to))
}

/// "that one's on me", "my bad", "mea culpa": a person taking the cause on themselves, as chat
/// quoted in a review does.
fn admission(s: &Sentence) -> Option<Hit> {
    // Read in the raw text: the admission is usually inside the quotes the rules otherwise
    // leave alone.
    const ADMISSIONS: &[&str] = &[
        "my bad",
        "mea culpa",
        "that one's on me",
        "that's on me",
        "this one's on me",
        "this is on me",
        "that was on me",
        "my fault",
        "i'll own that",
        "i'll own it",
        "i own that",
    ];
    let text = s.text.to_lowercase().replace('\u{2019}', "'");
    // "yeah that was me, I typed 1 ... sorry all": owning it with an apology.
    let owned_with_sorry = text.find("that was me").filter(|_| text.contains("sorry"));
    let at = ADMISSIONS
        .iter()
        .find_map(|a| text.find(a))
        .or(owned_with_sorry)?;
    hit_at_byte(s, at, BlameKind::Culprit)
}

/// "The root cause was a developer running ...", "the outage was caused by an operator",
/// "attributed to the contractor": the cause named as a person rather than a condition of the
/// system. Returns the cue and the person's position.
fn cause_is_a_person(s: &Sentence) -> Option<(usize, usize)> {
    const LINKS: &[&str] = &[
        "was",
        "is",
        "were",
        "identified",
        "as",
        "traced",
        "to",
        "attributed",
        "the",
        "a",
        "an",
        "one",
        "our",
        "their",
    ];
    let cues = (0..s.tokens.len()).filter_map(|i| {
        let word = s.word(i);
        // "Root cause: Priyanka ran the reset ...": the colon links as "was" does.
        let colon = s.tokens.get(i + 1).is_some_and(|t| t.text == ":");
        let root_cause = matches!(word, "cause" | "causes" | "culprit")
            && (matches!(s.word(i + 1), "was" | "is" | "were") || colon);
        let caused_by = matches!(word, "caused" | "attributed" | "blamed")
            && matches!(s.word(i + 1), "by" | "to" | "on");
        // "due to an engineer running ...", "because of the contractor", "the result of a
        // developer's ...", "stemmed from an operator": other links from an effect to its cause.
        let linked = matches!(
            (word, s.word(i + 1)),
            ("due" | "owing", "to")
                | ("because" | "result" | "consequence", "of")
                | ("stemmed" | "resulted", "from")
                | ("down", "to")
        );
        if linked {
            return Some(i + 2);
        }
        (root_cause || caused_by).then_some(i + 1)
    });
    cues.into_iter().find_map(|from| {
        // The first word past the links is the cause's head: a person, or not.
        let head = (from..(from + 6).min(s.tokens.len()))
            .find(|&j| s.tokens[j].is_word && !LINKS.contains(&s.word(j)))?;
        // The noun phrase only (at most three words, up to "who" or "that"): a person's role
        // word, not a product's name and not an attacker ("a malicious actor").
        let phrase = || {
            (head..(head + 3).min(s.tokens.len())).take_while(|&j| {
                s.tokens[j].is_word && !matches!(s.word(j), "who" | "that" | "which")
            })
        };
        let person_at = phrase()
            .find_map(|j| classify(&s.tokens, j).map(|agent| (j, agent)))
            // "caused by Sizwe running a deletion": a name heading the cause is a name whatever
            // follows it (it counts only where the sentence says "he", "she" or "who" below).
            .or_else(|| {
                phrase()
                    .find(|&j| name_shaped(s.tokens[j].text))
                    .map(|j| (j, Agent::Name))
            });
        // "the DropletWorkflow Manager": a role word inside a capitalised name is a product.
        let in_a_name = |j: usize| {
            let capital = |k: usize| s.tokens[k].text.starts_with(char::is_uppercase);
            j > head && capital(j) && capital(j - 1)
        };
        // A name counts where the sentence calls someone "he" or "she" ("while she was ..."),
        // or goes on with "who" ("caused by Mirela, who exported ..."): both are said of people.
        let who_after = |j: usize| {
            s.word(j + 1) == "who"
                || s.tokens.get(j + 1).is_some_and(|t| t.text == ",") && s.word(j + 2) == "who"
        };
        let someone = |agent: Agent, j: usize| {
            agent == Agent::Person
                || agent == Agent::Name && (s.refers_to_a_person() || who_after(j))
        };
        let person = person_at.is_some_and(|(j, agent)| someone(agent, j) && !in_a_name(j));
        let attacker =
            (head..head + 3).any(|j| matches!(s.word(j), "malicious" | "attacker" | "hacker"));
        // "due to the team being short-handed", "because of engineers having to ...": a state
        // people were in, not an act of theirs.
        let state = (head..(head + 4).min(s.tokens.len()))
            .any(|j| matches!(s.word(j), "being" | "having" | "needing" | "lacking"));
        let attacker = attacker || state;
        (person && !attacker && !s.negated_before(from, 4))
            .then_some((from.saturating_sub(1), head))
    })
}

/// "Someone wrote ...": an unnamed person as the doer of the act, in the past tense.
fn anonymous_doer(s: &Sentence, i: usize) -> bool {
    let verb = s.word(i + 1);
    let verb = if matches!(verb, "had" | "just" | "then") {
        s.word(i + 2)
    } else {
        verb
    };
    let past = verb.ends_with("ed") || crate::blame::lexicon::IRREGULAR_PAST.contains(&verb);
    past && !s.negated_before(i, 4)
        && !matches!(s.word(i.wrapping_sub(1)), "for" | "to" | "by" | "blame")
}

/// True when the sentence denies blame outright ("we are not looking for someone to blame",
/// "no one is at fault"): such a sentence is blameless by construction.
pub(crate) fn disclaims_blame(s: &Sentence) -> bool {
    let no_one_at_fault = s
        .positions(&["blame", "fault", "blamed", "culprit", "scapegoat"])
        .any(|i| {
            let negated = s.negated_before(i, 6) || (0..i).any(|j| s.says_no_one(j));
            negated && s.word(i + 1) != "of"
        });
    no_one_at_fault || denies_anyones_failing(s) || label_set_aside(s)
}

/// "It would be easy to call this human error, but the screen ...": the label named only to be
/// set aside for what follows.
fn label_set_aside(s: &Sentence) -> bool {
    // "We are not calling this a mistake by the operator": the label refused outright.
    let refused = s
        .positions(&["calling", "call"])
        .any(|i| s.negated_before(i, 2) && matches!(s.word(i + 1), "this" | "it" | "that"));
    // "Calling this operator error would miss the point": the label named as the wrong reading.
    let misread = s.positions(&["calling", "labelling", "labeling"]).any(|i| {
        matches!(s.word(i + 1), "this" | "it" | "that")
            && (i + 2..(i + 8).min(s.tokens.len())).any(|j| {
                s.word(j) == "would"
                    && matches!(s.word(j + 1), "miss" | "be" | "misread" | "ignore" | "hide")
            })
    });
    // "The question is not who loaded the table but why the controller accepted it".
    let turned = s.positions(&["who"]).any(|i| {
        s.word(i.wrapping_sub(1)) == "not"
            && (i + 1..s.tokens.len())
                .any(|j| s.word(j) == "but" && matches!(s.word(j + 1), "why" | "what" | "how"))
    });
    refused
        || turned
        || misread
        || s.positions(&["easy", "tempting"]).any(|i| {
            let calling =
                s.word(i + 1) == "to" && has_lemma(s.word(i + 2), &["call", "blame", "say"]);
            let but = (i + 3..s.tokens.len()).any(|j| s.word(j) == "but");
            calling && but
        })
}

/// "We do not think anyone acted carelessly", "we don't believe anybody was negligent": a
/// denial of belief about anyone's failing is the opposite of blame.
fn denies_anyones_failing(s: &Sentence) -> bool {
    s.positions(&["anyone", "anybody", "somebody", "someone"])
        .any(|i| {
            let belief = i.checked_sub(1).is_some_and(|b| {
                has_lemma(s.word(b), &["think", "believe", "suspect", "find", "say"])
            });
            belief && s.negated_before(i - 1, 2)
        })
}
