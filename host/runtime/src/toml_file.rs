//! Reading a TOML configuration file (`plugin.toml`, `operator.toml`, `rhyme.toml`): every
//! one reports a parse failure the same way, `path:line: message`, so an operator finds the
//! line at fault whichever file it is in.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Syntax, an unknown key or a mistyped value in a TOML file.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct TomlSyntaxError {
    /// The file at fault.
    pub path: PathBuf,
    /// The line at fault, 1-based; 1 where the parser names no place.
    pub line: usize,
    /// The TOML parser's message.
    pub message: String,
}

/// `text`, the contents of `path`, as a `T`; `path` is only used in the error.
pub fn parse<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, TomlSyntaxError> {
    toml::from_str(text).map_err(|e| TomlSyntaxError {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |span| line_of(text, span.start)),
        message: e.message().to_string(),
    })
}

/// The 1-based line of byte offset `byte` in `text` (the last line for an offset past its end).
fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}
