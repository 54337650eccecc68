//! rhyme-embed must produce the vectors sentence-transformers produces for the same model:
//! compared against `reference_vectors.json`, written by `models/reference_vectors.py`.
//!
//! Skips (with a note) when the model files have not been fetched; run `models/fetch.sh`.

use std::path::PathBuf;

use rhyme_embed::{Embedder, Precision, cosine};
use serde::Deserialize;

const MIN_COSINE: f32 = 0.9999;
/// The int8 feed-forward products move each vector a little (measured: lowest 0.9957);
/// whether that costs retrieval quality is for `rhyme eval seen-before` and the robustness
/// test to say (models/README.md). This catches a broken quantised graph: a wrong scale or
/// layout gives cosines far below it.
const MIN_COSINE_INT8: f32 = 0.99;

#[derive(Deserialize)]
struct Reference {
    max_seq_length: usize,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    text: String,
    vector: Vec<f32>,
}

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/all-MiniLM-L6-v2")
}

fn reference() -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference_vectors.json");
    let text = std::fs::read_to_string(&path).expect("reference_vectors.json is committed");
    serde_json::from_str(&text).expect("reference_vectors.json parses")
}

fn load_or_skip() -> Option<Embedder> {
    load_or_skip_in(Precision::Float32)
}

fn load_or_skip_in(precision: Precision) -> Option<Embedder> {
    let dir = model_dir();
    if !dir.join("model.safetensors").is_file() {
        eprintln!(
            "skipping: no model in {} (run models/fetch.sh)",
            dir.display()
        );
        return None;
    }
    Some(Embedder::load_with_precision(&dir, precision).expect("model directory loads"))
}

#[test]
fn vectors_match_sentence_transformers() {
    let Some(embedder) = load_or_skip() else {
        return;
    };
    let lowest = lowest_cosine(embedder, MIN_COSINE);
    eprintln!("lowest cosine with sentence-transformers (float32): {lowest:.7}");
}

#[test]
fn int8_vectors_stay_close_to_sentence_transformers() {
    let Some(embedder) = load_or_skip_in(Precision::Int8) else {
        return;
    };
    let lowest = lowest_cosine(embedder, MIN_COSINE_INT8);
    eprintln!("lowest cosine with sentence-transformers (int8): {lowest:.7}");
}

/// The lowest cosine between `embedder`'s vectors and the references, each at least `min`.
fn lowest_cosine(embedder: Embedder, min: f32) -> f32 {
    let reference = reference();
    assert_eq!(embedder.max_seq_len(), reference.max_seq_length);
    let texts: Vec<&str> = reference.items.iter().map(|i| i.text.as_str()).collect();
    // A batch size that splits the set, so batching and re-ordering are exercised too.
    let vectors = embedder
        .with_batch_size(3)
        .embed(&texts)
        .expect("embedding works");
    assert_eq!(vectors.len(), texts.len());
    let mut lowest = f32::INFINITY;
    for (item, got) in reference.items.iter().zip(&vectors) {
        assert_eq!(got.len(), item.vector.len());
        let similarity = cosine(got, &item.vector);
        let preview: String = item.text.chars().take(40).collect();
        assert!(
            similarity >= min,
            "cosine {similarity} < {min} for {preview:?}"
        );
        lowest = lowest.min(similarity);
    }
    lowest
}

#[test]
fn each_text_is_embedded_independently_of_its_batch() {
    let Some(embedder) = load_or_skip() else {
        return;
    };
    let alone = embedder.embed(&["disk full on the primary"]).unwrap();
    let batched = embedder
        .embed(&[
            "a much longer sentence that forces padding of the short one",
            "disk full on the primary",
        ])
        .unwrap();
    assert!(cosine(&alone[0], &batched[1]) > 0.99999);
    let norm: f32 = alone[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
}

/// In int8 each token's activations are quantised on their own scale, so a text's vector
/// does not depend on its batch-mates or their padding (with one scale per batch it moved
/// to cosine 0.990 here).
#[test]
fn int8_vectors_do_not_depend_on_their_batch() {
    let Some(embedder) = load_or_skip_in(Precision::Int8) else {
        return;
    };
    let alone = embedder.embed(&["disk full on the primary"]).unwrap();
    let batched = embedder
        .embed(&[
            "a much longer sentence that forces padding of the short one, with rare words: \
             kubelet eviction thresholds, PgBouncer, SIGTERM, 0xdeadbeef",
            "disk full on the primary",
        ])
        .unwrap();
    let similarity = cosine(&alone[0], &batched[1]);
    eprintln!("int8, alone against batched: cosine {similarity:.5}");
    assert!(similarity > 0.99999, "{similarity}");
}

#[test]
fn bad_weights_file_is_named_in_the_error() {
    let Some(_) = load_or_skip() else { return };
    let dir = std::env::temp_dir().join(format!("rhyme-embed-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["config.json", "tokenizer.json"] {
        std::fs::copy(model_dir().join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("model.safetensors"), b"not a safetensors file").unwrap();
    let runtime = rhyme_embed::ModelFiles::in_dir(&model_dir())
        .unwrap()
        .runtime;
    std::os::unix::fs::symlink(runtime, dir.join(rhyme_embed::RUNTIME_LIBRARY)).unwrap();
    let err = Embedder::load(&dir).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert!(matches!(err, rhyme_embed::Error::Weights { .. }), "{err}");
    assert!(err.to_string().contains("model.safetensors"));
}
