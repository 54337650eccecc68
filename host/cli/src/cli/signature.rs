//! `rhyme signature FILE`: which shape a metric shows, where, how big, what it usually means.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use serde_json::json;

use rhyme_render::{self as render, Mark};
use rhyme_runtime::CallContext;
use rhyme_runtime::capability::backend::Backends;
use rhyme_world::types::{Evidence, MetricSeries, Output};

use super::{Context, plugin::sandbox, show};

#[derive(Debug, Args)]
pub(super) struct SignatureArgs {
    /// CSV (`timestamp,value`, ISO-8601 or Unix seconds) or a Prometheus range-query JSON response.
    file: PathBuf,
    /// Only points at or after this time (Unix seconds or ISO-8601).
    #[arg(long, value_parser = rhyme_world::series::parse_time)]
    from: Option<f64>,
    /// Only points at or before this time.
    #[arg(long, value_parser = rhyme_world::series::parse_time)]
    to: Option<f64>,
    /// Also write an SVG plot with the signature's window shaded.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// The plugin that names shapes.
    #[arg(long, default_value = "graph-signature")]
    plugin: String,
}

pub(super) fn run(ctx: &Context, args: SignatureArgs) -> anyhow::Result<()> {
    let all = rhyme_world::series::read(&args.file, args.from, args.to)?;
    anyhow::ensure!(
        !all.is_empty(),
        "{}: no series in the file",
        args.file.display()
    );
    let sandbox = sandbox(ctx)?;
    let (plugin, _) = super::store::wait(ctx.registry().load(
        &sandbox,
        &args.plugin,
        &Backends::default(),
    ))?;
    for (i, series) in all.iter().enumerate() {
        let now = series.times.last().copied().unwrap_or(0);
        let output = super::store::wait(plugin.on_series(CallContext { now }, None, series))?.value;
        let marks = marks(&output);
        if ctx.json {
            let mut shown = show::to_json(&args.plugin, &output);
            shown["series"] = json!(series.name);
            shown["points"] = json!(series.len());
            println!("{shown}");
        } else {
            print_series(&args.plugin, series, &output, marks.first());
        }
        if let Some(path) = &args.plot {
            let path = numbered(path, i, all.len());
            let svg = render::svg(series, &marks, &[])?;
            std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
            if !ctx.json {
                println!("plot: {}", path.display());
            }
        }
    }
    Ok(())
}

fn print_series(plugin: &str, series: &MetricSeries, output: &Output, mark: Option<&Mark>) {
    let span = match (series.times.first(), series.times.last()) {
        (Some(&a), Some(&b)) => format!("{} → {} UTC", show::utc(a), show::utc(b)),
        _ => "no points".into(),
    };
    println!("{} — {} points, {span}", series.name, series.len());
    if output.findings.is_empty() && plugin != "graph-signature" {
        println!("  {plugin} found nothing");
    } else if output.findings.is_empty() {
        println!(
            "  no known shape (stair-step, cliff-drop, oscillation, flatline, spike, plateau) stands out"
        );
    } else {
        show::output_findings(plugin, output);
    }
    let line = render::sparkline(series, 72, mark);
    for row in line.lines() {
        println!("  {row}");
    }
}

/// The windows the findings cite, labelled with their shape.
fn marks(output: &Output) -> Vec<Mark> {
    output
        .findings
        .iter()
        .flat_map(|f| {
            f.evidence.iter().filter_map(move |e| match e {
                Evidence::Window(w) => Some(Mark {
                    start: w.start,
                    end: w.end,
                    label: f.subject.clone(),
                }),
                _ => None,
            })
        })
        .collect()
}

fn numbered(path: &std::path::Path, i: usize, total: usize) -> PathBuf {
    if total == 1 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}-{}.svg", i + 1))
}
