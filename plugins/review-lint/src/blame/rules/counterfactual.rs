//! Hindsight about a person: "should have", "if X had", "had X checked".

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::{Agent, doer_after};
use crate::blame::lexicon::{ATTENTIVE_ACTS, PERSON_NOUNS, has_lemma, is_noun_in, name_shaped};
use crate::blame::sentence::Sentence;

/// Acts that only people perform: a sentence saying one "should have" been done judges a
/// person even when no one is named.
const PERSON_ONLY_ACTS: &[&str] = &[
    "read",
    "notice",
    "escalate",
    "ask",
    "remember",
    "double-check",
    "realise",
    "realize",
    "bother",
    "think",
    "know",
    "pay",
    "listen",
    "heed",
    "care",
    "study",
    "learn",
    "consult",
    // "should have known better".
    "known",
];

/// Fires on hindsight about a person: "X should have checked", "if the reviewer had read",
/// "had the engineer double-checked", "this shouldn't have been rushed".
pub(crate) fn counterfactual(s: &Sentence) -> Option<Hit> {
    should_have(s)
        .or_else(|| if_had(s))
        .or_else(|| inverted_had(s))
        .or_else(|| more_care_would_have(s))
        .or_else(|| needed_in_hindsight(s))
        .or_else(|| better_person_would_have(s))
        .or_else(|| wise_to_have(s))
        .or_else(|| no_business(s))
        .or_else(|| anyone_would_have(s))
        .or_else(|| would_have_taken(s))
        .or_else(|| call_not_to_be_made(s))
}

/// "Anyone who had glanced at the release notes would have seen it", "any planner with a week
/// on the desk would have known": what anyone would have noticed, said of whoever did not.
/// ("Anyone would have made the same call" and "would have seen nothing" excuse instead.)
fn anyone_would_have(s: &Sentence) -> Option<Hit> {
    const NOTICED: &[&str] = &[
        "seen", "known", "noticed", "spotted", "caught", "realised", "realized",
    ];
    s.positions(&["anyone", "anybody", "any"]).find_map(|i| {
        let would = (i + 1..(i + 16).min(s.tokens.len()))
            .find(|&j| s.word(j) == "would" && s.word(j + 1) == "have")?;
        let noticed = NOTICED.contains(&s.word(would + 2));
        let excused = (would + 2..(would + 5).min(s.tokens.len()))
            .any(|j| matches!(s.word(j), "nothing" | "same" | "no"));
        (noticed && !excused).then(|| Hit::new(BlameKind::Counterfactual, i, would + 2))
    })
}

/// "It would have taken Margit five minutes to compare the tables": how little the missed step
/// would have cost a person, as hindsight.
fn would_have_taken(s: &Sentence) -> Option<Hit> {
    s.positions(&["taken"]).find_map(|i| {
        let would_have =
            s.word(i.wrapping_sub(1)) == "have" && s.word(i.wrapping_sub(2)) == "would";
        let minutes = (i + 1..(i + 5).min(s.tokens.len())).find(|&j| {
            matches!(
                s.word(j),
                "minute" | "minutes" | "seconds" | "moment" | "glance"
            )
        })?;
        let person = (i + 1..minutes)
            .any(|j| is_noun_in(s.word(j), PERSON_NOUNS) || name_shaped(s.tokens[j].text));
        (would_have && person && s.word(minutes + 1) == "to")
            .then(|| Hit::new(BlameKind::Counterfactual, i - 2, minutes))
    })
}

/// "a call that should not have been made", "a decision that should never have been taken":
/// a person's decision judged with hindsight, its doer left out.
fn call_not_to_be_made(s: &Sentence) -> Option<Hit> {
    s.positions(&["call", "decision", "choice"]).find_map(|i| {
        let that = matches!(s.word(i + 1), "that" | "which");
        let modal = (i + 2..(i + 5).min(s.tokens.len()))
            .find(|&j| matches!(s.word(j), "should" | "shouldn't"))?;
        let been = (modal + 1..(modal + 5).min(s.tokens.len())).find(|&j| s.word(j) == "been")?;
        (that && matches!(s.word(been + 1), "made" | "taken"))
            .then(|| Hit::new(BlameKind::Counterfactual, i, been + 1))
    })
}

fn should_have(s: &Sentence) -> Option<Hit> {
    // Slips and lapses are only ever a person's, so "should not have been skipped" judges
    // whoever skipped it even in the passive.
    const PASSIVE_PERSON_ACTS: &[&str] = &[
        "rush",
        "ignore",
        "overlook",
        "notice",
        "escalate",
        "spot",
        "skip",
        "miss",
        "forget",
        "forgotten",
        "neglect",
        "disregard",
        "misconfigure",
        "mistype",
        // Sign-offs: "should never have been approved" judges whoever signed it off.
        "approve",
        "sign",
        // Review is a person's act by definition: "should have been peer-reviewed".
        "review",
        "peer-review",
        "proofread",
        "double-check",
    ];
    const PREVENTIONS: &[&str] = &["prevent", "avoid", "catch", "stop", "notice", "spot"];
    const MODALS: &[&str] = &[
        "should",
        "shouldn't",
        "ought",
        "could",
        "couldn't",
        "should've",
        "shouldn't've",
        "could've",
    ];
    s.positions(MODALS).find_map(|i| {
        let have = if s.word(i).ends_with("'ve") {
            i
        } else {
            s.next_content(i)
                .filter(|&h| matches!(s.word(h), "have" | "not" | "to" | "never"))?
        };
        // "ought never to have": up to two of "not", "never", "to" before "have".
        let mut have = have;
        for _ in 0..2 {
            if s.word(have) != "have" && have != i {
                have = s.next_content(have)?;
            }
        }
        if s.word(have) != "have" && have != i {
            return None;
        }
        let verb = s
            .next_content(have)
            .filter(|&v| participle_shaped(s.word(v)))?;
        let could = s.word(i).starts_with("could");
        let hit = Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb));
        if s.word(verb) == "been" {
            let participle = s.next_content(verb)?;
            // "by the change manager": the passive names its doer, and only a person's counts.
            // "switched on for all users by the data science team": the "by" may come after
            // where and for whom, within the clause.
            let by_at = (participle + 1..(participle + 8).min(s.tokens.len()))
                .take_while(|&j| s.same_clause(participle, j))
                .find(|&j| s.word(j) == "by");
            let by = by_at.map(|j| doer_after(&s.tokens, j + 1));
            let person_only = has_lemma(s.word(participle), PASSIVE_PERSON_ACTS)
                || done_without_review(s, participle)
                || released_to_all(s, participle);
            let person_act = match by {
                // "approved by the change board": a sign-off is people's even by a body.
                Some(doer) => {
                    doer.is_some_and(Agent::is_someone)
                        || (person_only && doer != Some(Agent::System))
                }
                None => person_only,
            };
            return (!could && person_act).then_some(Hit {
                to: participle,
                ..hit
            });
        }
        let (agent, _) = s.agent_of(i);
        // "Henrik should have waited ... before he cut over": a name the sentence goes on to
        // call "he" or "she" is a person, not a product.
        let agent = match agent {
            Agent::Name if s.refers_to_a_person() => Agent::Person,
            other => other,
        };
        // "Hyun-woo should have paused the rollout": a name right before "should have" with
        // an object after the act is a person's choice judged. (A product "should have
        // rebalanced" without an object, and "could have" stays a possibility.)
        let named_choice = agent == Agent::Name
            && !could
            && at_name_before(s, i)
            && has_lemma(s.word(verb), CHOICES_OF_PEOPLE)
            && s.tokens.get(verb + 1).is_some_and(|t| t.is_word);
        // "The firmware update should never have gone out to the whole fleet": a release to
        // everyone at once is somebody's call, whatever its subject.
        let released = !could && released_to_all(s, verb);
        let judged = released
            || match agent {
                Agent::Person => !could || has_lemma(s.word(verb), PREVENTIONS),
                Agent::Name if named_choice => true,
                Agent::Name | Agent::Unknown => {
                    !could
                        && (has_lemma(s.word(verb), PERSON_ONLY_ACTS)
                            || done_without_review(s, verb))
                }
                // "This patch never should have gone out without the second signature": a thing
                // shipped without the review people give judges whoever shipped it.
                Agent::System => !could && done_without_review(s, verb),
                Agent::NoOne => false,
            };
        judged.then_some(hit)
    })
}

/// What people choose to do in an incident and programs do not: call, wait, confirm, tell.
/// ("Terraform should have refused the plan" names a program's behaviour.)
const CHOICES_OF_PEOPLE: &[&str] = &[
    "call",
    "phone",
    "ring",
    "confirm",
    "ask",
    "wait",
    "pause",
    "hold",
    "tell",
    "inform",
    "warn",
    "page",
    "consult",
    "check",
    "verify",
    "test",
    "review",
    "escalate",
    "talk",
    "coordinate",
    "stop",
    "postpone",
    "delay",
];

/// "pushed live", "released to every city at once", "gone out to the whole fleet": a change put
/// in front of everyone, the decision of whoever released it.
fn released_to_all(s: &Sentence, participle: usize) -> bool {
    const RELEASING: &[&str] = &[
        "pushed", "released", "shipped", "rolled", "gone", "deployed",
    ];
    const EVERYONE: &[&str] = &[
        "live",
        "production",
        "prod",
        "every",
        "all",
        "whole",
        "everyone",
        "everybody",
    ];
    RELEASING.contains(&s.word(participle))
        && (participle + 1..(participle + 5).min(s.tokens.len()))
            .take_while(|&j| s.same_clause(participle, j))
            .any(|j| EVERYONE.contains(&s.word(j)))
}

/// True when a name stands right before the modal at `i` ("Sipho should"), or one word before it
/// ("Sipho really should").
fn at_name_before(s: &Sentence, i: usize) -> bool {
    (i.saturating_sub(2)..i).any(|j| s.tokens[j].is_word && name_shaped(s.tokens[j].text))
}

/// "pushed live without a second pair of eyes", "merged without review": whatever the act,
/// doing it without the review that people give is a person's call.
fn done_without_review(s: &Sentence, participle: usize) -> bool {
    if !participle_shaped(s.word(participle)) {
        return false;
    }
    const REVIEWS: &[&str] = &[
        "review",
        "reviews",
        "reviewer",
        "approval",
        "sign-off",
        "signoff",
        "eyes",
        "peer",
        "signature",
        "signatures",
        // The checks people run before a change: "without a dry run first".
        "dry",
        "dry-run",
        "rehearsal",
    ];
    // "should never have gone to the stores on a Friday evening without QA sign-off": the
    // "without" may come after where and when, anywhere in the act's clause.
    let end = (participle + 12).min(s.tokens.len());
    (participle + 1..end)
        .take_while(|&w| s.same_clause(participle, w))
        .find(|&w| s.word(w) == "without")
        .is_some_and(|w| (w + 1..(w + 6).min(s.tokens.len())).any(|j| REVIEWS.contains(&s.word(j))))
}

/// "Looking back, the duty manager needed to pull the plug": hindsight about what a person
/// had to do. Without the hindsight, "needed to" only tells what the work required.
fn needed_in_hindsight(s: &Sentence) -> Option<Hit> {
    let hindsight = s.positions(&["hindsight", "retrospect"]).next().is_some()
        || s.positions(&["looking"]).any(|i| s.word(i + 1) == "back");
    if !hindsight {
        return None;
    }
    s.positions(&["needed", "ought"])
        .find(|&i| s.word(i + 1) == "to" && s.agent_of(i).0 == Agent::Person)
        .map(|i| Hit::new(BlameKind::Counterfactual, i, i + 1))
}

/// "The release coordinator would have been wise to hold the release": hindsight about a
/// person's choice, as advice after the fact.
fn wise_to_have(s: &Sentence) -> Option<Hit> {
    s.positions(&["wise", "better", "smarter", "prudent", "sensible"])
        .find(|&i| {
            s.word(i + 1) == "to"
                && s.word(i.wrapping_sub(1)) == "been"
                && s.word(i.wrapping_sub(2)) == "have"
                && s.agent_of(i).0 == Agent::Person
        })
        .map(|i| Hit::new(BlameKind::Counterfactual, i - 2, i))
}

/// "Those rules had no business being pushed before the lead signed off": what people did
/// that they had no right to do.
fn no_business(s: &Sentence) -> Option<Hit> {
    s.positions(&["business"])
        .find(|&i| {
            s.word(i.wrapping_sub(1)) == "no"
                && has_lemma(s.word(i.wrapping_sub(2)), &["have", "had", "has"])
                && s.word(i + 1).ends_with("ing")
        })
        .map(|i| Hit::new(BlameKind::Counterfactual, i - 2, i + 1))
}

/// "A more careful operator would have paused the import": a better person imagined in the
/// role judges the one who was in it.
fn better_person_would_have(s: &Sentence) -> Option<Hit> {
    s.positions(&["more", "better"]).find_map(|i| {
        let person =
            (i + 1..(i + 4).min(s.tokens.len())).find(|&j| is_noun_in(s.word(j), PERSON_NOUNS))?;
        let would_have = s.word(person + 1) == "would" && s.word(person + 2) == "have";
        would_have.then(|| Hit::new(BlameKind::Counterfactual, i, person + 2))
    })
}

/// "With a little more diligence from the change reviewer, the typo would have been caught":
/// the care a named person or role did not give, as what would have prevented it.
fn more_care_would_have(s: &Sentence) -> Option<Hit> {
    const CARE: &[&str] = &[
        "diligence",
        "care",
        "attention",
        "caution",
        "rigour",
        "rigor",
        "vigilance",
        "thoroughness",
        "discipline",
    ];
    s.positions(CARE).find_map(|i| {
        let more = (i.saturating_sub(2)..i).any(|j| matches!(s.word(j), "more" | "greater"));
        let from_someone = matches!(s.word(i + 1), "from" | "by" | "on")
            && doer_after(&s.tokens, i + 2).is_some_and(Agent::is_someone);
        let would_have = (i + 1..s.tokens.len())
            .any(|j| matches!(s.word(j), "would" | "could" | "might") && s.word(j + 1) == "have");
        (more && from_someone && would_have).then(|| Hit::new(BlameKind::Counterfactual, i, i + 2))
    })
}

/// "checked", "known", "caught", "read": what follows a perfect "have" (unlike "have a talk").
fn participle_shaped(word: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "caught",
        "done",
        "been",
        "run",
        "read",
        "known",
        "seen",
        "spent",
        "gone",
        "taken",
        "thought",
        "brought",
        "sought",
        "kept",
        "held",
        "told",
        "put",
        "set",
        "let",
        "hit",
        "cut",
        "shut",
        "stopped",
        "got",
        "gotten",
        "made",
        "paid",
        "said",
        "sent",
        "spotted",
        "understood",
    ];
    word.ends_with("ed")
        || word.ends_with("en")
        || word.ends_with("wn")
        || IRREGULAR.contains(&word)
        || crate::blame::lexicon::IRREGULAR_PAST.contains(&word)
}

/// "If the reviewer had read the diff ...": a condition on a person's act.
fn if_had(s: &Sentence) -> Option<Hit> {
    s.positions(&["if"]).find_map(|i| {
        let had = (i + 1..(i + 7).min(s.tokens.len()))
            .find(|&j| matches!(s.word(j), "had" | "hadn't"))?;
        let verb = s.next_content(had)?;
        let someone = doer_after(&s.tokens, i + 1).is_some_and(Agent::is_someone);
        (someone && s.word(verb) != "been")
            .then(|| Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb)))
    })
}

/// "Had the engineer double-checked the region, ...": the inverted condition.
fn inverted_had(s: &Sentence) -> Option<Hit> {
    s.positions(&["had"]).find_map(|i| {
        let opens_clause = i == 0 || !s.tokens[i - 1].is_word;
        let someone = doer_after(&s.tokens, i + 1).is_some_and(Agent::is_someone);
        let verb = (i + 2..(i + 6).min(s.tokens.len()))
            .find(|&j| s.word(j).ends_with("ed") || has_lemma(s.word(j), ATTENTIVE_ACTS))?;
        (opens_clause && someone)
            .then(|| Hit::new(BlameKind::Counterfactual, i, verb).with_act(Some(verb)))
    })
}
