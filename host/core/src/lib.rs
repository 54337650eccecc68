//! Rhyme's domain files, read without a sandbox, a store or a network: incident timelines,
//! metric series and past postmortems, with errors that name the file, line and field.
//!
//! | module | job |
//! |---|---|
//! | [`timeline`] | incident timelines (`*.json`): events in incident time, expected nudges |
//! | [`series`] | metric series: `timestamp,value` CSV and Prometheus range-query JSON |
//! | [`table`] | wide CSV: a time column and one column per metric |
//! | [`postmortem`] | past postmortems, one per line of a `corpus.jsonl` |
//! | [`jsonl`] | JSON-lines files, with the line at fault named |
//! | [`lines`] | the error of a line-oriented file: unreadable, or a line at fault |
//! | [`calendar`] | days since the epoch to a calendar date |
//! | [`sentences`] | prose cut into sentences after `.`, `!` or `?` |
//!
//! Both the host and the evaluation code (`rhyme-eval`) read files through here, so a file one
//! accepts the other accepts too.

#![warn(missing_docs)]

pub mod calendar;
pub mod jsonl;
pub mod lines;
pub mod postmortem;
pub mod sentences;
pub mod series;
pub mod table;
pub mod timeline;
