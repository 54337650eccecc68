//! The postmortem draft: the sections of the team's format, each a list of statements taken
//! from the timeline and findings, or a prompt for the team when the timeline holds nothing
//! for it. The draft never invents: an empty section says so.

mod derived;
mod follow_up;
mod sections;

use serde::{Deserialize, Serialize};

use crate::model::{Event, Finding, Incident, Statement};
use crate::select;
use crate::text;
use crate::time;
use review_lint::document::{self as lint, LintNote};

/// One section of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub statements: Vec<Statement>,
    /// `(to be written by the team: …)` when `statements` is empty.
    pub prompt: Option<String>,
}

/// A drafted postmortem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostmortemDraft {
    pub incident_id: String,
    /// The incident title, or `None` when it carries blame wording.
    pub title: Option<String>,
    /// When the draft was made, Unix seconds.
    pub at: i64,
    /// Whether times carry a date (the incident spans more than one UTC day).
    pub dated: bool,
    pub sections: Vec<Section>,
}

/// What the drafter knows while writing sections.
pub(crate) struct Ctx<'a> {
    pub incident: &'a Incident,
    pub events: Vec<&'a Event>,
    pub findings: &'a [Finding],
    pub dated: bool,
}

impl Ctx<'_> {
    pub(crate) fn stamp(&self, at: i64) -> String {
        time::stamp(at, self.dated)
    }
}

/// Drafts the postmortem from the events at or before `now`.
pub fn postmortem(
    incident: &Incident,
    events: &[Event],
    findings: &[Finding],
    now: i64,
) -> PostmortemDraft {
    let events = select::seen(events, now);
    let dated = select::dated(&events);
    let ctx = Ctx {
        incident,
        events,
        findings,
        dated,
    };
    let sections = sections::ALL
        .iter()
        .map(|(heading, build, prompt)| section(heading, build(&ctx), prompt))
        .collect();
    PostmortemDraft::new(incident, now, dated, sections)
}

/// The sections of the format, in order: heading, and what the team writes there.
pub fn headings() -> impl Iterator<Item = (&'static str, &'static str)> {
    sections::ALL
        .iter()
        .map(|(heading, _, about)| (*heading, *about))
}

/// A section of `statements`, or, when there are none, the prompt asking the team to write
/// what `prompt` describes.
pub(crate) fn section(heading: &str, statements: Vec<Statement>, prompt: &str) -> Section {
    let prompt = statements
        .is_empty()
        .then(|| format!("(to be written by the team: {prompt})"));
    Section {
        heading: heading.to_string(),
        statements,
        prompt,
    }
}

impl PostmortemDraft {
    /// The draft of `incident` made at `now`, around its `sections`.
    pub(crate) fn new(incident: &Incident, now: i64, dated: bool, sections: Vec<Section>) -> Self {
        PostmortemDraft {
            incident_id: incident.id.clone(),
            title: text::condense(&incident.title),
            at: now,
            dated,
            sections,
        }
    }

    /// The section with `heading`, if the draft has it.
    pub fn section(&self, heading: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading == heading)
    }

    /// All statements of the draft.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.sections.iter().flat_map(|s| s.statements.iter())
    }

    /// Markdown with one `##` heading per section and `[#id]` citations.
    pub fn to_markdown(&self) -> String {
        let title = self.title.as_deref().unwrap_or(&self.incident_id);
        let zone = if self.dated {
            "UTC (date and time)"
        } else {
            "UTC"
        };
        let mut md =
            format!("# Postmortem (draft): {title}\n\nAll times are {zone}, to the minute.\n");
        for s in &self.sections {
            md.push_str(&format!("\n## {}\n\n", s.heading));
            if let Some(p) = &s.prompt {
                md.push_str(&format!("{p}\n"));
            }
            for st in &s.statements {
                md.push_str(&format!("- {}\n", st.to_markdown()));
            }
        }
        md
    }

    /// The review lint over the rendered draft: blame language and incomplete action items.
    pub fn review(&self) -> Vec<LintNote> {
        lint::lint(&self.to_markdown())
    }
}
