//! A plugin that calls the `llm` capability, for the grant tests: its manifest may or may not
//! ask for it, and the operator may or may not grant it.

use rhyme_pdk::Guest;
use rhyme_pdk::llm::{self, Message};
use rhyme_pdk::types::{Output, PluginInfo, Query, Trigger};

struct Ungranted;

impl Guest for Ungranted {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("ungranted", "0.1.0", "Asks a language model")
            .triggers(&[Trigger::Query])
            .capabilities(&["llm"])
            .build()
    }

    fn on_query(query: Query) -> Result<Output, String> {
        let messages = [Message {
            role: "user".into(),
            content: query.text,
        }];
        match llm::chat(&messages, 16) {
            Ok(reply) => Ok(Output::note("reply", &reply)),
            Err(e) => Ok(Output::note("no reply", &format!("{e:?}"))),
        }
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

rhyme_pdk::export!(Ungranted with_types_in rhyme_pdk::bindings);
