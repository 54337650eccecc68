//! Scores predictions against Rhyme's labelled evaluation sets (the formats of `shared/data`).
//!
//! This crate does no analysis itself: `rhyme eval` runs the real plugins in the sandbox and
//! hands their answers here, and plugin crates use it in native tests to iterate quickly. The
//! files themselves (timelines, series, postmortems) are read by `rhyme-core`; what is read here
//! is only the labels.
//!
//! | module | data set | summary |
//! |---|---|---|
//! | [`variants`] | any | the same text or timeline written other ways, for robustness tests |
//! | [`signatures`] | `metrics/labels.jsonl` | per-class precision/recall, macro-F1, false-signature rate |
//! | [`seen_before`] | `postmortems/corpus.jsonl` + `queries.jsonl` | recall@5, MRR, nDCG@10 |
//! | [`lint_references`] | the project's own labels of corpus sentences | (read as [`lint`] items) |
//! | [`movers`] | `metrics/multivariate/labels.jsonl` | named-metric precision/recall/F1, onset error, quiet alarms |
//! | [`nudges`] | `timelines/*.json` | precision, recall, nudges on well-run timelines, share before `by` |
//! | [`drafts`] | `timelines/*.json` status updates | drafted vs real updates, part by part |
//! | [`folds`] | any | which held-out fold each item belongs to (`--folds K`) |
//! | [`themes`] | `postmortems/corpus.jsonl` categories | ARI, NMI, purity, pairwise precision/recall, per category |
//! | [`lint`] | `lint/blame.jsonl` + `lint/action_items.jsonl` | blame precision/recall, per-element accuracy |

#![warn(missing_docs)]

pub mod drafts;
pub mod folds;
pub mod lint;
pub mod lint_references;
pub mod movers;
pub mod nudges;
pub mod seen_before;
pub mod signatures;
pub mod themes;
pub mod variants;
