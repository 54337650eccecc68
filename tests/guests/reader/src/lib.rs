//! Reads the whole timeline through `incidents` on every event and does nothing with it: what
//! the transfer alone costs, for `rhyme bench nudges`.

use rhyme_pdk::types::{Incident, Output, PluginInfo, TimelineEvent, Trigger};
use rhyme_pdk::{Guest, incidents};

struct Reader;

impl Guest for Reader {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("anti-patterns", "0.1.0", "Reads the timeline, nothing more")
            .triggers(&[Trigger::TimelineEvent])
            .capabilities(&["incidents"])
            .build()
    }

    fn on_event(incident: Incident, _: TimelineEvent) -> Result<Output, String> {
        let timeline = incidents::timeline(&incident.id).map_err(|e| format!("{e:?}"))?;
        std::hint::black_box(timeline);
        Ok(Output::empty())
    }

    rhyme_pdk::unused_handlers!(on_tick, on_series, on_query);
}

rhyme_pdk::export!(Reader with_types_in rhyme_pdk::bindings);
