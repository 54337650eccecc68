//! Changes on the timeline, as a draft reads them. The host shows every change made from two
//! hours before an incident (README, "What changed?") as an event whose text is one line for
//! people followed by `key: value` lines, the last of them `change: ID`. A draft is about the
//! response: a change made before the incident started is left out, and one made during it
//! is work done ("10:52 done: rolled back cart-service v4.18.0 in production"), told by its
//! first line only.

use crate::model::Event;

/// Whether the host wrote this event for a change.
fn is_change(e: &Event) -> bool {
    e.id.starts_with("change:") && e.text.lines().skip(1).any(|l| l.starts_with("change: "))
}

/// The events a draft reads: changes before `started` (seconds) left out, the others as work
/// done with their first line. Every other event is kept as it is.
pub fn for_draft(events: Vec<Event>, started: i64) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| !(is_change(e) && e.at < started))
        .map(|mut e| {
            if is_change(&e) {
                e.text = e.text.lines().next().unwrap_or("").to_string();
                if !e.kind.starts_with("freeze") {
                    e.kind = "deploy".into();
                }
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, at: i64, kind: &str, text: &str) -> Event {
        Event {
            id: id.into(),
            at,
            actor: None,
            role: None,
            kind: kind.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_rollback_during_the_incident_is_work_and_one_before_is_left_out() {
        let rollback =
            "rolled back cart-service v4.18.0 in production\nservice: cart-service\nchange: c-2";
        let events = vec![
            ev(
                "change:c-1",
                50,
                "deploy",
                "deployed cart-service v4.18.0\nchange: c-1",
            ),
            ev(
                "m",
                120,
                "message",
                "5xx on cart\nchange: a person's line, not the host's",
            ),
            ev("change:c-2", 200, "rollback", rollback),
        ];
        let kept = for_draft(events, 100);
        let ids: Vec<&str> = kept.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["m", "change:c-2"]);
        assert_eq!(
            kept[1].text,
            "rolled back cart-service v4.18.0 in production"
        );
        assert_eq!(kept[1].kind, "deploy");
        assert_eq!(
            kept[0].kind, "message",
            "only the host's change events are read so"
        );
    }

    #[test]
    fn a_drafted_status_update_says_what_was_rolled_back_and_when() {
        let incident = crate::Incident {
            id: "inc".into(),
            title: "Cart 5xx".into(),
            severity: Some("SEV2".into()),
            service: Some("cart-service".into()),
            started: 36_000,
            update_cadence_minutes: Some(30),
        };
        let rollback =
            "rolled back cart-service v4.18.0 in production\nservice: cart-service\nchange: c-2";
        let events = for_draft(
            vec![
                ev(
                    "a",
                    36_000,
                    "alert",
                    "[FIRING] HighErrorRate: cart 5xx above 5%",
                ),
                ev("change:c-2", 39_120, "rollback", rollback),
            ],
            incident.started,
        );
        let draft = crate::status_update(&incident, &events, &[], 39_300, 30).to_markdown();
        assert!(
            draft.contains("10:52 done: rolled back cart-service v4.18.0 in production"),
            "{draft}"
        );
        assert!(!draft.contains("change: c-2"), "{draft}");
    }
}
