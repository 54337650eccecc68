//! `rhyme bench ingest --burst`: loads the registry's enabled plugins over the benchmark's own
//! store and prints what the burst did (the run itself is `crate::bench::burst`).

use super::{Context, plugin, serve};
use crate::bench::burst::{BurstFigures, BurstPlan};

pub(super) fn run(ctx: &Context, plan: BurstPlan) -> anyhow::Result<()> {
    let sandbox = plugin::sandbox(ctx)?;
    let data = ctx.data.join("bench-burst");
    let figures = crate::bench::burst::run(&data, &ctx.data, plan, async |store| {
        let plugins = serve::load_plugins(ctx, &sandbox, &serve::store_backends(store)).await?;
        if plugins.is_empty() {
            anyhow::bail!(
                "no plugin is enabled in {}: `make build` installs the built-in ones",
                ctx.data.display()
            );
        }
        Ok(plugins)
    })?;
    if ctx.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        print(&plan, &figures);
    }
    Ok(())
}

fn print(plan: &BurstPlan, f: &BurstFigures) {
    println!(
        "burst: {} clients x {} s, batches of {}, one incident each, queue {} events; plugins: {}",
        plan.clients,
        plan.seconds,
        plan.batch_size,
        plan.queue,
        f.plugins.join(", ")
    );
    println!("  acknowledged               {:>8} events", f.acknowledged);
    println!(
        "  429 answers                {:>8}   Retry-After seen: {:?} s",
        f.busy_answers, f.retry_after_s
    );
    println!(
        "  new incidents during it    {:>8}   accepted (target: all)",
        format!("{}/{}", f.probe_incidents.1, f.probe_incidents.0)
    );
    println!(
        "  alerts during it           {:>8}   accepted (target: all)",
        format!("{}/{}", f.probe_alerts.1, f.probe_alerts.0)
    );
    println!(
        "  their answers              median {:>7.1} ms   p99 {:>7.1} ms",
        f.probe.median_us / 1000.0,
        f.probe.p99_us / 1000.0
    );
    match f.drain_s {
        Some(s) => {
            println!("  backlog drained            {s:>8.1} s after the burst (target ≤ 120)")
        }
        None => println!("  backlog drained            not within 10 minutes"),
    }
    if let Some(killed) = &f.killed {
        println!(
            "  kill -9 at                 {:>8} s  into the burst; serving again {:.1} s later",
            killed.at_s, killed.back_after_s
        );
    }
    println!("  acknowledged, not stored   {:>8}   (target 0)", f.lost);
}
