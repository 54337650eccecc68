//! Alertmanager's webhook (payload version 4), and Grafana-managed alerting's (version 1, the
//! same shape), in. Each group key of a sender is one incident: the first notification opens
//! it (title from the common annotations or labels, else the alerts' names; severity from the
//! `severity` label), later ones add to its timeline. Every alert is one timeline event, at its
//! start when firing and at its end when resolved, with an id derived from its fingerprint,
//! status and that time, so repeats and redeliveries are stored once. A notification whose
//! alerts are all resolved ends the incident; an alert firing anew after that reopens it, and
//! the reopening is written to the audit log. Alerts the sender left out (`truncatedAlerts`)
//! are named in a timeline note.

mod alerts;
mod payload;
#[cfg(test)]
mod proptests;

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rhyme_pipeline::queue::Job;
use rhyme_pipeline::seen_before_job::Reason;
use rhyme_store::limits::{MAX_NAME, MAX_TITLE};
use rhyme_store::{Actor, Incident, PluginJob, Principal, Store, TimelineEvent, Timestamp};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::shorten;
use crate::auth::{Allowed, may};
use crate::body::Body;
use crate::problem::ApiError;
use crate::state::AppState;
use alerts::Reading;
pub use payload::{Alert, Notification};
use payload::{Sender, Status};

/// What the notification did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertmanagerAck {
    /// The id of the incident the group key maps to.
    pub incident: String,
    /// Whether this notification opened the incident.
    pub opened: bool,
    /// Whether every alert of the group is resolved, so the incident is ended.
    pub ended: bool,
    /// Whether an alert firing anew reopened the ended incident.
    pub reopened: bool,
    /// Ids of the events stored now (none for a redelivery).
    pub stored: Vec<String>,
}

/// Ingest an Alertmanager (payload version 4) or Grafana (version 1) webhook notification
/// into the group's incident.
#[utoipa::path(post, path = "/v1/ingest/alertmanager", request_body = Notification,
    responses((status = 202, body = AlertmanagerAck), (status = 422), (status = 429)), security(("bearer" = ["responder", "ic"])))]
pub async fn ingest(
    State(state): State<AppState>,
    caller: Allowed<may::Ingest>,
    Body(note): Body<Notification>,
) -> Result<(StatusCode, Json<AlertmanagerAck>), ApiError> {
    let who = caller.principal();
    let store = state.store();
    let Read {
        sender,
        group_status,
        readings,
        events,
    } = read(&note, store.now())?;
    // The group's incident is found or opened while writing: room is asked of the whole queue.
    let place = state.queue().reserve(None, events.len())?;
    // A second place for the seen-before finding, used only if this notification opens one.
    let opening = if state.seen_before().is_ok() {
        Some(state.queue().reserve(None, 1)?)
    } else {
        None
    };
    let (id, opened, seen_before_job) =
        find_or_open(&state, &note, sender, &readings, opening.is_some()).await?;
    let (batch, job) = store
        .add_events_with_job(&id, &events, state.queue().lease(), Some(&who.name))
        .await?;
    let all_resolved = all_resolved(&note, group_status, &readings);
    let new: HashSet<&str> = batch.stored.iter().map(String::as_str).collect();
    let reopened = if all_resolved {
        end(store, &id, &readings, &new).await?;
        false
    } else {
        reopen_on_new_firing(store, &id, sender, &readings, &new, &who).await?
    };
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
            ended: all_resolved,
            reopened,
            stored: batch.stored,
        }),
    ))
}

/// A notification read, before anything is stored.
struct Read {
    sender: Sender,
    /// The group's own status, where sent.
    group_status: Option<Status>,
    readings: Vec<Reading>,
    /// The events to store: each alert's, and a note of the alerts left out.
    events: Vec<TimelineEvent>,
}

/// Reads `note`, received at `now`; a refusal names the field at fault.
fn read(note: &Notification, now: Timestamp) -> Result<Read, ApiError> {
    let sender = Sender::of(&note.version)?;
    if note.group_key.trim().is_empty() {
        return Err(ApiError::invalid("groupKey", "is empty"));
    }
    let group_status = note
        .status
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(|text| Status::parse(text, "status"))
        .transpose()?;
    let readings = alerts::read(note, sender, now)?;
    let mut events: Vec<TimelineEvent> = readings.iter().map(|r| r.event.clone()).collect();
    events.extend(alerts::truncation_note(note, sender, &readings));
    Ok(Read {
        sender,
        group_status,
        readings,
        events,
    })
}

/// The incident the group key is bound to, or a new one opened (and bound) for it: its id,
/// whether this call opened it, and the seen-before job written with it when `ask` is set.
async fn find_or_open(
    state: &AppState,
    note: &Notification,
    sender: Sender,
    readings: &[Reading],
    ask: bool,
) -> Result<(String, bool, Option<PluginJob>), ApiError> {
    let store = state.store();
    if let Some(id) = store.bound_incident(sender.name(), &note.group_key).await? {
        return Ok((id, false, None));
    }
    let incident = incident_of(note, sender, readings);
    let written = if ask {
        let lease = state.queue().lease();
        store
            .insert_incident_with_job(&incident, Reason::Opened.work(), lease)
            .await
    } else {
        store
            .insert_incident(&incident)
            .await
            .map(|put| (put, None))
    };
    let (_, job) = written.or_else(|e| match e {
        // A concurrent notification of the same group opened it first.
        rhyme_store::Error::Conflict { .. } => Ok((rhyme_store::Put::Unchanged, None)),
        e => Err(e),
    })?;
    store
        .bind(sender.name(), &note.group_key, &incident.id)
        .await?;
    Ok((incident.id, true, job))
}

/// Whether the whole group is resolved: every listed alert is, and where the sender left
/// alerts out, the group's own status says so too (it counts the ones not listed).
fn all_resolved(note: &Notification, group: Option<Status>, readings: &[Reading]) -> bool {
    let listed = readings.iter().all(|r| r.status == Status::Resolved);
    let truncated = note.truncated_alerts.is_some_and(|n| n > 0);
    listed && (!truncated || group == Some(Status::Resolved))
}

/// Ends the incident at the latest end among the alerts. Once it is ended, only alerts stored
/// now can move the end (later): a redelivery, whose alerts resolved without a time read as
/// "now", leaves it where it was.
async fn end(
    store: &Store,
    id: &str,
    readings: &[Reading],
    new: &HashSet<&str>,
) -> Result<(), ApiError> {
    let incident = store.incident(id).await?;
    let latest = |only_new: bool| {
        readings
            .iter()
            .filter(|r| !only_new || new.contains(r.event.id.as_str()))
            .map(|r| r.event.at)
            .max()
    };
    let end = match incident.ended {
        None => latest(false).map(|at| at.max(incident.started)),
        Some(ended) => latest(true).filter(|&at| at > ended),
    };
    if let Some(end) = end {
        store.end_incident(id, end).await?;
    }
    Ok(())
}

/// Reopens an ended incident when an alert fires anew: a firing event stored by this very
/// notification. A repeat or redelivery of an earlier firing notification stores nothing, so
/// it cannot reopen what was resolved after it.
async fn reopen_on_new_firing(
    store: &Store,
    id: &str,
    sender: Sender,
    readings: &[Reading],
    new: &HashSet<&str>,
    who: &Principal,
) -> Result<bool, ApiError> {
    let firing: Vec<&str> = readings
        .iter()
        .filter(|r| r.status == Status::Firing && new.contains(r.event.id.as_str()))
        .map(|r| r.event.id.as_str())
        .collect();
    if firing.is_empty() || store.incident(id).await?.ended.is_none() {
        return Ok(false);
    }
    let why = serde_json::json!({ "source": sender.name(), "firing": firing });
    let (_, reopened) = store.reopen_incident(id, &Actor::from(who), &why).await?;
    Ok(reopened)
}

/// The incident a group's first notification opens.
fn incident_of(note: &Notification, sender: Sender, readings: &[Reading]) -> Incident {
    let label = |name: &str| {
        note.common_labels
            .get(name)
            .or_else(|| note.group_labels.get(name))
            .cloned()
    };
    // A blank summary or name is no title: the store refuses a blank one, and the group with it.
    let present = |text: Option<String>| text.filter(|t| !t.trim().is_empty());
    let title = present(note.common_annotations.get("summary").cloned())
        .or_else(|| present(label("alertname")))
        .or_else(|| names_of(note))
        .unwrap_or_else(|| format!("Alert group {}", note.group_key));
    Incident {
        id: incident_id(sender, &note.group_key),
        title: shorten(&title, MAX_TITLE),
        severity: shorten(&label("severity").unwrap_or_default(), MAX_NAME),
        service: shorten(
            &label("service")
                .or_else(|| label("job"))
                .unwrap_or_default(),
            MAX_NAME,
        ),
        started: earliest_start(readings),
        ended: None,
    }
}

/// Alertmanager's ids stay as they were (`am-` and the group key's digest); Grafana's digest
/// covers the sender too, so the same key from both is two incidents.
fn incident_id(sender: Sender, group_key: &str) -> String {
    match sender {
        Sender::Alertmanager => format!("am-{}", &digest(group_key)[..16]),
        Sender::Grafana => format!(
            "grafana-{}",
            &digest(&format!("grafana\u{0}{group_key}"))[..16]
        ),
    }
}

/// The alerts' distinct names, in order, for a group whose alerts share none: at most three,
/// then how many more.
fn names_of(note: &Notification) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    for name in note.alerts.iter().filter_map(|a| a.labels.get("alertname")) {
        if !name.trim().is_empty() && !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    match names.len() {
        0 => None,
        1..=3 => Some(names.join(", ")),
        n => Some(format!("{} and {} more", names[..3].join(", "), n - 3)),
    }
}

/// An incident starts when its first alert did, even when the first news of it is a
/// resolution.
fn earliest_start(readings: &[Reading]) -> Timestamp {
    readings.iter().map(|r| r.started).min().unwrap_or(0)
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(json: serde_json::Value) -> Notification {
        serde_json::from_value(json).unwrap()
    }

    /// Found by the property tests: a blank `summary` or `alertname` became a blank title, which
    /// the store refuses, so the whole group was a 422 naming `title`, a field the body lacks.
    #[test]
    fn a_blank_summary_or_alertname_is_passed_over_for_the_title() {
        let alert = |name: &str| serde_json::json!({"labels": {"alertname": name}, "startsAt": "2020-02-06T00:17:58Z"});
        let blank = note(serde_json::json!({"version": "4", "groupKey": "{}:{}",
            "commonAnnotations": {"summary": " "}, "commonLabels": {"alertname": ""},
            "alerts": [alert(""), alert("DiskFull")]}));
        let read = read(&blank, 0).unwrap();
        let incident = incident_of(&blank, read.sender, &read.readings);
        assert_eq!(incident.title, "DiskFull");
        let nameless = note(serde_json::json!({"version": "4", "groupKey": "{}:{}",
            "alerts": [alert(" ")]}));
        let read = super::read(&nameless, 0).unwrap();
        let incident = incident_of(&nameless, read.sender, &read.readings);
        assert_eq!(incident.title, "Alert group {}:{}");
    }
}
