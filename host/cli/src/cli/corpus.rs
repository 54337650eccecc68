//! `rhyme corpus import FILE.jsonl|DIR`: postmortems into the data folder, then the
//! seen-before index rebuilt (new or changed texts embedded, with a progress bar);
//! `rhyme corpus drop`: the data folder's vector collections removed (in Qdrant too); and
//! the backends `rhyme ask` and friends share.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use rhyme_capabilities::local_embedder::LocalEmbedder;
use rhyme_capabilities::vectors::{IndexHome, open_index};
use rhyme_runtime::capability::backend::{Backends, Embedder, VectorIndex};
use rhyme_seen_before::corpus::{Corpus, read_source};
use rhyme_seen_before::indexer;

use super::Context;

#[derive(Debug, Subcommand)]
pub(super) enum CorpusCommand {
    /// Add or update postmortems from a JSONL file (the shared corpus format) or a folder of
    /// Markdown files; an entry with a known id or URL replaces the stored one.
    Import {
        /// A `.jsonl` file or a folder of `.md` postmortems.
        path: PathBuf,
    },
    /// Delete this data folder's vector collections (in Qdrant when one is configured, else
    /// the files in DATA/vectors). Run it before deleting a data folder that used Qdrant,
    /// or its collections stay on the server. The postmortems stay in the data folder;
    /// `rhyme corpus import` indexes them again.
    Drop,
}

pub(super) fn run(ctx: &Context, command: CorpusCommand) -> anyhow::Result<()> {
    match command {
        CorpusCommand::Import { path } => import(ctx, &path),
        CorpusCommand::Drop => drop_index(ctx),
    }
}

fn drop_index(ctx: &Context) -> anyhow::Result<()> {
    let vectors = vector_index(ctx)?;
    let place = match ctx.config.qdrant() {
        Some(_) => "in Qdrant".to_string(),
        None => format!("in {}", ctx.data.join("vectors").display()),
    };
    vectors
        .remove_all()
        .with_context(|| format!("deleting the data folder's vector collections {place}"))?;
    if ctx.json {
        println!("{}", json!({ "dropped": true, "where": place }));
    } else {
        println!(
            "Deleted this data folder's vector collections {place}. The postmortems stay in {}; `rhyme corpus import` indexes them again.",
            ctx.data.join("seen-before").display()
        );
    }
    Ok(())
}

fn import(ctx: &Context, path: &Path) -> anyhow::Result<()> {
    let incoming = read_source(path)?;
    let mut corpus = Corpus::open(&ctx.data)?;
    let merged = corpus.merge(incoming);
    let embedder = load_embedder(ctx)?;
    let vectors = vector_index(ctx)?;
    let bar = progress_bar(ctx.json);
    let indexed = indexer::index(
        corpus.docs(),
        embedder.as_ref(),
        vectors.as_ref(),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    corpus.save()?;
    if ctx.json {
        println!(
            "{}",
            json!({ "source": path, "added": merged.added, "updated": merged.updated, "indexed": indexed })
        );
    } else {
        println!(
            "{}: {} added, {} updated; {} postmortems indexed ({} passages, {} embedded, {} unchanged) in {:.1} s",
            path.display(),
            merged.added,
            merged.updated,
            indexed.postmortems,
            indexed.passages,
            indexed.embedded,
            indexed.reused,
            indexed.seconds
        );
    }
    Ok(())
}

fn progress_bar(hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("embedding {bar:40} {pos}/{len} texts, {eta} left")
            .expect("valid template"),
    );
    bar
}

/// The local model, loaded once per process.
pub(super) fn load_embedder(ctx: &Context) -> anyhow::Result<Arc<dyn Embedder>> {
    Ok(Arc::new(LocalEmbedder::load(&ctx.config.model_dir())?))
}

/// The vector index of the data folder (in Qdrant when one is configured).
pub(super) fn vector_index(ctx: &Context) -> anyhow::Result<Arc<dyn VectorIndex>> {
    Ok(open_index(
        "corpus",
        IndexHome::Folder(ctx.data.join("vectors")),
        ctx.config.qdrant().as_ref(),
    )?)
}

/// What the seen-before plugin runs with: the model and the data folder's index.
pub(super) fn seen_before_backends(ctx: &Context) -> anyhow::Result<Backends> {
    Ok(Backends {
        embedder: Some(load_embedder(ctx)?),
        vectors: Some(vector_index(ctx)?),
        ..Backends::default()
    })
}
