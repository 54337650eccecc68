//! The four response times, each defined from event kinds so anyone can check one by reading
//! a timeline. Kinds are compared after lower-casing and reading `-` and spaces as `_`
//! (`status-update` is `status_update`). An incident that lacks the events for a time gets no
//! value for it and is listed with the reason, never dropped.
//!
//! | time | from | to |
//! |---|---|---|
//! | to detect | the incident's recorded start | the first `alert` event |
//! | to acknowledge | the first `alert` event | the first acknowledgement after it |
//! | to mitigate | the incident's recorded start | the first `mitigation` event |
//! | to resolve | the incident's recorded start | the first `resolution` event, else the incident's end |
//!
//! An acknowledgement is an event of kind `ack`, `acknowledged` or `role_change`, or a
//! responder's own words or deeds (`message`, `action`, `decision`, `status_update`,
//! `mitigation`) posted by anyone whose role is not `system` or `stakeholder`: a person taking
//! the alert on, not a bot's echo or a stakeholder asking for news.

use rhyme_store::Incident;
use rhyme_store::report::EventMark;
use serde::{Deserialize, Serialize};

/// One of the four response times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Recorded start to first alert.
    Detect,
    /// First alert to first acknowledgement.
    Acknowledge,
    /// Recorded start to first mitigation.
    Mitigate,
    /// Recorded start to resolution.
    Resolve,
}

impl Measure {
    /// The four, in the order a response goes through them.
    pub const ALL: [Measure; 4] = [
        Measure::Detect,
        Measure::Acknowledge,
        Measure::Mitigate,
        Measure::Resolve,
    ];

    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Detect => "time to detect",
            Measure::Acknowledge => "time to acknowledge",
            Measure::Mitigate => "time to mitigate",
            Measure::Resolve => "time to resolve",
        }
    }

    /// Its definition, as the report prints it beside the figures.
    pub fn definition(self) -> &'static str {
        match self {
            Measure::Detect => "recorded start to the first `alert` event",
            Measure::Acknowledge => {
                "first `alert` to the first `ack`/`role_change`, or a responder's message, action, decision, status update or mitigation (role not system or stakeholder)"
            }
            Measure::Mitigate => "recorded start to the first `mitigation` event",
            Measure::Resolve => {
                "recorded start to the first `resolution` event, else to the incident's end"
            }
        }
    }
}

/// Why an incident has no value for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lack {
    /// No `alert` event: detection (and so acknowledgement) cannot be timed.
    NoAlert,
    /// No acknowledgement at or after the first alert.
    NoAcknowledgement,
    /// No `mitigation` event.
    NoMitigation,
    /// No `resolution` event and the incident is still open.
    NotResolved,
    /// The event came before the recorded start: the start was recorded late, so the span
    /// would be negative.
    BeforeStart,
}

impl Lack {
    /// The reason as the report prints it.
    pub fn reason(self) -> &'static str {
        match self {
            Lack::NoAlert => "no `alert` event",
            Lack::NoAcknowledgement => "no acknowledgement after the first alert",
            Lack::NoMitigation => "no `mitigation` event",
            Lack::NotResolved => "no `resolution` event and still open",
            Lack::BeforeStart => "the event is before the recorded start",
        }
    }
}

/// The four times of one incident, in milliseconds, or why each is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentTimes {
    /// The incident's id.
    pub incident: String,
    /// Its recorded start, epoch milliseconds.
    pub started: i64,
    /// Time to detect, acknowledge, mitigate, resolve, in [`Measure::ALL`] order.
    pub times: [Result<i64, Lack>; 4],
}

impl IncidentTimes {
    /// The time for `measure`, or why there is none.
    pub fn get(&self, measure: Measure) -> Result<i64, Lack> {
        self.times[measure as usize]
    }
}

/// A kind as compared: lower case, with `-` and spaces read as `_`.
pub(crate) fn kind(raw: &str) -> String {
    raw.trim().to_lowercase().replace(['-', ' '], "_")
}

fn is_acknowledgement(event: &EventMark) -> bool {
    match kind(&event.kind).as_str() {
        "ack" | "acknowledged" | "acknowledge" | "role_change" => true,
        "message" | "action" | "decision" | "status_update" | "mitigation" => {
            let role = event.role.trim().to_lowercase();
            role != "system" && role != "stakeholder"
        }
        _ => false,
    }
}

/// The times of `incident` from its `events` (any order).
pub fn times(incident: &Incident, events: &[&EventMark]) -> IncidentTimes {
    let mut events = events.to_vec();
    events.sort_by_key(|e| e.at);
    let first = |name: &str, after: i64| {
        events
            .iter()
            .find(|e| e.at >= after && kind(&e.kind) == name)
            .map(|e| e.at)
    };
    let start = incident.started;
    let since_start = |at: Option<i64>, lack: Lack| match at {
        None => Err(lack),
        Some(at) if at < start => Err(Lack::BeforeStart),
        Some(at) => Ok(at - start),
    };
    let alert = first("alert", i64::MIN);
    let detect = since_start(alert, Lack::NoAlert);
    let acknowledge = match alert {
        None => Err(Lack::NoAlert),
        Some(alert) => events
            .iter()
            .find(|e| e.at >= alert && is_acknowledgement(e))
            .map(|e| e.at - alert)
            .ok_or(Lack::NoAcknowledgement),
    };
    let mitigate = since_start(first("mitigation", i64::MIN), Lack::NoMitigation);
    let resolved = first("resolution", i64::MIN).or(incident.ended);
    let resolve = since_start(resolved, Lack::NotResolved);
    IncidentTimes {
        incident: incident.id.clone(),
        started: start,
        times: [detect, acknowledge, mitigate, resolve],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn incident(ended: Option<i64>) -> Incident {
        Incident {
            id: "inc-1".into(),
            title: "t".into(),
            severity: "SEV2".into(),
            service: "api".into(),
            started: 0,
            ended,
        }
    }

    fn event(at: i64, role: &str, kind: &str) -> EventMark {
        EventMark {
            incident: "inc-1".into(),
            at,
            role: role.into(),
            kind: kind.into(),
            source: None,
        }
    }

    #[test]
    fn each_time_is_read_from_its_event_kinds() {
        let events = [
            event(2 * MIN, "system", "alert"),
            event(3 * MIN, "system", "message"), // a bot's echo is no acknowledgement
            event(4 * MIN, "stakeholder", "message"), // nor a stakeholder asking for news
            event(7 * MIN, "", "message"),       // a Slack message: role unknown, a person
            event(30 * MIN, "ops", "Mitigation"),
            event(50 * MIN, "ic", "resolution"),
        ];
        let refs: Vec<&EventMark> = events.iter().collect();
        let t = times(&incident(Some(90 * MIN)), &refs);
        assert_eq!(t.get(Measure::Detect), Ok(2 * MIN));
        assert_eq!(t.get(Measure::Acknowledge), Ok(5 * MIN));
        assert_eq!(t.get(Measure::Mitigate), Ok(30 * MIN));
        // The resolution event wins over the incident's recorded end.
        assert_eq!(t.get(Measure::Resolve), Ok(50 * MIN));
    }

    #[test]
    fn an_incident_missing_an_ack_has_no_time_to_acknowledge() {
        let events = [
            event(MIN, "system", "alert"),
            event(2 * MIN, "stakeholder", "message"),
            event(3 * MIN, "system", "metric"),
        ];
        let refs: Vec<&EventMark> = events.iter().collect();
        let t = times(&incident(None), &refs);
        assert_eq!(t.get(Measure::Detect), Ok(MIN));
        assert_eq!(t.get(Measure::Acknowledge), Err(Lack::NoAcknowledgement));
        assert_eq!(t.get(Measure::Mitigate), Err(Lack::NoMitigation));
        assert_eq!(t.get(Measure::Resolve), Err(Lack::NotResolved));
    }

    #[test]
    fn without_an_alert_neither_detection_nor_acknowledgement_is_timed() {
        let events = [
            event(MIN, "ic", "role-change"),
            event(9 * MIN, "ic", "mitigation"),
        ];
        let refs: Vec<&EventMark> = events.iter().collect();
        let t = times(&incident(Some(20 * MIN)), &refs);
        assert_eq!(t.get(Measure::Detect), Err(Lack::NoAlert));
        assert_eq!(t.get(Measure::Acknowledge), Err(Lack::NoAlert));
        assert_eq!(t.get(Measure::Mitigate), Ok(9 * MIN));
        // No resolution event: the incident's end is used.
        assert_eq!(t.get(Measure::Resolve), Ok(20 * MIN));
    }

    #[test]
    fn an_event_before_the_recorded_start_is_not_a_negative_time() {
        let mut inc = incident(None);
        inc.started = 10 * MIN;
        let events = [event(MIN, "system", "alert"), event(12 * MIN, "ic", "ack")];
        let refs: Vec<&EventMark> = events.iter().collect();
        let t = times(&inc, &refs);
        assert_eq!(t.get(Measure::Detect), Err(Lack::BeforeStart));
        assert_eq!(t.get(Measure::Acknowledge), Ok(11 * MIN));
    }
}
