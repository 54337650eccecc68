//! `rhyme bench ...`

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use super::{Context, burst};

#[derive(Debug, Subcommand)]
pub(super) enum BenchCommand {
    /// Cost of a plugin call (pooling vs on-demand vs bare wasmtime) and of loading from cache.
    Runtime {
        /// A trivial plugin component to call.
        #[arg(
            long,
            default_value = "target/wasm32-wasip2/release/guest_trivial.wasm"
        )]
        component: PathBuf,
        /// Timed calls per configuration.
        #[arg(long, default_value_t = 3000)]
        calls: usize,
    },
    /// A week of one-minute points analysed by graph-signature in the sandbox vs natively.
    Signature {
        /// The graph-signature component.
        #[arg(
            long,
            default_value = "target/wasm32-wasip2/release/graph_signature.wasm"
        )]
        component: PathBuf,
        /// Timed analyses per configuration.
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// Sustained event ingest through the HTTP API into SQLite, one trivial plugin subscribed;
    /// with `--burst`, the installed built-in plugins and one incident per client for
    /// `--seconds`, while a probe opens incidents and posts alerts.
    Ingest {
        /// A plugin that answers every event with nothing.
        #[arg(
            long,
            default_value = "target/wasm32-wasip2/release/guest_trivial.wasm"
        )]
        component: PathBuf,
        /// Batches sent in all.
        #[arg(long, default_value_t = 500)]
        batches: usize,
        /// Events per batch.
        #[arg(long, default_value_t = 100)]
        batch_size: usize,
        /// Clients sending at once (default 4; 8 with `--burst`).
        #[arg(long)]
        clients: Option<usize>,
        /// How cost grows with open incidents: one run per count (a comma list, e.g.
        /// `1,8,64`), the batches spread evenly over that many incidents, each figure printed
        /// beside issue 15's target.
        #[arg(long, value_delimiter = ',', conflicts_with = "burst")]
        incidents: Vec<usize>,
        /// A burst instead: each client on an incident of its own, the enabled plugins of the
        /// registry (`make build` installs the built-in ones) on every event.
        #[arg(long)]
        burst: bool,
        /// How long the burst lasts.
        #[arg(long, default_value_t = 30, requires = "burst")]
        seconds: u64,
        /// Events the server's queue holds (`rhyme serve --queue`).
        #[arg(long, default_value_t = 100_000, requires = "burst")]
        queue: usize,
        /// Kill the server with SIGKILL this many seconds into the burst and start it again
        /// (the server is then a `rhyme serve` process); every acknowledged event must still be
        /// stored and run.
        #[arg(long, requires = "burst")]
        kill_after: Option<u64>,
    },
    /// One call into the example plugin written in Python (componentize-py), fresh instance.
    Python {
        /// The plugin's manifest (`make python-plugin` builds its component).
        #[arg(long, default_value = "examples/plugins/error-budget/plugin.toml")]
        manifest: PathBuf,
        /// Timed calls of each kind.
        #[arg(long, default_value_t = 100)]
        runs: usize,
    },
    /// A 5,000-event timeline with the anti-pattern plugin called on every event.
    Nudges {
        /// The anti-patterns component.
        #[arg(
            long,
            default_value = "target/wasm32-wasip2/release/anti_patterns.wasm"
        )]
        component: PathBuf,
        /// Events in the synthetic timeline.
        #[arg(long, default_value_t = 5000)]
        events: usize,
    },
    /// Embedding throughput, corpus indexing time, question latency through the plugin, memory.
    SeenBefore {
        /// The seen-before component.
        #[arg(long, default_value = "target/wasm32-wasip2/release/seen_before.wasm")]
        component: PathBuf,
        /// Postmortems (JSONL or a Markdown folder); the shared corpus when present, else the examples.
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Labelled queries whose texts are asked; without them, each postmortem's title.
        #[arg(long)]
        queries: Option<PathBuf>,
        /// How cost grows instead: corpus sizes in postmortems (a comma list, e.g.
        /// `1000,10000,100000`), each the real corpus repeated with perturbed text; import time,
        /// question latency and resident memory per size, on the exact index and on Qdrant
        /// where configured, and where the exact index stops being the right default.
        #[arg(long, value_delimiter = ',')]
        scale: Vec<usize>,
    },
}

pub(super) fn run(ctx: &Context, command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Runtime { component, calls } => runtime(ctx, &component, calls),
        BenchCommand::Signature { component, runs } => signature(ctx, &component, runs),
        BenchCommand::Ingest {
            burst: true,
            batch_size,
            clients,
            seconds,
            queue,
            kill_after,
            ..
        } => burst::run(
            ctx,
            crate::bench::burst::BurstPlan {
                clients: clients.unwrap_or(8),
                batch_size,
                seconds,
                queue,
                kill_after,
            },
        ),
        BenchCommand::Ingest {
            component,
            batches,
            batch_size,
            clients,
            incidents,
            ..
        } => {
            let plan = crate::bench::ingest::IngestPlan {
                batches,
                batch_size,
                clients: clients.unwrap_or(4),
                incidents: 1,
            };
            if incidents.is_empty() {
                ingest(ctx, &component, plan)
            } else {
                ingest_spread(ctx, &component, plan, &incidents)
            }
        }
        BenchCommand::Nudges { component, events } => nudges(ctx, &component, events),
        BenchCommand::Python { manifest, runs } => python(ctx, &manifest, runs),
        BenchCommand::SeenBefore {
            component,
            corpus,
            queries,
            scale,
        } => seen_before(ctx, &component, corpus, queries, &scale),
    }
}

fn read_component(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "reading {} (build it with `make build` or `make guests`)",
            path.display()
        )
    })
}

/// The compile cache the benchmarks load their plugins through.
fn bench_cache(ctx: &Context) -> PathBuf {
    ctx.data.join("bench-cache")
}

/// Prints `figures` as one JSON line where `--json` was given: true when it did, and the
/// caller prints nothing more.
fn printed_json<T: serde::Serialize>(ctx: &Context, figures: &T) -> anyhow::Result<bool> {
    if ctx.json {
        println!("{}", serde_json::to_string(figures)?);
    }
    Ok(ctx.json)
}

fn python(ctx: &Context, manifest: &std::path::Path, runs: usize) -> anyhow::Result<()> {
    let figures = crate::bench::python::run(manifest, &ctx.data.join("bench-python"), runs)?;
    if printed_json(ctx, &figures)? {
        return Ok(());
    }
    println!(
        "Python plugin ({} KiB component, loaded from the compile cache in {:.0} ms), {runs} calls each, fresh instance per call:",
        figures.component_kib, figures.load_ms
    );
    println!(
        "  a series it skips (instance + settings)   median {:>7.2} ms   p99 {:>7.2} ms   CPU {:.2} ms, {:.0} page faults a call",
        figures.skipped.median_us / 1000.0,
        figures.skipped.p99_us / 1000.0,
        figures.skipped_use.cpu_ms,
        figures.skipped_use.page_faults
    );
    println!(
        "  180 error ratios judged                   median {:>7.2} ms   p99 {:>7.2} ms   CPU {:.2} ms, {:.0} page faults a call   (target ≤ 4 ms)",
        figures.analysed.median_us / 1000.0,
        figures.analysed.p99_us / 1000.0,
        figures.analysed_use.cpu_ms,
        figures.analysed_use.page_faults
    );
    Ok(())
}

fn signature(ctx: &Context, component: &PathBuf, runs: usize) -> anyhow::Result<()> {
    let figures =
        crate::bench::signature::run(&read_component(component)?, runs, &bench_cache(ctx))?;
    if printed_json(ctx, &figures)? {
        return Ok(());
    }
    println!(
        "graph-signature on {} points ({runs} runs each; found: {}):",
        figures.points,
        figures.found.join(", ")
    );
    println!(
        "  in the sandbox (fresh instance, data in, findings out)  median {:>8.0} µs   p99 {:>8.0} µs   (target ≤ 2000 µs)",
        figures.sandbox.median_us, figures.sandbox.p99_us
    );
    println!(
        "  native                                                  median {:>8.0} µs   p99 {:>8.0} µs",
        figures.native.median_us, figures.native.p99_us
    );
    println!("  sandbox / native {:.2}×", figures.ratio);
    Ok(())
}

fn runtime(ctx: &Context, component: &PathBuf, calls: usize) -> anyhow::Result<()> {
    let bytes = read_component(component)?;
    let cache_dir = bench_cache(ctx);
    let figures = crate::bench::runtime::run(&bytes, calls, &cache_dir)?;
    if printed_json(ctx, &figures)? {
        return Ok(());
    }
    let row = |what: &str, s: &crate::bench::Stats| {
        println!(
            "  {what:<44} median {:>10.1} µs   p99 {:>10.1} µs",
            s.median_us, s.p99_us
        );
    };
    println!("Plugin call on a fresh instance ({calls} calls each):");
    row(
        "(a) Rhyme runtime, pooling allocator",
        &figures.rhyme_pooling,
    );
    row(
        "(b) Rhyme runtime, on-demand allocator",
        &figures.rhyme_on_demand,
    );
    row(
        "    bare wasmtime, pooling, same component",
        &figures.bare_wasmtime,
    );
    println!("Loading the component:");
    row("(c) compile", &figures.compile);
    row("(c) from the compile cache", &figures.cache_load);
    println!("Ratios:");
    println!(
        "  Rhyme (a) / bare wasmtime      {:>6.2}×   (target ≤ 1.3)",
        figures.overhead_vs_bare
    );
    println!(
        "  on-demand (b) / pooling (a)    {:>6.2}×   (target ≥ 1.5)",
        figures.pooling_speedup
    );
    println!(
        "  compile / cache load (c)       {:>6.0}×   (target ≥ 100)",
        figures.cache_speedup
    );
    Ok(())
}

fn ingest(
    ctx: &Context,
    component: &PathBuf,
    plan: crate::bench::ingest::IngestPlan,
) -> anyhow::Result<()> {
    let f = crate::bench::ingest::run(
        &read_component(component)?,
        &ctx.data.join("bench-ingest"),
        plan,
    )?;
    if printed_json(ctx, &f)? {
        return Ok(());
    }
    println!(
        "ingest: {} events in batches of {} from {} clients, SQLite, one trivial plugin on every event:",
        f.events, f.batch_size, f.clients
    );
    println!(
        "  sustained                  {:>8.0} events/s   (target ≥ 5000)",
        f.events_per_s
    );
    println!(
        "  acknowledgement            median {:>8.1} ms   p99 {:>8.1} ms",
        f.ack.median_us / 1000.0,
        f.ack.p99_us / 1000.0
    );
    println!("  429 answers                {:>8}", f.busy_answers);
    println!(
        "  plugin queue drained       {:>8.2} s after the last acknowledgement",
        f.drain_s
    );
    println!(
        "  run by the plugin          {:>8.0} events/s   (first request to queue drained)",
        f.processed_per_s
    );
    Ok(())
}

/// Issue 15's target for events run per second over `incidents` open incidents, where it sets one.
fn run_target(incidents: usize) -> Option<f64> {
    match incidents {
        1 => Some(15_000.0),
        8 => Some(40_000.0),
        _ => None,
    }
}

fn ingest_spread(
    ctx: &Context,
    component: &PathBuf,
    plan: crate::bench::ingest::IngestPlan,
    incidents: &[usize],
) -> anyhow::Result<()> {
    anyhow::ensure!(
        incidents.iter().all(|&n| n > 0),
        "--incidents needs counts above 0"
    );
    let bytes = read_component(component)?;
    let mut runs = Vec::with_capacity(incidents.len());
    if !ctx.json {
        println!(
            "ingest over open incidents: {} events per run in batches of {} from {} clients, SQLite, one trivial plugin on every event; batch b goes to incident b mod the count:",
            plan.batches * plan.batch_size,
            plan.batch_size,
            plan.clients
        );
        println!(
            "  {:>9} {:>14} {:>14} {:>22} {:>10} {:>6}",
            "incidents", "acked /s", "run /s", "ack p50 / p99 (ms)", "drain (s)", "429s"
        );
    }
    for &n in incidents {
        let f = crate::bench::ingest::run(
            &bytes,
            &ctx.data.join("bench-ingest"),
            crate::bench::ingest::IngestPlan {
                incidents: n,
                ..plan
            },
        )
        .with_context(|| format!("the ingest benchmark over {n} incidents"))?;
        if !ctx.json {
            let target = run_target(n).map_or(String::new(), |t| {
                let verdict = if f.processed_per_s >= t {
                    "met"
                } else {
                    "missed"
                };
                format!(
                    "   run target >= {t:.0} /s: {verdict} ({:.2}x)",
                    f.processed_per_s / t
                )
            });
            println!(
                "  {:>9} {:>14.0} {:>14.0} {:>22} {:>10.2} {:>6}{target}",
                f.incidents,
                f.events_per_s,
                f.processed_per_s,
                format!(
                    "{:.1} / {:.1}",
                    f.ack.median_us / 1000.0,
                    f.ack.p99_us / 1000.0
                ),
                f.drain_s,
                f.busy_answers
            );
        }
        runs.push(f);
    }
    if ctx.json {
        println!("{}", serde_json::json!({ "runs": runs }));
    } else {
        println!(
            "  acked /s: events acknowledged per second, first request to last acknowledgement; run /s: events whose plugin call completed per second, first request to queue drained; targets from issue 15 (none set for other counts)"
        );
    }
    Ok(())
}

fn nudges(ctx: &Context, component: &PathBuf, events: usize) -> anyhow::Result<()> {
    let figures =
        crate::bench::nudges::run(&read_component(component)?, events, &bench_cache(ctx))?;
    if printed_json(ctx, &figures)? {
        return Ok(());
    }
    println!(
        "anti-patterns on a {}-event timeline, called on every event ({} nudges fired):",
        figures.events, figures.nudges
    );
    println!(
        "  per event in the sandbox   median {:>8.0} µs   p99 {:>8.0} µs   (target: median ≤ 1000 µs)",
        figures.per_event.median_us, figures.per_event.p99_us
    );
    println!(
        "  fuel per event (plugin)    median {:>8}      p99 {:>8}      (load-independent)",
        figures.fuel_median, figures.fuel_p99
    );
    Ok(())
}

fn seen_before(
    ctx: &Context,
    component: &PathBuf,
    corpus: Option<PathBuf>,
    queries: Option<PathBuf>,
    scale: &[usize],
) -> anyhow::Result<()> {
    let shared = PathBuf::from("../shared/data/postmortems");
    let corpus = corpus.unwrap_or_else(|| {
        if shared.join("corpus.jsonl").exists() {
            shared.join("corpus.jsonl")
        } else {
            PathBuf::from("examples/postmortems")
        }
    });
    let queries = queries.or_else(|| Some(shared.join("queries.jsonl")).filter(|q| q.exists()));
    let docs = rhyme_seen_before::corpus::read_source(&corpus)?;
    let questions: Vec<String> = match &queries {
        Some(path) => rhyme_eval::seen_before::load_queries(path)?
            .into_iter()
            .map(|q| q.query)
            .collect(),
        None => docs.iter().filter_map(|d| d.title.clone()).collect(),
    };
    let bytes = read_component(component)?;
    let embedder = super::corpus::load_embedder(ctx)?;
    if !scale.is_empty() {
        let qdrant = ctx.config.qdrant();
        let work = crate::bench::seen_before_scale::work_folder(&ctx.data);
        let cache_dir = bench_cache(ctx);
        let plan = crate::bench::seen_before_scale::ScalePlan {
            component: &bytes,
            model: embedder,
            docs: &docs,
            questions: &questions,
            sizes: scale,
            work: &work,
            cache_dir: &cache_dir,
            qdrant: qdrant.as_ref(),
        };
        let figures = crate::bench::seen_before_scale::run(&plan)?;
        return print_scale(ctx, &corpus, &figures);
    }
    let model_dir = ctx.config.model_dir();
    let models = model_dir.parent().unwrap_or(std::path::Path::new("models"));
    let f = crate::bench::seen_before::run(
        &bytes,
        embedder,
        &docs,
        &questions,
        &bench_cache(ctx),
        models,
        ctx.config.qdrant().as_ref(),
    )?;
    if printed_json(ctx, &f)? {
        return Ok(());
    }
    println!(
        "seen-before on {} ({} postmortems, {} passages; {} questions):",
        corpus.display(),
        f.postmortems,
        f.passages,
        f.query.samples
    );
    println!(
        "  embedding throughput (passages, batches of 32)   {:>8.1} sentences/s   (rhyme-embed, {})",
        f.embed_sentences_per_s, f.model
    );
    match (&f.reference, &f.reference_note) {
        (Some(r), _) => println!(
            "    same passages with sentence-transformers {} {:>8.1} sentences/s   (torch {}, {} threads; rhyme-embed is {:.2}× that)",
            r.sentence_transformers,
            r.sentences_per_s,
            r.torch,
            r.threads,
            f.embed_sentences_per_s / r.sentences_per_s
        ),
        (None, Some(note)) => println!("    sentence-transformers: {note}"),
        (None, None) => {}
    }
    println!(
        "  index the whole corpus from nothing              {:>8.1} s",
        f.index_seconds
    );
    println!(
        "  question through the plugin, end to end          p50 {:>6.1} ms   p99 {:>6.1} ms   (targets {} / {} ms)",
        f.query.median_us / 1000.0,
        f.query.p99_us / 1000.0,
        crate::bench::seen_before_scale::P50_TARGET_MS,
        crate::bench::seen_before_scale::P99_TARGET_MS,
    );
    println!(
        "    of which embedding the question                p50 {:>6.1} ms   p99 {:>6.1} ms",
        f.query_embedding.median_us / 1000.0,
        f.query_embedding.p99_us / 1000.0
    );
    println!(
        "  resident memory, model loaded                    {:>8.0} MiB   (after indexing and the questions: {:.0} MiB)",
        f.rss_mib_model_loaded, f.rss_mib_end
    );
    Ok(())
}

fn print_scale(
    ctx: &Context,
    corpus: &std::path::Path,
    f: &crate::bench::seen_before_scale::ScaleFigures,
) -> anyhow::Result<()> {
    use crate::bench::seen_before_scale::{P50_TARGET_MS, P99_TARGET_MS};
    if printed_json(ctx, f)? {
        return Ok(());
    }
    println!(
        "seen-before, how cost grows ({} questions through the plugin in the sandbox at each size):",
        f.questions
    );
    println!("  corpus: {} (from {})", f.corpus, corpus.display());
    println!(
        "  embedding: the {} real passages took {:.1} s ({:.1} passages/s, batches of 32); {}",
        f.real_passages, f.embed_seconds_real, f.embed_passages_per_s, f.method
    );
    println!(
        "  {:<7} {:>11} {:>9} {:>11} {:>11} {:>9}   {:>18}   {:>18}   {:>8} {:>8} {:>8}",
        "backend",
        "postmortems",
        "passages",
        "embed (s)",
        "index+store",
        "import",
        "question p50/p99",
        "vector search",
        "VmRSS",
        "peak",
        "on disk"
    );
    println!(
        "  {:<7} {:>11} {:>9} {:>11} {:>11} {:>9}   {:>18}   {:>18}   {:>8} {:>8} {:>8}",
        "",
        "",
        "",
        "projected",
        "measured",
        "(s)",
        "(ms)",
        "p50/p99 (ms)",
        "(MiB)",
        "(MiB)",
        "(MiB)"
    );
    let secs = |s: Option<f64>| s.map_or("-".to_string(), |s| format!("{s:.1}"));
    let ms = |s: &Option<crate::bench::Stats>| {
        s.as_ref().map_or("-".to_string(), |s| {
            format!("{:.2} / {:.2}", s.median_us / 1000.0, s.p99_us / 1000.0)
        })
    };
    for r in &f.rows {
        println!(
            "  {:<7} {:>11} {:>9} {:>11.1} {:>11} {:>9}   {:>18}   {:>18}   {:>8.0} {:>8.0} {:>8}",
            r.backend,
            r.postmortems,
            r.passages,
            r.embed_seconds_projected,
            secs(r.index_seconds),
            secs(r.import_seconds),
            ms(&r.question),
            ms(&r.search),
            r.rss_mib,
            r.peak_rss_mib,
            r.disk_mib.map_or("-".to_string(), |d| format!("{d:.1}"))
        );
        if let Some(e) = &r.error {
            println!("          failed at {}: {e}", r.postmortems);
        }
    }
    println!(
        "  targets: question p50 <= {P50_TARGET_MS} ms, p99 <= {P99_TARGET_MS} ms (issue 15); VmRSS while answering, after the index was reopened from its files; peak is the process's high-water mark (the importer's working set)"
    );
    println!("  verdict: {}", f.verdict.text);
    Ok(())
}
