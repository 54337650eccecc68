//! `rhyme bench seen-before`: the embedding model's throughput, the time to index a whole
//! corpus, the latency of a question answered end to end through the plugin in the sandbox
//! (query embedding, vector search, stored-index reads, ranking, explanations), and the
//! host's resident memory with the model loaded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Stats;
use super::st_reference::{self, ReferenceThroughput};
use rhyme_capabilities::vectors::{IndexHome, open_index};
use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::{Backends, Embedder};
use rhyme_runtime::{Allocator, CallContext, LoadedPlugin, Sandbox};
use rhyme_seen_before::corpus::Postmortem;
use rhyme_seen_before::{PLUGIN, indexer};
use rhyme_world::types::Query;

/// Passages embedded to measure throughput, in batches of [`THROUGHPUT_BATCH`].
const THROUGHPUT_TEXTS: usize = 256;
const THROUGHPUT_BATCH: usize = 32;

/// The figures of one run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SeenBeforeFigures {
    pub postmortems: usize,
    pub passages: usize,
    /// The model that embedded (name, size, precision: `[model] precision`).
    pub model: String,
    /// Corpus passages per second, batches of 32.
    pub embed_sentences_per_s: f64,
    /// sentence-transformers on the same passages and batches, on this machine.
    pub reference: Option<ReferenceThroughput>,
    /// Why there is no reference figure.
    pub reference_note: Option<String>,
    /// Embedding and indexing the whole corpus from nothing.
    pub index_seconds: f64,
    /// One question through the plugin, end to end.
    pub query: Stats,
    /// Of which embedding the question, measured apart.
    pub query_embedding: Stats,
    /// Resident memory (VmRSS) with the model loaded, before indexing.
    pub rss_mib_model_loaded: f64,
    /// Resident memory after indexing and the queries.
    pub rss_mib_end: f64,
}

/// Indexes `docs` in memory, then asks each of `questions` through the plugin `component`;
/// `models` is the folder of the sentence-transformers reference script.
pub(crate) fn run(
    component: &[u8],
    embedder: Arc<dyn Embedder>,
    docs: &[Postmortem],
    questions: &[String],
    cache_dir: &std::path::Path,
    models: &std::path::Path,
    qdrant: Option<&rhyme_capabilities::vectors::QdrantServer>,
) -> anyhow::Result<SeenBeforeFigures> {
    anyhow::ensure!(
        !docs.is_empty() && !questions.is_empty(),
        "the benchmark needs postmortems and questions"
    );
    let rss_mib_model_loaded = resident_mib();
    let plugin_docs: Vec<_> = docs.to_vec();
    let passages: Vec<String> = plugin_docs
        .iter()
        .flat_map(seen_before_index::passages)
        .map(|p| p.text)
        .collect();
    let sample: Vec<String> = passages.iter().take(THROUGHPUT_TEXTS).cloned().collect();
    // One batch first, as the reference warms up too.
    embedder.embed(&sample[..sample.len().min(THROUGHPUT_BATCH)])?;
    let started = Instant::now();
    for batch in sample.chunks(THROUGHPUT_BATCH) {
        embedder.embed(batch)?;
    }
    let embed_sentences_per_s = sample.len() as f64 / started.elapsed().as_secs_f64();
    let (reference, reference_note) = match st_reference::measure(models, &sample, THROUGHPUT_BATCH)
    {
        Ok(figure) => (Some(figure), None),
        Err(note) => (None, Some(note)),
    };

    let vectors = open_index("bench", IndexHome::Process, qdrant)?;
    if qdrant.is_some() {
        rhyme_capabilities::vectors::remove_on_interrupt(&vectors);
    }
    let runtime = super::runtime()?;
    let indexed = runtime.block_on(indexer::index(
        docs,
        embedder.as_ref(),
        vectors.as_ref(),
        &mut |_, _| {},
    ))?;
    let backends = Backends {
        embedder: Some(embedder.clone()),
        vectors: Some(vectors),
        ..Backends::default()
    };
    let plugin = runtime.block_on(load(component, backends, cache_dir))?;
    let mut samples = runtime.block_on(time_questions(&plugin, questions))?;
    let mut embedding = Vec::with_capacity(questions.len());
    for text in questions {
        let started = Instant::now();
        embedder.embed(std::slice::from_ref(text))?;
        embedding.push(started.elapsed());
    }
    Ok(SeenBeforeFigures {
        postmortems: indexed.postmortems,
        passages: indexed.passages,
        model: indexed.model,
        embed_sentences_per_s,
        reference,
        reference_note,
        index_seconds: indexed.seconds,
        query: Stats::of(&mut samples),
        query_embedding: Stats::of(&mut embedding),
        rss_mib_model_loaded,
        rss_mib_end: resident_mib(),
    })
}

/// Questions asked before the timed ones, so that the first timed one does not pay for
/// warming the instance's caches.
const WARMUP_QUESTIONS: usize = 3;

/// Each of `questions` through `plugin`, as long as the plugin call took, after
/// [`WARMUP_QUESTIONS`] untimed ones; both benchmarks time a question this way.
pub(super) async fn time_questions(
    plugin: &LoadedPlugin,
    questions: &[String],
) -> anyhow::Result<Vec<Duration>> {
    let ask = async |text: &str| -> anyhow::Result<Duration> {
        let query = Query {
            text: text.to_string(),
            incident: None,
            limit: 5,
        };
        Ok(plugin
            .on_query(CallContext::default(), &query)
            .await?
            .duration)
    };
    for text in questions.iter().take(WARMUP_QUESTIONS) {
        ask(text).await?;
    }
    let mut samples = Vec::with_capacity(questions.len());
    for text in questions {
        samples.push(ask(text).await?);
    }
    Ok(samples)
}

/// The seen-before plugin in the sandbox with the benchmark's limits and `backends`.
pub(super) async fn load(
    component: &[u8],
    backends: Backends,
    cache_dir: &std::path::Path,
) -> anyhow::Result<LoadedPlugin> {
    let limits = super::roomy_limits();
    let sandbox = Sandbox::new(Allocator::Pooling, &limits)?;
    let capabilities = [
        Capability::Embed,
        Capability::VectorSearch,
        Capability::Incidents,
    ];
    super::load_plugin(
        &sandbox,
        cache_dir,
        PLUGIN,
        component,
        &capabilities,
        limits,
        backends,
    )
    .await
}

/// This process's resident memory in MiB, from `/proc/self/status` (0 where there is none).
pub(crate) fn resident_mib() -> f64 {
    status_mib("VmRSS:")
}

/// A `/proc/self/status` figure in kB (`key` with its colon), as MiB (0 where there is none).
pub(crate) fn status_mib(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}
