//! JSON-lines files (one JSON value per line), read with errors that name the file and line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Why a JSON-lines file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    /// The file could not be read at all.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not the JSON the file holds.
    #[error("{path}:{line}: {source}")]
    Parse {
        /// The file holding the bad line.
        path: PathBuf,
        /// 1-based number of the line that failed to parse.
        line: usize,
        /// The JSON error for that line.
        #[source]
        source: serde_json::Error,
    },
    /// A line's id is empty or only spaces: nothing could cite or find it.
    #[error("{path}:{line}: the id is empty")]
    BlankId {
        /// The file holding the line.
        path: PathBuf,
        /// 1-based number of the line.
        line: usize,
    },
    /// Two lines carry the same id.
    #[error("{path}:{line}: duplicate id {id}")]
    DuplicateId {
        /// The file holding the duplicate.
        path: PathBuf,
        /// 1-based line number of the second occurrence of the id.
        line: usize,
        /// The id that appears twice.
        id: String,
    },
}

/// Reads a JSON-lines file: one value per non-empty line, each with its 1-based line number.
pub fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<(usize, T)>, JsonlError> {
    let text = std::fs::read_to_string(path).map_err(|source| JsonlError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parses JSON-lines text as [`read`] does; `path` only names the file in errors.
pub fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<Vec<(usize, T)>, JsonlError> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(raw).map_err(|source| JsonlError::Parse {
            path: path.to_path_buf(),
            line: index + 1,
            source,
        })?;
        out.push((index + 1, value));
    }
    Ok(out)
}

/// Fails on the first id that is blank or seen twice, naming its line.
pub fn check_unique<'a>(
    path: &Path,
    ids: impl Iterator<Item = (usize, &'a str)>,
) -> Result<(), JsonlError> {
    let mut seen = HashSet::new();
    for (line, id) in ids {
        if id.trim().is_empty() {
            return Err(JsonlError::BlankId {
                path: path.to_path_buf(),
                line,
            });
        }
        if !seen.insert(id) {
            return Err(JsonlError::DuplicateId {
                path: path.to_path_buf(),
                line,
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A postmortem with an empty id was accepted: one that no answer could cite and no
    /// feedback could name (the store refuses such ids; the corpus file took them).
    #[test]
    fn a_blank_id_is_refused_with_its_line() {
        let ids = [(1, "pm-1"), (3, " ")];
        let error = check_unique(Path::new("c.jsonl"), ids.into_iter()).unwrap_err();
        assert_eq!(error.to_string(), "c.jsonl:3: the id is empty");
        let twice = [(1, "pm-1"), (2, "pm-1")];
        let error = check_unique(Path::new("c.jsonl"), twice.into_iter()).unwrap_err();
        assert_eq!(error.to_string(), "c.jsonl:2: duplicate id pm-1");
    }
}
