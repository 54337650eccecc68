//! The drafter's inputs (an incident, its timeline, the findings made about it) and its unit of
//! output, the cited statement. Times are Unix seconds, UTC.

use serde::{Deserialize, Serialize};

/// The incident a draft is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub title: String,
    /// As the team writes it (`SEV1`, `P2`); `None` when not set.
    pub severity: Option<String>,
    /// The service or product area mainly affected, when known.
    pub service: Option<String>,
    /// When the incident started, Unix seconds.
    pub started: i64,
    /// The agreed cadence of stakeholder updates, when one was set.
    pub update_cadence_minutes: Option<u32>,
}

/// One line of the incident timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id; statements cite it.
    pub id: String,
    /// Unix seconds.
    pub at: i64,
    pub actor: Option<String>,
    /// Incident role (`ic`, `ops`, `comms`, `responder`, `stakeholder`, `system`, ...).
    pub role: Option<String>,
    /// `message`, `alert`, `status_update` (or `status-update`), `decision`, ...; unknown kinds
    /// are read as messages.
    pub kind: String,
    pub text: String,
}

/// Something another plugin noticed about the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `signature`, `similar-incident`, `nudge` or `note`.
    pub kind: String,
    /// Shape id, pattern id or postmortem id.
    pub subject: String,
    pub title: String,
    pub detail: String,
    /// Ids of the events the finding rests on.
    pub evidence: Vec<String>,
}

/// One sentence of a draft and the event ids it was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub text: String,
    /// Never empty in a generated draft.
    pub cites: Vec<String>,
}

impl Statement {
    pub fn new(text: impl Into<String>, cites: Vec<String>) -> Self {
        Statement {
            text: text.into(),
            cites,
        }
    }

    /// The statement as one Markdown line body: text then `[#id]` citations.
    pub fn to_markdown(&self) -> String {
        let cites: Vec<String> = self.cites.iter().map(|c| format!("[#{c}]")).collect();
        format!("{} {}", self.text, cites.join(" "))
    }
}
