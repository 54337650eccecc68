//! `rhyme plugin test PATH`: the contract's conformance checks on a component or a plugin
//! folder, one line per check, each failure with what was expected and what was found.

use std::path::PathBuf;

use clap::Args;

use rhyme_runtime::conformance::{self, Fixture, Report, Target};
use rhyme_world::series;

use super::{Context, plugin::sandbox};

/// What the failed checks are reported as, so `exit` maps them to exit code 4.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {total} conformance checks failed")]
pub(super) struct ChecksFailed {
    pub failed: usize,
    pub total: usize,
}

#[derive(Debug, Args)]
pub(super) struct TestArgs {
    /// A component (.wasm), a plugin folder, or its plugin.toml.
    path: PathBuf,
    /// The text of the question sent to `on-query`.
    #[arg(long, default_value = "checkout errors after a deploy: seen before?")]
    query: String,
    /// Call the handlers with this incident (a timeline file, `rhyme replay`'s format)
    /// instead of the built-in fixture.
    #[arg(long, value_name = "TIMELINE")]
    incident: Option<PathBuf>,
    /// Attach this metric series (CSV or Prometheus JSON, as `rhyme signature` reads) to the
    /// incident; repeatable.
    #[arg(long, value_name = "FILE")]
    series: Vec<PathBuf>,
}

pub(super) fn run(ctx: &Context, args: TestArgs) -> anyhow::Result<()> {
    let mut fixture = match &args.incident {
        Some(path) => Fixture::from_timeline_file(path)?,
        None => Fixture::standard(),
    };
    for path in &args.series {
        for s in series::read(path, None, None)? {
            fixture = fixture.with_series(s);
        }
    }
    let sandbox = sandbox(ctx)?;
    let registry = ctx.registry();
    let ceilings = registry.operator()?.ceilings;
    let target = Target {
        path: &args.path,
        fixture: &fixture,
        query: &args.query,
        ceilings: &ceilings,
    };
    let report = super::store::wait_for(conformance::run(
        &sandbox,
        &registry.compile_cache(),
        &target,
    ))?;
    print(ctx, &report);
    let failed = report.failures().count();
    if failed == 0 {
        Ok(())
    } else {
        Err(ChecksFailed {
            failed,
            total: report.checks.len(),
        }
        .into())
    }
}

fn print(ctx: &Context, report: &Report) {
    if ctx.json {
        let body = serde_json::json!({ "path": report.path, "plugin": report.plugin, "passed": report.passed(), "checks": report.checks });
        println!("{body}");
        return;
    }
    let what = report
        .plugin
        .clone()
        .unwrap_or_else(|| report.path.display().to_string());
    println!("Conformance of {what}");
    let width = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for c in &report.checks {
        if c.passed {
            println!("  ok    {}", c.name);
        } else {
            println!("  FAIL  {:<width$}  expected: {}", c.name, c.expected);
            println!("        {:<width$}  found:    {}", "", c.found);
        }
    }
    if report.passed() {
        println!("all {} checks passed", report.checks.len());
    }
}
