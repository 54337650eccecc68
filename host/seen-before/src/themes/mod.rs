//! Recurring mechanisms: postmortems grouped by what broke and why, so that a team sees "the
//! third expired certificate in fourteen months" instead of three unrelated write-ups.
//!
//! 1. Each postmortem's mechanism-bearing text ([`mechanism_text`]: title and summary, where
//!    write-ups say what broke) is embedded with the local model, optionally pulled towards
//!    the closest entry of seen-before's [mechanism catalogue](seen_before_index::MECHANISMS)
//!    ([`represent`]), so that two write-ups of the same mechanism in different words meet.
//! 2. The vectors are clustered by average linkage under a cosine-distance threshold
//!    ([`cluster`]); a cluster of one is not a recurring theme.
//! 3. Each group is named by its closest catalogue mechanism and the words its members share
//!    ([`Theme`]), its members sorted by date.
//!
//! [`kmeans`] is the TF-IDF k-means baseline `rhyme eval themes` compares against. Action
//! items promised per incident are added to a group's [`Theme::notes`] through
//! [`ThemeNotes`]; [`promises::Promises`] reads them from the store.

pub mod cluster;
pub mod kmeans;
mod name;
pub mod promises;

use rhyme_runtime::capability::backend::{BackendError, Embedder};
use seen_before_index::MECHANISMS;
use serde::Serialize;
use utoipa::ToSchema;

use crate::corpus::Postmortem;
pub use cluster::Dendrogram;

/// Cosine distance under which groups join (average linkage). Chosen by the cross-validation
/// of `rhyme eval themes --queries` against same-mechanism pairs of the public corpus: the
/// value four of five folds picked on their training queries (the fifth picked 0.36). Quote
/// the held-out figure that choice earns, not the in-sample one.
pub const DEFAULT_THRESHOLD: f32 = 0.34;

/// How far each postmortem's vector is pulled towards its closest catalogue mechanism
/// (0 = the embedding alone), chosen by the same cross-validation (every fold picked 0.25
/// among 0, 0.25, 0.5 and 1).
pub const DEFAULT_CATALOGUE_WEIGHT: f32 = 0.25;

/// Texts per model call.
const BATCH: usize = 64;

/// Characters of the full text used when a postmortem has neither title nor summary.
const TEXT_HEAD: usize = 600;

/// How the grouping is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThemeOptions {
    /// Cosine distance under which groups join, 0 to 1.
    pub threshold: f32,
    /// Pull towards the closest catalogue mechanism, 0 (none) to 1 (as much as the text).
    pub catalogue_weight: f32,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions {
            threshold: DEFAULT_THRESHOLD,
            catalogue_weight: DEFAULT_CATALOGUE_WEIGHT,
        }
    }
}

/// Why postmortems could not be grouped.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The embedding model failed.
    #[error("embedding {what}: {source}")]
    Embed {
        /// What was being embedded.
        what: &'static str,
        /// The model's error.
        #[source]
        source: BackendError,
    },
    /// The data folder's corpus could not be read.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
}

/// The embedded postmortems and catalogue, ready to be clustered at any setting.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// One unit vector per postmortem of [`mechanism_text`], in input order (all zeros for
    /// a postmortem with no text, which then joins nothing).
    pub docs: Vec<Vec<f32>>,
    /// One unit vector per [`MECHANISMS`] entry of its description, in order.
    pub mechanisms: Vec<Vec<f32>>,
}

impl Embedded {
    /// Embeds every postmortem's [`mechanism_text`] and the catalogue's descriptions.
    pub fn new(docs: &[Postmortem], embedder: &dyn Embedder) -> Result<Embedded, ThemeError> {
        let texts: Vec<String> = docs.iter().map(mechanism_text).collect();
        let descriptions: Vec<String> = MECHANISMS.iter().map(|m| m.description()).collect();
        Ok(Embedded {
            docs: embed(embedder, &texts, "the postmortems")?,
            mechanisms: embed(embedder, &descriptions, "the mechanism catalogue")?,
        })
    }

    /// The vectors clustered: each postmortem's, pulled by `weight` towards its closest
    /// catalogue mechanism, back to unit length.
    pub fn represent(&self, weight: f32) -> Vec<Vec<f32>> {
        self.docs
            .iter()
            .map(|v| {
                let Some(closest) = self.closest_mechanism(v) else {
                    return v.clone();
                };
                let m = &self.mechanisms[closest];
                kmeans::normalized(v.iter().zip(m).map(|(x, y)| x + weight * y).collect())
            })
            .collect()
    }

    /// Position in [`MECHANISMS`] of the entry most similar to `v`; none for a zero vector.
    fn closest_mechanism(&self, v: &[f32]) -> Option<usize> {
        if v.iter().all(|x| *x == 0.0) {
            return None;
        }
        self.mechanisms
            .iter()
            .enumerate()
            .map(|(i, m)| (i, cluster::dot(v, m)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// What a write-up says broke and why: its title and summary (the second summary when there
/// is no first; the head of the full text when there is neither), without the company's name,
/// which says whose incident it was, not what broke.
pub fn mechanism_text(doc: &Postmortem) -> String {
    let summary = doc
        .summary
        .as_deref()
        .or(doc.alt_summary.as_deref())
        .filter(|s| !s.trim().is_empty());
    let head = || {
        doc.text
            .as_deref()
            .map(|t| t.chars().take(TEXT_HEAD).collect::<String>())
    };
    let parts: Vec<String> = [doc.title.clone(), summary.map(str::to_string).or_else(head)]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    without_company(&parts.join(". "), doc.company.as_deref())
}

/// `text` without the words of `company` (as whole words, any case, possessive too).
fn without_company(text: &str, company: Option<&str>) -> String {
    let names: Vec<String> = company
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    if names.is_empty() {
        return text.to_string();
    }
    text.split_whitespace()
        .filter(|token| {
            let bare = token
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            let bare = bare.strip_suffix("'s").unwrap_or(&bare);
            !names.iter().any(|n| n == bare)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn embed(
    embedder: &dyn Embedder,
    texts: &[String],
    what: &'static str,
) -> Result<Vec<Vec<f32>>, ThemeError> {
    // Blank texts are not sent: a zero vector is at distance 1 from everything, so a
    // postmortem with nothing to say joins no group.
    let mut out = vec![vec![0.0; embedder.dimensions()]; texts.len()];
    let present: Vec<usize> = (0..texts.len())
        .filter(|&i| !texts[i].trim().is_empty())
        .collect();
    for chunk in present.chunks(BATCH) {
        let batch: Vec<String> = chunk.iter().map(|&i| texts[i].clone()).collect();
        let vectors = embedder
            .embed(&batch)
            .map_err(|source| ThemeError::Embed { what, source })?;
        for (&i, v) in chunk.iter().zip(vectors) {
            out[i] = kmeans::normalized(v);
        }
    }
    Ok(out)
}

/// One postmortem of a recurring group.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Member {
    /// The postmortem's id.
    pub id: String,
    /// Its title (or, without one, the start of its summary).
    pub title: String,
    /// `YYYY-MM-DD` when known.
    pub date: Option<String>,
    /// The company or team, when known.
    pub company: Option<String>,
    /// The incident of this host's store the postmortem is about, when it names one: its
    /// action items, kept when that incident's postmortem was approved, are this member's.
    pub incident: Option<String>,
}

/// A recurring mechanism: two or more postmortems grouped together.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Theme {
    /// The closest entry of the mechanism catalogue to the group as a whole
    /// (`certificate-expiry`, `dns`, ...).
    pub mechanism: String,
    /// Words at least half the members' titles and summaries use (at most three), most
    /// telling first: how the group differs from the closest catalogue entry.
    pub shared_terms: Vec<String>,
    /// The postmortems, oldest first (undated ones last).
    pub members: Vec<Member>,
    /// Days from the first dated member to the last; none with fewer than two dates.
    pub span_days: Option<i64>,
    /// Extra lines about the group (the action items promised each time), from [`ThemeNotes`].
    pub notes: Vec<String>,
}

/// Lines added to a group from elsewhere: where the action items promised after each member
/// incident, and their status, are shown ("the renewal alert promised after the first two is
/// still planned"). The store's action items plug in here ([`promises::Promises`]);
/// [`NoNotes`] adds nothing.
pub trait ThemeNotes {
    /// Lines about these members, in the order to show them.
    fn notes(&self, members: &[Member]) -> Vec<String>;
}

/// Adds no lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNotes;

impl ThemeNotes for NoNotes {
    fn notes(&self, _members: &[Member]) -> Vec<String> {
        Vec::new()
    }
}

/// The recurring groups among `docs` (two members or more), largest first.
pub fn themes(
    docs: &[Postmortem],
    embedder: &dyn Embedder,
    options: &ThemeOptions,
    notes: &dyn ThemeNotes,
) -> Result<Vec<Theme>, ThemeError> {
    let embedded = Embedded::new(docs, embedder)?;
    let clusters =
        Dendrogram::build(&embedded.represent(options.catalogue_weight)).cut(options.threshold);
    Ok(describe(docs, &embedded, &clusters, notes))
}

/// The groups of two or more of a clustering (`clusters[i]` is the group of `docs[i]`),
/// named and sorted: most members first, then the most recent.
pub fn describe(
    docs: &[Postmortem],
    embedded: &Embedded,
    clusters: &[usize],
    notes: &dyn ThemeNotes,
) -> Vec<Theme> {
    let groups = clusters.iter().max().map_or(0, |m| m + 1);
    let mut themes: Vec<Theme> = (0..groups)
        .map(|g| {
            (0..docs.len())
                .filter(|&i| clusters[i] == g)
                .collect::<Vec<_>>()
        })
        .filter(|members| members.len() >= 2)
        .map(|members| {
            let mut theme = name::theme(docs, embedded, &members);
            theme.notes = notes.notes(&theme.members);
            theme
        })
        .collect();
    themes.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| last_date(b).cmp(&last_date(a)))
            .then_with(|| a.members[0].id.cmp(&b.members[0].id))
    });
    themes
}

fn last_date(theme: &Theme) -> Option<&str> {
    theme.members.iter().filter_map(|m| m.date.as_deref()).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mechanism_text_leaves_the_company_out() {
        let doc = Postmortem {
            id: "pm-1".into(),
            company: Some("Acme Cloud".into()),
            title: Some("Acme's API down".into()),
            summary: Some("An expired certificate broke ACME logins.".into()),
            ..Postmortem::default()
        };
        assert_eq!(
            mechanism_text(&doc),
            "API down. An expired certificate broke logins."
        );
        let bare = Postmortem {
            id: "pm-2".into(),
            text: Some("Only a body".into()),
            ..Postmortem::default()
        };
        assert_eq!(mechanism_text(&bare), "Only a body");
    }
}
