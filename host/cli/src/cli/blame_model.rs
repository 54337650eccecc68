//! The blame classifier's training sentences and their vectors, shared by `rhyme fit blame`
//! (which writes the shipped model) and `rhyme eval lint --folds` (which refits it per fold).
//!
//! Each labelled sentence is one example; each blame sentence's blameless rewording
//! (`reframe`) is one more, labelled not blame: the pair differs in the blame and not in the
//! topic, so the weights learn the first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use review_lint::blame::classifier::{Classifier, Example, TrainingSource};
use rhyme_eval::lint::{BlameItem, read_blame};
use rhyme_eval::lint_references::Corpus;
use rhyme_runtime::capability::backend::Embedder;

/// The labelled sentences of each training file, in the order given.
pub(super) struct TrainingFiles {
    files: Vec<(String, Vec<BlameItem>)>,
}

impl TrainingFiles {
    /// Reads sentence files (`written-blame-*.jsonl`, the dev set) and reference files
    /// (`corpus-blame*.jsonl`, resolved in `corpus`).
    pub(super) fn read(
        labels: &[PathBuf],
        references: &[PathBuf],
        corpus: Option<&Corpus>,
    ) -> anyhow::Result<Self> {
        let mut files = Vec::new();
        for path in labels {
            files.push((shown(path), read_blame(path)?));
        }
        for path in references {
            let corpus = corpus.context("reference files need --corpus")?;
            files.push((shown(path), corpus.read_blame_references(path)?));
        }
        Ok(TrainingFiles { files })
    }

    /// One labelled set standing as the training files.
    pub(super) fn of(items: Vec<BlameItem>) -> Self {
        TrainingFiles {
            files: vec![("the evaluated set".to_string(), items)],
        }
    }

    /// Whether no file was given.
    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every text to embed: sentences and rewordings.
    pub(super) fn texts(&self) -> impl Iterator<Item = &str> {
        self.items()
            .flat_map(|item| std::iter::once(item.text.as_str()).chain(item.reframe.as_deref()))
    }

    fn items(&self) -> impl Iterator<Item = &BlameItem> {
        self.files.iter().flat_map(|(_, items)| items)
    }

    /// The examples of every sentence whose id `keep` accepts, with their rewordings.
    pub(super) fn examples(&self, vectors: &Vectors, keep: impl Fn(&str) -> bool) -> Vec<Example> {
        let mut examples = Vec::new();
        for item in self.items().filter(|item| keep(&item.id)) {
            examples.push(Example {
                vector: vectors.of(&item.text).to_vec(),
                blame: item.blame,
            });
            if let Some(reframe) = item.reframe.as_deref().filter(|_| item.blame) {
                examples.push(Example {
                    vector: vectors.of(reframe).to_vec(),
                    blame: false,
                });
            }
        }
        examples
    }

    /// How many examples of each kind each file gave.
    pub(super) fn sources(&self) -> Vec<TrainingSource> {
        self.files
            .iter()
            .map(|(file, items)| {
                let blame = items.iter().filter(|i| i.blame).count();
                let reframes = items.iter().filter(|i| i.blame && i.reframe.is_some());
                TrainingSource {
                    file: file.clone(),
                    blame,
                    not_blame: items.len() - blame + reframes.count(),
                }
            })
            .collect()
    }
}

/// A path as the model file records it: relative to where the command ran, when it can be.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// Sentence vectors, embedded once per distinct text.
pub(super) struct Vectors {
    by_text: HashMap<String, Vec<f32>>,
}

impl Vectors {
    /// Embeds each distinct text, in batches.
    pub(super) fn embed<'t>(
        embedder: &dyn Embedder,
        texts: impl IntoIterator<Item = &'t str>,
    ) -> anyhow::Result<Self> {
        let mut distinct: Vec<String> = texts.into_iter().map(str::to_string).collect();
        distinct.sort();
        distinct.dedup();
        let mut by_text = HashMap::with_capacity(distinct.len());
        for batch in distinct.chunks(64) {
            let vectors = embedder
                .embed(batch)
                .context("embedding sentences for the blame classifier")?;
            by_text.extend(batch.iter().cloned().zip(vectors));
        }
        Ok(Vectors { by_text })
    }

    /// The vector of a text, when it was embedded.
    pub(super) fn get(&self, text: &str) -> Option<&[f32]> {
        self.by_text.get(text).map(Vec::as_slice)
    }

    /// The vector of a text that was embedded.
    fn of(&self, text: &str) -> &[f32] {
        &self.by_text[text]
    }
}

/// Fits the classifier on `examples` with the shipped model's settings.
pub(super) fn refit(examples: &[Example], like: &Classifier) -> anyhow::Result<Classifier> {
    anyhow::ensure!(
        examples.iter().any(|e| e.blame) && examples.iter().any(|e| !e.blame),
        "the blame classifier needs blame and blameless training sentences"
    );
    Ok(Classifier::fit(
        examples,
        like.c,
        like.threshold,
        &like.embedding_model,
    ))
}

/// Stops with a clear message when the embedder is not the one the classifier was fitted on.
pub(super) fn check_model(classifier: &Classifier, embedder: &dyn Embedder) -> anyhow::Result<()> {
    anyhow::ensure!(
        classifier.embedding_model == embedder.model(),
        "the blame classifier was fitted on vectors of {}, but this embedder makes {}: refit it \
         with `make fit-blame` or pass --rules-only",
        classifier.embedding_model,
        embedder.model()
    );
    Ok(())
}
