//! `rhyme eval ...`: the installed plugins, in the sandbox, on a labelled data set. Prints one
//! JSON object per item, then `{"summary": ...}`, as DESIGN.md's evaluation contract says.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use serde_json::json;

use rhyme_core::timeline::Timeline;
use rhyme_eval::signatures;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::incidents::MemoryIncidents;
use rhyme_runtime::{CallContext, LoadedPlugin};
use rhyme_world::types::{FindingKind, MetricSeries};

use super::{Context, plugin::sandbox};

#[derive(Debug, Subcommand)]
pub(super) enum EvalCommand {
    /// Graph signatures on labelled metric windows (`metrics/labels.jsonl`).
    Signatures {
        /// The labels file; series paths inside it are relative to its folder.
        #[arg(long)]
        labels: PathBuf,
        /// The plugin under test.
        #[arg(long, default_value = "graph-signature")]
        plugin: String,
        /// Cross-validate with K stratified folds (see `rhyme eval lint --help`).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
    /// IC nudges on labelled incident timelines (a folder of `*.json`).
    Nudges {
        /// The folder of timelines.
        #[arg(long)]
        timelines: PathBuf,
        /// The plugin under test.
        #[arg(long, default_value = "anti-patterns")]
        plugin: String,
        /// Cross-validate with K folds of whole timelines; K = the number of timelines is
        /// leave-one-timeline-out.
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
    /// Status-update drafts on every timeline of a folder: parts, citations, blame.
    Drafts {
        /// The folder of timelines.
        #[arg(long)]
        timelines: PathBuf,
        /// The drafting plugin.
        #[arg(long, default_value = "draft-summary")]
        plugin: String,
        /// Each fold's figures beside the whole set's (nothing in the drafter is fitted).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
    /// The review lint: blame language in sentences, the five elements of action items.
    Lint {
        /// Labelled sentences (`lint/blame.jsonl`).
        #[arg(long)]
        blame: PathBuf,
        /// Labelled action items (`lint/action_items.jsonl`).
        #[arg(long)]
        action_items: PathBuf,
        /// Corpus sentences labelled by the project, kept by reference
        /// (`plugins/review-lint/labels/corpus-blame.jsonl`, `corpus-blame-2.jsonl`); one or
        /// more files, each scored whole and by half (tune / held out); needs `--corpus`.
        #[arg(long, requires = "corpus", num_args = 1..)]
        blame_references: Vec<PathBuf>,
        /// Corpus action items labelled per element by the project, kept by reference
        /// (`plugins/review-lint/labels/corpus-action-items.jsonl`); scored whole and by half;
        /// needs `--corpus`.
        #[arg(long, requires = "corpus", num_args = 1..)]
        action_item_references: Vec<PathBuf>,
        /// The postmortem corpus the references point into (`postmortems/corpus.jsonl`).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Cross-validate with K folds: the blame classifier is refitted on the training files
        /// (`--train-labels`, `--train-references`) without each fold's sentences; the rules and
        /// the action-item checks have nothing fitted.
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
        /// The blame classifier's training sentence files, for `--folds` (as given to
        /// `rhyme fit blame --labels`).
        #[arg(long, num_args = 1..)]
        train_labels: Vec<PathBuf>,
        /// The blame classifier's training reference files, for `--folds` (as given to
        /// `rhyme fit blame --references`); needs `--corpus`.
        #[arg(long, num_args = 1.., requires = "corpus")]
        train_references: Vec<PathBuf>,
        /// Score the blame rules alone, without the sentence classifier (no embedding model
        /// needed).
        #[arg(long)]
        rules_only: bool,
    },
    /// Which metrics moved first, and when, on labelled multivariate segments
    /// (`metrics/multivariate/labels.jsonl`), beside a plain z-score.
    Movers {
        /// The labels file; CSV paths inside it are relative to its folder.
        #[arg(long)]
        labels: PathBuf,
        /// Cross-validate with K folds of segments (stratified by file): the detector's
        /// thresholds are refitted on K−1 folds and scored on the K-th.
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
    /// Similar past incidents on labelled queries (`postmortems/queries.jsonl`).
    SeenBefore {
        /// The postmortems to search (JSONL, the shared corpus format).
        #[arg(long)]
        corpus: PathBuf,
        /// The labelled queries.
        #[arg(long)]
        queries: PathBuf,
        /// The plugin under test.
        #[arg(long, default_value = "seen-before")]
        plugin: String,
        /// Cross-validate with K stratified folds (see `rhyme eval lint --help`).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
    /// Recurring-mechanism groups against the corpus's category labels
    /// (`postmortems/corpus.jsonl`), beside a TF-IDF k-means baseline.
    Themes {
        /// The postmortems (JSONL, the shared corpus format); entries without categories are
        /// left out and counted.
        #[arg(long)]
        corpus: PathBuf,
        /// The seen-before queries (`postmortems/queries.jsonl`): also score against pairs of
        /// entries graded 2 ("same mechanism") for one query.
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Folds of the cross-validation that chooses the threshold and catalogue weight on
        /// K−1 folds and scores the K-th (default 5).
        #[arg(long, value_name = "K")]
        folds: Option<usize>,
    },
}

pub(super) fn run(ctx: &Context, command: EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Signatures {
            labels,
            plugin,
            folds,
        } => signatures(ctx, &labels, &plugin, folds),
        EvalCommand::Nudges {
            timelines,
            plugin,
            folds,
        } => nudges(ctx, &timelines, &plugin, folds),
        EvalCommand::Lint {
            blame,
            action_items,
            blame_references,
            action_item_references,
            corpus,
            folds,
            train_labels,
            train_references,
            rules_only,
        } => {
            let sets = super::lint_eval::LintSets {
                blame: &blame,
                action_items: &action_items,
                references: blame_references.iter().map(PathBuf::as_path).collect(),
                item_references: action_item_references
                    .iter()
                    .map(PathBuf::as_path)
                    .collect(),
                corpus: corpus.as_deref(),
                train_labels,
                train_references,
            };
            super::lint_eval::run(ctx, &sets, folds, rules_only)
        }
        EvalCommand::Drafts {
            timelines,
            plugin,
            folds,
        } => super::draft::eval(ctx, &timelines, &plugin, folds),
        EvalCommand::Movers { labels, folds } => super::movers_eval::run(&labels, folds),
        EvalCommand::SeenBefore {
            corpus,
            queries,
            plugin,
            folds,
        } => super::seen_before_eval::run(ctx, &corpus, &queries, &plugin, folds),
        EvalCommand::Themes {
            corpus,
            queries,
            folds,
        } => super::themes_eval::run(ctx, &corpus, queries.as_deref(), folds),
    }
}

/// What replaying a folder of timelines through one plugin needs: the timelines, the
/// in-memory incidents the plugin reads them from, and the plugin loaded against those.
pub(super) fn replay_setup(
    ctx: &Context,
    folder: &std::path::Path,
    name: &str,
) -> anyhow::Result<(Vec<Timeline>, Arc<MemoryIncidents>, LoadedPlugin)> {
    let timelines = rhyme_core::timeline::load_dir(folder)?;
    let store = Arc::new(MemoryIncidents::new());
    let backends = Backends {
        incidents: Some(store.clone()),
        ..Backends::default()
    };
    let sandbox = sandbox(ctx)?;
    let (plugin, _) = super::store::wait(ctx.registry().load(&sandbox, name, &backends))?;
    Ok((timelines, store, plugin))
}

fn nudges(
    ctx: &Context,
    folder: &std::path::Path,
    name: &str,
    folds: Option<usize>,
) -> anyhow::Result<()> {
    let (timelines, store, plugin) = replay_setup(ctx, folder, name)?;
    let plugins = [plugin];
    let mut runs = Vec::with_capacity(timelines.len());
    for timeline in &timelines {
        let mut failure = None;
        let fired = super::store::wait_for(rhyme_runtime::replay::replay(
            timeline,
            &plugins,
            &store,
            |_, step| {
                if let rhyme_runtime::replay::ReplayStep::Failed(e) = step {
                    failure.get_or_insert_with(|| e.to_string());
                }
            },
        ))?;
        if let Some(failure) = failure {
            anyhow::bail!("timeline {}: {failure}", timeline.id);
        }
        let predicted: Vec<rhyme_eval::nudges::PredictedNudge> = fired
            .iter()
            .filter(|f| f.finding.kind == FindingKind::Nudge)
            .map(|f| rhyme_eval::nudges::PredictedNudge {
                pattern: f.finding.subject.clone(),
                at: f.finding.at.unwrap_or(f.now).div_euclid(1000),
                evidence: f.finding.evidence.iter().filter_map(event_index).collect(),
            })
            .collect();
        println!("{}", json!({ "id": timeline.id, "nudges": predicted }));
        runs.push(predicted);
    }
    let summary = rhyme_eval::nudges::score(timelines.iter().zip(runs.iter().map(Vec::as_slice)))?;
    let validation = folds
        .map(|k| {
            let ids: Vec<&str> = timelines.iter().map(|t| t.id.as_str()).collect();
            let strata: Vec<String> = timelines
                .iter()
                .map(|t| format!("{:?}/{}", t.kind, t.well_run()))
                .collect();
            super::folds::unfitted(
                &ids,
                &strata,
                k,
                "the plugin's cues and thresholds",
                |held| {
                    Ok(rhyme_eval::nudges::score(
                        held.iter().map(|&i| (&timelines[i], runs[i].as_slice())),
                    )?)
                },
            )
        })
        .transpose()?;
    super::folds::print_summary(summary, validation);
    not_useful(ctx)
}

/// What responders said of the nudges on real incidents: the "Not useful" button's verdicts
/// per pattern, from this data folder's store (when it has one; nothing is created here).
fn not_useful(ctx: &Context) -> anyhow::Result<()> {
    let configured = ctx
        .config
        .store
        .database_url
        .as_deref()
        .is_some_and(|u| !u.trim().is_empty());
    if !configured && !ctx.data.join(rhyme_store::SQLITE_FILE).exists() {
        return Ok(());
    }
    let counts = super::store::runtime()?.block_on(async {
        let db = super::store::open(ctx).await?;
        let counts = db.nudges_not_useful().await;
        db.close().await;
        anyhow::Ok(counts?)
    })?;
    if counts.is_empty() {
        // On stderr: stdout's lines are the timelines' and the summary's JSON, the summary last.
        eprintln!("Real incidents: no nudge marked not useful (Slack's button).");
    } else {
        let listed: Vec<String> = counts
            .iter()
            .map(|c| format!("{} {}", c.pattern, c.count))
            .collect();
        eprintln!(
            "Real incidents, marked not useful (Slack's button): {}",
            listed.join(", ")
        );
    }
    Ok(())
}

/// Replayed events carry their position in the file as id.
fn event_index(evidence: &rhyme_world::types::Evidence) -> Option<u64> {
    match evidence {
        rhyme_world::types::Evidence::Event(id) => id.parse().ok(),
        _ => None,
    }
}

fn signatures(
    ctx: &Context,
    labels: &std::path::Path,
    name: &str,
    folds: Option<usize>,
) -> anyhow::Result<()> {
    let windows = signatures::load(labels)?;
    let sandbox = sandbox(ctx)?;
    let (plugin, _) =
        super::store::wait(ctx.registry().load(&sandbox, name, &Backends::default()))?;
    let mut predictions = Vec::with_capacity(windows.len());
    for window in &windows {
        let samples = window.points.iter().map(rhyme_world::series::to_wit);
        let series = MetricSeries::from_samples(window.series.clone(), "", samples);
        let now = series.times.last().copied().unwrap_or(0);
        let output =
            super::store::wait(plugin.on_series(CallContext { now }, None, &series))?.value;
        // Plugins list findings best first: the first signature is the prediction, none is silence.
        let best = output
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::Signature);
        let predicted = best.map_or(signatures::NONE.to_string(), |f| f.subject.clone());
        println!(
            "{}",
            json!({ "id": window.id, "predicted": predicted, "label": window.label, "confidence": best.map(|f| f.confidence) })
        );
        predictions.push(predicted);
    }
    let summary = signatures::score(windows.iter().zip(predictions.iter().map(String::as_str)))?;
    let validation = folds
        .map(|k| {
            let ids: Vec<&str> = windows.iter().map(|w| w.id.as_str()).collect();
            let strata: Vec<String> = windows.iter().map(|w| w.label.clone()).collect();
            super::folds::unfitted(&ids, &strata, k, "the shape thresholds", |held| {
                let pairs = held.iter().map(|&i| (&windows[i], predictions[i].as_str()));
                Ok(signatures::score(pairs)?)
            })
        })
        .transpose()?;
    super::folds::print_summary(summary, validation);
    Ok(())
}
