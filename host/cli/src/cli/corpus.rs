//! `rhyme corpus import FILE.jsonl|DIR`: postmortems into the data folder, then the
//! seen-before index rebuilt (new or changed texts embedded, with a progress bar), and each
//! write-up's action items kept in the store as an approved draft's are (incomplete ones
//! flagged);
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
use rhyme_store::{ImportedActionItems, ImportedRecorded};

use super::Context;

#[derive(Debug, Subcommand)]
pub(super) enum CorpusCommand {
    /// Add or update postmortems from a JSONL file (the shared corpus format) or a folder of
    /// Markdown files; an entry with a known id or URL replaces the stored one.
    Import {
        /// A `.jsonl` file or a folder of `.md` postmortems.
        path: PathBuf,
        /// Do not keep the write-ups' action items: for a reference corpus of other teams'
        /// postmortems, whose promises are not this team's to keep.
        #[arg(long)]
        without_action_items: bool,
    },
    /// Delete this data folder's vector collections (in Qdrant when one is configured, else
    /// the files in DATA/vectors). Run it before deleting a data folder that used Qdrant,
    /// or its collections stay on the server. The postmortems stay in the data folder;
    /// `rhyme corpus import` indexes them again.
    Drop,
}

pub(super) fn run(ctx: &Context, command: CorpusCommand) -> anyhow::Result<()> {
    match command {
        CorpusCommand::Import {
            path,
            without_action_items,
        } => import(ctx, &path, !without_action_items),
        CorpusCommand::Drop => drop_index(ctx),
    }
}

fn drop_index(ctx: &Context) -> anyhow::Result<()> {
    let vectors = vector_index(ctx)?;
    let place = match ctx.config.qdrant() {
        Some(_) => "in Qdrant".to_string(),
        None => format!("in {}", ctx.data.join("vectors").display()),
    };
    super::store::wait(vectors.remove_all())
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

fn import(ctx: &Context, path: &Path, keep_items: bool) -> anyhow::Result<()> {
    let incoming = read_source(path)?;
    // Each write-up's action items, read as the review lint reads an approved draft's.
    let read_items: Vec<ImportedActionItems> = incoming
        .iter()
        .filter(|_| keep_items)
        .map(|doc| ImportedActionItems {
            postmortem: doc.id.clone(),
            incident: doc.incident.clone(),
            items: doc
                .text
                .as_deref()
                .map(rhyme_server::action_items::read)
                .unwrap_or_default(),
        })
        .collect();
    let mut corpus = Corpus::open(&ctx.data)?;
    let merged = corpus.merge(incoming);
    let embedder = load_embedder(ctx)?;
    let vectors = vector_index(ctx)?;
    let bar = progress_bar(ctx.json);
    let indexed = super::store::wait(indexer::index(
        corpus.docs(),
        embedder.as_ref(),
        vectors.as_ref(),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    ))?;
    bar.finish_and_clear();
    corpus.save()?;
    let actions = keep_action_items(ctx, &read_items)?;
    if ctx.json {
        println!(
            "{}",
            json!({ "source": path, "added": merged.added, "updated": merged.updated, "indexed": indexed, "action_items": actions })
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
        if let Some(previous) = &indexed.replaced_model {
            println!(
                "the index was built with {previous}; every text was embedded again with {}",
                indexed.model
            );
        }
        if read_items.iter().any(|d| !d.items.is_empty()) {
            println!("{}", action_items_line(&read_items, &actions));
        }
    }
    Ok(())
}

/// Keeps the imported postmortems' action items in this data folder's store, as the
/// operator's doing.
fn keep_action_items(
    ctx: &Context,
    read: &[ImportedActionItems],
) -> anyhow::Result<ImportedRecorded> {
    if read.iter().all(|d| d.items.is_empty()) {
        return Ok(ImportedRecorded::default());
    }
    let recorded = super::store::runtime()?.block_on(async {
        let store = super::store::open(ctx).await?;
        let recorded = store
            .record_imported_action_items(&super::store::operator(), read)
            .await;
        store.close().await;
        recorded.context("keeping the postmortems' action items")
    })?;
    Ok(recorded)
}

/// "action items: 3 read, 3 newly kept (1 lacks an element)".
fn action_items_line(read: &[ImportedActionItems], recorded: &ImportedRecorded) -> String {
    let read_count: usize = read.iter().map(|d| d.items.len()).sum();
    let mut line = format!(
        "action items: {read_count} read, {} newly kept ({} lack{} an element; see `rhyme actions list`)",
        recorded.new,
        recorded.incomplete,
        if recorded.incomplete == 1 { "s" } else { "" }
    );
    if !recorded.kept_at_approval.is_empty() {
        line.push_str(&format!(
            "; none kept for {}: their incident's approved postmortem already has its items",
            recorded.kept_at_approval.join(", ")
        ));
    }
    line
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
    Ok(Arc::new(LocalEmbedder::load(
        &ctx.config.model_dir(),
        ctx.config.model_precision(),
    )?))
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
