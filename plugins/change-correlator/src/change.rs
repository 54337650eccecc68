//! Changes read from a timeline. A change the host stored arrives with its typed record
//! (`rhyme:plugin@0.2.0`), copied field for field by the sandbox glue. Events with only text
//! are read here: deploy events posted by hand, with only a line of text
//! (`checkout-api v2.14.0 -> prod`), whose service is then the first word when a version
//! follows it, and the `key: value` lines (`service`, `revision`, `environment`, `link`,
//! `freeze`) the host wrote under a change's first line before 0.2.0, which a timeline
//! replayed from a file may still hold.

/// What sort of change, by the timeline event's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deploy,
    Rollback,
    Config,
    FeatureFlag,
    Infrastructure,
    FreezeStart,
    FreezeEnd,
}

/// The timeline kinds read as changes, as the host compares kinds (case, `-` and `_` aside).
pub const KINDS: [&str; 10] = [
    "deploy",
    "rollback",
    "config",
    "feature-flag",
    "infrastructure",
    "freeze-start",
    "freeze-end",
    "deployment",
    "release",
    "rollout",
];

impl Kind {
    /// The kind of a timeline event, when it is a change.
    pub fn of(event_kind: &str) -> Option<Kind> {
        let k: String = event_kind
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Some(match k.as_str() {
            "deploy" | "deployment" | "release" | "rollout" => Kind::Deploy,
            "rollback" => Kind::Rollback,
            "config" => Kind::Config,
            "featureflag" => Kind::FeatureFlag,
            "infrastructure" => Kind::Infrastructure,
            "freezestart" => Kind::FreezeStart,
            "freezeend" => Kind::FreezeEnd,
            _ => return None,
        })
    }

    /// In words, for findings.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Deploy => "deploy",
            Kind::Rollback => "rollback",
            Kind::Config => "config change",
            Kind::FeatureFlag => "feature-flag change",
            Kind::Infrastructure => "infrastructure change",
            Kind::FreezeStart => "freeze",
            Kind::FreezeEnd => "end of freeze",
        }
    }

    /// Whether undoing it is a rollback a reviewer could approve.
    pub fn can_roll_back(self) -> bool {
        matches!(self, Kind::Deploy | Kind::Config | Kind::FeatureFlag)
    }
}

/// One change read from the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The timeline event's id (evidence).
    pub event_id: String,
    pub kind: Kind,
    pub at: i64,
    pub actor: String,
    /// The text's first line.
    pub headline: String,
    /// Empty when unknown.
    pub service: String,
    pub revision: String,
    pub environment: String,
    pub link: String,
    /// The freeze in force when it was made (the host's id), else empty.
    pub freeze: String,
}

impl Change {
    /// Reads a timeline event; `None` when its kind is not a change.
    pub fn read(event_id: &str, kind: &str, at: i64, actor: &str, text: &str) -> Option<Change> {
        let kind = Kind::of(kind)?;
        let mut lines = text.lines();
        let headline = lines.next().unwrap_or("").trim().to_string();
        let mut change = Change {
            event_id: event_id.to_string(),
            kind,
            at,
            actor: actor.to_string(),
            headline,
            service: String::new(),
            revision: String::new(),
            environment: String::new(),
            link: String::new(),
            freeze: String::new(),
        };
        for line in lines {
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            let value = value.trim().to_string();
            match key.trim() {
                "service" => change.service = value,
                "revision" => change.revision = value,
                "environment" => change.environment = value,
                "link" => change.link = value,
                "freeze" => change.freeze = value,
                _ => {}
            }
        }
        let freeze = matches!(kind, Kind::FreezeStart | Kind::FreezeEnd);
        if change.service.is_empty()
            && !freeze
            && let Some((service, version)) = service_from_text(&change.headline)
        {
            change.service = service;
            if change.revision.is_empty() {
                change.revision = version;
            }
        }
        Some(change)
    }

    /// "cart-service v4.18.0", or the headline when the service is unknown.
    pub fn what(&self) -> String {
        match (self.service.as_str(), self.revision.as_str()) {
            ("", _) => self.headline.clone(),
            (s, "") => s.to_string(),
            (s, r) => format!("{s} {r}"),
        }
    }
}

/// The service and version of a hand-written deploy line (`checkout-api v2.14.0 -> prod`): the
/// first word when a version follows it.
fn service_from_text(text: &str) -> Option<(String, String)> {
    let mut words = text.split_whitespace();
    let (first, second) = (words.next()?, words.next()?);
    let version = second.trim_start_matches(['v', 'V']);
    let name = first.trim_end_matches([':', ',']);
    let looks_like_version =
        version.starts_with(|c: char| c.is_ascii_digit()) && version.contains('.');
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    (looks_like_version && plain).then(|| (name.to_string(), second.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_lines_are_read_field_by_field() {
        let text = "rolled back cart-service v4.18.0 in production\nservice: cart-service\nrevision: v4.18.0\n\
                    environment: production\nlink: https://ci/7\nfreeze: f-1\nchange: c-9";
        let c = Change::read("change:c-9", "rollback", 5, "alice", text).unwrap();
        assert_eq!(c.kind, Kind::Rollback);
        assert_eq!(
            (c.service.as_str(), c.revision.as_str(), c.freeze.as_str()),
            ("cart-service", "v4.18.0", "f-1")
        );
        assert_eq!(c.headline, "rolled back cart-service v4.18.0 in production");
        assert_eq!(c.what(), "cart-service v4.18.0");
    }

    #[test]
    fn a_hand_written_deploy_line_names_its_service() {
        let c = Change::read("d", "Deployment", 0, "bot", "checkout-api v2.14.0 -> prod").unwrap();
        assert_eq!((c.kind, c.service.as_str()), (Kind::Deploy, "checkout-api"));
        assert!(Change::read("m", "message", 0, "ana", "deploying now").is_none());
        let vague = Change::read("d", "deploy", 0, "bot", "pushed the fix").unwrap();
        assert_eq!(vague.service, "");
    }
}
