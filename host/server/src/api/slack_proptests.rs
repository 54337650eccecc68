//! Property tests of the Slack Events API body (`api::mutate` says why not cargo-fuzz): real
//! payloads (`../shared/data/external/slack/`) edited at random, and messages built from edge
//! cases, are read, ignored with a reason or refused with an error, never a panic; and a
//! message read becomes an event the store takes, at the time its `ts` says.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use rhyme_store::limits::MAX_EVENT_TEXT;
use serde_json::{Value, json};

use super::{Envelope, slack_ts};
use crate::api::mutate::{apply, edit, payloads, refused, text};
use crate::body::parse;

/// Slack's `ts` as sent, and as it should not be.
const TS: &[&str] = &[
    "1700000000.000100",
    "1700000000",
    "1700000000.5",
    "9223372036854775.807",
    "9223372036854775807.000",
    "-1.5",
    ".5",
    "1.",
    "1700000000.000\u{0}",
    "",
    "soon",
];

fn message() -> impl Strategy<Value = Value> {
    let subtype = prop::option::of(select(
        &[
            "file_share",
            "thread_broadcast",
            "me_message",
            "bot_message",
            "message_changed",
            "channel_join",
            "group_purpose",
            "huddle_thread",
            "",
        ][..],
    ));
    let channel_type = prop::option::of(select(&["channel", "group", "im", "mpim"][..]));
    let ts = prop_oneof![select(TS).prop_map(str::to_string), "[0-9.]{0,30}"];
    let files = prop::collection::vec((prop::option::of(text()), prop::option::of(text())), 0..3);
    (
        subtype,
        channel_type,
        text(),
        ts,
        files,
        prop::option::of("B[0-9]{3}"),
    )
        .prop_map(|(subtype, channel_type, text, ts, files, bot_id)| {
            let files: Vec<Value> = files
                .into_iter()
                .map(|(name, title)| json!({"name": name, "title": title}))
                .collect();
            json!({"type": "event_callback", "event": {"type": "message", "subtype": subtype,
                   "channel": "C0123ABC", "user": "U1", "text": text, "ts": ts,
                   "channel_type": channel_type, "bot_id": bot_id, "files": files}})
        })
}

/// Reads `body` as the handler does, up to the store.
fn check(body: &[u8]) -> Result<(), TestCaseError> {
    let envelope: Envelope = match parse(body) {
        Ok(envelope) => envelope,
        Err(e) => return refused(e),
    };
    let Some(message) = envelope.event.filter(|e| e.kind == "message") else {
        return Ok(());
    };
    if let Some(reason) = message.ignored_because() {
        prop_assert!(!reason.is_empty());
        return Ok(());
    }
    let event = match message.event() {
        Ok(event) => event,
        Err(e) => return refused(e),
    };
    prop_assert!(
        event.text.len() <= MAX_EVENT_TEXT,
        "text of {} bytes",
        event.text.len()
    );
    // The time is the `ts`'s seconds and first three fraction digits, exactly.
    let (seconds, fraction) = message.ts.split_once('.').unwrap_or((&message.ts, ""));
    let millis = format!("{fraction:0<3}")[..3].parse::<i128>().unwrap();
    prop_assert_eq!(
        i128::from(event.at),
        seconds.parse::<i128>().unwrap() * 1000 + millis
    );
    prop_assert_eq!(slack_ts(&message.ts), Some(event.at));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn real_payloads_edited_at_random_are_read_ignored_or_refused(
        seed in any::<Index>(),
        edits in prop::collection::vec(edit(), 0..6),
    ) {
        let seeds = payloads("slack");
        check(&apply(&seeds[seed.index(seeds.len())], edits))?;
    }

    #[test]
    fn messages_built_from_edge_cases_are_read_ignored_or_refused(message in message()) {
        check(message.to_string().as_bytes())?;
    }
}
