//! The webhook body as its senders write it. Prometheus Alertmanager sends payload version
//! `"4"`; Grafana-managed alerting sends the same shape as version `"1"`, with keys of its own
//! (`orgId`, `title`, `state`, `message`, per-alert URLs and values) that Rhyme ignores.
//! Senders that forward Alertmanager's payload (prometheus-msteams and the like) often leave
//! out an alert's `status` and `fingerprint`; both are optional here.

use std::collections::BTreeMap;

use serde::Deserialize;
use utoipa::ToSchema;

use crate::problem::ApiError;

/// An Alertmanager or Grafana webhook notification; fields Rhyme does not use are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The payload version: `"4"` from Alertmanager, `"1"` from Grafana-managed alerting.
    pub version: String,
    /// The sender's key for the alert group, not blank; each distinct key (per sender) is one
    /// incident.
    pub group_key: String,
    /// `firing` or `resolved` (every alert of the group resolved, counting those left out).
    /// Read only when alerts were left out (`truncatedAlerts`): otherwise each alert's own
    /// status decides. In any case; empty reads as absent.
    #[serde(default)]
    pub status: Option<String>,
    /// Labels all alerts share; `alertname`, `severity` and `service` (or `job`) fill in a new incident.
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    /// Annotations all alerts share; `summary` becomes a new incident's title.
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    /// The labels the group is keyed on, read where `commonLabels` lacks one.
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    /// The group's alerts, at least one; each becomes one timeline event.
    #[schema(min_items = 1)]
    pub alerts: Vec<Alert>,
    /// How many alerts of the group the sender left out of this payload; when above 0, a note
    /// on the timeline says so.
    #[serde(default, deserialize_with = "crate::body::whole::option_count")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub truncated_alerts: Option<u64>,
}

/// One alert of a notification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// `firing` or `resolved`. Where it is missing, the alert is resolved when `endsAt` is set
    /// and already past (Alertmanager's own rule), firing otherwise. In any case; empty reads
    /// as absent.
    #[serde(default)]
    pub status: Option<String>,
    /// The alert's labels; `alertname` names the timeline event, and the labels it does not
    /// share with the group (`commonLabels`) tell it apart from the others.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The alert's annotations; `summary` (else `message`, else `description`) and
    /// `description` make the event's text.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// When the alert started firing, RFC 3339 with a zone, after Go's zero time; the time of
    /// a firing event.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// When the alert ended, RFC 3339 with a zone; the time of a resolved event. Go's zero time
    /// `0001-01-01T00:00:00Z`, an empty string or no value mean "not ended": a resolved alert
    /// without an end is placed at the time the notification arrived.
    #[serde(default)]
    #[schema(schema_with = ends_at_schema)]
    pub ends_at: Option<String>,
    /// The sender's fingerprint of the alert's labels; where missing, Rhyme computes
    /// Alertmanager's from the labels. With the status and time it makes the event id, so
    /// repeats and redeliveries are stored once.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// `endsAt`: an RFC 3339 time, or blank, or null.
fn ends_at_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::openapi::patterns::BLANK)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

/// Who sent the notification, told by its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sender {
    /// Prometheus Alertmanager, payload version 4.
    Alertmanager,
    /// Grafana-managed alerting, payload version 1.
    Grafana,
}

impl Sender {
    /// The sender of a payload `version`.
    pub(super) fn of(version: &str) -> Result<Sender, ApiError> {
        match version.trim() {
            "4" => Ok(Sender::Alertmanager),
            "1" => Ok(Sender::Grafana),
            other => Err(ApiError::invalid(
                "version",
                format!(
                    "`{other}` is not supported; Alertmanager sends \"4\", Grafana-managed alerting \"1\""
                ),
            )),
        }
    }

    /// The binding source of its group keys and the actor of its events. Kept apart because
    /// group keys repeat across senders (`{}:{}` is any route without `group_by`), and a
    /// Grafana group is not the Alertmanager group of the same key.
    pub(super) fn name(self) -> &'static str {
        match self {
            Sender::Alertmanager => "alertmanager",
            Sender::Grafana => "grafana",
        }
    }

    /// The sender as named in a timeline note.
    pub(super) fn display(self) -> &'static str {
        match self {
            Sender::Alertmanager => "Alertmanager",
            Sender::Grafana => "Grafana",
        }
    }
}

/// An alert's or a group's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    /// Still firing.
    Firing,
    /// No longer firing.
    Resolved,
}

impl Status {
    /// Reads `firing` or `resolved` (in any case); `field` names where it came from.
    pub(super) fn parse(text: &str, field: &str) -> Result<Status, ApiError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "firing" => Ok(Status::Firing),
            "resolved" => Ok(Status::Resolved),
            _ => Err(ApiError::invalid(
                field,
                format!("`{text}` is neither `firing` nor `resolved`"),
            )),
        }
    }

    /// `firing` or `resolved`, as the senders write it (and as event ids are derived).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Status::Firing => "firing",
            Status::Resolved => "resolved",
        }
    }
}
