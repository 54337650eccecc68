//! Property tests of `plugin.toml` and `operator.toml`: issue 18's fuzzing, done with proptest
//! because this crate links wasmtime, which cargo-fuzz's instrumented build would compile again
//! (far past `make test`'s few minutes). The repository's manifests and an operator file
//! granting each of them, edited at random, are read or refused with an error naming the line,
//! never a panic; what is read is valid and round-trips (written back, it reads the same).

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::{Index, select};

use crate::manifest::{Limits, Manifest, is_plugin_name};
use crate::operator::{OperatorConfig, PluginPolicy};

/// What edits insert: TOML's syntax, these files' keys, and values at the edges.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    "\r\n",
    " ",
    "#",
    "\\",
    "\\u0000",
    "é",
    "…",
    "🔥",
    "[limits]",
    "[settings]",
    "[[settings.x]]",
    "[ceilings]",
    "[plugins.a]",
    "[plugins.\"é\"]",
    "deadline-ms",
    "memory-mib",
    "fuel",
    "enabled",
    "granted",
    "capabilities",
    "optional-capabilities",
    "nudge-patterns",
    "after",
    "name",
    "version",
    "\"log\"",
    "\"llm\"",
    "0",
    "-1",
    "18446744073709551615",
    "9223372036854775808",
    "nan",
    "-inf",
    "1e400",
    "true",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "1979-05-27",
];

fn manifests() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found = Vec::new();
    for folder in ["plugins", "examples/plugins"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let file = entry.unwrap().path().join("plugin.toml");
            if let Ok(text) = std::fs::read_to_string(&file) {
                found.push(text);
            }
        }
    }
    found.sort();
    assert!(found.len() >= 4, "the repository's plugin.toml files");
    found
}

/// An operator file as `rhyme plugin install --grant-asked` writes it for every manifest.
fn operator_file() -> String {
    let mut config = OperatorConfig::default();
    for text in manifests() {
        let manifest = Manifest::parse(&text, Path::new("plugin.toml")).unwrap();
        let policy = PluginPolicy {
            enabled: true,
            granted: manifest.capabilities.iter().copied().collect(),
            settings: manifest.settings,
        };
        config.plugins.insert(manifest.name, policy);
    }
    toml::to_string_pretty(&config).unwrap()
}

fn edits() -> impl Strategy<Value = Vec<(Index, usize, &'static str)>> {
    prop::collection::vec((any::<Index>(), 0..12usize, select(PIECES)), 0..6)
}

/// `seed` with `edits` applied at character boundaries.
fn apply(seed: &str, edits: Vec<(Index, usize, &str)>) -> String {
    let mut text: Vec<char> = seed.chars().collect();
    for (at, len, piece) in edits {
        let start = at.index(text.len() + 1);
        let end = (start + len).min(text.len());
        text.splice(start..end, piece.chars());
    }
    text.into_iter().collect()
}

/// The same TOML text: NaN settings make `==` on values false, so compare what is written.
fn same<T: serde::Serialize>(a: &T, b: &T) -> bool {
    toml::to_string(a).unwrap() == toml::to_string(b).unwrap()
}

/// A refusal names the file, as every error of these readers does.
fn named(error: &dyn std::fmt::Display, file: &str) -> Result<(), TestCaseError> {
    let message = error.to_string();
    prop_assert!(message.starts_with(file), "{message}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn manifests_edited_at_random_are_read_or_refused(seed in any::<Index>(), edits in edits()) {
        let seeds = manifests();
        let text = apply(&seeds[seed.index(seeds.len())], edits);
        let manifest = match Manifest::parse(&text, Path::new("plugin.toml")) {
            Ok(manifest) => manifest,
            Err(e) => return named(&e, "plugin.toml"),
        };
        prop_assert!(is_plugin_name(&manifest.name) && !manifest.version.trim().is_empty());
        prop_assert!(manifest.limits.problem().is_none(), "{:?}", manifest.limits);
        let capped = manifest.limits.capped_by(&OperatorConfig::default().ceilings);
        prop_assert!(capped.deadline_ms > 0 && capped.memory_mib > 0 && capped.fuel > 0);
        let written = toml::to_string(&manifest).expect("a manifest read is written back");
        let again = Manifest::parse(&written, Path::new("again.toml"));
        prop_assert!(again.as_ref().is_ok_and(|m| same(m, &manifest)), "{written}: {again:?}");
    }

    #[test]
    fn operator_files_edited_at_random_are_read_or_refused(edits in edits()) {
        let text = apply(&operator_file(), edits);
        let config = match OperatorConfig::parse(&text, Path::new("operator.toml")) {
            Ok(config) => config,
            Err(e) => return named(&e, "operator.toml"),
        };
        for policy in config.plugins.values() {
            // What `rhyme plugin call` hands the plugin; its `expect` must hold.
            policy.effective_settings(&toml::Table::new());
        }
        prop_assert!(config.ceilings.problem().is_none(), "{:?}", config.ceilings);
        let _: Limits = Limits::default().capped_by(&config.ceilings);
        // What `save` writes; its `expect` must hold too.
        let written = toml::to_string_pretty(&config).expect("an operator file read is written back");
        let again = OperatorConfig::parse(&written, Path::new("again.toml"));
        prop_assert!(again.as_ref().is_ok_and(|c| same(c, &config)), "{written}: {again:?}");
    }
}
