//! The operator's decisions, kept in `operator.toml` beside the installed plugins: the
//! ceilings no plugin's limits may exceed, and per plugin whether it is enabled and which
//! capabilities it was granted. Strict like the manifest: unknown keys are errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::capability::Capability;
use crate::manifest::Limits;
use crate::toml_file::{self, TomlSyntaxError};

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OperatorConfig {
    /// The most any plugin may be given; a manifest asking for more gets this.
    #[serde(default = "default_ceilings")]
    pub ceilings: Limits,
    /// Per installed plugin, by name.
    #[serde(default)]
    pub plugins: BTreeMap<String, PluginPolicy>,
}

/// What the operator decided for one plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginPolicy {
    /// Disabled plugins are installed but never loaded or called.
    pub enabled: bool,
    /// Capabilities the plugin may use; it is refused at load if it imports any other.
    #[serde(default)]
    pub granted: BTreeSet<Capability>,
    /// Overrides of the plugin's `[settings]`, key by key.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub settings: toml::Table,
}

impl PluginPolicy {
    /// The settings a plugin runs with, as JSON: its manifest's, overridden key by key.
    pub fn effective_settings(&self, manifest: &toml::Table) -> String {
        let mut merged = manifest.clone();
        for (key, value) in &self.settings {
            merged.insert(key.clone(), value.clone());
        }
        serde_json::to_string(&merged).expect("TOML values always serialise as JSON")
    }
}

fn default_ceilings() -> Limits {
    Limits {
        deadline_ms: 10_000,
        fuel: 50_000_000_000,
        memory_mib: 512,
        table_elements: 100_000,
        output_kib: 4_096,
    }
}

impl Default for OperatorConfig {
    fn default() -> Self {
        OperatorConfig {
            ceilings: default_ceilings(),
            plugins: BTreeMap::new(),
        }
    }
}

/// `operator.toml` could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// I/O.
    #[error("{path}: {source}")]
    Io {
        /// The file at fault: `operator.toml` or its temporary copy while saving.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// Syntax, an unknown key or a bad value.
    #[error(transparent)]
    Syntax(#[from] TomlSyntaxError),
    /// A ceiling no plugin could run under (see [`Limits::problem`]).
    #[error("{path}: `{field}` {message}")]
    Invalid {
        /// The `operator.toml` file.
        path: PathBuf,
        /// The key at fault, e.g. `ceilings.memory-mib`.
        field: String,
        /// What is wrong with its value.
        message: String,
    },
}

impl OperatorConfig {
    /// Reads `path`; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<OperatorConfig, OperatorError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(OperatorConfig::default());
            }
            Err(source) => {
                return Err(OperatorError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        OperatorConfig::parse(&text, path)
    }

    /// Parses `operator.toml`'s text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<OperatorConfig, OperatorError> {
        let config: OperatorConfig = toml_file::parse(text, path)?;
        match config.ceilings.problem() {
            Some((key, message)) => Err(OperatorError::Invalid {
                path: path.to_path_buf(),
                field: format!("ceilings.{key}"),
                message,
            }),
            None => Ok(config),
        }
    }

    /// Writes to `path` atomically (a crash leaves the old file or the new one, never half).
    pub fn save(&self, path: &Path) -> Result<(), OperatorError> {
        let io = |source| OperatorError::Io {
            path: path.to_path_buf(),
            source,
        };
        let text = toml::to_string_pretty(self).expect("operator config always serialises");
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_unknown_keys() {
        let dir = std::env::temp_dir().join(format!("rhyme-operator-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("operator.toml");
        let mut config = OperatorConfig::default();
        config.plugins.insert(
            "a".into(),
            PluginPolicy {
                enabled: true,
                granted: [Capability::Log].into(),
                ..Default::default()
            },
        );
        config.save(&path).unwrap();
        assert_eq!(OperatorConfig::load(&path).unwrap(), config);

        std::fs::write(
            &path,
            "[plugins.a]\nenabled = true\ngranted = [\"log\"]\ngrnated = []\n",
        )
        .unwrap();
        let msg = OperatorConfig::load(&path).unwrap_err().to_string();
        assert!(msg.contains(":4:") && msg.contains("grnated"), "{msg}");

        std::fs::write(&path, "[ceilings]\ndeadline-ms = 0\n").unwrap();
        let msg = OperatorConfig::load(&path).unwrap_err().to_string();
        assert!(
            msg.contains("`ceilings.deadline-ms` must be greater than zero"),
            "{msg}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
