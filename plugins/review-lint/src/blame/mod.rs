//! Blame language: sentences that put the cause of an incident on a person's failing or
//! character instead of on the conditions that made the failure easy.
//!
//! Blame takes a few recognisable shapes: a "human error" label, a person's slip or omission
//! given as the cause, hindsight ("X should have"), a remark on character ("careless"), a call
//! to be more careful, or pointing at a culprit. Each shape is a rule in [`rules`]; the shared
//! question "is the doer a person or a system?" is answered by [`agent`].
//!
//! ```
//! use review_lint::blame;
//!
//! let finding = blame::detect("Ops should have checked the disk usage first.").unwrap();
//! assert_eq!(finding.phrase, "should have checked");
//! assert!(blame::detect("The alert should have fired at 80% disk usage.").is_none());
//! ```

mod agent;
pub(crate) mod lexicon;
mod rewording;
mod rules;
mod sentence;

use serde::{Deserialize, Serialize};

use rules::Hit;
use sentence::Sentence;

/// The shape of blame a finding has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlameKind {
    /// "Human error", "operator error", "this oversight" given as a cause.
    HumanError,
    /// A person's slip given as the cause ("accidentally", "forgot", "made a typo").
    Slip,
    /// A person's omission given as the cause ("failed to verify", "didn't escalate").
    Omission,
    /// Hindsight about a person ("should have checked", "if only they had read").
    Counterfactual,
    /// A judgement of character, state or competence ("careless", "too tired").
    Character,
    /// A call to try harder ("be more careful").
    Exhortation,
    /// Pointing at who is at fault ("the fault of the contractor", "someone deleted it").
    Culprit,
}

/// One piece of blame language in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlameFinding {
    /// The words that carry the blame, as they appear in the sentence.
    pub phrase: String,
    /// Why the phrase is blame language.
    pub reason: String,
    /// A blameless way to say it, turned towards what in the system made the mistake easy.
    pub rewording: String,
    /// Which shape of blame it is.
    pub kind: BlameKind,
}

/// The first blame found in one sentence, or `None` for a blameless sentence.
pub fn detect(sentence: &str) -> Option<BlameFinding> {
    let s = Sentence::new(sentence);
    if rules::disclaims_blame(&s) {
        return None;
    }
    let hit = rules::human_error_label(&s)
        .or_else(|| rules::culprit(&s))
        .or_else(|| rules::counterfactual(&s))
        .or_else(|| rules::rhetorical(&s))
        .or_else(|| rules::character(&s))
        .or_else(|| rules::slip(&s))
        .or_else(|| rules::unaware(&s))
        .or_else(|| rules::knew_and_did_not(&s))
        .or_else(|| rules::against_a_warning(&s))
        .or_else(|| rules::unchecked_belief(&s))
        .or_else(|| rules::harm(&s))
        .or_else(|| rules::exhortation(&s))
        .or_else(|| rules::conduct_advice(&s))
        .or_else(|| rules::owned_mistake(&s))?;
    Some(finding(&s, hit))
}

/// Every blame finding in a text, each with the byte offset of its sentence in `text`.
///
/// ```
/// let text = "The disk filled up. The DBA forgot to rotate the logs.";
/// let found = review_lint::blame::scan(text);
/// assert_eq!(found.len(), 1);
/// assert_eq!(&text[found[0].0..found[0].0 + 7], "The DBA");
/// ```
pub fn scan(text: &str) -> Vec<(usize, BlameFinding)> {
    crate::text::sentences(text)
        .into_iter()
        .filter_map(|(offset, sentence)| detect(sentence).map(|f| (offset, f)))
        .collect()
}

fn finding(s: &Sentence, hit: Hit) -> BlameFinding {
    let act = hit.act.map(|from| act_words(s, from));
    BlameFinding {
        phrase: s.span(hit.from, hit.to).to_string(),
        reason: rewording::reason(hit.kind).to_string(),
        rewording: rewording::rewording(hit.kind, act.as_deref()),
        kind: hit.kind,
    }
}

/// The blamed act: from its verb to the end of its clause, at most eight words.
fn act_words(s: &Sentence, from: usize) -> String {
    let end = (from..s.tokens.len())
        .take_while(|&i| s.tokens[i].is_word || matches!(s.tokens[i].text, "-" | "`" | "'"))
        .take(8)
        .last()
        .unwrap_or(from);
    s.span(from, end).to_string()
}
