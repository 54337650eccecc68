//! Small constructors for the contract's records, so plugin code reads as what it means.

use crate::contract::MAX_TITLE_CHARS;
use crate::types::{Evidence, Finding, FindingKind, Output, PluginInfo, Trigger};

/// Starts a [`PluginInfo`] for `describe`.
pub fn info(name: &str, version: &str, description: &str) -> InfoBuilder {
    InfoBuilder(PluginInfo {
        name: name.into(),
        version: version.into(),
        description: description.into(),
        triggers: Vec::new(),
        capabilities: Vec::new(),
    })
}

/// Builds the answer to `describe`.
pub struct InfoBuilder(PluginInfo);

impl InfoBuilder {
    /// The triggers the plugin subscribes to.
    pub fn triggers(mut self, triggers: &[Trigger]) -> Self {
        self.0.triggers = triggers.to_vec();
        self
    }

    /// The host interfaces the plugin imports (`log`, `clock`, `embed`, ...).
    pub fn capabilities(mut self, capabilities: &[&str]) -> Self {
        self.0.capabilities = capabilities.iter().map(|c| c.to_string()).collect();
        self
    }

    /// The finished record.
    pub fn build(self) -> PluginInfo {
        self.0
    }
}

impl Output {
    /// Nothing to report.
    pub fn empty() -> Self {
        Output {
            findings: Vec::new(),
            proposals: Vec::new(),
        }
    }

    /// One plain note, as a plugin author's first step.
    pub fn note(title: &str, detail: &str) -> Self {
        Output {
            findings: vec![Finding::new(FindingKind::Note, "note", title, detail)],
            proposals: Vec::new(),
        }
    }
}

impl Finding {
    /// A finding with no evidence yet, confidence 1.0 and no time; the title is cut to the
    /// contract's [`MAX_TITLE_CHARS`] (80) characters on a character boundary.
    pub fn new(kind: FindingKind, subject: &str, title: &str, detail: &str) -> Self {
        Finding {
            kind,
            subject: subject.into(),
            title: crate::time::truncate_chars(title, MAX_TITLE_CHARS),
            detail: detail.into(),
            evidence: Vec::<Evidence>::new(),
            confidence: 1.0,
            at: None,
        }
    }
}
