//! Explaining a match in lines a tired responder can read: what broke and how it was fixed
//! or what was learned (sentences picked from the postmortem's own text), and why it matched.

use serde::{Deserialize, Serialize};

use crate::index::Index;
use crate::mechanisms::MECHANISMS;
use crate::passages::passages;
use crate::postmortem::Postmortem;
use crate::rank::MatchContext;
use crate::text::{sentences, terms, terms_with_words};

/// Longest sentence quoted, in characters; longer ones are cut at a word boundary.
const MAX_QUOTE: usize = 280;
/// Shared terms listed in an explanation.
const MAX_SHARED_TERMS: usize = 6;

/// Phrases that mark a sentence as telling the cause, strongest first (matched on the
/// lowercased sentence, so inflections are listed where they matter).
const CAUSE_CUES: &[&str] = &[
    "root cause",
    "caused by",
    "due to",
    "because",
    "triggered",
    "resulted in",
    "led to",
    "caused",
    "misconfigur",
    "bug",
    "expired",
    "failed",
    "failure",
    "broke",
    "outage",
    "error",
];
/// Phrases that mark a sentence as telling the lesson or the fix, strongest first.
const FIX_CUES: &[&str] = &[
    "lesson",
    "learned",
    "learnt",
    "going forward",
    "in the future",
    "to prevent",
    "to avoid",
    "we will",
    "we have since",
    "we now",
    "action item",
    "follow-up",
    "remediat",
    "fixed",
    "resolved",
    "rolled back",
    "reverted",
    "restored",
    "mitigat",
    "recovered",
];
/// Section headings under which every sentence tells a lesson or a fix.
const FIX_SECTIONS: &[&str] = &[
    "lesson",
    "learn",
    "action",
    "remediation",
    "follow",
    "prevent",
    "next step",
    "resolution",
    "fix",
    "improvement",
];
/// Sentences shorter than this (in words) are fragments, not explanations.
const MIN_SENTENCE_WORDS: usize = 5;

/// One past incident offered as similar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub id: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    /// Fused score (standard units; higher is more similar). Comparable within one answer.
    pub score: f32,
    /// A sentence from the postmortem saying what broke.
    pub what_broke: String,
    /// A sentence from the postmortem saying how it was fixed or what was learned.
    pub fix_or_lesson: Option<String>,
    pub why: Why,
}

/// The evidence that made a postmortem match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Why {
    /// Query words that also occur in the postmortem, rarest first.
    pub shared_terms: Vec<String>,
    /// A failure mechanism both the query's symptoms and the postmortem point to.
    pub mechanism: Option<String>,
    /// The postmortem passage most similar in meaning to the query.
    pub similar_passage: Option<String>,
    /// Set when the cross-check by mechanism moved the postmortem up: the stronger match it
    /// was recognised as the same kind of failure as, and that mechanism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_failure_as: Option<SameFailureAs>,
}

/// A stronger match that a postmortem shares its failure mechanism with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SameFailureAs {
    /// The stronger match's id.
    pub id: String,
    /// The mechanism both were recognised as.
    pub mechanism: String,
}

pub(crate) fn explain(index: &Index, context: &MatchContext<'_>, score: f32) -> Match {
    let entry = &index.docs[context.position];
    let doc = &entry.doc;
    Match {
        id: doc.id.clone(),
        company: doc.company.clone(),
        title: doc.title.clone(),
        date: doc.date.clone(),
        url: doc.url.clone(),
        score,
        what_broke: what_broke(doc),
        fix_or_lesson: fix_or_lesson(doc),
        why: Why {
            shared_terms: shared_terms(index, context),
            mechanism: context
                .query_mechanisms
                .iter()
                .find(|m| entry.mechanisms.contains(m))
                .map(|&m| MECHANISMS[m].name.to_string()),
            similar_passage: context.best_passage.and_then(|id| passage_text(doc, id)),
            same_failure_as: context.raised_by.map(|r| SameFailureAs {
                id: index.docs[r.voter].doc.id.clone(),
                mechanism: MECHANISMS[r.mechanism].name.to_string(),
            }),
        },
    }
}

/// The first summary sentence naming a cause, else the summary's first sentence.
fn what_broke(doc: &Postmortem) -> String {
    let source = [&doc.summary, &doc.alt_summary, &doc.text, &doc.title]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty());
    let Some(source) = source else {
        return String::new();
    };
    let candidates: Vec<&str> = prose(source).into_iter().map(|(_, s)| s).collect();
    let chosen = candidates
        .iter()
        .find(|s| cue_rank(s, CAUSE_CUES).is_some())
        .or(candidates.first())
        .copied()
        .unwrap_or_else(|| source.trim());
    quote(chosen)
}

/// The sentence (body first, then summaries) with the strongest lesson or fix cue; a
/// sentence under a "Lessons learned" style heading counts as the strongest. Among equals,
/// the earliest.
fn fix_or_lesson(doc: &Postmortem) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for source in [&doc.text, &doc.summary, &doc.alt_summary]
        .into_iter()
        .flatten()
    {
        for (in_fix_section, sentence) in prose(source) {
            let rank = if in_fix_section {
                Some(0)
            } else {
                cue_rank(sentence, FIX_CUES).map(|r| r + 1)
            };
            let Some(rank) = rank else { continue };
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, sentence));
            }
        }
    }
    best.map(|(_, s)| quote(s))
}

/// The prose sentences of a markdown-ish text, each with whether it sits under a heading
/// about lessons or fixes. Headings, table rows and fragments are skipped.
fn prose(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut in_fix_section = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            let heading = heading.to_lowercase();
            in_fix_section = FIX_SECTIONS.iter().any(|cue| heading.contains(cue));
            continue;
        }
        if trimmed.starts_with('|') {
            continue;
        }
        for sentence in sentences(trimmed) {
            if sentence.split_whitespace().count() >= MIN_SENTENCE_WORDS {
                out.push((in_fix_section, sentence));
            }
        }
    }
    out
}

/// Position in `cues` of the strongest cue the sentence contains.
fn cue_rank(sentence: &str, cues: &[&str]) -> Option<usize> {
    let lower = sentence.to_lowercase();
    cues.iter().position(|cue| lower.contains(cue))
}

/// Query words whose terms the postmortem also uses, rarest in the corpus first, written
/// as the responder wrote them.
fn shared_terms(index: &Index, context: &MatchContext<'_>) -> Vec<String> {
    let doc_terms = terms(&index.docs[context.position].doc.all_text());
    let mut shared: Vec<(String, String)> = Vec::new();
    for (term, word) in terms_with_words(context.query_text) {
        if doc_terms.contains(&term) && !shared.iter().any(|(t, _)| *t == term) {
            shared.push((term, word));
        }
    }
    shared.sort_by(|(a, _), (b, _)| index.lexical.idf(b).total_cmp(&index.lexical.idf(a)));
    shared
        .into_iter()
        .take(MAX_SHARED_TERMS)
        .map(|(_, word)| word)
        .collect()
}

fn passage_text(doc: &Postmortem, passage_id: &str) -> Option<String> {
    passages(doc)
        .into_iter()
        .find(|p| p.id == passage_id)
        .map(|p| quote(&p.text))
}

/// Drops markdown emphasis and trims to [`MAX_QUOTE`] characters at a word boundary, marking the cut.
fn quote(text: &str) -> String {
    let cleaned = text.replace("**", "").replace('`', "");
    let text = cleaned.trim().trim_start_matches("- ").trim();
    if text.chars().count() <= MAX_QUOTE {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_QUOTE).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{at_word}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Postmortem {
        Postmortem {
            id: "pm-1".into(),
            summary: Some("Checkout was slow for an hour. The outage was caused by an expired certificate.".into()),
            text: Some("Timeline follows. We restored service by renewing it. Going forward we will alert 30 days before expiry.".into()),
            ..Postmortem::default()
        }
    }

    #[test]
    fn picks_cause_and_lesson_sentences_from_the_text() {
        assert_eq!(
            what_broke(&doc()),
            "The outage was caused by an expired certificate."
        );
        assert_eq!(
            fix_or_lesson(&doc()).as_deref(),
            Some("Going forward we will alert 30 days before expiry.")
        );
    }

    #[test]
    fn a_lessons_section_beats_cue_words_and_headings_are_never_quoted() {
        let mut d = doc();
        d.text = Some(
            "## Impact\nThe certificate expired and prevented logins for everyone.\n\n\
             ## Lessons Learned\n\n- Certificates need an owner and an expiry alert.\n"
                .into(),
        );
        assert_eq!(
            fix_or_lesson(&d).as_deref(),
            Some("Certificates need an owner and an expiry alert.")
        );
    }

    #[test]
    fn long_quotes_are_cut_at_a_word() {
        let long = "word ".repeat(100);
        let q = quote(&long);
        assert!(q.ends_with('…') && q.chars().count() <= MAX_QUOTE + 1);
    }
}
