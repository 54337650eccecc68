//! `plugin.toml`: what a plugin is and what it asks for. Strict: an unknown key is an error
//! that names the key, the file and the line, because a typo in a limit must not silently
//! fall back to a default.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::capability::Capability;
use crate::toml_file::{self, TomlSyntaxError};

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// Registry name: lowercase letters, digits and `-`; must match what `describe` says.
    pub name: String,
    /// Semantic version; must match what `describe` says.
    pub version: String,
    /// One line for `rhyme plugin list`.
    #[serde(default)]
    pub description: String,
    /// The component file, relative to the manifest. Defaults to `plugin.wasm`.
    #[serde(default = "default_component")]
    pub component: PathBuf,
    /// Host interfaces the plugin needs. Each still has to be granted by the operator.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Host interfaces the plugin uses when the operator grants them and does without
    /// otherwise (an LLM drafter with a deterministic fallback): linked either way, but until
    /// granted every call answers `denied`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_capabilities: Vec<Capability>,
    /// The nudge patterns the plugin may raise (the subjects of its `nudge` findings). The
    /// server takes acknowledge, mute and unmute only for a pattern some enabled plugin
    /// declares here, or one already raised on the incident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nudge_patterns: Vec<String>,
    /// Plugins whose findings on the same event, series or tick this plugin reads (through
    /// `incidents`): the host calls it only once theirs are stored, instead of side by side
    /// with them. A name not installed or not enabled is ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// What the plugin may use per call; the operator's ceilings cap every value.
    #[serde(default)]
    pub limits: Limits,
    /// The plugin's own settings (thresholds, cadences...), handed to it by `config.get`.
    /// The operator may override any key in `operator.toml`.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub settings: toml::Table,
}

fn default_component() -> PathBuf {
    PathBuf::from("plugin.wasm")
}

/// Limits on one call. Every one is enforced by the runtime; past any of them the call stops
/// with an error naming the limit and the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Limits {
    /// Wall-clock time for the whole call, milliseconds.
    pub deadline_ms: u64,
    /// WebAssembly fuel (roughly, instructions) for the whole call.
    pub fuel: u64,
    /// Linear memory, MiB, summed over the component's memories.
    pub memory_mib: u64,
    /// Elements per table.
    pub table_elements: u64,
    /// Size of the returned findings and proposals, KiB.
    pub output_kib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline_ms: 2_000,
            fuel: 2_000_000_000,
            memory_mib: 64,
            table_elements: 20_000,
            output_kib: 256,
        }
    }
}

/// The most memory a limit or ceiling may name, 16 TiB: past it the byte count wraps (a ceiling
/// of 2^44 MiB became a cap of 0 bytes), and no host has that much.
pub const MAX_MEMORY_MIB: u64 = 1 << 24;

impl Limits {
    /// Why these limits cannot be honoured, naming the key as written (`memory-mib`): a zero
    /// stops every call at once, and memory past [`MAX_MEMORY_MIB`] wraps to nothing.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let zero = [
            ("deadline-ms", self.deadline_ms),
            ("fuel", self.fuel),
            ("memory-mib", self.memory_mib),
            ("table-elements", self.table_elements),
            ("output-kib", self.output_kib),
        ]
        .into_iter()
        .find(|(_, v)| *v == 0);
        if let Some((key, _)) = zero {
            let why = "must be greater than zero (0 would stop every call at once); leave it out for the default";
            return Some((key, why.into()));
        }
        (self.memory_mib > MAX_MEMORY_MIB).then(|| {
            let why =
                format!("is more than {MAX_MEMORY_MIB} MiB, the most memory a limit may name");
            ("memory-mib", why)
        })
    }

    /// Each value the smaller of `self` and `ceiling`.
    pub fn capped_by(self, ceiling: &Limits) -> Limits {
        Limits {
            deadline_ms: self.deadline_ms.min(ceiling.deadline_ms),
            fuel: self.fuel.min(ceiling.fuel),
            memory_mib: self.memory_mib.min(ceiling.memory_mib),
            table_elements: self.table_elements.min(ceiling.table_elements),
            output_kib: self.output_kib.min(ceiling.output_kib),
        }
    }
}

/// A manifest that could not be read or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// TOML syntax or an unknown/mistyped key.
    #[error(transparent)]
    Syntax(#[from] TomlSyntaxError),
    /// Parsed, but a value is not acceptable.
    #[error("{path}: field `{field}`: {message}")]
    Invalid {
        /// The manifest file.
        path: PathBuf,
        /// The key at fault, as written in the manifest, e.g. `limits.fuel`.
        field: String,
        /// What the value must be instead.
        message: String,
    },
}

impl Manifest {
    /// The manifest of a plugin given by its folder (its `plugin.toml`) or by the manifest.
    pub fn path_for(plugin: &Path) -> PathBuf {
        if plugin.is_dir() {
            plugin.join("plugin.toml")
        } else {
            plugin.to_path_buf()
        }
    }

    /// Where `component` points, read from the manifest at `manifest_path`.
    pub fn component_path(&self, manifest_path: &Path) -> PathBuf {
        manifest_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&self.component)
    }

    /// Whether the plugin asks for `capability`, as required or as optional.
    pub fn asks_for(&self, capability: &Capability) -> bool {
        self.capabilities.contains(capability) || self.optional_capabilities.contains(capability)
    }

    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text, path)
    }

    /// Parses and validates manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml_file::parse(text, path)?;
        manifest.validate(path)?;
        Ok(manifest)
    }

    fn validate(&self, path: &Path) -> Result<(), ManifestError> {
        let invalid = |field: &str, message: &str| ManifestError::Invalid {
            path: path.to_path_buf(),
            field: field.to_string(),
            message: message.to_string(),
        };
        if !is_plugin_name(&self.name) {
            return Err(invalid(
                "name",
                "use 1-64 lowercase letters, digits and `-`, starting with a letter",
            ));
        }
        if self.version.trim().is_empty() {
            return Err(invalid("version", "must not be empty"));
        }
        if let Some((key, message)) = self.limits.problem() {
            return Err(invalid(&format!("limits.{key}"), &message));
        }
        if let Some(bad) = self.after.iter().find(|n| !is_plugin_name(n)) {
            return Err(invalid(
                "after",
                &format!("`{bad}` is not a plugin name (lowercase letters, digits and `-`)"),
            ));
        }
        if self.after.contains(&self.name) {
            return Err(invalid("after", "names the plugin itself"));
        }
        if self
            .optional_capabilities
            .iter()
            .any(|c| self.capabilities.contains(c))
        {
            return Err(invalid(
                "optional-capabilities",
                "lists a capability already in `capabilities`",
            ));
        }
        Ok(())
    }
}

/// Whether `name` is acceptable as a plugin's registry name (it becomes a folder name).
pub fn is_plugin_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text, Path::new("plugin.toml"))
    }

    #[test]
    fn reads_a_full_manifest() {
        let m = parse(
            "name = \"graph-signature\"\nversion = \"0.1.0\"\ncapabilities = [\"log\"]\n\
             [limits]\ndeadline-ms = 500\nmemory-mib = 32\n",
        )
        .unwrap();
        assert_eq!(m.capabilities, vec![Capability::Log]);
        assert_eq!(m.limits.deadline_ms, 500);
        assert_eq!(m.limits.fuel, Limits::default().fuel);
        assert_eq!(m.component, PathBuf::from("plugin.wasm"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse("name = \"a\"\nversion = \"1\"\n[limits]\nmemroy-mib = 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("plugin.toml:4:"), "{msg}");
        assert!(msg.contains("memroy-mib"), "{msg}");
    }

    #[test]
    fn unknown_capability_is_refused() {
        let msg = parse("name = \"a\"\nversion = \"1\"\ncapabilities = [\"sockets\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("plugin.toml:3:") && msg.contains("sockets"),
            "{msg}"
        );
    }

    #[test]
    fn bad_values_name_the_field() {
        let msg = parse("name = \"Bad Name\"\nversion = \"1\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("field `name`"), "{msg}");
        let msg = parse("name = \"a\"\nversion = \"1\"\n[limits]\nfuel = 0\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("limits.fuel"), "{msg}");
    }

    #[test]
    fn after_names_other_plugins() {
        let m = parse("name = \"a\"\nversion = \"1\"\nafter = [\"graph-signature\"]\n").unwrap();
        assert_eq!(m.after, vec!["graph-signature".to_string()]);
        let msg = parse("name = \"a\"\nversion = \"1\"\nafter = [\"a\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("field `after`: names the plugin itself"),
            "{msg}"
        );
        let msg = parse("name = \"a\"\nversion = \"1\"\nafter = [\"Not One\"]\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("field `after`"), "{msg}");
    }

    #[test]
    fn memory_past_what_a_byte_count_holds_is_refused() {
        let msg = parse("name = \"a\"\nversion = \"1\"\n[limits]\nmemory-mib = 17592186044416\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("field `limits.memory-mib`: is more than"),
            "{msg}"
        );
        assert!(parse("name = \"a\"\nversion = \"1\"\n[limits]\nmemory-mib = 16777216\n").is_ok());
    }

    #[test]
    fn ceilings_cap_each_limit() {
        let asked = Limits {
            deadline_ms: 50_000,
            memory_mib: 8,
            ..Limits::default()
        };
        let ceiling = Limits {
            deadline_ms: 1_000,
            memory_mib: 512,
            ..Limits::default()
        };
        let got = asked.capped_by(&ceiling);
        assert_eq!((got.deadline_ms, got.memory_mib), (1_000, 8));
    }
}
