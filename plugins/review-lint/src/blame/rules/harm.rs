//! A person as the doer of the failure itself: "the contractor broke checkout", "an engineer
//! brought down the cluster", "the on-call caused the outage", "our DBA dropped the production
//! table". The verb's object is the damage, not a step that later turned out to trigger it, so
//! the sentence puts the failure on the person.
//!
//! Kept apart: a system as the doer ("the deploy broke checkout"), an act with a purpose or a
//! plan ("we took the site down for maintenance", "to stop the leak"), breaking something
//! *into* parts, and removing things that were not live ("engineers removed an unused block").

use super::Hit;
use crate::blame::BlameKind;
use crate::blame::agent::Agent;
use crate::blame::lexicon::has_lemma;
use crate::blame::sentence::Sentence;

/// Verbs whose object is damage whatever it is: breaking, crashing, corrupting, wiping.
pub(super) const DAMAGING: &[&str] = &[
    "break", "broke", "crash", "corrupt", "wipe", "destroy", "trash", "nuke", "clobber",
];

/// Verbs that take something away; damage only when what was taken was live.
pub(super) const REMOVING: &[&str] = &[
    "delete",
    "drop",
    "remove",
    "erase",
    "purge",
    "truncate",
    "overwrite",
    "overwrote",
    "unplug",
    "disconnect",
];

/// Words that mark what was removed as live: production data, customers' data, all of it.
const LIVE: &[&str] = &[
    "production",
    "prod",
    "live",
    "customer",
    "customers",
    "customers'",
    "customer's",
    "entire",
    "whole",
    "all",
    "primary",
];

/// Nouns that name a failure as the object of "caused".
const FAILURES: &[&str] = &[
    "outage",
    "outages",
    "incident",
    "incidents",
    "downtime",
    "disruption",
    "failure",
    "failures",
    "loss",
    "breakage",
    "crash",
    "degradation",
];

/// Words after the act that give it a purpose or a plan, which makes it a decision, not a
/// failure: "for maintenance", "to stop the leak", "on purpose", "as planned".
const PURPOSES: &[&str] = &[
    "to",
    "for",
    "purpose",
    "planned",
    "intentionally",
    "deliberately",
    "into",
    "up",
    "apart",
];

/// What breaking undoes rather than damages: "broke the dependency", "broke the loop".
const LINKS: &[&str] = &[
    "dependency",
    "dependencies",
    "link",
    "loop",
    "cycle",
    "deadlock",
    "tie",
    "ties",
    "chain",
    "connection",
    "coupling",
    "glass",
];

/// Words of the response before the act: what people did to stop an incident is not its cause.
const REMEDIES: &[&str] = &[
    "mitigate",
    "resolve",
    "fix",
    "restore",
    "recover",
    "stop",
    "contain",
    "remediate",
    "halt",
    "prevent",
    "isolate",
];

/// Fires on a person as the doer of the failure: damaging, bringing down, removing live data,
/// or causing the outage.
pub(crate) fn harm(s: &Sentence) -> Option<Hit> {
    (0..s.tokens.len()).find_map(|i| {
        let word = s.word(i);
        let candidate = has_lemma(word, DAMAGING)
            || has_lemma(word, REMOVING)
            || matches!(word, "brought" | "took" | "knocked" | "caused");
        // "the corrupted index", "a broken config": a participle after a determiner describes
        // a thing, it is nobody's act.
        let describes = matches!(
            s.word(i.wrapping_sub(1)),
            "the" | "a" | "an" | "this" | "that" | "its" | "our" | "their" | "any" | "some"
        );
        if !candidate || describes {
            // Most words: skip the clause work below.
            return None;
        }
        let object_end = (i + 1..(i + 6).min(s.tokens.len()))
            .take_while(|&j| s.tokens[j].is_word && s.same_clause(i, j))
            .last()
            .unwrap_or(i);
        let object = || (i + 1..=object_end).map(|j| s.word(j));
        let harmful = if has_lemma(word, DAMAGING) {
            // The past of the act: "crashed the cluster", "broke checkout" (not "the crash").
            (word.ends_with("ed") || word == "broke")
                && !LINKS.iter().any(|l| object().any(|w| w == *l))
        } else if has_lemma(word, REMOVING) {
            word.ends_with("ed") || word == "overwrote"
        } else if matches!(word, "brought" | "took" | "knocked") {
            // "took over" is taking a job or a role; only a thing knocked over was harmed.
            matches!(s.word(i + 1), "down" | "out")
                || (word == "knocked" && s.word(i + 1) == "over")
                || object().any(|w| matches!(w, "down" | "offline"))
        } else if word == "caused" {
            object().any(|w| FAILURES.contains(&w))
        } else {
            false
        };
        if !harmful || s.negated_before(i, 2) {
            return None;
        }
        if has_lemma(word, REMOVING) && !object().any(|w| LIVE.contains(&w)) {
            return None;
        }
        // "To mitigate the impact, engineers broke ...": the act is part of the response.
        if (0..i).any(|j| has_lemma(s.word(j), REMEDIES)) {
            return None;
        }
        let passive = matches!(
            s.word(i.wrapping_sub(1)),
            "was" | "were" | "been" | "be" | "is" | "are" | "being" | "got"
        );
        // "for every Android user", "for all tenants": who was hit, not what the act was for.
        let affected = |j: usize| {
            s.word(j) == "for"
                && matches!(
                    s.word(j + 1),
                    "every" | "all" | "each" | "most" | "many" | "some"
                )
        };
        let purpose = (i + 1..(i + 9).min(s.tokens.len())).any(|j| {
            PURPOSES.contains(&s.word(j)) && s.same_clause(i, j) && !affected(j)
                || s.word(j) == "on" && s.word(j + 1) == "purpose"
        });
        let (agent, at) = s.agent_of(i);
        let subject = at.filter(|&a| a < i && i - a <= 4)?;
        // "Subnet Route Table Associations destroyed": a capitalised doer that ends a run of
        // three or more capitalised words is a title or a product's name, not a person's.
        let capitalised_run = (0..=subject)
            .rev()
            .take_while(|&j| {
                s.tokens[j].is_word && s.tokens[j].text.starts_with(char::is_uppercase)
            })
            .count();
        let someone = agent == Agent::Person || (agent == Agent::Name && capitalised_run < 3);
        (someone && !passive && !purpose)
            .then(|| Hit::new(BlameKind::Culprit, subject, object_end).with_act(Some(i)))
    })
}
