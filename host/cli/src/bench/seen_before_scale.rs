//! `rhyme bench seen-before --scale N,...`: how the seen-before path's cost grows with the
//! corpus. For each size N: the time to import N postmortems, the latency of a question
//! answered end to end through the plugin in the sandbox (as `rhyme ask` does), and the
//! host's resident memory, on the exact index and, where a Qdrant server is configured, on
//! Qdrant; then a verdict, computed from those figures against issue 15's question targets,
//! on where the exact index stops being the right default and which setting moves off it.
//!
//! What is real and what is not (the printed notes say the same):
//! - The corpus of N is the real corpus repeated: the first copy is the real postmortems
//!   unchanged, every further copy has about [`REPLACED_SHARE`] of its words replaced by other
//!   words of the corpus (seeded, so every run builds the same corpus), under a new id.
//! - Embedding 100,000 postmortems (over half a million passages) would take hours on two
//!   cores, so the model embeds the real passages once, timed, and each copy's passage takes
//!   the real passage's vector plus a small seeded perturbation, re-normalised. Import time is
//!   therefore two figures: embedding, measured on the real passages and projected linearly to
//!   the passages at N, and indexing and storing, measured at N with the importer's own code
//!   (`rhyme_seen_before::indexer::index`, unchanged) writing the exact index's files to a
//!   folder, or Qdrant's collections.
//! - The questions are real, embedded by the model and answered by the plugin in the sandbox.
//!   Between import and questions the exact index is dropped and opened again from its files,
//!   as a server that starts on that data folder would, so that the resident memory measured
//!   while answering holds what serving holds, not the importer's working set.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;

use super::Stats;
use super::seen_before::{load, resident_mib, status_mib, time_questions};
use rhyme_capabilities::vectors::{IndexHome, QdrantServer, open_index};
use rhyme_runtime::capability::backend::{BackendError, Backends, Embedder, VectorIndex};
use rhyme_runtime::capability::plugin_collection;
use rhyme_seen_before::corpus::Postmortem;
use rhyme_seen_before::seeded::SplitMix64;
use rhyme_seen_before::{PLUGIN, indexer};
use seen_before_index::stored;

/// Issue 15's target for a question's median, end to end.
pub(crate) const P50_TARGET_MS: f64 = 12.0;
/// Issue 15's target for a question's 99th percentile, end to end.
pub(crate) const P99_TARGET_MS: f64 = 30.0;
/// The setting that moves every index off the exact one (README, *Configuration*).
pub(crate) const SWITCH: &str = "`[vectors] qdrant-url` in DATA/rhyme.toml (or RHYME_QDRANT_URL), then `rhyme corpus import` again";

/// Share of a copy's words replaced by other words of the corpus.
pub(crate) const REPLACED_SHARE: f64 = 0.15;
/// Length of the noise added to a real passage's (unit) vector before re-normalising: a
/// copy's vector keeps a cosine of about 0.97 to the real one.
const VECTOR_NOISE: f32 = 0.25;
/// Passages per model call when embedding the real passages.
const EMBED_BATCH: usize = 32;

/// What one run is asked to do.
pub(crate) struct ScalePlan<'a> {
    /// The seen-before component.
    pub component: &'a [u8],
    /// The embedding model.
    pub model: Arc<dyn Embedder>,
    /// The real corpus.
    pub docs: &'a [Postmortem],
    /// The questions asked at every size.
    pub questions: &'a [String],
    /// Corpus sizes, in postmortems.
    pub sizes: &'a [usize],
    /// A folder for the exact index's files (wiped per size, removed after).
    pub work: &'a Path,
    /// The compile cache.
    pub cache_dir: &'a Path,
    /// Qdrant, when configured.
    pub qdrant: Option<&'a QdrantServer>,
}

/// The figures of one run.
#[derive(Debug, Serialize)]
pub(crate) struct ScaleFigures {
    /// What the corpus of N is made of.
    pub corpus: String,
    /// How vectors and import time are obtained.
    pub method: String,
    pub real_postmortems: usize,
    pub real_passages: usize,
    /// Seconds the model took on every real passage (batches of 32).
    pub embed_seconds_real: f64,
    pub embed_passages_per_s: f64,
    /// Questions asked at each size.
    pub questions: usize,
    pub rows: Vec<ScaleRow>,
    pub verdict: Verdict,
}

/// One backend at one size.
#[derive(Debug, Serialize)]
pub(crate) struct ScaleRow {
    /// `exact` or `qdrant`.
    pub backend: &'static str,
    pub postmortems: usize,
    pub passages: usize,
    /// Embedding at this size, projected from the real passages' time (not measured at N).
    pub embed_seconds_projected: f64,
    /// Indexing and storing, measured at this size (the stand-in vectors' time taken out).
    pub index_seconds: Option<f64>,
    /// Projected embedding plus measured indexing and storing.
    pub import_seconds: Option<f64>,
    /// A question through the plugin in the sandbox, end to end.
    pub question: Option<Stats>,
    /// Of which the vector search alone (the plugin's one `nearest`), timed on the backend.
    pub search: Option<Stats>,
    /// Why this size has no figures, where it failed.
    pub error: Option<String>,
    /// VmRSS before this size was built.
    pub rss_mib_before: f64,
    /// VmRSS while answering at this size (model, plugin, index as a server holds it).
    pub rss_mib: f64,
    /// The process's peak VmRSS so far (VmHWM): the importer's working set at its largest.
    pub peak_rss_mib: f64,
    /// The exact index's files at this size.
    pub disk_mib: Option<f64>,
}

/// Where the exact index stops being the right default, from the rows.
#[derive(Debug, Serialize)]
pub(crate) struct Verdict {
    /// The largest size below the first miss at which the exact index met both targets.
    pub exact_meets_up_to: Option<usize>,
    /// The smallest size at which a question on the exact index missed a target (or failed).
    pub exact_misses_from: Option<usize>,
    /// The smallest size at which the exact vector search alone missed a target.
    pub search_alone_misses_from: Option<usize>,
    /// Resident memory the exact index adds per 1,000 postmortems (slope over the sizes).
    pub mib_per_1000_postmortems: Option<f64>,
    /// The setting to change.
    pub setting: String,
    /// The verdict in words.
    pub text: String,
}

/// Runs every size on the exact index, and on Qdrant where configured.
pub(crate) fn run(plan: &ScalePlan<'_>) -> anyhow::Result<ScaleFigures> {
    anyhow::ensure!(
        !plan.docs.is_empty() && !plan.questions.is_empty(),
        "the benchmark needs postmortems and questions"
    );
    anyhow::ensure!(
        !plan.sizes.is_empty() && plan.sizes.iter().all(|&n| n > 0),
        "--scale needs sizes above 0"
    );
    let real_texts: Vec<String> = plan
        .docs
        .iter()
        .flat_map(seen_before_index::passages)
        .map(|p| p.text)
        .collect();
    // One batch first, untimed, as the model warms up.
    plan.model
        .embed(&real_texts[..real_texts.len().min(EMBED_BATCH)])
        .context("embedding the real passages")?;
    let started = Instant::now();
    let mut real = Vec::with_capacity(real_texts.len());
    for batch in real_texts.chunks(EMBED_BATCH) {
        real.extend(
            plan.model
                .embed(batch)
                .context("embedding the real passages")?,
        );
    }
    let embed_seconds_real = started.elapsed().as_secs_f64();
    let mut question_vectors = Vec::with_capacity(plan.questions.len());
    for q in plan.questions {
        question_vectors.extend(
            plan.model
                .embed(std::slice::from_ref(q))
                .context("embedding the questions")?,
        );
    }
    let stand_in = StandIn::new(plan.model.clone(), plan.docs, real, &real_texts);
    let vocabulary = vocabulary(plan.docs);

    let mut sizes = plan.sizes.to_vec();
    sizes.sort_unstable();
    sizes.dedup();
    let mut rows = Vec::new();
    for &n in &sizes {
        rows.push(one_size(
            plan,
            &stand_in,
            &vocabulary,
            &question_vectors,
            None,
            n,
            embed_seconds_real,
        )?);
        if let Some(server) = plan.qdrant {
            rows.push(one_size(
                plan,
                &stand_in,
                &vocabulary,
                &question_vectors,
                Some(server),
                n,
                embed_seconds_real,
            )?);
        }
    }
    let verdict = verdict(&rows);
    Ok(ScaleFigures {
        corpus: format!(
            "{} real postmortems repeated with perturbed text ({:.0}% of each copy's words replaced by other words of the corpus, seeded)",
            plan.docs.len(),
            REPLACED_SHARE * 100.0
        ),
        method: format!(
            "the model embedded the {} real passages once; each copy's passages take the real passage's vector plus seeded noise, re-normalised (cosine about 0.97); import = embedding projected linearly from the real passages' time to the passages at N + indexing and storing measured at N",
            real_texts.len()
        ),
        real_postmortems: plan.docs.len(),
        real_passages: real_texts.len(),
        embed_seconds_real,
        embed_passages_per_s: real_texts.len() as f64 / embed_seconds_real,
        questions: plan.questions.len(),
        rows,
        verdict,
    })
}

/// Builds, imports and questions the corpus of `n` on the exact index (`qdrant` `None`) or on
/// Qdrant. A failure of the import or of the questions is kept in the row, not raised: where
/// a size breaks is a finding.
fn one_size(
    plan: &ScalePlan<'_>,
    stand_in: &StandIn,
    vocabulary: &[String],
    question_vectors: &[Vec<f32>],
    qdrant: Option<&QdrantServer>,
    n: usize,
    embed_seconds_real: f64,
) -> anyhow::Result<ScaleRow> {
    give_back_freed_memory();
    let rss_mib_before = resident_mib();
    let docs = corpus_of(plan.docs, n, vocabulary);
    stand_in.learn(&docs);
    let passages: usize = docs
        .iter()
        .map(|d| seen_before_index::passages(d).len())
        .sum();
    let mut row = ScaleRow {
        backend: if qdrant.is_some() { "qdrant" } else { "exact" },
        postmortems: docs.len(),
        passages,
        embed_seconds_projected: embed_seconds_real * passages as f64 / stand_in.real.len() as f64,
        index_seconds: None,
        import_seconds: None,
        question: None,
        search: None,
        error: None,
        rss_mib_before,
        rss_mib: 0.0,
        peak_rss_mib: 0.0,
        disk_mib: None,
    };
    let folder = plan.work.join(format!("exact-{n}"));
    let vectors = match qdrant {
        None => {
            if folder.exists() {
                std::fs::remove_dir_all(&folder)
                    .with_context(|| format!("clearing {}", folder.display()))?;
            }
            open_index("bench-scale", IndexHome::Folder(folder.clone()), None)?
        }
        Some(server) => {
            let index = open_index(
                &format!("bench-scale-{n}"),
                IndexHome::Process,
                Some(server),
            )?;
            rhyme_capabilities::vectors::remove_on_interrupt(&index);
            index
        }
    };
    stand_in.reset_spent();
    let runtime = super::runtime()?;
    let indexed = runtime.block_on(indexer::index(
        &docs,
        stand_in,
        vectors.as_ref(),
        &mut |_, _| {},
    ));
    drop(docs);
    stand_in.forget_copies();
    match indexed {
        Ok(indexed) => {
            let seconds = (indexed.seconds - stand_in.spent().as_secs_f64()).max(0.0);
            row.index_seconds = Some(seconds);
            row.import_seconds = Some(row.embed_seconds_projected + seconds);
        }
        Err(e) => {
            row.error = Some(format!("import: {e}"));
            finish(&mut row, qdrant.is_none().then_some(folder.as_path()))?;
            return Ok(row);
        }
    }
    // The exact index as a server starting on this data folder holds it: read from its files.
    let vectors = match qdrant {
        None => {
            drop(vectors);
            give_back_freed_memory();
            open_index("bench-scale", IndexHome::Folder(folder.clone()), None)?
        }
        Some(_) => vectors,
    };
    match runtime.block_on(questions(plan, &vectors)) {
        Ok(question) => row.question = Some(question),
        Err(e) => row.error = Some(format!("question: {e:#}")),
    }
    if row.error.is_none() {
        match runtime.block_on(search(vectors.as_ref(), question_vectors)) {
            Ok(s) => row.search = Some(s),
            Err(e) => row.error = Some(format!("vector search: {e}")),
        }
    }
    finish(&mut row, qdrant.is_none().then_some(folder.as_path()))?;
    Ok(row)
}

/// Memory figures, the exact index's size on disk, and its folder removed.
fn finish(row: &mut ScaleRow, folder: Option<&Path>) -> anyhow::Result<()> {
    row.rss_mib = resident_mib();
    row.peak_rss_mib = status_mib("VmHWM:");
    if let Some(folder) = folder {
        row.disk_mib = Some(folder_bytes(folder) as f64 / (1024.0 * 1024.0));
        if folder.exists() {
            std::fs::remove_dir_all(folder)
                .with_context(|| format!("removing {}", folder.display()))?;
        }
    }
    Ok(())
}

/// Every question through the plugin in the sandbox, after a few untimed ones.
async fn questions(plan: &ScalePlan<'_>, vectors: &Arc<dyn VectorIndex>) -> anyhow::Result<Stats> {
    let backends = Backends {
        embedder: Some(plan.model.clone()),
        vectors: Some(vectors.clone()),
        ..Backends::default()
    };
    let plugin = load(plan.component, backends, plan.cache_dir).await?;
    let mut samples = time_questions(&plugin, plan.questions).await?;
    Ok(Stats::of(&mut samples))
}

/// The plugin's one vector search (its passages, as many hits as it asks for), per question.
async fn search(
    vectors: &dyn VectorIndex,
    question_vectors: &[Vec<f32>],
) -> Result<Stats, BackendError> {
    let collection = plugin_collection(PLUGIN, stored::PASSAGES);
    let mut samples = Vec::with_capacity(question_vectors.len());
    for v in question_vectors {
        let started = Instant::now();
        vectors
            .nearest(&collection, v, seen_before_index::DENSE_HITS_WANTED)
            .await?;
        samples.push(started.elapsed());
    }
    Ok(Stats::of(&mut samples))
}

/// The verdict, from the exact index's rows against the targets.
fn verdict(rows: &[ScaleRow]) -> Verdict {
    let exact: Vec<&ScaleRow> = rows.iter().filter(|r| r.backend == "exact").collect();
    let within =
        |s: &Stats| s.median_us / 1000.0 <= P50_TARGET_MS && s.p99_us / 1000.0 <= P99_TARGET_MS;
    let meets = |r: &ScaleRow| r.question.as_ref().is_some_and(within);
    let first_miss = exact.iter().position(|r| !meets(r));
    let exact_misses_from = first_miss.map(|i| exact[i].postmortems);
    let exact_meets_up_to = exact[..first_miss.unwrap_or(exact.len())]
        .last()
        .map(|r| r.postmortems);
    let search_miss = exact
        .iter()
        .find(|r| r.search.as_ref().is_some_and(|s| !within(s)));
    let search_alone_misses_from = search_miss.map(|r| r.postmortems);
    let grown: Vec<(f64, f64)> = exact
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| (r.postmortems as f64, r.rss_mib - r.rss_mib_before))
        .collect();
    let mib_per_1000_postmortems = match (grown.first(), grown.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => Some((b.1 - a.1) / (b.0 - a.0) * 1000.0),
        _ => None,
    };
    let ms = |s: &Option<Stats>| match s {
        Some(s) => format!(
            "p50 {:.1} ms, p99 {:.1} ms",
            s.median_us / 1000.0,
            s.p99_us / 1000.0
        ),
        None => "no figures".to_string(),
    };
    let targets = format!("p50 <= {P50_TARGET_MS} ms, p99 <= {P99_TARGET_MS} ms");
    let largest = exact.last().map_or(0, |r| r.postmortems);
    let mut text = match (first_miss, exact_meets_up_to) {
        (None, _) => format!(
            "the exact index meets the question targets ({targets}) at every size measured, up to {largest} postmortems: it stays the right default there"
        ),
        (Some(i), Some(up_to)) => format!(
            "the exact index meets the question targets ({targets}) up to {up_to} postmortems and misses them at {} ({}{}): from there, set {SWITCH}",
            exact[i].postmortems,
            ms(&exact[i].question),
            exact[i]
                .error
                .as_ref()
                .map(|e| format!("; {e}"))
                .unwrap_or_default(),
        ),
        (Some(i), None) => format!(
            "a question misses the targets ({targets}) already at {} postmortems, the smallest size measured ({}{})",
            exact[i].postmortems,
            ms(&exact[i].question),
            exact[i]
                .error
                .as_ref()
                .map(|e| format!("; {e}"))
                .unwrap_or_default(),
        ),
    };
    match search_miss {
        Some(r) => text.push_str(&format!(
            ". The exact vector search alone misses them from {} postmortems ({}): from that size nothing else in the question can bring the exact index within target, so switch with {SWITCH}",
            r.postmortems,
            ms(&r.search)
        )),
        None => {
            if let Some(last) = exact.iter().rev().find(|r| r.search.is_some()) {
                text.push_str(&format!(
                    ". The exact vector search alone stays within them up to {} postmortems ({})",
                    last.postmortems,
                    ms(&last.search)
                ));
                if first_miss.is_some() {
                    text.push_str(
                        ", so where a question misses, most of the time is the rest of the question (embedding it, the plugin's reads of the stored index, ranking), not the exact search",
                    );
                }
            }
        }
    }
    let measured: Vec<&&ScaleRow> = exact
        .iter()
        .filter(|r| r.question.is_some() && r.search.is_some())
        .collect();
    if let (Some(small), Some(large)) = (measured.first(), measured.last())
        && large.postmortems > small.postmortems
    {
        let p50 = |s: &Option<Stats>| s.as_ref().map_or(0.0, |s| s.median_us / 1000.0);
        let (question, search) = (
            p50(&large.question) - p50(&small.question),
            p50(&large.search) - p50(&small.search),
        );
        text.push_str(&format!(
            ". From {} to {} postmortems a question's p50 grew by {question:.1} ms, of which the vector search {search:.1} ms",
            small.postmortems, large.postmortems
        ));
        if question > 0.0 && search < question / 2.0 {
            text.push_str(
                ": most of the growth is outside the vector search (the plugin's reads of the stored index, whose term postings grow with the corpus, and its ranking), which moving the vectors to Qdrant does not shrink",
            );
        }
    }
    if let Some(at) = exact_misses_from {
        let on_qdrant = rows
            .iter()
            .find(|r| r.backend == "qdrant" && r.postmortems == at);
        if let Some(q) = on_qdrant {
            text.push_str(&format!(
                ". On Qdrant at {at}: {} (vector search {})",
                ms(&q.question),
                ms(&q.search)
            ));
        }
    }
    match mib_per_1000_postmortems {
        Some(slope) if slope > 0.0 => text.push_str(&format!(
            ". Memory: the exact index keeps every vector resident, about {slope:.0} MiB more per 1,000 postmortems while answering"
        )),
        Some(_) => text.push_str(
            ". Memory: no growth above the measurement's noise between these sizes",
        ),
        None => {}
    }
    Verdict {
        exact_meets_up_to,
        exact_misses_from,
        search_alone_misses_from,
        mib_per_1000_postmortems,
        setting: SWITCH.to_string(),
        text,
    }
}

/// The corpus of `n`: the real postmortems, then perturbed copies of them, in order.
pub(crate) fn corpus_of(real: &[Postmortem], n: usize, vocabulary: &[String]) -> Vec<Postmortem> {
    (0..n)
        .map(|i| {
            let (copy, doc) = (i / real.len(), &real[i % real.len()]);
            if copy == 0 {
                doc.clone()
            } else {
                perturbed(doc, copy, vocabulary)
            }
        })
        .collect()
}

/// Copy number `copy` of `doc`: a new id and link, the same fields with words replaced.
fn perturbed(doc: &Postmortem, copy: usize, vocabulary: &[String]) -> Postmortem {
    let mut rng = SplitMix64(hash_of(&(doc.id.as_str(), copy)));
    let mut text = |s: &Option<String>| s.as_ref().map(|s| replace_words(s, &mut rng, vocabulary));
    let title = text(&doc.title);
    let summary = text(&doc.summary);
    let alt_summary = text(&doc.alt_summary);
    // Where the body repeats the summary (some exports do), the copy's does too: the cut
    // into passages treats that case apart.
    let body = if doc.text.is_some() && doc.text == doc.summary {
        summary.clone()
    } else {
        text(&doc.text)
    };
    Postmortem {
        id: format!("{}-copy{copy}", doc.id),
        title,
        summary,
        alt_summary,
        text: body,
        url: doc.url.as_ref().map(|u| format!("{u}#copy{copy}")),
        alt_urls: Vec::new(),
        incident: None,
        ..doc.clone()
    }
}

/// `text` with about [`REPLACED_SHARE`] of its words (letters only, three or more) replaced
/// by words of `vocabulary`, first letter's case kept; everything else (spaces, punctuation,
/// line breaks) as it was, so the copy is cut into passages as the original is.
fn replace_words(text: &str, rng: &mut SplitMix64, vocabulary: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, rng: &mut SplitMix64| {
        if word.chars().count() >= 3 && !vocabulary.is_empty() && rng.unit() < REPLACED_SHARE {
            let other = &vocabulary[(rng.next_u64() % vocabulary.len() as u64) as usize];
            if word.chars().next().is_some_and(char::is_uppercase) {
                let mut chars = other.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(other);
            }
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, rng);
    out
}

/// The corpus's words of letters only, three or more, lowercased, sorted.
pub(crate) fn vocabulary(docs: &[Postmortem]) -> Vec<String> {
    let mut words: Vec<String> = docs
        .iter()
        .flat_map(|d| {
            d.all_text()
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The embedder the importer is handed at scale: the real passages' vectors, each copy's
/// passage a seeded perturbation of its real passage's vector, and the model (once per text)
/// for anything else (the mechanism catalogue). The time spent in it is taken out of the
/// measured indexing time.
struct StandIn {
    model: Arc<dyn Embedder>,
    /// The real passages' vectors, in corpus order.
    real: Vec<Vec<f32>>,
    /// Where each real postmortem's passages start in `real`, and how many it has, by id.
    real_passages: HashMap<String, (usize, usize)>,
    /// A passage text's hash: its real passage, and whether it is a copy's (perturbed).
    by_text: Mutex<HashMap<u64, (u32, bool)>>,
    /// Texts outside the corpus, embedded by the model once.
    other: Mutex<HashMap<String, Vec<f32>>>,
    spent: Mutex<Duration>,
}

impl StandIn {
    fn new(
        model: Arc<dyn Embedder>,
        docs: &[Postmortem],
        real: Vec<Vec<f32>>,
        real_texts: &[String],
    ) -> StandIn {
        let mut real_passages = HashMap::new();
        let mut start = 0;
        for doc in docs {
            let count = seen_before_index::passages(doc).len();
            real_passages.insert(doc.id.clone(), (start, count));
            start += count;
        }
        let by_text = real_texts
            .iter()
            .enumerate()
            .map(|(i, t)| (hash_of(t.as_str()), (i as u32, false)))
            .collect();
        StandIn {
            model,
            real,
            real_passages,
            by_text: Mutex::new(by_text),
            other: Mutex::default(),
            spent: Mutex::default(),
        }
    }

    /// Maps every passage of the copies in `docs` to its real passage (same position, the
    /// last one where a copy was cut into more).
    fn learn(&self, docs: &[Postmortem]) {
        let mut by_text = self.by_text.lock().expect("stand-in lock");
        for doc in docs {
            let Some(real_id) = doc.id.rsplit_once("-copy").map(|(id, _)| id) else {
                continue;
            };
            let Some(&(start, count)) = self.real_passages.get(real_id) else {
                continue;
            };
            for (n, p) in seen_before_index::passages(doc).into_iter().enumerate() {
                let real = start + n.min(count.saturating_sub(1));
                by_text
                    .entry(hash_of(p.text.as_str()))
                    .or_insert((real as u32, true));
            }
        }
    }

    /// Forgets the copies' passages (the real ones stay).
    fn forget_copies(&self) {
        let mut by_text = self.by_text.lock().expect("stand-in lock");
        by_text.retain(|_, (_, copy)| !*copy);
        by_text.shrink_to_fit();
    }

    fn reset_spent(&self) {
        *self.spent.lock().expect("stand-in lock") = Duration::ZERO;
    }

    fn spent(&self) -> Duration {
        *self.spent.lock().expect("stand-in lock")
    }

    fn vector(&self, text: &str) -> Result<Vec<f32>, BackendError> {
        let h = hash_of(text);
        let known = self.by_text.lock().expect("stand-in lock").get(&h).copied();
        if let Some((real, copy)) = known {
            let v = &self.real[real as usize];
            return Ok(if copy { perturb(v, h) } else { v.clone() });
        }
        if let Some(v) = self.other.lock().expect("stand-in lock").get(text) {
            return Ok(v.clone());
        }
        let v = self
            .model
            .embed(&[text.to_string()])?
            .pop()
            .ok_or_else(|| BackendError::Failed("the model returned no vector".into()))?;
        self.other
            .lock()
            .expect("stand-in lock")
            .insert(text.to_string(), v.clone());
        Ok(v)
    }
}

impl Embedder for StandIn {
    fn dimensions(&self) -> usize {
        self.model.dimensions()
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        let started = Instant::now();
        let vectors = texts.iter().map(|t| self.vector(t)).collect();
        *self.spent.lock().expect("stand-in lock") += started.elapsed();
        vectors
    }
}

/// `v` plus seeded noise of length about [`VECTOR_NOISE`], re-normalised.
fn perturb(v: &[f32], seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64(seed);
    // Uniform on [-sqrt 3, sqrt 3] has unit variance: the noise's length is about VECTOR_NOISE.
    let scale = VECTOR_NOISE / (v.len() as f32).sqrt() * 3f32.sqrt();
    let mut out: Vec<f32> = v
        .iter()
        .map(|x| x + scale * (2.0 * rng.unit() as f32 - 1.0))
        .collect();
    let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        out.iter_mut().for_each(|x| *x /= norm);
    }
    out
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Hands the heap pages freed since (the last size's corpus and index) back to the kernel,
/// so that VmRSS measures what is held, not what the allocator kept.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of glibc's heap; it touches no live memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn folder_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => folder_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Where the scale bench keeps its exact indexes: `DATA/bench-scale`.
pub(crate) fn work_folder(data: &Path) -> PathBuf {
    data.join("bench-scale")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str, text: &str) -> Postmortem {
        Postmortem {
            id: id.into(),
            title: Some(title.into()),
            summary: Some(format!("{title} summary")),
            text: Some(text.into()),
            url: Some(format!("https://example.com/{id}")),
            ..Postmortem::default()
        }
    }

    #[test]
    fn copies_have_new_ids_and_perturbed_text_cut_into_as_many_passages() {
        let body = "The primary database failed over during peak traffic.\n\nConnections piled up \
                    behind the pooler while replicas lagged; operators restarted the pooler and \
                    raised its ceiling. Timeouts stopped within minutes."
            .repeat(6);
        let real = vec![
            doc("pm-1", "Database failover", &body),
            doc("pm-2", "DNS outage", &body),
        ];
        let vocabulary = vocabulary(&real);
        let corpus = corpus_of(&real, 5, &vocabulary);
        let ids: Vec<&str> = corpus.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids,
            ["pm-1", "pm-2", "pm-1-copy1", "pm-2-copy1", "pm-1-copy2"]
        );
        assert_eq!(corpus[0], real[0], "the first copy is the real corpus");
        assert_ne!(corpus[2].text, real[0].text, "a copy's text is perturbed");
        assert_ne!(corpus[2].text, corpus[4].text, "every copy differently");
        assert_eq!(
            corpus_of(&real, 5, &vocabulary),
            corpus,
            "seeded: the same every run"
        );
        for copy in &corpus[2..] {
            let original = real.iter().find(|r| copy.id.starts_with(&r.id)).unwrap();
            assert_eq!(
                seen_before_index::passages(copy).len(),
                seen_before_index::passages(original).len()
            );
            let words = |d: &Postmortem| d.text.as_deref().unwrap().split_whitespace().count();
            assert_eq!(words(copy), words(original));
        }
    }

    #[test]
    fn a_perturbed_vector_is_unit_length_and_close_to_its_source() {
        let mut v = vec![0.0f32; 384];
        v[0] = 0.6;
        v[1] = 0.8;
        let p = perturb(&v, 7);
        let norm: f32 = p.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        let cosine: f32 = p.iter().zip(&v).map(|(a, b)| a * b).sum();
        assert!((0.9..0.995).contains(&cosine), "{cosine}");
        assert_eq!(perturb(&v, 7), p);
        assert_ne!(perturb(&v, 8), p);
    }

    fn row(n: usize, p50: f64, p99: f64, search_p50: f64) -> ScaleRow {
        let stats = |p50: f64, p99: f64| Stats {
            samples: 10,
            median_us: p50 * 1000.0,
            p99_us: p99 * 1000.0,
            min_us: p50 * 500.0,
        };
        ScaleRow {
            backend: "exact",
            postmortems: n,
            passages: n * 5,
            embed_seconds_projected: 1.0,
            index_seconds: Some(1.0),
            import_seconds: Some(2.0),
            question: Some(stats(p50, p99)),
            search: Some(stats(search_p50, search_p50 * 1.5)),
            error: None,
            rss_mib_before: 100.0,
            rss_mib: 100.0 + n as f64 / 100.0,
            peak_rss_mib: 500.0,
            disk_mib: None,
        }
    }

    #[test]
    fn the_verdict_names_the_first_size_that_misses_and_the_setting() {
        let rows = [
            row(1000, 8.0, 20.0, 1.0),
            row(10_000, 11.0, 28.0, 4.0),
            row(100_000, 40.0, 60.0, 35.0),
        ];
        let v = verdict(&rows);
        assert_eq!(v.exact_meets_up_to, Some(10_000));
        assert_eq!(v.exact_misses_from, Some(100_000));
        assert_eq!(v.search_alone_misses_from, Some(100_000));
        assert!(v.text.contains("qdrant-url"), "{}", v.text);
        assert!((v.mib_per_1000_postmortems.unwrap() - 10.0).abs() < 1e-6);

        let fine = verdict(&rows[..2]);
        assert_eq!(fine.exact_misses_from, None);
        assert!(fine.text.contains("every size measured"), "{}", fine.text);

        let p99_only = verdict(&[row(1000, 8.0, 31.0, 1.0)]);
        assert_eq!(p99_only.exact_misses_from, Some(1000));
        assert_eq!(p99_only.exact_meets_up_to, None);
    }
}
