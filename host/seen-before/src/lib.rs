//! "Seen before?": the host's side of the seen-before plugin. The plugin ranks in the
//! sandbox; the host keeps the corpus ([`corpus`], read from JSONL or Markdown through
//! [`markdown`]) and, on import, embeds it and writes the index in the layout the plugin reads
//! back by key ([`indexer`], layout in `seen_before_index::stored`). [`service`] answers a question
//! through the plugin, reordered by responders' [`feedback`]; [`question`] tells an open
//! incident as a question. [`themes`] groups the postmortems by recurring mechanism; [`seeded`] is the seeded generator
//! its k-means and the benchmarks' synthetic corpora share.

#![warn(missing_docs)]

pub mod corpus;
pub mod feedback;
pub mod indexer;
pub mod markdown;
pub mod question;
pub mod seeded;
pub mod service;
pub mod themes;

/// The plugin whose collections the importer writes.
pub const PLUGIN: &str = "seen-before";
