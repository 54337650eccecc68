//! Each alert of a notification read into one timeline event: its status (sent, or told by
//! its end time), the time it stands at, an id that a redelivery reproduces, and a text that
//! tells it apart from the group's other alerts.

use std::collections::BTreeMap;

use rhyme_store::limits::MAX_EVENT_TEXT;
use rhyme_store::{TimelineEvent, Timestamp};

use super::digest;
use super::payload::{Alert, Notification, Sender, Status};
use crate::problem::ApiError;
use crate::time;

/// Go's zero time, `0001-01-01T00:00:00Z`, in milliseconds since the Unix epoch: what
/// Alertmanager and Grafana send as the `endsAt` of an alert that has not ended.
const GO_ZERO_TIME: Timestamp = -62_135_596_800_000;

/// One alert, read.
#[derive(Debug)]
pub(super) struct Reading {
    /// Sent, or told by the end time where the sender left it out.
    pub(super) status: Status,
    /// When it started firing (`startsAt`).
    pub(super) started: Timestamp,
    /// Its timeline event: at the start when firing, at the end when resolved.
    pub(super) event: TimelineEvent,
}

/// Reads every alert of `note`, received at `now`; a refusal names the alert's index and field.
pub(super) fn read(
    note: &Notification,
    sender: Sender,
    now: Timestamp,
) -> Result<Vec<Reading>, ApiError> {
    if note.alerts.is_empty() {
        return Err(ApiError::invalid(
            "alerts",
            "is empty; a notification carries at least one alert",
        ));
    }
    note.alerts
        .iter()
        .enumerate()
        .map(|(i, alert)| read_one(note, sender, i, alert, now))
        .collect()
}

fn read_one(
    note: &Notification,
    sender: Sender,
    i: usize,
    alert: &Alert,
    now: Timestamp,
) -> Result<Reading, ApiError> {
    let field = |name: &str| format!("alerts[{i}].{name}");
    let started =
        time::parse(&alert.starts_at).map_err(|why| ApiError::invalid(field("startsAt"), why))?;
    if started <= GO_ZERO_TIME {
        return Err(ApiError::invalid(
            field("startsAt"),
            "is Go's zero time; an alert has a start",
        ));
    }
    let ended = end_of(alert).map_err(|why| ApiError::invalid(field("endsAt"), why))?;
    // An empty status is as good as none: some forwarders write every field, set or not.
    let status = match alert.status.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => Status::parse(text, &field("status"))?,
        // Alertmanager's own rule (`Alert.Resolved`): resolved once the end has passed. A
        // firing alert may carry an end ahead of now, the time it would resolve unless renewed.
        None => match ended {
            Some(end) if end <= now => Status::Resolved,
            _ => Status::Firing,
        },
    };
    let (at, moment) = match (status, ended) {
        (Status::Firing, _) => (started, started.to_string()),
        (Status::Resolved, Some(end)) => (end, end.to_string()),
        // Resolved without saying when: placed at arrival, but the id leaves the arrival out,
        // so a redelivery later is still recognised.
        (Status::Resolved, None) => (now, format!("no-end\u{0}{started}")),
    };
    let key = format!("{}\u{0}{}\u{0}{moment}", key_of(alert), status.as_str());
    Ok(Reading {
        status,
        started,
        event: TimelineEvent {
            id: format!("am-{}", &digest(&key)[..24]),
            at,
            actor: sender.name().into(),
            role: String::new(),
            kind: "alert".into(),
            text: super::shorten(
                &text_of(note, alert, status, ended.is_none()),
                MAX_EVENT_TEXT,
            ),
            change: None,
        },
    })
}

/// The alert's end, or `None` where it has not ended (absent, empty, or Go's zero time).
fn end_of(alert: &Alert) -> Result<Option<Timestamp>, String> {
    let text = match alert.ends_at.as_deref().map(str::trim) {
        None | Some("") => return Ok(None),
        Some(text) => text,
    };
    let at = time::parse(text)?;
    Ok((at > GO_ZERO_TIME).then_some(at))
}

/// What identifies the alert across notifications: the sender's fingerprint, else the one
/// Alertmanager would compute from the labels, so one alert keeps one key whether or not a
/// forwarder passed the fingerprint on.
fn key_of(alert: &Alert) -> String {
    match alert.fingerprint.as_deref().map(str::trim) {
        Some(fingerprint) if !fingerprint.is_empty() => fingerprint.to_string(),
        _ => fingerprint(&alert.labels),
    }
}

/// Alertmanager's fingerprint of a label set (`model.LabelSet.Fingerprint` in Prometheus'
/// common library): 64-bit FNV-1a over the names in byte order, each name and value followed
/// by the byte 0xff, as 16 hex digits.
pub(super) fn fingerprint(labels: &BTreeMap<String, String>) -> String {
    const OFFSET: u64 = 14_695_981_039_346_656_037;
    const PRIME: u64 = 1_099_511_628_211;
    let mut hash = OFFSET;
    let mut add = |byte: u8| hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    for (name, value) in labels {
        for text in [name, value] {
            text.bytes().for_each(&mut add);
            add(0xff);
        }
    }
    format!("{hash:016x}")
}

/// `[FIRING] alertname {labels only this alert has}: summary — description`.
fn text_of(note: &Notification, alert: &Alert, status: Status, no_end: bool) -> String {
    let name = alert
        .labels
        .get("alertname")
        .map_or("alert", String::as_str);
    let mut text = format!("[{}] {name}", status.as_str().to_uppercase());
    let own: Vec<String> = alert
        .labels
        .iter()
        .filter(|(k, v)| *k != "alertname" && note.common_labels.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !own.is_empty() {
        text.push_str(&format!(" {{{}}}", own.join(", ")));
    }
    let notes = &alert.annotations;
    let headline = ["summary", "message", "description"]
        .iter()
        .find_map(|k| notes.get(*k).filter(|v| !v.trim().is_empty()));
    if let Some(headline) = headline {
        text.push_str(&format!(": {headline}"));
    }
    // Alerts of one group often share a summary and differ only in the description.
    if let Some(description) = notes.get("description")
        && headline != Some(description)
        && !description.trim().is_empty()
    {
        text.push_str(&format!(" — {description}"));
    }
    if status == Status::Resolved && no_end {
        text.push_str(" (no end time sent; placed when received)");
    }
    text
}

/// A note that the sender left alerts out (`truncatedAlerts` above 0), at the latest of the
/// listed alerts' times; its id follows from what was listed, so a redelivery repeats it.
pub(super) fn truncation_note(
    note: &Notification,
    sender: Sender,
    readings: &[Reading],
) -> Option<TimelineEvent> {
    let left_out = note.truncated_alerts.filter(|&n| n > 0)?;
    let at = readings.iter().map(|r| r.event.at).max()?;
    let listed: Vec<&str> = readings.iter().map(|r| r.event.id.as_str()).collect();
    let key = format!("truncated\u{0}{left_out}\u{0}{}", listed.join("\u{0}"));
    let plural = if left_out == 1 { "" } else { "s" };
    Some(TimelineEvent {
        id: format!("am-{}", &digest(&key)[..24]),
        at,
        actor: sender.name().into(),
        role: String::new(),
        kind: "note".into(),
        text: format!(
            "{} left {left_out} more alert{plural} of this group out of the notification \
             (truncatedAlerts); only the {} listed are on this timeline",
            sender.display(),
            readings.len()
        ),
        change: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alertmanager's own fingerprint of the alert in Zulip's fixtures, `a1bc48475b20e73d`.
    #[test]
    fn fingerprint_is_alertmanagers() {
        let labels = BTreeMap::from([
            ("alertname".to_string(), "High CPU Temperature".to_string()),
            ("host".to_string(), "andromeda".to_string()),
            ("severity".to_string(), "critical".to_string()),
        ]);
        assert_eq!(fingerprint(&labels), "a1bc48475b20e73d");
        assert_eq!(fingerprint(&BTreeMap::new()), "cbf29ce484222325");
    }

    #[test]
    fn the_zero_time_is_no_end() {
        let alert = |ends_at: Option<&str>| Alert {
            status: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            starts_at: "2020-02-06T00:17:58Z".into(),
            ends_at: ends_at.map(String::from),
            fingerprint: None,
        };
        assert_eq!(end_of(&alert(None)), Ok(None));
        assert_eq!(end_of(&alert(Some(""))), Ok(None));
        assert_eq!(end_of(&alert(Some("0001-01-01T00:00:00Z"))), Ok(None));
        assert_eq!(
            end_of(&alert(Some("0001-01-01T00:00:00.000000000Z"))),
            Ok(None)
        );
        assert_eq!(end_of(&alert(Some("1970-01-01T00:00:01Z"))), Ok(Some(1000)));
        assert!(end_of(&alert(Some("soon"))).is_err());
    }
}
