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
pub mod classifier;
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
    /// No single phrase, but the sentence as a whole reads as blame to the sentence classifier
    /// ([`classifier`]): faint praise, a name heading the cause, a remark on competence.
    Implied,
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
    rule_hit(&s).map(|hit| finding(&s, hit))
}

/// The first rule that finds blame in the sentence.
fn rule_hit(s: &Sentence) -> Option<Hit> {
    rules::human_error_label(s)
        .or_else(|| rules::culprit(s))
        .or_else(|| rules::counterfactual(s))
        .or_else(|| rules::rhetorical(s))
        .or_else(|| rules::character(s))
        .or_else(|| rules::slip(s))
        .or_else(|| rules::unaware(s))
        .or_else(|| rules::knew_and_did_not(s))
        .or_else(|| rules::against_a_warning(s))
        .or_else(|| rules::unchecked_belief(s))
        .or_else(|| rules::harm(s))
        .or_else(|| rules::exhortation(s))
        .or_else(|| rules::conduct_advice(s))
        .or_else(|| rules::owned_mistake(s))
}

/// The first blame in one sentence by the rules, else by the sentence classifier when the
/// sentence's embedding (`vector`, from the model `classifier.embedding_model` names) is given.
/// A sentence that denies blame outright is blameless either way, and the classifier reads
/// only sentences that name someone besides "we" (see `Sentence::names_someone`).
///
/// ```
/// use review_lint::blame::{self, BlameKind, classifier::{Classifier, Example}};
///
/// let toy = Classifier::fit(
///     &[Example { vector: vec![1.0], blame: true }, Example { vector: vec![-1.0], blame: false }],
///     10.0, 0.6, "toy",
/// );
/// let found = blame::judge("Ana rolled the release out on a Friday.", Some(&[1.0]), &toy).unwrap();
/// assert_eq!(found.kind, BlameKind::Implied);
/// assert!(blame::judge("Ana rolled the release out on a Friday.", Some(&[-1.0]), &toy).is_none());
/// assert!(blame::judge("No one is at fault here.", Some(&[1.0]), &toy).is_none());
/// ```
pub fn judge(
    sentence: &str,
    vector: Option<&[f32]>,
    classifier: &classifier::Classifier,
) -> Option<BlameFinding> {
    let s = Sentence::new(sentence);
    if rules::disclaims_blame(&s) {
        return None;
    }
    if let Some(hit) = rule_hit(&s) {
        return Some(finding(&s, hit));
    }
    let vector = vector?;
    if !s.names_someone() || !classifier.is_blame(vector) {
        return None;
    }
    Some(BlameFinding {
        phrase: sentence.trim().to_string(),
        reason: format!(
            "{} (classifier score {:.2})",
            rewording::reason(BlameKind::Implied),
            classifier.probability(vector)
        ),
        rewording: rewording::rewording(BlameKind::Implied, None),
        kind: BlameKind::Implied,
    })
}

/// Whether [`judge`] would ask the classifier about this sentence: the rules find nothing, it
/// does not deny blame, and it names someone. Callers embed only these sentences.
pub fn needs_classifier(sentence: &str) -> bool {
    let s = Sentence::new(sentence);
    !rules::disclaims_blame(&s) && s.names_someone() && rule_hit(&s).is_none()
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
