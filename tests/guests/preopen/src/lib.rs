//! A plugin that tries to read the host's files. No plugin may: the host refuses it.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{Output, PluginInfo, Query, Trigger};

struct Preopen;

impl Guest for Preopen {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("preopen", "0.1.0", "Reads files")
            .triggers(&[Trigger::Query])
            .build()
    }

    fn on_query(query: Query) -> Result<Output, String> {
        let text = std::fs::read_to_string(&query.text).map_err(|e| e.to_string())?;
        Ok(Output::note("read", &text))
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

rhyme_pdk::export!(Preopen with_types_in rhyme_pdk::bindings);
