//! A plugin that misbehaves on request: the query text names the misbehaviour.
//! The host's tests use it to show that every limit holds and names itself.

use rhyme_pdk::Guest;
use rhyme_pdk::types::{Finding, FindingKind, Output, PluginInfo, Query, Trigger};

struct Misbehave;

impl Guest for Misbehave {
    fn describe() -> PluginInfo {
        rhyme_pdk::info("misbehave", "0.1.0", "Breaks the rules on request")
            .triggers(&[Trigger::Query])
            .capabilities(&["log"])
            .build()
    }

    fn on_query(query: Query) -> Result<Output, String> {
        match query.text.as_str() {
            "loop" => spin_forever(),
            "alloc" => allocate_without_bound(),
            "recurse" => Ok(Output::note("depth", &recurse(0).to_string())),
            "trap" => core::arch::wasm32::unreachable(),
            "panic" => panic!("asked to panic"),
            "err" => Err("asked to fail politely".into()),
            "huge" => Ok(huge_output()),
            "long-title" => Ok(Output::note(&"x".repeat(200), "")).map(with_long_title),
            "bad-confidence" => Ok(Output::note("odd", "")).map(with_confidence(7.5)),
            "print" => {
                println!("hello from the sandbox");
                eprintln!("and from its stderr");
                Ok(Output::empty())
            }
            "log" => {
                rhyme_pdk::log::write(rhyme_pdk::log::Level::Info, "logged through the capability");
                Ok(Output::empty())
            }
            "count" => Ok(Output::note(
                "calls seen by this instance",
                &count_calls().to_string(),
            )),
            other => Ok(Output::note("echo", other)),
        }
    }

    rhyme_pdk::unused_handlers!(on_event, on_tick, on_series);
}

/// State that would leak between calls if the host reused instances.
fn count_calls() -> u32 {
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

fn spin_forever() -> ! {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn allocate_without_bound() -> Result<Output, String> {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    std::hint::black_box(recurse(std::hint::black_box(depth + 1))) + 1
}

fn huge_output() -> Output {
    let detail = "y".repeat(1 << 20);
    let findings = (0..32)
        .map(|i| Finding::new(FindingKind::Note, "flood", &format!("{i}"), &detail))
        .collect();
    Output {
        findings,
        proposals: Vec::new(),
    }
}

fn with_long_title(mut output: Output) -> Output {
    output.findings[0].title = "x".repeat(200);
    output
}

fn with_confidence(confidence: f32) -> impl Fn(Output) -> Output {
    move |mut output| {
        output.findings[0].confidence = confidence;
        output
    }
}

rhyme_pdk::export!(Misbehave with_types_in rhyme_pdk::bindings);
