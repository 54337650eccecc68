//! `rhyme movers FILE...`: which of several series moved first, and how much earlier, by the
//! installed first-mover plugin in the sandbox, as an incident with those series would get
//! it (after graph-signature, when installed, as the server runs both); `--plot` draws them on one axis, each scaled to its own range, onsets marked.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use rhyme_render::{Onset, aligned_svg};
use rhyme_runtime::CallContext;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_world::types::{Evidence, Incident};

use super::{Context, plugin::sandbox, show};

/// The plugin whose signature windows give a series its onset.
const SHAPES: &str = "graph-signature";

#[derive(Debug, Args)]
pub(super) struct MoversArgs {
    /// Series files (`timestamp,value` CSV or a Prometheus range-query response); each
    /// series is named after its file, or its labels for Prometheus.
    #[arg(required = true, num_args = 2..)]
    files: Vec<PathBuf>,
    /// Also write an SVG of all series aligned and normalised, onsets marked.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// The plugin that orders onsets.
    #[arg(long, default_value = "first-mover")]
    plugin: String,
}

pub(super) fn run(ctx: &Context, args: MoversArgs) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for file in &args.files {
        all.extend(rhyme_world::series::read(file, None, None)?);
    }
    let started = all
        .iter()
        .filter_map(|s| s.times.first().copied())
        .min()
        .unwrap_or(0);
    let now = all
        .iter()
        .filter_map(|s| s.times.last().copied())
        .max()
        .unwrap_or(0);
    let incident = Incident {
        id: "cli".into(),
        title: "series from the command line".into(),
        severity: String::new(),
        service: String::new(),
        started,
        ended: None,
        update_cadence_minutes: None,
    };
    let store = std::sync::Arc::new(MemoryIncidents::new());
    store.insert(incident.clone(), Vec::new());
    for s in &all {
        store.add_series(&incident.id, s.clone());
    }
    let backends = Backends {
        incidents: Some(store.clone()),
        ..Backends::default()
    };
    let sandbox = sandbox(ctx)?;
    // Shapes named by graph-signature, when installed, date their series as in `rhyme serve`.
    if let Ok((shapes, _)) =
        super::store::wait(ctx.registry().load(&sandbox, SHAPES, &Backends::default()))
    {
        for s in &all {
            let named =
                super::store::wait(shapes.on_series(CallContext { now }, Some(&incident), s))?
                    .value;
            store.add_findings(&incident.id, named.findings);
        }
    }
    let (plugin, _) = super::store::wait(ctx.registry().load(&sandbox, &args.plugin, &backends))?;
    let last = all.last().context("no series in the files")?;
    let output =
        super::store::wait(plugin.on_series(CallContext { now }, Some(&incident), last))?.value;
    if ctx.json {
        println!("{}", show::to_json(&args.plugin, &output));
    } else if output.findings.is_empty() {
        println!("no series moved clearly before another (fewer than two moved)");
    }
    let mut onsets = Vec::new();
    for finding in &output.findings {
        if !ctx.json {
            println!("{}\n{}", finding.title, finding.detail);
        }
        onsets.extend(finding.evidence.iter().filter_map(|e| match e {
            Evidence::Window(w) => Some(Onset {
                series: w.series.clone(),
                at: w.start,
            }),
            _ => None,
        }));
    }
    if let Some(path) = &args.plot {
        let title = output
            .findings
            .first()
            .map_or("no first mover", |f| f.title.as_str());
        let svg = aligned_svg(&all, &onsets, title)?;
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
        if !ctx.json {
            println!("plot: {}", path.display());
        }
    }
    Ok(())
}
