//! Context before numbers: how this window's incident count compares with the window before,
//! and, when it rose, the signs that the rise may come from better detection (more alert
//! sources, more low-severity incidents) rather than from worse reliability.

use std::collections::BTreeSet;

use rhyme_store::Incident;
use rhyme_store::report::EventMark;
use serde::{Deserialize, Serialize};

/// The lowest severity number counted as low severity: `SEV3`, `P3` and beyond.
pub const LOW_SEVERITY_FROM: u32 = 3;

/// One side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    /// Incidents that started in the window.
    pub incidents: usize,
    /// Distinct senders of `alert` events on those incidents.
    pub alert_sources: usize,
    /// Incidents of low severity ([`LOW_SEVERITY_FROM`] or a larger number).
    pub low_severity: usize,
}

/// This window beside the one before, and what to read into the difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// This window.
    pub current: Side,
    /// The window of the same length just before.
    pub previous: Side,
    /// Sentences to read before the numbers.
    pub notes: Vec<String>,
}

/// Whether a severity is low: its number (the digits in `SEV3`, `p4`, `3`) is at least
/// [`LOW_SEVERITY_FROM`]. A severity without a number is not counted as low.
pub fn is_low(severity: &str) -> bool {
    let digits: String = severity.chars().filter(char::is_ascii_digit).collect();
    digits.parse::<u32>().is_ok_and(|n| n >= LOW_SEVERITY_FROM)
}

fn side(incidents: &[Incident], events: &[EventMark]) -> Side {
    let ids: BTreeSet<&str> = incidents.iter().map(|i| i.id.as_str()).collect();
    let sources: BTreeSet<&str> = events
        .iter()
        .filter(|e| ids.contains(e.incident.as_str()))
        .filter_map(|e| e.source.as_deref())
        .collect();
    Side {
        incidents: incidents.len(),
        alert_sources: sources.len(),
        low_severity: incidents.iter().filter(|i| is_low(&i.severity)).count(),
    }
}

/// Compares `current` with `previous`; `events` may hold both windows' events.
pub fn context(current: &[Incident], previous: &[Incident], events: &[EventMark]) -> Context {
    let now = side(current, events);
    let before = side(previous, events);
    let mut notes = Vec::new();
    if now.incidents > before.incidents {
        let mut signs = Vec::new();
        if now.alert_sources > before.alert_sources {
            signs.push(format!(
                "alert sources went from {} to {}",
                before.alert_sources, now.alert_sources
            ));
        }
        if now.low_severity > before.low_severity {
            signs.push(format!(
                "low-severity incidents (SEV{LOW_SEVERITY_FROM} or lower) went from {} to {}",
                before.low_severity, now.low_severity
            ));
        }
        let evidence = if signs.is_empty() {
            "neither the alert sources nor the low-severity share grew here, so look at what \
             changed in what gets declared an incident before reading it as worse reliability"
                .to_string()
        } else {
            format!("here {}", signs.join(", and "))
        };
        notes.push(format!(
            "Incidents rose from {} to {} against the window before. A rise may come from \
             better detection (more alert sources, more low-severity incidents declared) \
             rather than from worse reliability: {evidence}.",
            before.incidents, now.incidents
        ));
    } else if now.incidents < before.incidents {
        notes.push(format!(
            "Incidents fell from {} to {} against the window before. A fall may also mean \
             fewer incidents were declared or detected, not only fewer failures.",
            before.incidents, now.incidents
        ));
    }
    Context {
        current: now,
        previous: before,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(id: &str, severity: &str) -> Incident {
        Incident {
            id: id.into(),
            title: id.into(),
            severity: severity.into(),
            service: "api".into(),
            started: 0,
            ended: None,
        }
    }

    fn alert(incident: &str, source: &str) -> EventMark {
        EventMark {
            incident: incident.into(),
            at: 0,
            role: String::new(),
            kind: "alert".into(),
            source: Some(source.into()),
        }
    }

    #[test]
    fn a_rise_says_it_may_come_from_better_detection() {
        let current = [
            incident("a", "SEV3"),
            incident("b", "sev4"),
            incident("c", "SEV1"),
        ];
        let previous = [incident("z", "SEV1")];
        let events = [
            alert("a", "alertmanager"),
            alert("b", "synthetics"),
            alert("z", "alertmanager"),
        ];
        let c = context(&current, &previous, &events);
        assert_eq!((c.current.alert_sources, c.previous.alert_sources), (2, 1));
        assert_eq!(c.current.low_severity, 2);
        assert!(c.notes[0].contains("better detection"), "{:?}", c.notes);
        assert!(c.notes[0].contains("alert sources went from 1 to 2"));
    }

    #[test]
    fn low_severity_is_read_from_the_number() {
        assert!(is_low("SEV3") && is_low("p4") && !is_low("SEV2") && !is_low("major"));
    }
}
