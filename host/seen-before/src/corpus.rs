//! The postmortems a host knows, kept in `DATA/seen-before/corpus.jsonl` (the format of the
//! shared corpus). Importing again updates an entry with the same id or the same URL in
//! place; nothing is ever duplicated.

use std::path::{Path, PathBuf};

pub use rhyme_core::postmortem::Postmortem;

use crate::markdown;

/// Why a corpus could not be read or written; each names the file (and line) at fault.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A `.jsonl` corpus file has a bad line or a repeated id.
    #[error(transparent)]
    Jsonl(#[from] rhyme_core::jsonl::JsonlError),
    /// A Markdown postmortem could not be read or parsed.
    #[error(transparent)]
    Markdown(#[from] markdown::MarkdownError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder at fault.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The import source is neither a `.jsonl`/`.json` file nor a folder.
    #[error("{0}: neither a .jsonl file nor a folder of Markdown postmortems")]
    UnknownSource(PathBuf),
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Merged {
    /// Postmortems that were new to the corpus.
    pub added: usize,
    /// Stored postmortems replaced because one with the same id or URL came in.
    pub updated: usize,
}

/// The stored corpus.
pub struct Corpus {
    path: PathBuf,
    docs: Vec<Postmortem>,
}

impl Corpus {
    /// The corpus of a data folder; empty when nothing was imported yet.
    pub fn open(data: &Path) -> Result<Corpus, CorpusError> {
        let path = data.join("seen-before").join("corpus.jsonl");
        let docs = if path.exists() {
            rhyme_core::postmortem::load_corpus(&path)?
        } else {
            Vec::new()
        };
        Ok(Corpus { path, docs })
    }

    /// Every postmortem, in import order.
    pub fn docs(&self) -> &[Postmortem] {
        &self.docs
    }

    /// A postmortem by id.
    pub fn get(&self, id: &str) -> Option<&Postmortem> {
        self.docs.iter().find(|d| d.id == id)
    }

    /// Adds new postmortems; one with the id or the URL of a stored one replaces it.
    pub fn merge(&mut self, incoming: Vec<Postmortem>) -> Merged {
        let mut merged = Merged::default();
        for doc in incoming {
            match self.docs.iter().position(|d| same(d, &doc)) {
                Some(i) => {
                    self.docs[i] = doc;
                    merged.updated += 1;
                }
                None => {
                    self.docs.push(doc);
                    merged.added += 1;
                }
            }
        }
        merged
    }

    /// Writes the corpus back (whole, to a temporary file renamed over the old one).
    pub fn save(&self) -> Result<(), CorpusError> {
        let mut text = String::new();
        for doc in &self.docs {
            text.push_str(&serde_json::to_string(doc).expect("postmortems serialise"));
            text.push('\n');
        }
        rhyme_capabilities::exact_index::write_atomically(&self.path, text.as_bytes()).map_err(
            |e| CorpusError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(e.to_string()),
            },
        )
    }
}

fn same(a: &Postmortem, b: &Postmortem) -> bool {
    a.id == b.id || matches!((&a.url, &b.url), (Some(x), Some(y)) if !x.is_empty() && x == y)
}

/// Reads postmortems from a `.jsonl` file (the shared corpus format) or a folder of Markdown.
pub fn read_source(path: &Path) -> Result<Vec<Postmortem>, CorpusError> {
    if path.is_dir() {
        Ok(markdown::read_dir(path)?)
    } else if path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "json")
    {
        Ok(rhyme_core::postmortem::load_corpus(path)?)
    } else if !path.exists() {
        Err(CorpusError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        })
    } else {
        Err(CorpusError::UnknownSource(path.to_path_buf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, url: Option<&str>, title: &str) -> Postmortem {
        serde_json::from_value(serde_json::json!({"id": id, "url": url, "title": title})).unwrap()
    }

    #[test]
    fn merging_updates_by_id_or_url_and_never_duplicates() {
        let mut corpus = Corpus {
            path: PathBuf::from("unused"),
            docs: Vec::new(),
        };
        assert_eq!(
            corpus.merge(vec![
                doc("a", Some("https://x/1"), "one"),
                doc("b", None, "two")
            ]),
            Merged {
                added: 2,
                updated: 0
            }
        );
        let again = corpus.merge(vec![
            doc("a", Some("https://x/1"), "one, revised"),
            doc("c", Some("https://x/1"), "moved"),
            doc("d", None, "new"),
        ]);
        assert_eq!(
            again,
            Merged {
                added: 1,
                updated: 2
            }
        );
        let ids: Vec<&str> = corpus.docs().iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "d"]);
    }
}
