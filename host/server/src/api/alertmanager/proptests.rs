//! Property tests of the webhook body (`api::mutate` says why not cargo-fuzz): real payloads
//! (`../shared/data/external/alertmanager/`) edited at random, and notifications built from
//! edge cases, are read or refused with an error, never a panic; and what is read fits the
//! store's limits, so the store never refuses a group the reader accepted.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use rhyme_store::limits::{MAX_EVENT_TEXT, MAX_NAME, MAX_TITLE};
use serde_json::{Value, json};

use super::{Notification, incident_of, read};
use crate::api::mutate::{apply, edit, payloads, refused, text};
use crate::body::parse;

/// The store's clock: 2026-01-01T00:00:00Z, after every payload.
const NOW: i64 = 1_767_225_600_000;

/// Times as senders write them, and as they should not.
const TIMES: &[&str] = &[
    "2020-02-06T00:17:58Z",
    "2020-02-06T00:17:58.123456789+02:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "2020-02-06T00:17:58",
    "",
    " ",
    "soon",
];

fn alert() -> impl Strategy<Value = Value> {
    let status = prop::option::of(select(
        &["firing", "resolved", "", "Resolved", "pending"][..],
    ));
    let label = select(&["alertname", "severity", "service", "job", "instance"][..]);
    let labels = prop::collection::btree_map(label, text(), 0..4);
    let notes = prop::collection::btree_map(
        select(&["summary", "description", "message"][..]),
        text(),
        0..3,
    );
    let fingerprint = prop::option::of(text());
    (
        status,
        labels,
        notes,
        select(TIMES),
        prop::option::of(select(TIMES)),
        fingerprint,
    )
        .prop_map(|(status, labels, notes, starts, ends, fingerprint)| {
            json!({"status": status, "labels": labels, "annotations": notes, "startsAt": starts,
                   "endsAt": ends, "fingerprint": fingerprint})
        })
}

fn notification() -> impl Strategy<Value = Value> {
    let version = select(&["4", "1", " 4 ", "2"][..]);
    let common = prop::collection::btree_map(
        select(&["alertname", "severity", "service", "job"][..]),
        text(),
        0..4,
    );
    let summary = prop::collection::btree_map(Just("summary"), text(), 0..2);
    let status = prop::option::of(select(&["firing", "resolved", "", "gone"][..]));
    let truncated = prop::option::of(prop_oneof![Just(0u64), Just(1), any::<u64>()]);
    let alerts = prop::collection::vec(alert(), 0..5);
    (version, text(), status, common, summary, alerts, truncated).prop_map(
        |(version, key, status, common, summary, alerts, truncated)| {
            json!({"version": version, "groupKey": key, "status": status, "commonLabels": common,
                   "commonAnnotations": summary, "alerts": alerts, "truncatedAlerts": truncated})
        },
    )
}

/// Reads `body` as the handler does; what it accepts must be storable as it stands.
fn check(body: &[u8]) -> Result<(), TestCaseError> {
    let note: Notification = match parse(body) {
        Ok(note) => note,
        Err(e) => return refused(e),
    };
    let read = match read(&note, NOW) {
        Ok(read) => read,
        Err(e) => return refused(e),
    };
    let left_out = note.truncated_alerts.is_some_and(|n| n > 0);
    prop_assert_eq!(read.events.len(), note.alerts.len() + usize::from(left_out));
    for event in &read.events {
        prop_assert!(
            !event.id.trim().is_empty() && event.id.len() <= MAX_NAME,
            "{:?}",
            event.id
        );
        prop_assert!(event.actor.len() <= MAX_NAME && !event.kind.is_empty());
        prop_assert!(
            event.text.len() <= MAX_EVENT_TEXT,
            "text of {} bytes",
            event.text.len()
        );
    }
    let incident = incident_of(&note, read.sender, &read.readings);
    prop_assert!(
        !incident.title.trim().is_empty(),
        "blank title {:?}",
        incident.title
    );
    prop_assert!(
        incident.title.len() <= MAX_TITLE,
        "title of {} bytes",
        incident.title.len()
    );
    prop_assert!(incident.severity.len() <= MAX_NAME && incident.service.len() <= MAX_NAME);
    prop_assert!(incident.id.len() <= MAX_NAME);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn real_payloads_edited_at_random_are_read_or_refused(
        seed in any::<Index>(),
        edits in prop::collection::vec(edit(), 0..6),
    ) {
        let seeds = payloads("alertmanager");
        let body = apply(&seeds[seed.index(seeds.len())], edits);
        check(&body)?;
    }

    #[test]
    fn notifications_built_from_edge_cases_are_read_or_refused(note in notification()) {
        check(note.to_string().as_bytes())?;
    }
}
