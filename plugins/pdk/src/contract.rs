//! Findings and proposals built with the contract's rules checked where they are made, so a
//! plugin learns about a 95-character title from its own error message and not from the
//! host refusing its whole answer.
//!
//! ```
//! use rhyme_pdk::contract::finding;
//! use rhyme_pdk::types::{Evidence, FindingKind};
//!
//! let f = finding(FindingKind::Note, "deploy", "A deploy landed during the incident")
//!     .detail("cart-service v4.18.0")
//!     .evidence(Evidence::Event("7".into()))
//!     .confidence(0.6)
//!     .at(1_700_000_000_000)
//!     .build()
//!     .unwrap();
//! assert_eq!(f.evidence.len(), 1);
//!
//! let too_sure = finding(FindingKind::Note, "x", "fine title").confidence(1.5).build();
//! assert!(too_sure.unwrap_err().to_string().contains("confidence"));
//! ```

use std::fmt;

use crate::time::truncate_chars;
use crate::types::{Evidence, Finding, FindingKind, Proposal, ProposalKind, Timestamp};

/// The contract's longest finding or proposal title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;

/// A rule of the contract that a finding or proposal under construction breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractError(String);

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ContractError {}

/// Handlers return `Result<Output, String>`: `?` turns a broken rule into the handler's error.
impl From<ContractError> for String {
    fn from(e: ContractError) -> String {
        e.0
    }
}

fn check_title(what: &str, title: &str) -> Result<(), ContractError> {
    let chars = title.chars().count();
    if title.trim().is_empty() {
        return Err(ContractError(format!("{what} has an empty title")));
    }
    if chars > MAX_TITLE_CHARS {
        return Err(ContractError(format!(
            "{what} title has {chars} characters, at most {MAX_TITLE_CHARS} (shorten it, or use `.title_cut`): {title}"
        )));
    }
    Ok(())
}

/// The evidence setters, the same on every builder whose record carries an `evidence` list:
/// written once so that findings and proposals cannot drift apart in how evidence is added.
macro_rules! evidence_methods {
    () => {
        /// One more piece of evidence.
        pub fn evidence(mut self, evidence: Evidence) -> Self {
            self.0.evidence.push(evidence);
            self
        }

        /// Several more pieces of evidence.
        pub fn evidence_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
            self.0.evidence.extend(evidence);
            self
        }
    };
}

/// Starts a finding; [`FindingBuilder::build`] checks it.
pub fn finding(kind: FindingKind, subject: &str, title: &str) -> FindingBuilder {
    FindingBuilder(Finding {
        kind,
        subject: subject.into(),
        title: title.into(),
        detail: String::new(),
        evidence: Vec::new(),
        confidence: 1.0,
        at: None,
    })
}

/// A finding under construction.
pub struct FindingBuilder(Finding);

impl FindingBuilder {
    /// Replaces the title with `title` cut to the contract's length, `…` marking the cut.
    pub fn title_cut(mut self, title: &str) -> Self {
        self.0.title = truncate_chars(title, MAX_TITLE_CHARS);
        self
    }

    /// The text below the title.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = detail.into();
        self
    }

    evidence_methods!();

    /// How sure the plugin is, from 0.0 to 1.0 (default 1.0).
    pub fn confidence(mut self, confidence: f32) -> Self {
        self.0.confidence = confidence;
        self
    }

    /// The moment the finding applies to, in incident time.
    pub fn at(mut self, at: Timestamp) -> Self {
        self.0.at = Some(at);
        self
    }

    /// The finding, or the contract rule it breaks.
    pub fn build(self) -> Result<Finding, ContractError> {
        let f = self.0;
        check_title("finding", &f.title)?;
        if !(0.0..=1.0).contains(&f.confidence) {
            return Err(ContractError(format!(
                "finding `{}` has confidence {}; it must be between 0 and 1",
                f.title, f.confidence
            )));
        }
        Ok(f)
    }
}

/// Starts a proposal; [`ProposalBuilder::build`] checks it.
pub fn proposal(kind: ProposalKind, title: &str, body: impl Into<String>) -> ProposalBuilder {
    ProposalBuilder(Proposal {
        kind,
        title: title.into(),
        body: body.into(),
        rationale: String::new(),
        evidence: Vec::new(),
    })
}

/// A proposal under construction.
pub struct ProposalBuilder(Proposal);

impl ProposalBuilder {
    /// Why the plugin proposes it.
    pub fn rationale(mut self, rationale: impl Into<String>) -> Self {
        self.0.rationale = rationale.into();
        self
    }

    evidence_methods!();

    /// The proposal, or the contract rule it breaks.
    pub fn build(self) -> Result<Proposal, ContractError> {
        let p = self.0;
        check_title("proposal", &p.title)?;
        if p.body.trim().is_empty() {
            return Err(ContractError(format!(
                "proposal `{}` has an empty body: a reviewer needs something to approve",
                p.title
            )));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_long_titles_and_stray_confidence() {
        let long = "x".repeat(81);
        assert!(
            finding(FindingKind::Note, "s", &long)
                .build()
                .unwrap_err()
                .0
                .contains("81 characters")
        );
        assert_eq!(
            finding(FindingKind::Note, "s", "t")
                .title_cut(&long)
                .build()
                .unwrap()
                .title
                .chars()
                .count(),
            80
        );
        assert!(finding(FindingKind::Note, "s", " ").build().is_err());
        assert!(
            finding(FindingKind::Note, "s", "t")
                .confidence(f32::NAN)
                .build()
                .is_err()
        );
        assert!(
            finding(FindingKind::Note, "s", "t")
                .confidence(0.0)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn proposals_need_a_body() {
        assert!(
            proposal(ProposalKind::SuggestedAction, "Roll back", "")
                .build()
                .is_err()
        );
        let p = proposal(ProposalKind::SuggestedAction, "Roll back", "rollback cart")
            .rationale("why")
            .build()
            .unwrap();
        assert_eq!(p.rationale, "why");
    }
}
