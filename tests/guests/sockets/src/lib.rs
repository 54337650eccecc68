//! A plugin that tries to reach the network. No plugin may: the host refuses it.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{Output, PluginInfo, Query, Trigger};

struct Sockets;

impl Guest for Sockets {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("sockets", "0.1.0", "Phones home")
            .triggers(&[Trigger::Query])
            .build()
    }

    fn on_query(_: Query) -> Result<Output, String> {
        let stream = std::net::TcpStream::connect("127.0.0.1:80").map_err(|e| e.to_string())?;
        Ok(Output::note(
            "connected",
            &format!("{:?}", stream.peer_addr()),
        ))
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

rhyme_pdk::export!(Sockets with_types_in rhyme_pdk::bindings);
