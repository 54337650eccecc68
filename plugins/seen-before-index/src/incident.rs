//! Turning an open incident into a seen-before question.
//!
//! The embedding model reads about 256 tokens, so the parts that say most about the failure
//! go first: the title, the signatures found (already a diagnosis), the alerts, then the
//! most recent timeline entries.

use serde::{Deserialize, Serialize};

/// Timeline entries used, most recent last; older ones rarely describe the failure better.
pub const TIMELINE_ENTRIES: usize = 8;
/// Characters of question text kept; beyond this the model truncates anyway.
pub const MAX_QUESTION_CHARS: usize = 1200;

/// The parts of an incident that describe what is going wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncidentQuestion {
    pub title: String,
    /// Alert names or summaries.
    #[serde(default)]
    pub alerts: Vec<String>,
    /// Timeline entries, oldest first.
    #[serde(default)]
    pub timeline: Vec<String>,
    /// Graph signatures found, in words ("stair-step rise in memory").
    #[serde(default)]
    pub signatures: Vec<String>,
}

impl IncidentQuestion {
    /// One question text, most telling parts first, bounded in length.
    pub fn to_text(&self) -> String {
        let recent = self.timeline.len().saturating_sub(TIMELINE_ENTRIES);
        let parts = std::iter::once(self.title.as_str())
            .chain(self.signatures.iter().map(String::as_str))
            .chain(self.alerts.iter().map(String::as_str))
            .chain(self.timeline[recent..].iter().map(String::as_str))
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let mut text = String::new();
        for part in parts {
            if !text.is_empty() {
                text.push_str(". ");
            }
            text.push_str(part.trim_end_matches('.'));
        }
        if text.chars().count() > MAX_QUESTION_CHARS {
            text = text.chars().take(MAX_QUESTION_CHARS).collect();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_signatures_lead_and_old_timeline_is_dropped() {
        let question = IncidentQuestion {
            title: "Checkout 502s in EU".into(),
            alerts: vec!["HighErrorRate checkout".into()],
            timeline: (0..10).map(|i| format!("entry {i}.")).collect(),
            signatures: vec!["cliff-drop in request rate".into()],
        };
        let text = question.to_text();
        assert!(text.starts_with("Checkout 502s in EU. cliff-drop in request rate. HighErrorRate"));
        assert!(
            !text.contains("entry 1.") && !text.contains("entry 1 ") && text.ends_with("entry 9")
        );
    }

    #[test]
    fn long_questions_are_bounded() {
        let question = IncidentQuestion {
            title: "x".repeat(5000),
            ..IncidentQuestion::default()
        };
        assert_eq!(question.to_text().chars().count(), MAX_QUESTION_CHARS);
    }
}
