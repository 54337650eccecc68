//! `rhyme bench ...`

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Cost of a plugin call (pooling vs on-demand vs bare wasmtime) and of loading from cache.
    Runtime {
        /// A trivial plugin component to call.
        #[arg(long, default_value = "target/wasm32-wasip2/release/guest_trivial.wasm")]
        component: PathBuf,
        /// Timed calls per configuration.
        #[arg(long, default_value_t = 3000)]
        calls: usize,
    },
    /// A week of one-minute points analysed by graph-signature in the sandbox vs natively.
    Signature {
        /// The graph-signature component.
        #[arg(long, default_value = "target/wasm32-wasip2/release/graph_signature.wasm")]
        component: PathBuf,
        /// Timed analyses per configuration.
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// A 5,000-event timeline with the anti-pattern plugin called on every event.
    Nudges {
        /// The anti-patterns component.
        #[arg(long, default_value = "target/wasm32-wasip2/release/anti_patterns.wasm")]
        component: PathBuf,
        /// Events in the synthetic timeline.
        #[arg(long, default_value_t = 5000)]
        events: usize,
    },
}

pub fn run(ctx: &Context, command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Runtime { component, calls } => runtime(ctx, &component, calls),
        BenchCommand::Signature { component, runs } => signature(ctx, &component, runs),
        BenchCommand::Nudges { component, events } => nudges(ctx, &component, events),
    }
}

fn read_component(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {} (build it with `make build` or `make guests`)", path.display()))
}

fn signature(ctx: &Context, component: &PathBuf, runs: usize) -> anyhow::Result<()> {
    let figures = rhyme::bench::signature::run(&read_component(component)?, runs, &ctx.data.join("bench-cache"))?;
    if ctx.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    println!("graph-signature on {} points ({runs} runs each; found: {}):", figures.points, figures.found.join(", "));
    println!("  in the sandbox (fresh instance, data in, findings out)  median {:>8.0} µs   p99 {:>8.0} µs   (target ≤ 2000 µs)", figures.sandbox.median_us, figures.sandbox.p99_us);
    println!("  native                                                  median {:>8.0} µs   p99 {:>8.0} µs", figures.native.median_us, figures.native.p99_us);
    println!("  sandbox / native {:.2}×", figures.ratio);
    Ok(())
}

fn runtime(ctx: &Context, component: &PathBuf, calls: usize) -> anyhow::Result<()> {
    let bytes = read_component(component)?;
    let cache_dir = ctx.data.join("bench-cache");
    let figures = rhyme::bench::runtime::run(&bytes, calls, &cache_dir)?;
    if ctx.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    let row = |what: &str, s: &rhyme::bench::Stats| {
        println!("  {what:<44} median {:>10.1} µs   p99 {:>10.1} µs", s.median_us, s.p99_us);
    };
    println!("Plugin call on a fresh instance ({calls} calls each):");
    row("(a) Rhyme runtime, pooling allocator", &figures.rhyme_pooling);
    row("(b) Rhyme runtime, on-demand allocator", &figures.rhyme_on_demand);
    row("    bare wasmtime, pooling, same component", &figures.bare_wasmtime);
    println!("Loading the component:");
    row("(c) compile", &figures.compile);
    row("(c) from the compile cache", &figures.cache_load);
    println!("Ratios:");
    println!("  Rhyme (a) / bare wasmtime      {:>6.2}×   (target ≤ 1.3)", figures.overhead_vs_bare);
    println!("  on-demand (b) / pooling (a)    {:>6.2}×   (target ≥ 1.5)", figures.pooling_speedup);
    println!("  compile / cache load (c)       {:>6.0}×   (target ≥ 100)", figures.cache_speedup);
    Ok(())
}

fn nudges(ctx: &Context, component: &PathBuf, events: usize) -> anyhow::Result<()> {
    let figures = rhyme::bench::nudges::run(&read_component(component)?, events, &ctx.data.join("bench-cache"))?;
    if ctx.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    println!("anti-patterns on a {}-event timeline, called on every event ({} nudges fired):", figures.events, figures.nudges);
    println!("  per event in the sandbox   median {:>8.0} µs   p99 {:>8.0} µs   (target: median ≤ 1000 µs)", figures.per_event.median_us, figures.per_event.p99_us);
    Ok(())
}
