//! The data the detectors read (incident, events, nudges already fired) and what they return.
//!
//! These mirror the WIT contract's timeline types closely enough that the glue is a field-by-field
//! copy; unknown kinds and roles deserialize to `Other` so that a newer host never breaks an older
//! plugin.

use serde::{Deserialize, Serialize};

/// Incident severity; `Other` covers SEV4/SEV5 and anything a team invents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "SEV1", alias = "sev1")]
    Sev1,
    #[serde(rename = "SEV2", alias = "sev2")]
    Sev2,
    #[serde(rename = "SEV3", alias = "sev3")]
    Sev3,
    #[serde(other)]
    Other,
}

/// What the detectors need to know about the incident besides its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentInfo {
    pub severity: Option<Severity>,
    /// The stakeholder update cadence the team agreed for this incident; overrides the config.
    #[serde(default)]
    pub update_cadence_minutes: Option<u32>,
}

/// The role of the person (or system) behind an event, as the channel knew it at that time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Ic,
    Ops,
    Comms,
    Scribe,
    Responder,
    Stakeholder,
    System,
    #[serde(other)]
    Other,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Message,
    Alert,
    Metric,
    Deploy,
    RoleChange,
    StatusUpdate,
    Decision,
    Action,
    Mitigation,
    Resolution,
    #[serde(other)]
    Other,
}

/// One timeline event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: u64,
    /// Unix seconds, incident time.
    pub at: i64,
    pub actor: Option<String>,
    pub role: Option<Role>,
    pub kind: EventKind,
    #[serde(default)]
    pub text: String,
}

/// The anti-patterns of the catalog; the serialized ids are those of the timelines README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    TunnelVision,
    SilentHandover,
    UpdateBlackHole,
    IcHeroDebugger,
    StalledLoop,
    NoClearCommand,
    OffChannelDecision,
    VanishingAfterMitigation,
    BlameLanguage,
}

impl Pattern {
    /// Every pattern, in the catalog's order.
    pub const ALL: [Pattern; 9] = [
        Pattern::TunnelVision,
        Pattern::SilentHandover,
        Pattern::UpdateBlackHole,
        Pattern::IcHeroDebugger,
        Pattern::StalledLoop,
        Pattern::NoClearCommand,
        Pattern::OffChannelDecision,
        Pattern::VanishingAfterMitigation,
        Pattern::BlameLanguage,
    ];

    /// The pattern's id, e.g. `tunnel-vision`.
    pub fn id(self) -> &'static str {
        match self {
            Pattern::TunnelVision => "tunnel-vision",
            Pattern::SilentHandover => "silent-handover",
            Pattern::UpdateBlackHole => "update-black-hole",
            Pattern::IcHeroDebugger => "ic-hero-debugger",
            Pattern::StalledLoop => "stalled-loop",
            Pattern::NoClearCommand => "no-clear-command",
            Pattern::OffChannelDecision => "off-channel-decision",
            Pattern::VanishingAfterMitigation => "vanishing-after-mitigation",
            Pattern::BlameLanguage => "blame-language",
        }
    }

    /// The pattern with this id, if any.
    pub fn from_id(id: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// A nudge for the incident commander.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nudge {
    pub pattern: Pattern,
    /// Unix seconds: the `now` of the call that fired it.
    pub at: i64,
    /// One line, at most [`MAX_MESSAGE_CHARS`] characters, naming the counter-move.
    pub message: String,
    /// Ids of the events that show the pattern.
    pub evidence: Vec<u64>,
}

/// The longest nudge message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 140;

/// A nudge fired by an earlier call, so that each episode is nudged once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorNudge {
    pub pattern: Pattern,
    pub at: i64,
    #[serde(default)]
    pub evidence: Vec<u64>,
}

impl From<&Nudge> for PriorNudge {
    fn from(nudge: &Nudge) -> Self {
        PriorNudge {
            pattern: nudge.pattern,
            at: nudge.at,
            evidence: nudge.evidence.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    /// The server accepts triage only for patterns a plugin declares, so the manifest must name
    /// every pattern the code can raise, and nothing else.
    #[test]
    fn the_manifest_declares_every_pattern() {
        let manifest = include_str!("../plugin.toml");
        let start = manifest
            .find("nudge-patterns = [")
            .expect("nudge-patterns in plugin.toml");
        let list = &manifest[start..start + manifest[start..].find(']').unwrap()];
        let declared: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
        let known: Vec<&str> = Pattern::ALL.iter().map(|p| p.id()).collect();
        assert_eq!(declared, known);
    }
}

/// A change the host recorded (a deploy, rollback, flag or config change from a pipeline,
/// README "What changed?"), told from its text when the event carries no typed record (a
/// timeline replayed from a file): one line for people, then `key: value` lines ending with
/// `change: ID`. Its actor is whoever made the change, but the record is the pipeline's, not
/// something a responder said or did in the incident, so it is read as a system event: a
/// deploy going out on schedule is not the response making progress.
pub fn is_change_record(kind: &str, text: &str) -> bool {
    const CHANGE_KINDS: [&str; 7] = [
        "deploy",
        "rollback",
        "config",
        "feature_flag",
        "infrastructure",
        "freeze_start",
        "freeze_end",
    ];
    CHANGE_KINDS.iter().any(|k| same_name(kind, k))
        && text.lines().skip(1).any(|l| l.starts_with("change: "))
}

/// Compares `text` with a snake_case name without regard to case, `-` versus `_`, or
/// surrounding spaces, without allocating: this runs for every event of every call.
pub(crate) fn same_name(text: &str, name: &str) -> bool {
    let text = text.trim();
    text.len() == name.len()
        && text
            .bytes()
            .zip(name.bytes())
            .all(|(t, n)| t.to_ascii_lowercase() == n || (t == b'-' && n == b'_'))
}

#[cfg(test)]
mod change_record_tests {
    use super::*;

    #[test]
    fn a_recorded_change_is_told_from_a_person_saying_deploy() {
        let record = "deployed web v2.1.0 to production\nservice: web\nchange: chg-1";
        assert!(is_change_record("deploy", record));
        assert!(is_change_record("feature-flag", record));
        assert!(!is_change_record("message", record));
        assert!(!is_change_record("deploy", "deploying the fix now"));
        assert!(!is_change_record("deploy", "change: first line only"));
    }
}
