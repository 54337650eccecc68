//! The smallest useful plugin: every handler answers with an empty output.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{Incident, Output, PluginInfo, Query, TimelineEvent, Trigger};

struct Trivial;

impl Guest for Trivial {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("trivial", "0.1.0", "Answers every call with nothing")
            .triggers(&[Trigger::Query, Trigger::TimelineEvent])
            .build()
    }

    fn on_query(_: Query) -> Result<Output, String> {
        Ok(Output::empty())
    }

    fn on_event(_: Incident, _: TimelineEvent) -> Result<Output, String> {
        Ok(Output::empty())
    }

    rhyme_pdk::unused_handlers!(on_tick, on_series);
}

rhyme_pdk::export!(Trivial with_types_in rhyme_pdk::bindings);
