//! A change to a running system, and how it reads as a timeline event.
//!
//! A change reaches plugins as a `timeline-event` whose `kind` is the change's kind, whose
//! `actor` is who made it and whose `text` is one line for people followed by `key: value`
//! lines ([`Change::timeline_text`]): `service`, `revision`, `environment`, `link`, `freeze`
//! (when it fell in a declared freeze) and `change` (its id); empty values are left out. Since
//! `rhyme:plugin@0.2.0` the event also carries the change itself ([`TimelineEvent::change`]),
//! which plugins read instead; the text lines stay for plugins built against 0.1.0 (which has
//! no change record) and for people.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::model::TimelineEvent;

/// What sort of change it was. Its name is the timeline event's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new revision of a service went out.
    Deploy,
    /// A revision was taken back (`revision` names the one undone).
    Rollback,
    /// A configuration change.
    Config,
    /// A feature flag turned on, off or re-targeted.
    FeatureFlag,
    /// Infrastructure: nodes, networks, databases, DNS, certificates.
    Infrastructure,
    /// A change freeze declared (for `service`, or every service when it is empty).
    FreezeStart,
    /// A change freeze lifted.
    FreezeEnd,
}

impl ChangeKind {
    /// Every kind, in the order of the documentation.
    pub const ALL: [ChangeKind; 7] = [
        ChangeKind::Deploy,
        ChangeKind::Rollback,
        ChangeKind::Config,
        ChangeKind::FeatureFlag,
        ChangeKind::Infrastructure,
        ChangeKind::FreezeStart,
        ChangeKind::FreezeEnd,
    ];

    /// The kebab-case name: the timeline event's `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Deploy => "deploy",
            ChangeKind::Rollback => "rollback",
            ChangeKind::Config => "config",
            ChangeKind::FeatureFlag => "feature-flag",
            ChangeKind::Infrastructure => "infrastructure",
            ChangeKind::FreezeStart => "freeze-start",
            ChangeKind::FreezeEnd => "freeze-end",
        }
    }

    /// The kind named `name` (kebab-case, as [`ChangeKind::as_str`] writes it).
    pub fn parse(name: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether it declares or lifts a freeze rather than changing anything.
    pub fn is_freeze(self) -> bool {
        matches!(self, ChangeKind::FreezeStart | ChangeKind::FreezeEnd)
    }
}

/// One change, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Chosen by the source, so that a redelivery stores nothing new.
    pub id: String,
    /// What sort of change.
    pub kind: ChangeKind,
    /// The service changed; empty for a freeze on every service.
    pub service: String,
    /// Where (`production`, `eu-west-1`); empty when not said.
    pub environment: String,
    /// Who made it: a person or a pipeline.
    pub actor: String,
    /// When it took effect, in milliseconds since the Unix epoch.
    pub at: Timestamp,
    /// The revision deployed (for a rollback: the one rolled back); empty when not said.
    pub revision: String,
    /// Where to read more (the pipeline run, the pull request); empty when not said.
    pub link: String,
    /// One line about it; empty when not said.
    pub summary: String,
    /// Which ingest path stored it: `api`, `github`, `argocd`, `import`.
    pub source: String,
    /// The `freeze-start` change in force when it was stored, else empty (set by the store).
    pub freeze: String,
}

/// The prefix of a change's timeline event id.
pub const EVENT_PREFIX: &str = "change:";

impl Change {
    /// The change as a line of an incident's timeline.
    pub fn timeline_event(&self) -> TimelineEvent {
        TimelineEvent {
            id: format!("{EVENT_PREFIX}{}", self.id),
            at: self.at,
            actor: self.actor.clone(),
            role: String::new(),
            kind: self.kind.as_str().to_string(),
            text: self.timeline_text(),
            change: Some(self.clone()),
        }
    }

    /// One line for people ("rolled back cart-service v4.18.0 in production"), then the
    /// `key: value` lines for programs.
    pub fn timeline_text(&self) -> String {
        let mut text = self.headline();
        let fields = [
            ("service", &self.service),
            ("revision", &self.revision),
            ("environment", &self.environment),
            ("link", &self.link),
            ("freeze", &self.freeze),
            ("change", &self.id),
        ];
        for (key, value) in fields {
            if !value.trim().is_empty() {
                text.push_str(&format!("\n{key}: {}", one_line(value)));
            }
        }
        text
    }

    fn headline(&self) -> String {
        let service = if self.service.is_empty() {
            "every service".to_string()
        } else {
            one_line(&self.service)
        };
        let what = [service.as_str(), self.revision.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let mut line = match self.kind {
            ChangeKind::Deploy => format!("deployed {what}"),
            ChangeKind::Rollback => format!("rolled back {what}"),
            ChangeKind::Config => format!("changed the configuration of {what}"),
            ChangeKind::FeatureFlag => format!("changed a feature flag of {what}"),
            ChangeKind::Infrastructure => format!("changed the infrastructure of {what}"),
            ChangeKind::FreezeStart => format!("declared a change freeze for {service}"),
            ChangeKind::FreezeEnd => format!("lifted the change freeze for {service}"),
        };
        if !self.environment.trim().is_empty() {
            line.push_str(&format!(" in {}", one_line(&self.environment)));
        }
        if !self.summary.trim().is_empty() {
            line.push_str(&format!(": {}", one_line(&self.summary)));
        }
        if !self.freeze.is_empty() {
            line.push_str(" (during a declared change freeze)");
        }
        line
    }
}

/// `text` on one line: line breaks become spaces, so the `key: value` lines stay parseable.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollback() -> Change {
        Change {
            id: "gh-1".into(),
            kind: ChangeKind::Rollback,
            service: "cart-service".into(),
            environment: "production".into(),
            actor: "alice".into(),
            at: 0,
            revision: "v4.18.0".into(),
            link: "https://ci.example/run/7".into(),
            summary: String::new(),
            source: "api".into(),
            freeze: String::new(),
        }
    }

    #[test]
    fn a_rollback_reads_as_a_sentence_then_fields() {
        let event = rollback().timeline_event();
        assert_eq!(event.id, "change:gh-1");
        assert_eq!(event.kind, "rollback");
        assert_eq!(event.change, Some(rollback()));
        assert_eq!(
            event.text,
            "rolled back cart-service v4.18.0 in production\nservice: cart-service\nrevision: v4.18.0\n\
             environment: production\nlink: https://ci.example/run/7\nchange: gh-1"
        );
    }

    #[test]
    fn line_breaks_in_a_field_cannot_forge_another_field() {
        let mut change = rollback();
        change.summary = "oops\nfreeze: f-1".into();
        assert!(!change.timeline_text().contains("\nfreeze:"));
    }

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ChangeKind::parse("release"), None);
    }
}
