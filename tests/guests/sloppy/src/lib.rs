//! A plugin that breaks one rule of the contract in each handler, so `rhyme plugin test` can
//! be shown to name each broken rule: on-event cites an event that does not exist, on-tick
//! answers differently every time, on-series panics, and on-query answers a trigger the
//! plugin never subscribed to.

use std::hash::{BuildHasher, Hasher};

use rhyme_pdk::Guest;
use rhyme_pdk::types::{
    Evidence, Incident, MetricSeries, Output, PluginInfo, Query, TimelineEvent, Timestamp, Trigger,
};

struct Sloppy;

impl Guest for Sloppy {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("sloppy", "0.1.0", "Breaks one conformance rule per handler")
            .triggers(&[
                Trigger::TimelineEvent,
                Trigger::ClockTick,
                Trigger::MetricSeries,
            ])
            .build()
    }

    fn on_event(_: Incident, event: TimelineEvent) -> Result<Output, String> {
        let mut output = Output::note("Cites a ghost", &event.text);
        output.findings[0].evidence = vec![Evidence::Event(format!("ghost-{}", event.id))];
        Ok(output)
    }

    fn on_tick(_: Incident, _: Timestamp) -> Result<Output, String> {
        // Seeded from WASI randomness in every fresh instance: a different answer each call.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(1);
        Ok(Output::note(
            "Roll of the dice",
            &hasher.finish().to_string(),
        ))
    }

    fn on_series(_: Option<Incident>, series: MetricSeries) -> Result<Output, String> {
        panic!("cannot handle series `{}`", series.name)
    }

    fn on_query(query: Query) -> Result<Output, String> {
        Ok(Output::note("Answered anyway", &query.text))
    }
}

rhyme_pdk::export!(Sloppy with_types_in rhyme_pdk::bindings);
