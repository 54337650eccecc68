//! Answering a seen-before question the way `rhyme ask`, `POST /v1/seen-before` and the
//! finding on a new incident all do: the seen-before plugin ranks in the sandbox, then
//! responders' feedback on close past questions moves matches up or down (the rule:
//! [`crate::feedback`]), and each match is filled in from the corpus and shown with the
//! feedback it had.
//!
//! [`SeenBefore::answer`] is async: the plugin call (and the index reads it makes) is awaited;
//! the question's embedding (a few milliseconds) and the corpus (read from its file only when
//! the file changed) are done in place. Grouping into themes embeds the whole corpus and stays
//! a plain call, which async callers run on a blocking thread.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rhyme_store::{Feedback, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use crate::corpus::{Corpus, CorpusError, Postmortem};
use crate::indexer::recorded_model;
use crate::themes::{self, NoNotes, Theme, ThemeError, ThemeNotes, ThemeOptions};
use crate::{PLUGIN, feedback};
use rhyme_runtime::capability::backend::{BackendError, Embedder, VectorIndex};
use rhyme_runtime::capability::plugin_collection;
use rhyme_runtime::state::CapabilityCall;
use rhyme_runtime::{CallContext, LoadedPlugin, PluginError};
use rhyme_world::types::{Finding, FindingKind, Query};
use seen_before_index::stored;

/// Matches the plugin is asked for when close feedback may reorder them: a helpful match
/// further down than this cannot be promoted (the plugin caps answers at 50).
pub const CANDIDATES: u32 = 20;
/// Most matches one question may ask for.
pub const MAX_K: u32 = 20;

/// Why a question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    /// The seen-before plugin failed to load, trapped or returned something invalid.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The embedding model could not turn the question into a vector.
    #[error("embedding the question: {0}")]
    Embed(#[from] BackendError),
    /// The corpus file could not be read to fill in the matches.
    #[error("reading the corpus: {0}")]
    Corpus(#[from] CorpusError),
    /// Postmortems were imported, but the index this host reads has none of them: imported
    /// into another index (the exact one, before Qdrant was configured), a wiped server,
    /// a dropped collection. "Nothing similar" would be a lie.
    #[error(
        "the seen-before index is missing or empty ({postmortems} postmortems imported, none indexed where this host looks): re-import with `rhyme corpus import FILE.jsonl|DIR`"
    )]
    IndexMissing {
        /// Postmortems in the data folder's corpus.
        postmortems: usize,
    },
    /// The vector index cannot answer now (unreachable, too slow, overloaded).
    #[error("the vector index cannot answer now: {0}")]
    IndexUnavailable(BackendError),
    /// The index's vectors were made by another model, or another precision of this one
    /// (`[model] precision`), than the one embedding questions: their similarities would
    /// mean little, so the question is refused rather than answered badly.
    #[error(
        "the seen-before index was built with {built} but questions are embedded with {asking}: re-import with `rhyme corpus import FILE.jsonl|DIR`, or set [model] precision in rhyme.toml back to the index's"
    )]
    IndexModel {
        /// The model the index records, or what stands for an index that records none.
        built: String,
        /// The model this host embeds questions with.
        asking: String,
    },
}

impl AskError {
    /// What an API answer may say: no backend address, no client internals, no plugin
    /// output (those go to the server's log).
    pub fn public(&self) -> String {
        match self {
            AskError::IndexMissing { .. } | AskError::IndexModel { .. } => self.to_string(),
            AskError::IndexUnavailable(_) => {
                "the vector index is not answering now; try again in a moment (details in the server log)".into()
            }
            AskError::Plugin(_) => {
                "the seen-before plugin could not answer (details in the server log)".into()
            }
            AskError::Embed(_) => {
                "the embedding model could not read the question (details in the server log)".into()
            }
            AskError::Corpus(_) => {
                "the postmortem corpus could not be read (details in the server log)".into()
            }
        }
    }
}

/// A verdict shown beside a match.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackShown {
    /// `helpful` or `not-relevant`.
    pub verdict: String,
    /// Who gave the verdict (token name, or the operator's name at the CLI).
    pub by: String,
    /// Epoch milliseconds.
    pub at: Timestamp,
    /// How close the question it was given on is to this one, 0 to 1 (1: the same question).
    pub closeness: f32,
    /// In words: "helpful to alice, 2 days ago".
    pub said: String,
}

/// One past incident offered as similar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeenMatch {
    /// The postmortem's id: stable, the id to give feedback on.
    pub id: String,
    /// The company the incident happened at, when the corpus knows it.
    pub company: Option<String>,
    /// The postmortem's title (the plugin's finding title when the corpus has none).
    pub title: String,
    /// When the incident happened, `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// What broke in that incident, as the plugin summarised it.
    pub what_broke: Option<String>,
    /// How it was fixed, or what was learnt from it.
    pub fix_or_lesson: Option<String>,
    /// Why the plugin thinks it matches this question.
    pub why: Option<String>,
    /// Link to the published postmortem.
    pub url: Option<String>,
    /// The plugin's confidence, 0 to 1, before feedback.
    pub confidence: f32,
    /// How far feedback moved it, in the plugin's score units (0: not at all).
    pub feedback_shift: f32,
    /// Verdicts on this match given for this question or a close one, latest first.
    pub feedback: Vec<FeedbackShown>,
}

/// What one question got.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The matches, best first, at most the `k` asked for.
    pub matches: Vec<SeenMatch>,
    /// Capability calls the plugin made (for the audit log).
    #[serde(skip)]
    pub capability_calls: Vec<CapabilityCall>,
}

/// A corpus and its recurring groups (without notes).
type Grouped = (Arc<Corpus>, Arc<Vec<Theme>>);

/// The seen-before plugin with the model behind its `embed` capability, ready for questions.
pub struct SeenBefore {
    plugin: LoadedPlugin,
    embedder: Arc<dyn Embedder>,
    /// The index behind the plugin's `vector-search`, looked at when an answer is empty or
    /// failed, to tell "nothing similar" from a missing or unreachable index.
    vectors: Arc<dyn VectorIndex>,
    data: PathBuf,
    corpus: Mutex<Option<(Option<SystemTime>, Arc<Corpus>)>>,
    /// The recurring groups of the corpus they were made from (without notes): grouping
    /// embeds every postmortem, so it is done again only when the corpus changed.
    themes: Mutex<Option<Grouped>>,
}

impl SeenBefore {
    /// `plugin` loaded with `embedder` behind `embed` and `vectors` behind `vector-search`;
    /// the corpus is the data folder's.
    pub fn new(
        plugin: LoadedPlugin,
        embedder: Arc<dyn Embedder>,
        vectors: Arc<dyn VectorIndex>,
        data: PathBuf,
    ) -> SeenBefore {
        SeenBefore {
            plugin,
            embedder,
            vectors,
            data,
            corpus: Mutex::new(None),
            themes: Mutex::new(None),
        }
    }

    /// The loaded seen-before plugin that ranks the matches.
    pub fn plugin(&self) -> &LoadedPlugin {
        &self.plugin
    }

    /// The name of the model that embeds questions, stored beside feedback vectors.
    pub fn model(&self) -> String {
        self.embedder.model()
    }

    /// Whether the corpus has a postmortem `id`.
    pub fn knows(&self, id: &str) -> Result<bool, CorpusError> {
        Ok(self.corpus()?.get(id).is_some())
    }

    /// One vector per text, by the same model that embeds questions (the review lint's
    /// sentence classifier reads these).
    pub fn embed_all(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        self.embedder.embed(texts)
    }

    /// The question's vector.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, BackendError> {
        Ok(self
            .embedder
            .embed(&[text.to_string()])?
            .pop()
            .unwrap_or_default())
    }

    /// The `k` best matches for `text`, reordered by the close ones among `all_feedback`.
    /// The plugin call, and the index reads it makes, are awaited; embedding the question
    /// computes in place.
    pub async fn answer(
        &self,
        text: &str,
        k: u32,
        all_feedback: &[Feedback],
        now: Timestamp,
    ) -> Result<Answer, AskError> {
        let k = k.clamp(1, MAX_K);
        self.check_model().await?;
        let vector = if all_feedback.is_empty() {
            Vec::new()
        } else {
            self.question_vector(text, all_feedback)?
        };
        let close = feedback::relevant(text, &vector, all_feedback);
        let limit = if close.is_empty() {
            k
        } else {
            k.max(CANDIDATES)
        };
        let asked = self
            .plugin
            .on_query(
                CallContext { now },
                &Query {
                    text: text.to_string(),
                    incident: None,
                    limit,
                },
            )
            .await;
        let report = match asked {
            Ok(report) => report,
            Err(e) => return Err(self.why_failed(e).await),
        };
        let shifts = feedback::shifts(&close);
        let mut ranked: Vec<(f32, f32, Finding)> = report
            .value
            .findings
            .into_iter()
            .filter(|f| f.kind == FindingKind::SimilarIncident)
            .map(|f| {
                let shift = shifts.get(&f.subject).copied().unwrap_or(0.0);
                (logit(f.confidence) + shift, shift, f)
            })
            .collect();
        if ranked.is_empty() {
            self.check_index().await?;
        }
        // Stable: without feedback the plugin's order stands exactly.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(k as usize);
        let corpus = self.corpus()?;
        let matches = ranked
            .into_iter()
            .map(|(_, shift, f)| {
                let shown = shown_feedback(&f.subject, &close, now);
                to_match(&f, corpus.get(&f.subject), shift, shown)
            })
            .collect();
        Ok(Answer {
            matches,
            capability_calls: report.capability_calls,
        })
    }

    /// Why the plugin failed, in the terms that matter to whoever asked: the index cannot
    /// answer, or is missing, or else the plugin's own error.
    async fn why_failed(&self, e: PluginError) -> AskError {
        match self.check_index().await {
            Ok(()) => AskError::Plugin(e),
            Err(AskError::Corpus(_)) => AskError::Plugin(e),
            Err(why) => why,
        }
    }

    /// Whether the index holds the corpus the data folder says was imported.
    async fn check_index(&self) -> Result<(), AskError> {
        let meta = plugin_collection(PLUGIN, stored::META);
        match self
            .vectors
            .get(&meta, &[stored::META_ID.to_string()])
            .await
        {
            Ok(found) if !found.is_empty() => Ok(()),
            Ok(_) => match self.corpus()?.docs().len() {
                0 => Ok(()),
                postmortems => Err(AskError::IndexMissing { postmortems }),
            },
            Err(e @ BackendError::Unavailable(_)) => Err(AskError::IndexUnavailable(e)),
            // Anything else is the plugin's to report, as it met it.
            Err(_) => Ok(()),
        }
    }

    /// Whether the index's vectors were made by the model that embeds questions. An index
    /// that records no model was imported before indexes recorded it, when every vector was
    /// float32: it serves float32 questions and is refused to int8 ones.
    async fn check_model(&self) -> Result<(), AskError> {
        let asking = self.embedder.model();
        let built = match recorded_model(self.vectors.as_ref()).await {
            Ok(Some(built)) if built == asking => return Ok(()),
            Ok(Some(built)) => built,
            Ok(None) if asking.ends_with("/float32") => return Ok(()),
            Ok(None) if !self.index_exists().await => return Ok(()),
            Ok(None) => "float32 (imported before indexes recorded their model)".into(),
            Err(e @ BackendError::Unavailable(_)) => return Err(AskError::IndexUnavailable(e)),
            // Anything else is the plugin's to report, as it met it.
            Err(_) => return Ok(()),
        };
        Err(AskError::IndexModel { built, asking })
    }

    /// Whether the index has its metadata item (an import finished into it).
    async fn index_exists(&self) -> bool {
        let meta = plugin_collection(PLUGIN, stored::META);
        self.vectors
            .get(&meta, &[stored::META_ID.to_string()])
            .await
            .is_ok_and(|found| !found.is_empty())
    }

    /// The question's vector, unless every verdict's question is this very text (or no
    /// verdict has a vector of this model's size) and the model need not run.
    fn question_vector(
        &self,
        text: &str,
        all_feedback: &[Feedback],
    ) -> Result<Vec<f32>, BackendError> {
        let dims = self.embedder.dimensions();
        let needed = all_feedback
            .iter()
            .any(|f| f.query.trim() != text.trim() && f.query_vector.len() == dims);
        if needed {
            self.embed(text)
        } else {
            Ok(Vec::new())
        }
    }

    /// The recurring mechanisms among the corpus at the default settings, each with the lines
    /// `notes` adds, and how many postmortems were grouped.
    pub fn themes(&self, notes: &dyn ThemeNotes) -> Result<(usize, Vec<Theme>), ThemeError> {
        let corpus = self.corpus()?;
        let mut cached = self
            .themes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let found = match cached.as_ref() {
            Some((from, found)) if Arc::ptr_eq(from, &corpus) => found.clone(),
            _ => {
                let found = Arc::new(themes::themes(
                    corpus.docs(),
                    self.embedder.as_ref(),
                    &ThemeOptions::default(),
                    &NoNotes,
                )?);
                *cached = Some((corpus.clone(), found.clone()));
                found
            }
        };
        let mut out = found.as_ref().clone();
        for theme in &mut out {
            theme.notes = notes.notes(&theme.members);
        }
        Ok((corpus.docs().len(), out))
    }

    /// The data folder's corpus, read again when the file changed (an import while serving).
    pub fn corpus(&self) -> Result<Arc<Corpus>, CorpusError> {
        let path = self.data.join("seen-before").join("corpus.jsonl");
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut cached = self
            .corpus
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, corpus)) = cached.as_ref()
            && *at == modified
        {
            return Ok(corpus.clone());
        }
        let corpus = Arc::new(Corpus::open(&self.data)?);
        *cached = Some((modified, corpus.clone()));
        Ok(corpus)
    }
}

/// The plugin's confidence is a logistic of its fused score; this gives the score back.
fn logit(confidence: f32) -> f32 {
    let c = confidence.clamp(1e-6, 1.0 - 1e-6);
    (c / (1.0 - c)).ln()
}

fn shown_feedback(
    id: &str,
    close: &[feedback::Relevant<'_>],
    now: Timestamp,
) -> Vec<FeedbackShown> {
    let mut shown: Vec<FeedbackShown> = close
        .iter()
        .filter(|r| r.feedback.match_id == id)
        .map(|r| FeedbackShown {
            verdict: r.feedback.verdict.as_str().to_string(),
            by: r.feedback.by.clone(),
            at: r.feedback.at,
            closeness: r.closeness,
            said: feedback::said(r.feedback, now),
        })
        .collect();
    shown.sort_by_key(|f| std::cmp::Reverse(f.at));
    shown
}

/// The plugin's finding, completed from the corpus. The finding's detail carries one
/// labelled line each for what broke, the fix or lesson, why it matched and the link (the
/// seen-before plugin's format); a plugin that writes free text keeps it as `what_broke`.
fn to_match(
    f: &Finding,
    doc: Option<&Postmortem>,
    shift: f32,
    feedback: Vec<FeedbackShown>,
) -> SeenMatch {
    let line = |label: &str| {
        f.detail
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .map(|s| s.trim().to_string())
    };
    let labelled = ["What broke:", "Fix or lesson:", "Why it matched:", "Read:"];
    let free_text = !f
        .detail
        .lines()
        .any(|l| labelled.iter().any(|p| l.starts_with(p)));
    SeenMatch {
        id: f.subject.clone(),
        company: doc.and_then(|d| d.company.clone()),
        title: doc
            .and_then(|d| d.title.clone())
            .unwrap_or_else(|| f.title.clone()),
        date: doc.and_then(|d| d.date.clone()),
        what_broke: if free_text && !f.detail.trim().is_empty() {
            Some(f.detail.trim().to_string())
        } else {
            line("What broke:")
        },
        fix_or_lesson: line("Fix or lesson:"),
        why: line("Why it matched:"),
        url: doc.and_then(|d| d.url.clone()).or_else(|| line("Read:")),
        confidence: f.confidence,
        feedback_shift: shift,
        feedback,
    }
}

impl SeenMatch {
    /// "Company: title (date)", in full.
    pub fn heading(&self) -> String {
        let company = self
            .company
            .as_deref()
            .map(|c| format!("{c}: "))
            .unwrap_or_default();
        let date = self
            .date
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        format!("{company}{}{date}", self.title)
    }

    /// The match in lines a tired person can read, without its number.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("{}  [{}]", self.heading(), self.id)];
        let labelled = [
            ("What broke", &self.what_broke),
            ("Fix or lesson", &self.fix_or_lesson),
            ("Why it matched", &self.why),
            ("Read", &self.url),
        ];
        for (label, value) in labelled {
            if let Some(value) = value {
                lines.push(format!("   {label}: {value}"));
            }
        }
        if !self.feedback.is_empty() {
            let said: Vec<&str> = self.feedback.iter().map(|f| f.said.as_str()).collect();
            lines.push(format!("   Feedback: {}", said.join("; ")));
        }
        lines
    }
}
