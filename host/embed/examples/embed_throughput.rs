//! Embedding throughput of rhyme-embed on the CPU, on the same texts as
//! `models/bench_sentence_transformers.py` (the labelled query texts and the corpus
//! summaries), so the two can be compared on one machine.
//!
//! ```sh
//! RHYME_EMBED_PRECISION=int8 RHYME_EMBED_BATCH=32 cargo run --release -p rhyme-embed --example embed_throughput [-- DATA_DIR]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use rhyme_embed::Embedder;

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> AnyResult<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = std::env::args()
        .nth(1)
        .map_or(root.join("../shared/data/postmortems"), PathBuf::from);
    let batch_size = std::env::var("RHYME_EMBED_BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(rhyme_embed::DEFAULT_BATCH_SIZE);
    let precision: rhyme_embed::Precision = match std::env::var("RHYME_EMBED_PRECISION") {
        Ok(p) => p.parse()?,
        Err(_) => rhyme_embed::Precision::default(),
    };
    let queries = field_values(&data.join("queries.jsonl"), "query")?;
    let summaries = field_values(&data.join("corpus.jsonl"), "summary")?;

    let started = Instant::now();
    let embedder = Embedder::load_with_precision(
        root.join("models")
            .join(rhyme_embed::DEFAULT_MODEL_DIR_NAME),
        precision,
    )?;
    let load_s = started.elapsed().as_secs_f64();
    embedder.embed(&["warm up"])?;

    for (name, texts) in [("queries", &queries), ("summaries", &summaries)] {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let started = Instant::now();
        embedder.embed(&refs)?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{{\"engine\":\"rhyme-embed\",\"set\":\"{name}\",\"sentences\":{},\"seconds\":{seconds:.3},\"sentences_per_s\":{:.1},\"batch_size\":{batch_size},\"precision\":\"{precision}\",\"model_load_s\":{load_s:.3}}}",
            refs.len(),
            refs.len() as f64 / seconds
        );
    }
    Ok(())
}

/// The string values of `field` in a JSON-lines file, skipping nulls.
fn field_values(path: &Path, field: &str) -> AnyResult<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line)?;
        if let Some(s) = value.get(field).and_then(|v| v.as_str()) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}
