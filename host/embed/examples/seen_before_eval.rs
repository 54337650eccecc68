//! Native evaluation of seen-before retrieval with real all-MiniLM-L6-v2 embeddings.
//!
//! Embeds the shared postmortem corpus (passages and the mechanism catalogue) and the
//! labelled queries with rhyme-embed, simulates the host's vector search (exact, top 1000
//! passages), and prints one summary line per method: BM25 only, dense only, plain
//! BM25+dense fusion, and the plugin's method. Then checks generalisation: queries are split
//! into two halves by archetype, the fusion weights are picked on one half and reported on
//! the other. Also prints embedding throughput and corpus indexing time.
//!
//! ```sh
//! models/fetch.sh
//! RHYME_EMBED_PRECISION=int8 cargo run --release -p rhyme-embed --example seen_before_eval [-- CORPUS QUERIES] [--show N]
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rhyme_embed::Embedder;
use rhyme_eval::seen_before::{self as eval, ItemScore, Summary};
use seen_before_index::{
    DenseHit, Embeddings, Index, MECHANISMS, Passage, Postmortem, Query, RankOptions,
};

/// Passages the simulated vector search returns per query, as the plugin asks the host
/// (`RHYME_DENSE_TOP` overrides it, to measure what a shallower search costs).
const DENSE_TOP: usize = seen_before_index::DENSE_HITS_WANTED;

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> AnyResult<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (args, show) = parse_args();
    let data = root.join("../shared/data/postmortems");
    let corpus_path = args
        .first()
        .map_or(data.join("corpus.jsonl"), PathBuf::from);
    let queries_path = args
        .get(1)
        .map_or(data.join("queries.jsonl"), PathBuf::from);
    let corpus = eval::load_corpus(&corpus_path)?;
    let queries = eval::load_queries(&queries_path)?;
    let docs: Vec<Postmortem> = corpus;

    let started = Instant::now();
    // RHYME_EMBED_PRECISION=float32|int8 picks the precision (default: the crate's).
    let precision: rhyme_embed::Precision = match std::env::var("RHYME_EMBED_PRECISION") {
        Ok(p) => p.parse()?,
        Err(_) => rhyme_embed::Precision::default(),
    };
    let embedder = Embedder::load_with_precision(
        root.join("models")
            .join(rhyme_embed::DEFAULT_MODEL_DIR_NAME),
        precision,
    )?;
    println!(
        "{}",
        serde_json::json!({"model_load_s": started.elapsed().as_secs_f64(), "precision": precision.as_str()})
    );

    let mut cache = Cache::open()?;
    let cached = cache.vectors.len();
    let started = Instant::now();
    let passages: Vec<Passage> = docs.iter().flat_map(seen_before_index::passages).collect();
    let passage_vectors = cache.embed(&embedder, passages.iter().map(|p| p.text.as_str()))?;
    let embeddings = Embeddings {
        passages: passages
            .iter()
            .map(|p| p.id.clone())
            .zip(passage_vectors.iter().cloned())
            .collect(),
        mechanism_descriptions: cache.embed(
            &embedder,
            MECHANISMS
                .iter()
                .map(|m| m.description())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )?,
        mechanism_symptoms: cache.embed(&embedder, MECHANISMS.iter().map(|m| m.symptoms))?,
    };
    let full = Index::build(docs.clone(), &embeddings)?;
    let index_s = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"indexing": {"postmortems": docs.len(), "passages": passages.len(), "seconds": index_s, "vectors_from_cache": cached,
            "passages_per_s": passages.len() as f64 / index_s}})
    );
    report_throughput(&embedder, &queries)?;

    let lexical = Index::lexical(docs)?;
    let query_vectors = cache.embed(&embedder, queries.iter().map(|q| q.query.as_str()))?;
    cache.save()?;
    let hits: HashMap<&str, Vec<DenseHit>> = queries
        .iter()
        .zip(&query_vectors)
        .map(|(q, v)| (q.id.as_str(), search(&passages, &passage_vectors, v)))
        .collect();
    let vectors: HashMap<&str, &[f32]> = queries
        .iter()
        .zip(&query_vectors)
        .map(|(q, v)| (q.id.as_str(), v.as_slice()))
        .collect();
    let ctx = Context {
        full: &full,
        lexical: &lexical,
        hits: &hits,
        vectors: &vectors,
    };

    let defaults = RankOptions::default();
    for method in [
        Method::Bm25,
        Method::Dense,
        Method::PlainFusion,
        Method::SeenBefore,
    ] {
        let summary = eval::summarize(&ctx.run(method, &queries, &defaults)?);
        println!(
            "{}",
            serde_json::json!({"method": method.name(), "summary": summary})
        );
    }
    // Ablation: mechanism symptoms in the index only, no vocabulary added to the query.
    let no_query_expansion = RankOptions {
        expansion_weight: 0.0,
        ..defaults
    };
    let summary = eval::summarize(&ctx.run(Method::SeenBefore, &queries, &no_query_expansion)?);
    println!(
        "{}",
        serde_json::json!({"method": "seen-before without query expansion", "summary": summary})
    );
    split_check(&ctx, &queries)?;
    report_latency(&ctx, &queries);
    show_matches(&ctx, &queries, show);
    Ok(())
}

/// Positional CORPUS and QUERIES, and `--show N`: print the explained top 3 for the first N
/// low-overlap queries.
fn parse_args() -> (Vec<String>, usize) {
    let mut positional = Vec::new();
    let mut show = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--show" {
            show = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
        } else {
            positional.push(arg);
        }
    }
    (positional, show)
}

/// Time of one explained `rank` call (native, vectors and hits already at hand): what the
/// plugin itself adds to a question, before embedding and vector search.
fn report_latency(ctx: &Context<'_>, queries: &[eval::Query]) {
    let mut millis: Vec<f64> = queries
        .iter()
        .map(|q| {
            let query = Query {
                text: &q.query,
                vector: Some(ctx.vectors[q.id.as_str()]),
            };
            let started = Instant::now();
            let matches = seen_before_index::rank(
                ctx.full,
                query,
                &ctx.hits[q.id.as_str()],
                &RankOptions::default(),
            );
            std::hint::black_box(matches);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    millis.sort_by(f64::total_cmp);
    let at = |p: f64| millis[((millis.len() - 1) as f64 * p).round() as usize];
    println!(
        "{}",
        serde_json::json!({"rank_latency_ms": {"queries": millis.len(), "p50": at(0.5), "p99": at(0.99)}})
    );
}

fn show_matches(ctx: &Context<'_>, queries: &[eval::Query], count: usize) {
    let options = RankOptions {
        limit: 3,
        ..RankOptions::default()
    };
    for q in queries.iter().filter(|q| q.is_low_overlap()).take(count) {
        let query = Query {
            text: &q.query,
            vector: Some(ctx.vectors[q.id.as_str()]),
        };
        let matches = seen_before_index::rank(ctx.full, query, &ctx.hits[q.id.as_str()], &options);
        println!(
            "{}",
            serde_json::json!({"query": q.query, "relevant": q.relevant, "matches": matches})
        );
    }
}

#[derive(Clone, Copy)]
enum Method {
    Bm25,
    Dense,
    PlainFusion,
    SeenBefore,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Self::Bm25 => "bm25",
            Self::Dense => "dense",
            Self::PlainFusion => "bm25+dense",
            Self::SeenBefore => "seen-before",
        }
    }
}

struct Context<'a> {
    full: &'a Index,
    lexical: &'a Index,
    hits: &'a HashMap<&'a str, Vec<DenseHit>>,
    vectors: &'a HashMap<&'a str, &'a [f32]>,
}

impl Context<'_> {
    fn run(
        &self,
        method: Method,
        queries: &[eval::Query],
        options: &RankOptions,
    ) -> AnyResult<Vec<ItemScore>> {
        let ranked = eval::evaluate(
            queries,
            |q| -> Result<Vec<String>, std::convert::Infallible> {
                Ok(self.rank(method, q, options))
            },
        )?;
        Ok(ranked)
    }

    fn rank(&self, method: Method, q: &eval::Query, options: &RankOptions) -> Vec<String> {
        let hits = &self.hits[q.id.as_str()];
        let vector = self.vectors[q.id.as_str()];
        let (index, query, hits, options) = match method {
            Method::Bm25 => (
                self.lexical,
                Query {
                    text: &q.query,
                    vector: None,
                },
                &[][..],
                *options,
            ),
            Method::Dense => (
                self.lexical,
                Query {
                    text: &q.query,
                    vector: None,
                },
                &hits[..],
                RankOptions {
                    lexical_weight: 0.0,
                    ..*options
                },
            ),
            Method::PlainFusion => (
                self.lexical,
                Query {
                    text: &q.query,
                    vector: None,
                },
                &hits[..],
                *options,
            ),
            Method::SeenBefore => (
                self.full,
                Query {
                    text: &q.query,
                    vector: Some(vector),
                },
                &hits[..],
                *options,
            ),
        };
        seen_before_index::scores(index, query, hits, &options)
            .into_iter()
            .take(eval::CUTOFF)
            .map(|s| index.docs[s.position].doc.id.clone())
            .collect()
    }
}

/// Weights tried when tuning on one half.
fn grid() -> Vec<RankOptions> {
    let mut out = Vec::new();
    for lexical_weight in [0.25, 0.35, 0.45, 0.55] {
        for expansion_weight in [0.25, 0.5, 0.75, 1.0] {
            out.push(RankOptions {
                lexical_weight,
                expansion_weight,
                ..RankOptions::default()
            });
        }
    }
    out
}

/// Tune on one half of the archetypes, report the other, both ways round.
fn split_check(ctx: &Context<'_>, queries: &[eval::Query]) -> AnyResult<()> {
    let (a, b): (Vec<eval::Query>, Vec<eval::Query>) = queries
        .iter()
        .cloned()
        .partition(|q| archetype_half(q.archetype.as_deref().unwrap_or(&q.id)));
    for (name, tune, test) in [("A", &a, &b), ("B", &b, &a)] {
        let mut best: Option<(f64, RankOptions)> = None;
        for options in grid() {
            let s = eval::summarize(&ctx.run(Method::SeenBefore, tune, &options)?);
            let objective = s.all.recall_at_5 + s.all.mrr + s.low_overlap.mrr;
            if best.is_none_or(|(o, _)| objective > o) {
                best = Some((objective, options));
            }
        }
        let (_, chosen) = best.expect("grid is not empty");
        let held_out = |m: Method, o: &RankOptions| -> AnyResult<Summary> {
            Ok(eval::summarize(&ctx.run(m, test, o)?))
        };
        println!(
            "{}",
            serde_json::json!({"split": {"tuned_on": name, "n_tune": tune.len(), "n_held_out": test.len(),
            "chosen": {"lexical_weight": chosen.lexical_weight, "expansion_weight": chosen.expansion_weight},
            "held_out": {
                "seen-before (tuned)": held_out(Method::SeenBefore, &chosen)?,
                "seen-before (defaults)": held_out(Method::SeenBefore, &RankOptions::default())?,
                "bm25+dense": held_out(Method::PlainFusion, &RankOptions::default())?,
                "bm25": held_out(Method::Bm25, &RankOptions::default())?,
            }}})
        );
    }
    Ok(())
}

/// Deterministic half assignment from the archetype name (FNV-1a), so that every query of an
/// archetype lands in the same half and the held-out half has unseen archetypes.
fn archetype_half(archetype: &str) -> bool {
    let hash = archetype.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    hash % 2 == 0
}

fn embed_all<'a>(
    embedder: &Embedder,
    texts: impl Iterator<Item = &'a str>,
) -> AnyResult<Vec<Vec<f32>>> {
    let texts: Vec<&str> = texts.collect();
    Ok(embedder.embed(&texts)?)
}

/// Vectors by text, persisted between runs when `RHYME_EMBED_CACHE` names a file, so that
/// iterating on ranking does not re-embed the corpus. Timings are only meaningful without it.
struct Cache {
    path: Option<PathBuf>,
    vectors: HashMap<String, Vec<f32>>,
}

impl Cache {
    fn open() -> AnyResult<Self> {
        let path = std::env::var_os("RHYME_EMBED_CACHE").map(PathBuf::from);
        let vectors = match &path {
            Some(p) if p.is_file() => serde_json::from_str(&std::fs::read_to_string(p)?)?,
            _ => HashMap::new(),
        };
        Ok(Self { path, vectors })
    }

    fn embed<'a>(
        &mut self,
        embedder: &Embedder,
        texts: impl Iterator<Item = &'a str>,
    ) -> AnyResult<Vec<Vec<f32>>> {
        let texts: Vec<&str> = texts.collect();
        let missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !self.vectors.contains_key(*t))
            .collect();
        if !missing.is_empty() {
            for (text, vector) in missing
                .iter()
                .zip(embed_all(embedder, missing.iter().copied())?)
            {
                self.vectors.insert(text.to_string(), vector);
            }
        }
        Ok(texts.iter().map(|t| self.vectors[*t].clone()).collect())
    }

    fn save(&self) -> AnyResult<()> {
        if let Some(path) = &self.path {
            std::fs::write(path, serde_json::to_string(&self.vectors)?)?;
        }
        Ok(())
    }
}

/// Exact inner-product search over passage vectors, as the host's embedded index does.
fn search(passages: &[Passage], vectors: &[Vec<f32>], query: &[f32]) -> Vec<DenseHit> {
    let mut hits: Vec<DenseHit> = passages
        .iter()
        .zip(vectors)
        .map(|(p, v)| DenseHit {
            id: p.id.clone(),
            score: rhyme_embed::cosine(query, v),
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    let depth = std::env::var("RHYME_DENSE_TOP")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(DENSE_TOP);
    hits.truncate(depth);
    hits
}

fn report_throughput(embedder: &Embedder, queries: &[eval::Query]) -> AnyResult<()> {
    let texts: Vec<&str> = queries.iter().map(|q| q.query.as_str()).collect();
    let started = Instant::now();
    embedder.embed(&texts)?;
    let batched = texts.len() as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    for text in texts.iter().take(50) {
        embedder.embed(&[text])?;
    }
    let single_ms = started.elapsed().as_secs_f64() * 1000.0 / 50.0;
    println!(
        "{}",
        serde_json::json!({"throughput": {"sentences": texts.len(), "batched_sentences_per_s": batched,
            "single_sentence_ms": single_ms}})
    );
    Ok(())
}
