//! `rhyme eval ...`: the installed plugins, in the sandbox, on a labelled data set. Prints one
//! JSON object per item, then `{"summary": ...}`, as DESIGN.md's evaluation contract says.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use rhyme::capability::backend::Backends;
use rhyme::runtime::CallContext;
use rhyme::runtime::bindings::types::{FindingKind, MetricSeries};
use rhyme_eval::signatures;

use super::{Context, plugin::sandbox};

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Graph signatures on labelled metric windows (`metrics/labels.jsonl`).
    Signatures {
        /// The labels file; series paths inside it are relative to its folder.
        #[arg(long)]
        labels: PathBuf,
        /// The plugin under test.
        #[arg(long, default_value = "graph-signature")]
        plugin: String,
    },
}

pub fn run(ctx: &Context, command: EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Signatures { labels, plugin } => signatures(ctx, &labels, &plugin),
    }
}

fn signatures(ctx: &Context, labels: &std::path::Path, name: &str) -> anyhow::Result<()> {
    let windows = signatures::load(labels)?;
    let sandbox = sandbox(ctx)?;
    let (plugin, _) = ctx.registry().load(&sandbox, name, &Backends::default())?;
    let mut predictions = Vec::with_capacity(windows.len());
    for window in &windows {
        let series = MetricSeries {
            name: window.series.clone(),
            unit: String::new(),
            points: window.points.iter().map(rhyme::series::to_wit).collect(),
        };
        let now = series.points.last().map_or(0, |p| p.at);
        let output = plugin.on_series(CallContext { now }, None, &series)?.value;
        // Plugins list findings best first: the first signature is the prediction, none is silence.
        let best = output.findings.iter().find(|f| f.kind == FindingKind::Signature);
        let predicted = best.map_or(signatures::NONE.to_string(), |f| f.subject.clone());
        println!("{}", json!({ "id": window.id, "predicted": predicted, "label": window.label, "confidence": best.map(|f| f.confidence) }));
        predictions.push(predicted);
    }
    let summary = signatures::score(windows.iter().zip(predictions.iter().map(String::as_str)))?;
    println!("{}", json!({ "summary": summary }));
    Ok(())
}
