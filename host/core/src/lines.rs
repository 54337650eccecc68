//! The one error of a line-oriented file (a table, a labels file): it could not be read, or
//! one of its lines is wrong. Readers that need no other failure share it, so every such
//! message names the file, and the line, the same way.

use std::path::{Path, PathBuf};

/// Why a line-oriented file could not be read; names the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line is malformed.
    #[error("{path}:{line}: {reason}")]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the field at fault where there is one.
        reason: String,
    },
}

impl LineError {
    /// Line `line` (1-based) of `path` is wrong for `reason`.
    pub fn at(path: &Path, line: usize, reason: String) -> Self {
        LineError::Line {
            path: path.to_path_buf(),
            line,
            reason,
        }
    }
}

/// Reads a whole file as text, naming the file when it cannot be read.
pub fn read_text(path: &Path) -> Result<String, LineError> {
    std::fs::read_to_string(path).map_err(|source| LineError::Io {
        path: path.to_path_buf(),
        source,
    })
}
