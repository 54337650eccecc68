//! Going ahead against a warning, and acting on a belief one did not check: "was told the feed
//! was stale and published the fares anyway", "shipped the build despite two reminders",
//! "launched against the advice of the volunteers", "had been told twice that the scale read
//! low", "ran the purge believing it was the staging copy", "assumed the unit and never asked".
//!
//! Being told something is narration far more often than blame ("customers were told the service
//! would resume"), so a warning counts only when the one warned went on regardless ("anyway",
//! "regardless"), was warned more than once, or acted "despite" or "against" it. A belief counts
//! only when someone holds it while acting ("ran ... believing"), or assumed and then did not
//! check: a belief needs a mind, so a name is a person's here.

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::Agent;
use crate::blame::lexicon::{ATTENTIVE_ACTS, has_lemma};
use crate::blame::sentence::Sentence;

/// Participles of being warned.
const WARNED: &[&str] = &["told", "warned", "reminded", "advised", "cautioned"];
/// Going on whatever was said.
const REGARDLESS: &[&str] = &[
    "anyway",
    "anyhow",
    "regardless",
    "nonetheless",
    "nevertheless",
];
/// Said more than once.
const REPEATED: &[&str] = &["twice", "thrice", "repeatedly"];
/// What a warning is called.
const WARNINGS: &[&str] = &[
    "warning",
    "warnings",
    "reminder",
    "reminders",
    "advice",
    "objection",
    "objections",
    "recommendation",
    "recommendations",
];
/// Holding a belief while acting.
const BELIEVING: &[&str] = &["believing", "thinking", "assuming", "convinced", "sure"];

/// Fires on someone warned who went on regardless, or who acted despite a warning.
pub(crate) fn against_a_warning(s: &Sentence) -> Option<Hit> {
    let end = s.tokens.len();
    let warned = (1..end).find(|&i| {
        WARNED.contains(&s.word(i))
            && matches!(s.word(i - 1), "was" | "were" | "been")
            && !s.negated_before(i, 3)
            && s.agent_of(i).0.is_someone()
            && ((i + 1..end).any(|j| REGARDLESS.contains(&s.word(j))) || said_again(s, i + 1))
    });
    let despite = || {
        s.positions(&["despite", "against", "ignoring"]).find(|&d| {
            (d + 1..(d + 4).min(end)).any(|k| WARNINGS.contains(&s.word(k)))
                && s.agent_of(d).0.is_someone()
        })
    };
    let at = warned.or_else(despite)?;
    Some(Hit::new(BlameKind::Culprit, at, at))
}

/// "twice", "repeatedly", "more than once", "three times", "several times".
fn said_again(s: &Sentence, i: usize) -> bool {
    REPEATED.contains(&s.word(i))
        || (s.word(i) == "more" && s.word(i + 1) == "than" && s.word(i + 2) == "once")
        || (s.word(i + 1) == "times" && !s.word(i).is_empty())
}

/// Fires on someone acting on a belief they held ("ran the purge believing it was staging") or
/// had assumed without checking ("assumed the unit and never asked").
pub(crate) fn unchecked_belief(s: &Sentence) -> Option<Hit> {
    let end = s.tokens.len();
    let someone = |i: usize| matches!(s.agent_of(i).0, Agent::Person | Agent::Name);
    // "ran the purge script ... believing it was the staging copy": a participle of belief after
    // the act, with what was believed ("it was", "that").
    let held = (2..end).find(|&i| {
        BELIEVING.contains(&s.word(i))
            && matches!(
                s.word(i + 1),
                "it" | "that" | "the" | "this" | "they" | "he" | "she"
            )
            && someone(i)
    });
    let assumed_unchecked = || {
        s.positions(&["assumed"]).find(|&a| {
            someone(a)
                && (a + 1..end).any(|j| {
                    matches!(s.word(j), "never" | "without" | "didn't")
                        && s.next_content(j)
                            .is_some_and(|v| has_lemma(s.word(v), ATTENTIVE_ACTS))
                })
        })
    };
    let at = held.or_else(assumed_unchecked)?;
    Some(Hit::new(BlameKind::Slip, at, at).with_act(Some(at)))
}

#[cfg(test)]
mod tests {
    use crate::blame::detect as find_blame;

    #[test]
    fn going_on_against_a_warning_is_blame_and_a_warning_heard_is_not() {
        for text in [
            "The duty engineer was told the depot list was out of date and published the routes anyway.",
            "She had been warned twice that the disk was nearly full.",
            "The web team shipped the release despite three reminders in the channel.",
            "The release managers went live against the advice of the security reviewers.",
        ] {
            assert!(find_blame(text).is_some(), "{text}");
        }
        for text in [
            "Customers were told the service would resume by noon.",
            "The on-call was reminded by the pager at 02:10 and acknowledged within a minute.",
            "The job retried despite the warnings in its own log.",
        ] {
            assert!(find_blame(text).is_none(), "{text}");
        }
    }

    #[test]
    fn acting_on_an_unchecked_belief_is_blame() {
        for text in [
            "Ilse Varga deleted the bucket believing it was the test copy.",
            "The contractor assumed the sensor reported Fahrenheit and never checked the manual.",
        ] {
            assert!(find_blame(text).is_some(), "{text}");
        }
        for text in [
            "The failover script promoted the replica believing it was healthy.",
            "We assumed the sensor reported Fahrenheit, and the dashboard gave no unit.",
        ] {
            assert!(find_blame(text).is_none(), "{text}");
        }
    }
}
