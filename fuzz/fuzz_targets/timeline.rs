//! An incident timeline file (`rhyme replay`, `rhyme eval nudges`): never panics, and what it
//! accepts keeps the format's rules (events in time order, windows that close after they open,
//! evidence that exists), and its replay calls on every event in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rhyme_core::timeline::{parse_timeline, replay_calls};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(timeline) = parse_timeline(text, "fuzz.json".as_ref()) else {
        return;
    };
    let events = &timeline.events;
    assert!(events.iter().enumerate().all(|(i, e)| e.index == i));
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
    for nudge in &timeline.expected {
        assert!(nudge.not_before <= nudge.by, "{nudge:?}");
        assert!(
            nudge.evidence.iter().all(|&e| e < events.len()),
            "{nudge:?}"
        );
    }
    let calls = replay_calls(&timeline);
    assert!(
        calls
            .windows(2)
            .all(|w| w[0].now <= w[1].now && w[0].events <= w[1].events)
    );
    assert_eq!(calls.last().map_or(0, |c| c.events), events.len());
});
