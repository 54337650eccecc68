//! The cues of blame language, one function per way a sentence can put the cause on a person.
//!
//! Every rule asks two questions: is there a cue (a slip, an omission, a counterfactual, a
//! judgement of character, a "human error" label), and is it attached to a person rather than
//! to a system? Words like "failed to" or "mistakenly" are blameless when a script is their
//! subject, so those cues only fire when [`Sentence::agent_of`] finds a person.

mod awareness;
mod conduct;
mod counterfactual;
mod harm;
mod judgement;
mod label;
mod question;
mod slip;
mod warning;

pub(super) use awareness::{knew_and_did_not, unaware};
pub(super) use conduct::conduct_advice;
pub(super) use counterfactual::counterfactual;
pub(super) use harm::harm;
pub(super) use judgement::{character, exhortation};
pub(super) use label::{culprit, disclaims_blame, human_error_label, owned_mistake};
pub(super) use question::rhetorical;
pub(super) use slip::slip;
pub(super) use warning::{against_a_warning, unchecked_belief};

use super::BlameKind;

/// Where a rule matched: the kind of blame, the tokens carrying it, and where the blamed act
/// starts (for the rewording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hit {
    pub kind: BlameKind,
    pub from: usize,
    pub to: usize,
    pub act: Option<usize>,
}

impl Hit {
    fn new(kind: BlameKind, from: usize, to: usize) -> Self {
        Hit {
            kind,
            from,
            to,
            act: None,
        }
    }

    fn with_act(mut self, act: Option<usize>) -> Self {
        self.act = act;
        self
    }
}

/// "the engineer's", "operators'": a possessive whose owner is a person.
fn person_possessive(word: &str) -> bool {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix('\''))
        .is_some_and(|base| super::lexicon::is_noun_in(base, super::lexicon::PERSON_NOUNS))
}
