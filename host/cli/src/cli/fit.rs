//! `rhyme fit blame`: fits the review lint's blame classifier on labelled sentences and writes
//! the model file the lint ships (`plugins/review-lint/model/blame-classifier.json`).
//! Anyone can rerun it: the fit is deterministic for the same files and embedding model.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use review_lint::blame::classifier::Classifier;
use rhyme_eval::lint_references::Corpus;

use super::Context;
use super::blame_model::{TrainingFiles, Vectors};

/// What `rhyme fit` can fit.
#[derive(Debug, Subcommand)]
pub(crate) enum FitCommand {
    /// The blame classifier on sentence embeddings (the lint's rules run first; it reads what
    /// they miss).
    Blame(FitBlameArgs),
}

/// `rhyme fit blame`.
#[derive(Debug, Args)]
pub(crate) struct FitBlameArgs {
    /// Labelled sentence files (`lint/blame.jsonl`, `written-blame-*.jsonl`).
    #[arg(long, num_args = 1.., required = true)]
    labels: Vec<PathBuf>,
    /// Corpus sentences labelled by reference (`corpus-blame*.jsonl`); needs `--corpus`.
    #[arg(long, num_args = 1.., requires = "corpus")]
    references: Vec<PathBuf>,
    /// The postmortem corpus the references point into.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Inverse strength of the L2 penalty.
    #[arg(long, default_value_t = 3.0)]
    c: f32,
    /// Probability from which a sentence the rules pass is flagged.
    #[arg(long, default_value_t = 0.6)]
    threshold: f32,
    /// Where to write the model.
    #[arg(
        long,
        default_value = "plugins/review-lint/model/blame-classifier.json"
    )]
    out: PathBuf,
}

/// Runs `rhyme fit`.
pub(super) fn run(ctx: &Context, command: FitCommand) -> anyhow::Result<()> {
    let FitCommand::Blame(args) = command;
    anyhow::ensure!(
        args.c > 0.0 && (0.0..1.0).contains(&args.threshold),
        "--c must be positive and --threshold within 0..1"
    );
    let corpus = args.corpus.as_deref().map(Corpus::load).transpose()?;
    let training = TrainingFiles::read(&args.labels, &args.references, corpus.as_ref())?;
    let embedder = super::corpus::load_embedder(ctx)?;
    let vectors = Vectors::embed(embedder.as_ref(), training.texts())?;
    let examples = training.examples(&vectors, |_| true);
    let mut model = Classifier::fit(&examples, args.c, args.threshold, &embedder.model());
    model.trained_on = training.sources();
    let json = serde_json::to_string_pretty(&model)?;
    std::fs::write(&args.out, json + "\n")
        .with_context(|| format!("writing {}", args.out.display()))?;
    let blame = examples.iter().filter(|e| e.blame).count();
    println!(
        "fitted on {} sentences ({blame} blame, {} not), {}; wrote {}",
        examples.len(),
        examples.len() - blame,
        model.embedding_model,
        args.out.display()
    );
    Ok(())
}
