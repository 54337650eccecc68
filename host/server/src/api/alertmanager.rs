//! Alertmanager's webhook (payload version 4) in. Each group key is one incident: the first
//! notification opens it (title from the common annotations or labels, severity from the
//! `severity` label), later ones add to its timeline, and a notification whose alerts are all
//! resolved ends it. Each alert becomes a timeline event whose id is derived from the alert's
//! fingerprint, status and time, so Alertmanager's repeats and retries are stored once.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rhyme_store::{Incident, Permission, TimelineEvent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::time;
use rhyme_pipeline::queue::Job;
use rhyme_pipeline::seen_before_job::Reason;

/// The binding source for group keys.
const SOURCE: &str = "alertmanager";

/// Alertmanager's webhook body; fields Rhyme does not use are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The webhook payload version; only `"4"` is accepted.
    pub version: String,
    /// Alertmanager's key for the alert group; each distinct key is one incident.
    pub group_key: String,
    /// `firing` or `resolved`; `resolved` with every alert resolved ends the incident.
    pub status: String,
    /// Labels all alerts share; `alertname`, `severity` and `service` (or `job`) fill in a new incident.
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    /// Annotations all alerts share; `summary` becomes a new incident's title.
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    /// The labels the group is keyed on, read where `commonLabels` lacks one.
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    /// The group's alerts; each becomes one timeline event.
    pub alerts: Vec<Alert>,
}

/// One alert of a notification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// `firing` or `resolved`.
    pub status: String,
    /// The alert's labels; `alertname` names the timeline event.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The alert's annotations; `summary` (else `description`) is added to the event's text.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// When the alert started firing, RFC 3339 with a zone; the time of a firing event.
    pub starts_at: String,
    /// When the alert resolved, RFC 3339 with a zone; the time of a resolved event.
    #[serde(default)]
    pub ends_at: String,
    /// Alertmanager's fingerprint of the alert; with its status and time it makes the event id.
    #[serde(default)]
    pub fingerprint: String,
}

/// What the notification did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertmanagerAck {
    /// The id of the incident the group key maps to.
    pub incident: String,
    /// Whether this notification opened the incident.
    pub opened: bool,
    /// Whether it ended it (every alert resolved).
    pub ended: bool,
    /// Ids of the events stored now.
    pub stored: Vec<String>,
}

/// Ingest an Alertmanager webhook notification (payload version 4) into the group's incident.
#[utoipa::path(post, path = "/v1/ingest/alertmanager", request_body = Notification,
    responses((status = 202, body = AlertmanagerAck), (status = 422), (status = 429)), security(("bearer" = ["responder", "ic"])))]
pub async fn ingest(
    State(state): State<AppState>,
    caller: Caller,
    Body(note): Body<Notification>,
) -> Result<(StatusCode, Json<AlertmanagerAck>), ApiError> {
    let who = caller.require(Permission::Ingest)?;
    if note.version != "4" {
        return Err(ApiError::invalid(
            "version",
            format!(
                "`{}` is not supported; Alertmanager sends \"4\"",
                note.version
            ),
        ));
    }
    if note.group_key.trim().is_empty() {
        return Err(ApiError::invalid("groupKey", "is empty"));
    }
    let events = events_of(&note)?;
    let place = state.queue().reserve()?;
    // A second place for the seen-before finding, used only if this notification opens one.
    let opening = if state.seen_before().is_ok() {
        Some(state.queue().reserve()?)
    } else {
        None
    };
    let store = state.store();
    let (id, opened, seen_before_job) = match store.bound_incident(SOURCE, &note.group_key).await? {
        Some(id) => (id, false, None),
        None => {
            let incident = incident_of(&note, &events);
            let written = match opening {
                Some(_) => {
                    let lease = state.queue().lease();
                    store
                        .insert_incident_with_job(&incident, Reason::Opened.work(), lease)
                        .await
                }
                None => store
                    .insert_incident(&incident)
                    .await
                    .map(|put| (put, None)),
            };
            let (_, job) = written.or_else(|e| match e {
                // A concurrent notification of the same group opened it first.
                rhyme_store::Error::Conflict { .. } => Ok((rhyme_store::Put::Unchanged, None)),
                e => Err(e),
            })?;
            store.bind(SOURCE, &note.group_key, &incident.id).await?;
            (incident.id, true, job)
        }
    };
    let (batch, job) = store
        .add_events_with_job(&id, &events, state.queue().lease(), Some(&who.name))
        .await?;
    let resolved = note.status == "resolved" && note.alerts.iter().all(|a| a.status == "resolved");
    if resolved {
        let end = events
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or_else(|| store.now());
        let incident = store.incident(&id).await?;
        store.end_incident(&id, end.max(incident.started)).await?;
    }
    place.send_stored_events(job, id.clone(), events, &batch.stored, who.name);
    if let (Some(opening), Some(job)) = (opening, seen_before_job) {
        opening.send(Job::SeenBefore {
            job: job.id,
            incident: id.clone(),
            reason: Reason::Opened,
        });
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(AlertmanagerAck {
            incident: id,
            opened,
            ended: resolved,
            stored: batch.stored,
        }),
    ))
}

/// One event per alert: firing at its start, resolved at its end.
fn events_of(note: &Notification) -> Result<Vec<TimelineEvent>, ApiError> {
    let mut events = Vec::with_capacity(note.alerts.len());
    for (i, alert) in note.alerts.iter().enumerate() {
        let resolved = alert.status == "resolved";
        let (field, text) = if resolved {
            ("endsAt", &alert.ends_at)
        } else {
            ("startsAt", &alert.starts_at)
        };
        let at = time::parse(text)
            .map_err(|why| ApiError::invalid(format!("alerts[{i}].{field}"), why))?;
        let name = alert
            .labels
            .get("alertname")
            .map_or("alert", String::as_str);
        let summary = alert
            .annotations
            .get("summary")
            .or_else(|| alert.annotations.get("description"));
        let key = if alert.fingerprint.is_empty() {
            format!("{:?}", alert.labels)
        } else {
            alert.fingerprint.clone()
        };
        events.push(TimelineEvent {
            id: format!(
                "am-{}",
                &digest(&format!("{key}\u{0}{}\u{0}{at}", alert.status))[..24]
            ),
            at,
            actor: SOURCE.into(),
            role: String::new(),
            kind: "alert".into(),
            text: format!(
                "[{}] {name}{}",
                alert.status.to_uppercase(),
                summary.map(|s| format!(": {s}")).unwrap_or_default()
            ),
        });
    }
    Ok(events)
}

fn incident_of(note: &Notification, events: &[TimelineEvent]) -> Incident {
    let label = |name: &str| {
        note.common_labels
            .get(name)
            .or_else(|| note.group_labels.get(name))
            .cloned()
    };
    let title = note
        .common_annotations
        .get("summary")
        .cloned()
        .or_else(|| label("alertname"))
        .unwrap_or_else(|| format!("Alert group {}", note.group_key));
    Incident {
        id: format!("am-{}", &digest(&note.group_key)[..16]),
        title,
        severity: label("severity").unwrap_or_default(),
        service: label("service")
            .or_else(|| label("job"))
            .unwrap_or_default(),
        started: events.iter().map(|e| e.at).min().unwrap_or(0),
        ended: None,
    }
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
