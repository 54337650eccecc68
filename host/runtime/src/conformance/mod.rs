//! The contract's conformance checks (`rhyme plugin test`): run a component, or a plugin
//! folder, through every rule a plugin must keep, and name each one it breaks with what was
//! expected and what was found. Nothing stops at the first failure unless later checks
//! cannot run without it (a component that does not compile cannot be called).
//!
//! | module | job |
//! |---|---|
//! | [`fixture`] | the incident, events, series and query the handlers are called with |
//! | [`component`] | checks on the component itself: imports, exports, `describe` |
//! | [`calls`] | each handler called with fixture input: limits, traps, determinism |
//! | [`rules`] | the contract's rules on an output: titles, confidences, evidence, proposals |

pub mod calls;
pub mod component;
pub mod fixture;
pub mod rules;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::manifest::{Limits, Manifest};
use crate::{CompileCache, Sandbox};
pub use fixture::Fixture;

/// The outcome of one named check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Its name, stable for scripts: `imports`, `describe-valid`, `on-event:output`, ...
    pub name: String,
    /// Whether the plugin kept the rule.
    pub passed: bool,
    /// The rule, as the plugin should keep it.
    pub expected: String,
    /// What the plugin did: empty when it passed.
    pub found: String,
}

impl Check {
    fn pass(name: &str, expected: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            passed: true,
            expected: expected.into(),
            found: String::new(),
        }
    }

    fn fail(name: &str, expected: impl Into<String>, found: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            passed: false,
            expected: expected.into(),
            found: found.into(),
        }
    }

    fn of(name: &str, expected: impl Into<String>, problems: Vec<String>) -> Check {
        if problems.is_empty() {
            Check::pass(name, expected)
        } else {
            Check::fail(name, expected, problems.join("; "))
        }
    }
}

/// Every check run on one plugin.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What was tested: the component or the manifest.
    pub path: PathBuf,
    /// The plugin's name and version as `describe` gave them, once known.
    pub plugin: Option<String>,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }

    fn stop(mut self, check: Check) -> Report {
        self.checks.push(check);
        self
    }
}

/// What to test and with what.
pub struct Target<'a> {
    /// A component (`.wasm`), a plugin folder, or its `plugin.toml`.
    pub path: &'a Path,
    /// The incident the handlers see.
    pub fixture: &'a Fixture,
    /// The text of the query sent to `on-query`.
    pub query: &'a str,
    /// The operator's ceilings, capping the manifest's limits.
    pub ceilings: &'a Limits,
}

/// Runs every check on `target`.
pub async fn run(sandbox: &Sandbox, cache: &CompileCache, target: &Target<'_>) -> Report {
    let mut report = Report {
        path: target.path.to_path_buf(),
        plugin: None,
        checks: Vec::new(),
    };
    let (manifest, component_path) = match locate(target.path) {
        Ok(found) => found,
        Err(e) => return report.stop(Check::fail("manifest", "a readable, valid plugin.toml", e)),
    };
    if manifest.is_some() {
        report
            .checks
            .push(Check::pass("manifest", "a readable, valid plugin.toml"));
    }
    let bytes = match std::fs::read(&component_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let found = format!("{}: {e}", component_path.display());
            return report.stop(Check::fail(
                "component",
                "a WebAssembly component file",
                found,
            ));
        }
    };
    let Some(inspected) = component::inspect(
        sandbox,
        cache,
        &bytes,
        manifest.as_ref(),
        &mut report.checks,
    )
    .await
    else {
        return report;
    };
    report.plugin = Some(format!(
        "{} {}",
        inspected.info.name, inspected.info.version
    ));
    let limits = manifest
        .as_ref()
        .map_or_else(Limits::default, |m| m.limits)
        .capped_by(target.ceilings);
    calls::run(
        sandbox,
        cache,
        &bytes,
        &inspected,
        limits,
        target,
        &mut report.checks,
    )
    .await;
    report
}

/// The manifest (for a folder or a `.toml`) and the component's path.
fn locate(path: &Path) -> Result<(Option<Manifest>, PathBuf), String> {
    let is_manifest = path.is_dir() || path.extension().is_some_and(|e| e == "toml");
    if !is_manifest {
        return Ok((None, path.to_path_buf()));
    }
    let manifest_path = Manifest::path_for(path);
    let manifest = Manifest::load(&manifest_path).map_err(|e| e.to_string())?;
    let component = manifest.component_path(&manifest_path);
    Ok((Some(manifest), component))
}
