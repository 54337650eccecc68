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
}

pub fn run(ctx: &Context, command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Runtime { component, calls } => runtime(ctx, &component, calls),
    }
}

fn runtime(ctx: &Context, component: &PathBuf, calls: usize) -> anyhow::Result<()> {
    let bytes = std::fs::read(component)
        .with_context(|| format!("reading {} (build it with `make build`)", component.display()))?;
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
