//! `rhyme eval seen-before`: the seen-before plugin, in the sandbox, on labelled queries
//! against a corpus indexed in memory. Prints `{"id","ranked"}` per query, then a summary
//! with the method's figures, dense retrieval alone (the same plugin with
//! `lexical_weight = 0`) and plain BM25 (computed natively as the reference), and the
//! plugin's query latency.

use std::path::Path;

use serde_json::json;

use rhyme_capabilities::vectors::{IndexHome, open_index, remove_on_interrupt};
use rhyme_eval::seen_before::{self as eval, ItemScore};
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::{CallContext, LoadedPlugin};
use rhyme_seen_before::indexer;
use rhyme_world::types::{FindingKind, Query};

use super::Context;
use super::corpus::load_embedder;
use super::plugin::sandbox;

/// Ranks that count in the evaluation.
const RANKED: u32 = eval::CUTOFF as u32;

pub(super) fn run(
    ctx: &Context,
    corpus: &Path,
    queries: &Path,
    name: &str,
    folds: Option<usize>,
) -> anyhow::Result<()> {
    let docs = eval::load_corpus(corpus)?;
    let queries = eval::load_queries(queries)?;
    let vectors = open_index("eval", IndexHome::Process, ctx.config.qdrant().as_ref())?;
    if ctx.config.qdrant().is_some() {
        remove_on_interrupt(&vectors);
    }
    let backends = Backends {
        embedder: Some(load_embedder(ctx)?),
        vectors: Some(vectors.clone()),
        ..Backends::default()
    };
    let embedder = backends.embedder.clone().expect("just set");
    super::store::wait(indexer::index(
        &docs,
        embedder.as_ref(),
        vectors.as_ref(),
        &mut |_, _| {},
    ))?;
    let sandbox = sandbox(ctx)?;
    let (plugin, _) = super::store::wait(ctx.registry().load(&sandbox, name, &backends))?;

    let mut latencies = Vec::with_capacity(queries.len());
    let mut method = Vec::with_capacity(queries.len());
    for q in &queries {
        let (ranked, micros) = ask(&plugin, &q.query)?;
        latencies.push(micros);
        println!("{}", json!({ "id": q.id, "ranked": ranked }));
        method.push(eval::score_query(q, &ranked)?);
    }
    let dense_only = plugin.with_settings(r#"{"lexical_weight": 0.0}"#);
    let dense = score_all(&queries, |text| ask(&dense_only, text).map(|(r, _)| r))?;
    let bm25 = bm25_reference(&docs, &queries)?;
    let mut summary = json!({
        "method": name,
        "bm25": eval::summarize(&bm25),
        "dense": eval::summarize(&dense),
        "query_latency_ms": latency(&mut latencies),
    });
    // The method's figures also sit at the top level, as every `rhyme eval` summary has them.
    if let (Some(object), Ok(serde_json::Value::Object(top))) = (
        summary.as_object_mut(),
        serde_json::to_value(eval::summarize(&method)),
    ) {
        object.extend(top);
    }
    let validation = folds
        .map(|k| {
            let ids: Vec<&str> = queries.iter().map(|q| q.id.as_str()).collect();
            let strata: Vec<String> = queries
                .iter()
                .map(|q| q.is_low_overlap().to_string())
                .collect();
            super::folds::unfitted(&ids, &strata, k, "the ranking's weights", |held| {
                let items: Vec<ItemScore> = held.iter().map(|&i| method[i].clone()).collect();
                Ok(eval::summarize(&items))
            })
        })
        .transpose()?;
    super::folds::print_summary(summary, validation);
    Ok(())
}

/// The plugin's ten best ids for `text`, and how long the call took in microseconds.
fn ask(plugin: &LoadedPlugin, text: &str) -> anyhow::Result<(Vec<String>, u64)> {
    let query = Query {
        text: text.to_string(),
        incident: None,
        limit: RANKED,
    };
    let report = super::store::wait(plugin.on_query(CallContext::default(), &query))?;
    let ranked = report
        .value
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::SimilarIncident)
        .map(|f| f.subject.clone())
        .collect();
    Ok((ranked, report.duration.as_micros() as u64))
}

fn score_all(
    queries: &[eval::Query],
    mut rank: impl FnMut(&str) -> anyhow::Result<Vec<String>>,
) -> anyhow::Result<Vec<ItemScore>> {
    queries
        .iter()
        .map(|q| Ok(eval::score_query(q, &rank(&q.query)?)?))
        .collect()
}

/// Plain BM25 over the postmortems' own words: the baseline the issue names.
fn bm25_reference(
    docs: &[eval::Postmortem],
    queries: &[eval::Query],
) -> anyhow::Result<Vec<ItemScore>> {
    let index = seen_before_index::Index::lexical(docs.to_vec())?;
    let options = seen_before_index::RankOptions {
        limit: RANKED as usize,
        ..seen_before_index::RankOptions::default()
    };
    score_all(queries, |text| {
        let scored = seen_before_index::scores(
            &index,
            seen_before_index::Query { text, vector: None },
            &[],
            &options,
        );
        Ok(scored
            .iter()
            .take(options.limit)
            .map(|s| index.docs[s.position].doc.id.clone())
            .collect())
    })
}

fn latency(micros: &mut [u64]) -> serde_json::Value {
    micros.sort_unstable();
    let at = |q: f64| {
        micros
            .get(((micros.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |&m| m as f64 / 1000.0)
    };
    json!({ "p50": at(0.5), "p99": at(0.99) })
}
