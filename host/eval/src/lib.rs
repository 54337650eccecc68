//! Reads Rhyme's labelled evaluation sets (the formats of `shared/data`) and scores predictions.
//!
//! This crate does no analysis itself: `rhyme eval` runs the real plugins in the sandbox and
//! hands their answers here, and plugin crates use it in native tests to iterate quickly.
//!
//! | module | data set | summary |
//! |---|---|---|
//! | [`signatures`] | `metrics/labels.jsonl` | per-class precision/recall, macro-F1, false-signature rate |
//! | [`seen_before`] | `postmortems/corpus.jsonl` + `queries.jsonl` | recall@5, MRR, nDCG@10 |
//! | [`nudges`] | `timelines/*.json` | precision, recall, nudges on well-run timelines, share before `by` |
//! | [`series`] | metric series files: `timestamp,value` CSV, Prometheus range JSON | — |
//! | [`lint`] | `lint/blame.jsonl` + `lint/action_items.jsonl` | blame precision/recall, per-element accuracy |

pub mod lint;
pub mod nudges;
pub mod seen_before;
pub mod series;
pub mod signatures;
