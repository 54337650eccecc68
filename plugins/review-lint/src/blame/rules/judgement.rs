//! Judgements of people: remarks on character, state or competence, and calls to try harder.

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::Agent;
use crate::blame::lexicon::has_lemma;
use crate::blame::sentence::Sentence;

/// Qualities a lesson asks people for ("be more careful"); their absence offered as the
/// cause judges the person ("without being thorough").
const VIRTUES: &[&str] = &[
    "careful",
    "carefully",
    "vigilant",
    "diligent",
    "attentive",
    "thorough",
    "mindful",
    "aware",
    "disciplined",
    "calm",
    "composed",
    "alert",
    "conscientious",
    "meticulous",
    "cautious",
    "observant",
    "sharp",
    "sharper",
];

/// States of mind only people are in; given for a person, they explain the act by the person.
const PERSON_STATES: &[&str] = &[
    "flustered",
    "rattled",
    "frazzled",
    "groggy",
    "drowsy",
    "half-asleep",
    "overconfident",
    "overconfidence",
    "distracted",
    "overwhelmed",
    "stressed",
    "burnt-out",
    "impatient",
    "bleary-eyed",
    "sleep-deprived",
    "jet-lagged",
    "hungover",
    "fatigued",
    "exhausted",
    "sleepy",
    "worn-out",
];

/// Fires on a judgement of a person's character, state or competence: "careless",
/// "too tired", "did not understand", "panicked".
pub(crate) fn character(s: &Sentence) -> Option<Hit> {
    const JUDGEMENTS: &[&str] = &[
        "careless",
        "carelessness",
        "sloppy",
        "sloppiness",
        "lazy",
        "laziness",
        "negligent",
        "negligence",
        "incompetent",
        "incompetence",
        "reckless",
        "recklessly",
        "recklessness",
        "inattentive",
        "inattention",
        "clueless",
        "inexperienced",
        "complacent",
        "complacency",
        "half-hearted",
        "halfhearted",
        "lackadaisical",
        "slapdash",
        "slipshod",
        "foolhardy",
        "irresponsible",
        // Named as the cause: "Root cause: inexperience", "inattentiveness on the part of".
        "inexperience",
        "inattentiveness",
        "dereliction",
    ];
    // "We do not think anyone acted carelessly": a denial a few words back cancels it.
    // "Nobody here was careless": a judgement denied of everyone.
    let of_no_one = |i: usize| (i.saturating_sub(5)..i).any(|j| s.says_no_one(j));
    // "handled sloppily", "lazily reviewed": the adverb of a judgement is the same judgement.
    let adjective_of = |w: &str| {
        w.strip_suffix("ily")
            .map(|stem| format!("{stem}y"))
            .or_else(|| w.strip_suffix("ly").map(str::to_string))
    };
    // The adverb needs a person doing the act: "the cache carelessly served" judges no one;
    // "handled sloppily by the web team" names the doer after "by".
    let by_someone = |i: usize| {
        (i + 1..(i + 3).min(s.tokens.len()))
            .find(|&j| s.word(j) == "by")
            .is_some_and(|j| {
                crate::blame::agent::doer_after(&s.tokens, j + 1).is_some_and(Agent::is_someone)
            })
    };
    let judgement_at = |i: usize| {
        let w = s.word(i);
        // An adverb of accident with its doer as subject ("negligently silenced") is the slip
        // rule's; in the passive, with the doer after "by", it is read here.
        let adverb = adjective_of(w).is_some_and(|a| JUDGEMENTS.contains(&a.as_str()));
        let slip_adverb = super::slip::is_slip_adverb(w);
        JUDGEMENTS.contains(&w)
            || adverb && (!slip_adverb && s.agent_of(i).0.is_someone() || by_someone(i))
    };
    let judged = (0..s.tokens.len())
        .filter(|&i| judgement_at(i))
        .find(|&i| !s.negated_before(i, 5) && !of_no_one(i))
        .map(|i| Hit::new(BlameKind::Character, i, i));
    // "must stop cutting corners": skimping on the work, said of people.
    let corners = s
        .positions(&["corners", "corner-cutting"])
        .find(|&i| s.word(i) == "corner-cutting" || i > 0 && has_lemma(s.word(i - 1), &["cut"]));
    let tired = s.positions(&["too"]).find(|&i| {
        let state = matches!(
            s.word(i + 1),
            "tired" | "sleepy" | "exhausted" | "distracted"
        );
        // "too green to know", "too stressed to think": a person's state or competence as the
        // reason the act went wrong. Words of time and size describe the situation instead.
        let situation = matches!(
            s.word(i + 1),
            "late"
                | "early"
                | "far"
                | "long"
                | "short"
                | "small"
                | "big"
                | "large"
                | "many"
                | "much"
                | "few"
                | "old"
                | "expensive"
                | "risky"
                | "slow"
                | "fast"
        );
        let reason = s.word(i + 2) == "to" || s.word(i + 3) == "to";
        let personal = !situation && reason && s.agent_of(i).0.is_someone();
        state || personal
    });
    // "Nobody on the desk bothered to ...", "didn't bother to": not taking the trouble.
    // "Nobody thought to check": the same, as a thought no one had.
    let bothered = s
        .positions(&["bother", "bothered", "bothers", "thought", "think"])
        .find(|&i| {
            // "was not thought to be serious" is a judgement of the issue, not of anyone's care.
            s.word(i + 1) == "to"
                && s.word(i + 2) != "be"
                && (s.negated_before(i, 2) || (i.saturating_sub(6)..i).any(|j| s.says_no_one(j)))
        });
    // "was not paying attention", "wasn't paying attention".
    let inattentive = s.positions(&["attention"]).find(|&i| {
        i > 0
            && has_lemma(s.word(i - 1), &["pay"])
            && s.negated_before(i - 1, 2)
            && s.agent_of(i).0.is_someone()
    });
    // "was worn out": the two-word state.
    let worn_out = s
        .positions(&["worn"])
        .find(|&i| s.word(i + 1) == "out" && s.agent_of(i).0.is_someone());
    // "got flustered", "was half-asleep": a person's state offered as the explanation.
    // "Bleary-eyed after the migration, Aleksander typed ...": a state that opens the sentence
    // describes the subject after the comma.
    let state = s.positions(PERSON_STATES).find(|&i| {
        let opener = (0..i).all(|j| !s.tokens[j].is_word);
        let subject = if opener {
            (i..s.tokens.len())
                .find(|&j| s.tokens[j].text == ",")
                .map(|c| c + 1)
        } else {
            Some(i)
        };
        // The doer of the verb that follows the subject (a word or three on). Only people are
        // bleary-eyed: a name described so is a person's.
        subject.is_some_and(|j| {
            let end = if opener {
                (j + 4).min(s.tokens.len())
            } else {
                j + 1
            };
            (j..end).any(|v| {
                let agent = s.agent_of(v).0;
                agent.is_someone() || opener && agent == Agent::Name
            })
        })
    });
    // "had no idea how the panels were labelled", "has no clue what VACUUM FULL does".
    let no_idea = s.positions(&["idea", "clue", "notion"]).find(|&i| {
        s.word(i.wrapping_sub(1)) == "no"
            && has_lemma(s.word(i.wrapping_sub(2)), &["have", "had", "has"])
            && s.agent_of(i).0.is_someone()
    });
    let not_understood = s
        .positions(&["understand", "grasp", "comprehend"])
        .find(|&i| {
            // "didn't really understand": one adverb may stand between.
            let adverb = matches!(
                s.word(i.wrapping_sub(1)),
                "really" | "fully" | "quite" | "actually"
            );
            let before = s.word(i.wrapping_sub(1 + usize::from(adverb)));
            let failed_to = before == "to"
                && matches!(
                    s.word(i.wrapping_sub(2)),
                    "failed" | "fail" | "fails" | "unable"
                );
            let negated = before.ends_with("n't") || before == "not" || failed_to;
            negated && s.agent_of(i).0.is_someone()
        });
    // "is not competent to run", "wasn't qualified for": competence denied a person.
    let not_competent = s
        .positions(&["competent", "capable", "qualified", "fit", "experienced"])
        .find(|&i| {
            let before = s.word(i.wrapping_sub(1));
            // "just wasn't competent to", "wasn't experienced enough to".
            let denied = matches!(before, "not" | "never" | "wasn't" | "isn't" | "weren't")
                || matches!(before, "just" | "simply" | "really")
                    && matches!(s.word(i.wrapping_sub(2)), "wasn't" | "isn't" | "not");
            denied
                && matches!(s.word(i + 1), "to" | "for" | "enough")
                && s.agent_of(i).0.is_someone()
        });
    // "didn't know what he was doing": the idiom of incompetence.
    let clueless = s.positions(&["doing"]).find(|&i| {
        s.word(i.wrapping_sub(3)) == "what"
            && matches!(s.word(i.wrapping_sub(1)), "was" | "were" | "is" | "are")
            && s.word(i.wrapping_sub(4)) == "know"
            && s.negated_before(i - 4, 2)
            && s.agent_of(i - 4).0.is_someone()
    });
    // "wasn't thinking straight": a person's state of mind as the explanation.
    let muddled = s.positions(&["thinking"]).find(|&i| {
        matches!(s.word(i + 1), "straight" | "clearly")
            && s.negated_before(i, 2)
            && s.agent_of(i).0.is_someone()
    });
    let asleep = s
        .positions(&["slept", "asleep", "dozed"])
        .find(|&i| s.agent_of(i).0.is_someone());
    let slow = s.positions(&["slow"]).find(|&i| {
        s.word(i + 1) == "to"
            && has_lemma(
                s.word(i + 2),
                &["react", "respond", "notice", "act", "escalate"],
            )
            && s.agent_of(i).0.is_someone()
    });
    // "looked over it without being thorough", "was not careful enough".
    // Not knowing is judged by its own rule (`unaware`), which tells gaps from slips.
    let unvirtuous = s
        .positions(VIRTUES)
        .filter(|&i| s.word(i) != "aware")
        .find(|&i| {
            let (before, two_before) = (s.word(i.wrapping_sub(1)), s.word(i.wrapping_sub(2)));
            let lacking = matches!(before, "being" | "been")
                && matches!(two_before, "without" | "not")
                || matches!(before, "not" | "never")
                    && matches!(two_before, "was" | "were" | "is" | "are")
                || matches!(before, "wasn't" | "weren't");
            lacking && s.agent_of(i).0.is_someone()
        });
    // "out of their depth": a remark on competence whatever the subject's words.
    let out_of_depth = in_ones_idiom(s, &["depth", "league"], ["out", "of"]);
    // "lost his temper", "losing their cool": composure lost, said of a person.
    let temper = s
        .positions(&["temper", "cool", "composure", "nerve"])
        .find(|&i| {
            let owner = s.word(i.wrapping_sub(1));
            matches!(owner, "his" | "her" | "their" | "my" | "our")
                && has_lemma(s.word(i.wrapping_sub(2)), &["lose", "lost"])
        });
    // "was in no state to run it", "wasn't up to configuring it", "is hopeless with the UI",
    // "Panic set in": a person's state or competence, said without the usual adjectives.
    let unfit = (0..s.tokens.len()).find(|&i| {
        let w = s.word(i);
        let no_state = w == "state"
            && s.word(i.wrapping_sub(1)) == "no"
            && s.word(i.wrapping_sub(2)) == "in"
            && s.word(i + 1) == "to";
        let not_up_to = w == "up"
            && s.word(i + 1) == "to"
            && matches!(
                s.word(i.wrapping_sub(1)),
                "wasn't" | "weren't" | "not" | "isn't"
            )
            && (s.word(i + 2).ends_with("ing")
                || matches!(s.word(i + 2), "the" | "it" | "a" | "an" | "this" | "that"));
        let hopeless =
            matches!(w, "hopeless" | "useless") && matches!(s.word(i + 1), "with" | "at");
        let panic = w == "panic" && s.word(i + 1) == "set" && s.word(i + 2) == "in";
        (no_state || not_up_to || hopeless) && s.agent_of(i).0.is_someone() || panic
    });
    // "in over her head": the same remark in other words.
    let over_head = in_ones_idiom(s, &["head", "heads"], ["in", "over"]);
    let panicked = s
        .positions(&["panicked", "panicking"])
        .find(|&i| s.agent_of(i).0.is_someone() && s.word(i.wrapping_sub(1)) != "kernel");
    // "lacking experience with", "who lacked the expertise": competence offered as the cause.
    // Lacking training or documentation is a gap of the organisation, not of the person.
    let inexperienced = s
        .positions(&["lack", "lacks", "lacked", "lacking"])
        .find(|&i| {
            let noun = (i + 1..(i + 4).min(s.tokens.len()))
                .find(|&j| !matches!(s.word(j), "of" | "the" | "any" | "enough" | "sufficient"));
            noun.is_some_and(|j| {
                matches!(
                    s.word(j),
                    "experience"
                        | "expertise"
                        | "competence"
                        | "skill"
                        | "skills"
                        | "know-how"
                        | "knowledge"
                )
                // Only people and teams have experience: whoever lacks it is one, named or not.
            }) && s.agent_of(i).0 != Agent::System
        });
    judged
        .or_else(|| inexperienced.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| tired.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| not_understood.map(|i| Hit::new(BlameKind::Character, i.saturating_sub(2), i)))
        .or_else(|| panicked.map(|i| Hit::new(BlameKind::Character, i, i)))
        .or_else(|| temper.map(|i| Hit::new(BlameKind::Character, i - 2, i)))
        .or_else(|| out_of_depth.map(|i| Hit::new(BlameKind::Character, i - 3, i)))
        .or_else(|| over_head.map(|i| Hit::new(BlameKind::Character, i - 3, i)))
        .or_else(|| unfit.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| unvirtuous.map(|i| Hit::new(BlameKind::Character, i.saturating_sub(2), i)))
        .or_else(|| asleep.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| not_competent.map(|i| Hit::new(BlameKind::Character, i - 1, i)))
        .or_else(|| clueless.map(|i| Hit::new(BlameKind::Character, i - 4, i)))
        .or_else(|| muddled.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| state.map(|i| Hit::new(BlameKind::Character, i, i)))
        .or_else(|| worn_out.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| inattentive.map(|i| Hit::new(BlameKind::Character, i - 1, i)))
        .or_else(|| bothered.map(|i| Hit::new(BlameKind::Character, i, i + 1)))
        .or_else(|| corners.map(|i| Hit::new(BlameKind::Character, i.saturating_sub(1), i)))
        .or_else(|| no_idea.map(|i| Hit::new(BlameKind::Character, i - 2, i)))
        .or_else(|| slow.map(|i| Hit::new(BlameKind::Character, i, i + 2)))
}

/// "out of their depth", "in over her head": two words, a person's possessive, then one of
/// `nouns`; the position of the noun.
fn in_ones_idiom(s: &Sentence, nouns: &[&str], [first, second]: [&str; 2]) -> Option<usize> {
    s.positions(nouns).find(|&i| {
        s.word(i.wrapping_sub(3)) == first
            && s.word(i.wrapping_sub(2)) == second
            && matches!(
                s.word(i.wrapping_sub(1)),
                "their" | "his" | "her" | "our" | "my"
            )
    })
}

/// Fires on a lesson that asks people to try harder: "be more careful", "pay more attention",
/// "needs more carefully studying".
pub(crate) fn exhortation(s: &Sentence) -> Option<Hit> {
    let more_virtue = s.positions(VIRTUES).find(|&i| {
        const URGING: &[&str] = &[
            "be", "being", "must", "should", "need", "needs", "ought", "let's", "got", "has",
            "have",
        ];
        let before = s.word(i.wrapping_sub(1));
        let urging_near =
            (i.saturating_sub(4)..i.saturating_sub(1)).any(|j| URGING.contains(&s.word(j)));
        // "remain calm", "stay composed": composure asked of people is the same lesson.
        // "Alert" is as often a noun ("more alert rules"), so only "be/stay alert" counts.
        // "be far more alert": an intensifier may stand between "be" and "more".
        let intensified = before == "more"
            && matches!(
                s.word(i.wrapping_sub(2)),
                "far" | "much" | "lot" | "bit" | "even"
            )
            && matches!(s.word(i.wrapping_sub(3)), "be" | "a" | "stay" | "remain");
        let urged = matches!(before, "be" | "remain" | "stay")
            || intensified
            || (matches!(before, "more" | "extra") && urging_near && s.word(i) != "alert");
        urged && !s.negated_before(i, 7)
    });
    // "pay more attention", "show a good deal more diligence": more care asked as a noun.
    let attention = s
        .positions(&["attention", "diligence", "vigilance", "care", "discipline"])
        .find(|&i| {
            (matches!(s.word(i.saturating_sub(1)), "more" | "some")
                && (s.word(i) == "attention"
                    || (i.saturating_sub(6)..i).any(|j| {
                        matches!(
                            s.word(j),
                            "urge" | "must" | "should" | "need" | "needs" | "show"
                        )
                    })))
                || (s.word(i.wrapping_sub(1)) == "closer"
                    && s.word(i.wrapping_sub(2)).starts_with("pa"))
        });
    let remember = s.positions(&["remember"]).find(|&i| {
        s.word(i + 1) == "to"
            && (matches!(s.word(i.wrapping_sub(1)), "must" | "should" | "always")
                || s.word(i.wrapping_sub(2)) == "need")
    });
    // "we need to be better at deploying X": people asked to do some task better. With a
    // system as the subject ("the alerting must be better at catching it") it is a gap.
    let following = s.positions(&["better"]).find(|&i| {
        let task = s.word(i + 2);
        s.word(i + 1) == "at"
            && (has_lemma(task, &["follow", "stick", "check", "remember"])
                || task.ends_with("ing")
                    && s.word(i.wrapping_sub(1)) == "be"
                    && s.agent_of(i).0.is_someone())
    });
    // "people have to double-check ...", "slow down and read the runbook": care asked of
    // people as the lesson, as an obligation or (slowing down, with no object: "slow down the
    // rollout" is a change to a process) as an order.
    let care = s
        .positions(&["double-check", "triple-check", "slow"])
        .find(|&i| {
            let before = s.word(i.wrapping_sub(1));
            // "I'd ask all editors to double-check": the same care, requested of people.
            let requested = before == "to"
                && (i.saturating_sub(5)..i.saturating_sub(1)).any(|j| {
                    has_lemma(
                        s.word(j),
                        &["ask", "urge", "remind", "expect", "want", "encourage"],
                    )
                });
            let obliged = matches!(before, "must" | "should")
                || before == "to" && matches!(s.word(i.wrapping_sub(2)), "have" | "need" | "needs");
            let slow_down = s.word(i + 1) == "down"
                && s.tokens.get(i + 2).is_none_or(|t| {
                    !t.is_word || matches!(t.lower.as_str(), "and" | "before" | "when")
                });
            let order = slow_down && (i == 0 || !s.tokens[i - 1].is_word);
            let act = matches!(s.word(i), "double-check" | "triple-check") || slow_down;
            // Whoever is asked to is a person, whatever the word for them; "everyone on the
            // roaming desk must double-check" addresses a group.
            let someone = s.agent_of(i).0.is_someone() || addressed_group(s, i);
            act && (requested || obliged && someone) || order
        });
    more_virtue
        .map(|i| Hit::new(BlameKind::Exhortation, i.saturating_sub(1), i))
        .or_else(|| care_urged(s))
        .or_else(|| look_before_you_act(s))
        .or_else(|| care.map(|i| Hit::new(BlameKind::Exhortation, i, i + 1)))
        .or_else(|| care_obliged(s))
        .or_else(|| care_expected(s))
        .or_else(|| attention.map(|i| Hit::new(BlameKind::Exhortation, i - 1, i)))
        .or_else(|| following.map(|i| Hit::new(BlameKind::Exhortation, i, i + 2)))
        .or_else(|| remember.map(|i| Hit::new(BlameKind::Exhortation, i.saturating_sub(1), i + 1)))
}

/// "Engineers are expected to confirm which cluster they are on before running destructive
/// commands", "staff are reminded to verify": checking asked of people as the lesson. (A tool
/// "expected to confirm" is a requirement on the system.)
fn care_expected(s: &Sentence) -> Option<Hit> {
    s.positions(&["expected", "reminded"])
        .find(|&i| {
            matches!(s.word(i.wrapping_sub(1)), "are" | "is" | "were" | "be")
                && s.word(i + 1) == "to"
                && has_lemma(
                    s.word(i + 2),
                    &[
                        "confirm",
                        "check",
                        "verify",
                        "double-check",
                        "ensure",
                        "make",
                    ],
                )
                && s.agent_of(i).0 == Agent::Person
                && !s.negated_before(i, 3)
        })
        .map(|i| Hit::new(BlameKind::Exhortation, i.saturating_sub(1), i + 2))
}

/// Care asked of people as an obligation or in a lesson, by what it consists in: "Takeaway for
/// the crew: pay attention to the warnings", "must check the embargo time twice", "get into
/// the habit of reading", "has to read the brief properly", "have to look at the screen before
/// they release". ("Pay attention" alone describes.)
fn care_obliged(s: &Sentence) -> Option<Hit> {
    let pay_attention = s.positions(&["attention"]).find(|&i| {
        i > 0
            && has_lemma(s.word(i - 1), &["pay"])
            && urged_before(s, i - 1)
            && !s.negated_before(i - 1, 2)
    });
    // "must check the embargo time twice", "watch the figures far more closely".
    let twice = s.positions(&["twice", "closely"]).find(|&i| {
        let again = s.word(i) == "twice"
            && (i.saturating_sub(6)..i).any(|j| has_lemma(s.word(j), &["check", "read", "verify"]));
        let closer = s.word(i) == "closely" && s.word(i.wrapping_sub(1)) == "more";
        (again || closer) && urged_before(s, i)
    });
    // "Technicians have to actually look at the screen before they release a lot": looking
    // asked of people, before their own act.
    let look_first = s.positions(&["look", "read", "check"]).find(|&i| {
        let before_they = (i + 1..s.tokens.len())
            .any(|j| s.word(j) == "before" && matches!(s.word(j + 1), "they" | "you" | "we"));
        before_they && urged_before(s, i) && s.agent_of(i).0.is_someone()
    });
    // "has to read the brief properly", "has to look harder at the details": care asked by
    // its manner, of people obliged or addressed as a group.
    let manner = s
        .positions(&["properly", "harder", "carefully"])
        .find(|&i| {
            let looked = (i.saturating_sub(6)..i)
                .any(|j| has_lemma(s.word(j), &["read", "look", "check", "review"]));
            looked && urged_before(s, i) && (s.agent_of(i).0.is_someone() || addressed_group(s, i))
        });
    // "we as a team have to get into the habit of reading the whole runbook".
    let habit = s.positions(&["habit"]).find(|&i| {
        matches!(s.word(i.wrapping_sub(1)), "the" | "a")
            && s.word(i + 1) == "of"
            && s.word(i + 2).ends_with("ing")
            && urged_before(s, i)
    });
    pay_attention
        .map(|i| Hit::new(BlameKind::Exhortation, i - 1, i))
        .or_else(|| twice.map(|i| Hit::new(BlameKind::Exhortation, i, i)))
        .or_else(|| habit.map(|i| Hit::new(BlameKind::Exhortation, i, i + 2)))
        .or_else(|| manner.map(|i| Hit::new(BlameKind::Exhortation, i, i)))
        .or_else(|| look_first.map(|i| Hit::new(BlameKind::Exhortation, i, i)))
}

/// True when an obligation, a plea or a lesson's colon stands in the ten words before `i`.
fn urged_before(s: &Sentence, i: usize) -> bool {
    (i.saturating_sub(10)..i).any(|j| {
        matches!(
            s.word(j),
            "must" | "should" | "need" | "needs" | "please" | "lesson" | "takeaway" | "always"
        ) || s.tokens[j].text == ":"
            || matches!(s.word(j), "have" | "has") && s.word(j + 1) == "to"
    })
}

/// "Everyone on the roaming desk must", "every one of us has to": all of a named group, or of
/// the writers, before the obligation at `i`.
fn addressed_group(s: &Sentence, i: usize) -> bool {
    (i.saturating_sub(12)..i).any(|j| {
        let all = matches!(s.word(j), "everyone" | "everybody")
            || s.word(j) == "one" && s.word(j.wrapping_sub(1)) == "every";
        all && (crate::blame::agent::of_a_group(&s.tokens, j) || s.word(j + 2) == "us")
    })
}

/// Ways of saying "be careful" as an act: "think twice", "take (more) care", "make an effort",
/// "stay humble".
const CARE_ACTS: &[(&str, &[&str])] = &[
    ("think", &["twice"]),
    ("take", &["care", "more", "extra", "greater", "a"]),
    ("make", &["an", "more", "every"]),
    ("stay", &["humble", "sharp", "focused"]),
    ("be", &["humble", "sharp", "focused", "on"]),
    // "keep their wits about them".
    ("keep", &["their", "your", "our", "his", "her"]),
];

/// Words that urge what follows on people: an obligation, a suggestion to all, a lesson. (The
/// virtues' own list, inside [`exhortation`], is narrower: it reads the words right before.)
const URGED_ON_PEOPLE: &[&str] = &[
    "must", "should", "need", "needs", "has", "have", "ought", "let's", "lets", "everyone", "all",
    "folks", "please", "lesson", "always", "remember", "try", "ask", "urge",
];

/// "everyone has to think twice", "need to take more care", "let's all make an effort to":
/// care asked of people as the lesson.
fn care_urged(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let (verb, objects) = CARE_ACTS.iter().find(|(v, _)| s.word(i) == *v)?;
        let next = s.word(i + 1);
        let care_object = objects.contains(&next)
            && (*verb != "keep" || s.word(i + 2) == "wits")
            // "be on your guard", "be on the lookout".
            && (*verb != "be" || next != "on" || matches!(s.word(i + 3), "guard" | "lookout"))
            && (*verb != "take"
                || next == "care"
                || matches!(s.word(i + 2), "care" | "breath" | "beat" | "moment"))
            && (*verb != "make" || s.word(i + 2) == "effort" || s.word(i + 3) == "effort")
            || taken_seriously(s, i, verb);
        // "be on your guard": the reader addressed in the phrase itself.
        let addressed = s.word(i + 2) == "your";
        let urged =
            addressed || (i.saturating_sub(6)..i).any(|j| URGED_ON_PEOPLE.contains(&s.word(j)));
        (care_object && urged && !s.negated_before(i, 3))
            .then(|| Hit::new(BlameKind::Exhortation, i, i + 1))
    })
}

/// "take pages seriously", "take every warning seriously": diligence asked as an idiom.
fn taken_seriously(s: &Sentence, i: usize, verb: &str) -> bool {
    verb == "take" && (i + 2..(i + 5).min(s.tokens.len())).any(|j| s.word(j) == "seriously")
}

/// Words that present what follows as a lesson.
const LESSON_WORDS: &[&str] = &["lesson", "lessons", "takeaway", "reminder", "moral"];

/// "Please, folks: read the banner before you type": an order to look before acting, given to
/// the people who act.
fn look_before_you_act(s: &Sentence) -> Option<Hit> {
    // The order opens the sentence, or what follows its colon ("Lesson for all of us: read").
    let colon = (0..s.tokens.len()).find(|&i| s.tokens[i].text == ":");
    let start = colon.map_or(0, |c| c + 1);
    let first = (start..s.tokens.len())
        .filter(|&i| s.tokens[i].is_word)
        .find(|&i| {
            !matches!(
                s.word(i),
                "please" | "folks" | "everyone" | "all" | "team" | "so"
            )
        })?;
    let looks = has_lemma(
        s.word(first),
        &[
            "read",
            "check",
            "look",
            "verify",
            "double-check",
            "triple-check",
            "think",
            "confirm",
            "watch",
            "sanity-check",
            "treat",
        ],
    );
    // "Lesson for all of us: read ... before pressing enter" is said to people; "Check every
    // subdomain before switching" is a step of a plan, and "Please confirm availability by
    // phone before relying on the screen" an instruction for the incident at hand: a bare
    // "please" with "before -ing" is no lesson.
    // "Please double-check which environment you are in before running": the reader's own
    // conduct, asked of them.
    let to_the_reader = (0..first).any(|j| s.word(j) == "please")
        && (first..s.tokens.len()).any(|j| matches!(s.word(j), "you" | "your"));
    let lesson_addressed = to_the_reader
        || (0..first).any(|j| {
            LESSON_WORDS.contains(&s.word(j)) || matches!(s.word(j), "folks" | "everyone" | "us")
        });
    let before_you = (first + 1..s.tokens.len()).any(|j| {
        s.word(j) == "before"
            && (matches!(s.word(j + 1), "you" | "we" | "anyone" | "anybody")
                || (lesson_addressed && s.word(j + 1).ends_with("ing")))
    });
    // "Lesson for the operators: never trust your memory": a lesson given as an order to people.
    // "The point of this review, for every dispatcher:" presents a lesson too.
    let point_of_review = |j: usize| {
        s.word(j) == "point"
            && s.word(j + 1) == "of"
            && matches!(
                s.word(j + 3),
                "review" | "postmortem" | "retro" | "retrospective"
            )
    };
    let lesson_order = colon.is_some()
        && (0..start).any(|j| LESSON_WORDS.contains(&s.word(j)) || point_of_review(j))
        && (matches!(s.word(first), "never" | "always" | "don't" | "do") || looks);
    ((looks && before_you) || lesson_order).then(|| Hit::new(BlameKind::Exhortation, first, first))
}
