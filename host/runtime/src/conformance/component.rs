//! Checks on the component itself, before any handler runs: it compiles, imports only what a
//! plugin may, agrees with its manifest, exports every handler, and describes itself validly.

use std::collections::BTreeSet;
use std::sync::Arc;

use wasmtime::component::Component;

use super::Check;
use crate::capability::Capability;
use crate::capability::backend::Backends;
use crate::manifest::{Limits, Manifest, is_plugin_name};
use crate::plugin::{PreError, call_store, pre_instantiate};
use crate::state::HostState;
use crate::{CompileCache, Sandbox, imports};
use rhyme_world::types::PluginInfo;

/// What the component checks learnt, for the handler checks.
pub struct Inspected {
    /// What `describe` returned.
    pub info: PluginInfo,
    /// The capabilities the component imports.
    pub used: BTreeSet<Capability>,
    /// The plugin's manifest; for a bare component, one made from `describe`.
    pub manifest: Manifest,
}

const IMPORTS_RULE: &str = "imports only rhyme:plugin@0.2.0 (or @0.1.0) interfaces, of one version, and WASI io, clocks, random and cli";

/// Runs the component checks, appending to `checks`; `None` when the handlers cannot be
/// called.
pub async fn inspect(
    sandbox: &Sandbox,
    cache: &CompileCache,
    bytes: &[u8],
    manifest: Option<&Manifest>,
    checks: &mut Vec<Check>,
) -> Option<Inspected> {
    let engine = sandbox.engine();
    let component = match cache.load(engine, bytes) {
        Ok((component, _)) => component,
        Err(e) => {
            checks.push(Check::fail(
                "component",
                "a WebAssembly component (built for wasm32-wasip2)",
                format!("{e:#}"),
            ));
            return None;
        }
    };
    checks.push(Check::pass("component", "a WebAssembly component"));
    let all: BTreeSet<Capability> = Capability::ALL.into_iter().collect();
    let imports_ok = match imports::check(engine, &component, &all, "") {
        Ok(_) => true,
        Err(found) => {
            checks.push(Check::fail("imports", IMPORTS_RULE, found));
            false
        }
    };
    if imports_ok {
        checks.push(Check::pass("imports", IMPORTS_RULE));
    }
    let used = capabilities_imported(sandbox, &component);
    if let Some(m) = manifest {
        checks.push(imports_match_manifest(&used, m));
    }
    let exports_rule = "exports describe, on-event, on-tick, on-series and on-query";
    match imports::check_exports(engine, &component) {
        Ok(()) => checks.push(Check::pass("exports", exports_rule)),
        Err(found) => {
            checks.push(Check::fail("exports", exports_rule, found));
            return None;
        }
    }
    if !imports_ok {
        return None;
    }
    let info = match describe(sandbox, &component, &used).await {
        Ok(info) => info,
        Err(found) => {
            checks.push(Check::fail(
                "describe-valid",
                "`describe` returns plugin-info",
                found,
            ));
            return None;
        }
    };
    // A capability the manifest declares optional is linked but denied until granted, so
    // `describe` need not list it.
    let required: BTreeSet<Capability> = match manifest {
        Some(m) => used
            .iter()
            .filter(|c| !m.optional_capabilities.contains(c))
            .copied()
            .collect(),
        None => used.clone(),
    };
    checks.push(Check::of("describe-valid", "a valid plugin-info: a registry name, a version, a description, triggers, the capabilities it imports", info_problems(&info, &required)));
    if let Some(m) = manifest {
        checks.push(Check::of(
            "describe-matches-manifest",
            "`describe` agrees with plugin.toml on name, version and capabilities",
            disagreements(&info, m),
        ));
    }
    let manifest = manifest_for(&info, manifest, &used);
    Some(Inspected {
        info,
        used,
        manifest,
    })
}

/// The capabilities among the component's imports.
fn capabilities_imported(sandbox: &Sandbox, component: &Component) -> BTreeSet<Capability> {
    let engine = sandbox.engine();
    component
        .component_type()
        .imports(engine)
        .filter_map(|(name, _)| name.strip_prefix("rhyme:plugin/"))
        .filter_map(|rest| rest.split('@').next()?.parse().ok())
        .collect()
}

fn imports_match_manifest(used: &BTreeSet<Capability>, manifest: &Manifest) -> Check {
    let asked: Vec<&str> = manifest.capabilities.iter().map(|c| c.name()).collect();
    let expected = format!(
        "imports only the capabilities plugin.toml asks for ([{}])",
        asked.join(", ")
    );
    let extra: Vec<String> = used
        .iter()
        .filter(|c| !manifest.asks_for(c))
        .map(|c| format!("imports `{c}`, which plugin.toml's `capabilities` does not list"))
        .collect();
    Check::of("imports-match-manifest", expected, extra)
}

fn info_problems(info: &PluginInfo, used: &BTreeSet<Capability>) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_plugin_name(&info.name) {
        problems.push(format!("name `{}` is not a registry name (1-64 lowercase letters, digits and `-`, starting with a letter)", info.name));
    }
    if !is_version(&info.version) {
        problems.push(format!(
            "version `{}` is not MAJOR.MINOR.PATCH",
            info.version
        ));
    }
    if info.description.trim().is_empty() {
        problems.push("the description is empty".into());
    }
    if info.triggers.is_empty() {
        problems.push("no triggers: the host would never call it".into());
    }
    let listed: BTreeSet<Capability> = info
        .capabilities
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    for unknown in info
        .capabilities
        .iter()
        .filter(|c| c.parse::<Capability>().is_err())
    {
        problems.push(format!("lists `{unknown}`, which is not a capability"));
    }
    for missing in used.difference(&listed) {
        problems.push(format!(
            "imports `{missing}` but does not list it in `capabilities`"
        ));
    }
    problems
}

fn is_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn disagreements(info: &PluginInfo, manifest: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    if info.name != manifest.name {
        problems.push(format!(
            "`describe` says name `{}`, plugin.toml says `{}`",
            info.name, manifest.name
        ));
    }
    if info.version != manifest.version {
        problems.push(format!(
            "`describe` says version `{}`, plugin.toml says `{}`",
            info.version, manifest.version
        ));
    }
    for c in &info.capabilities {
        if c.parse::<Capability>()
            .is_ok_and(|c| !manifest.asks_for(&c))
        {
            problems.push(format!(
                "`describe` lists `{c}`, plugin.toml's `capabilities` does not"
            ));
        }
    }
    problems
}

/// The manifest the handler checks load with: the real one, named as `describe` says (a
/// disagreement is reported above and should not hide the handler checks), or one made up.
fn manifest_for(
    info: &PluginInfo,
    manifest: Option<&Manifest>,
    used: &BTreeSet<Capability>,
) -> Manifest {
    let mut m = manifest.cloned().unwrap_or_else(|| Manifest {
        name: String::new(),
        version: String::new(),
        description: info.description.clone(),
        component: "plugin.wasm".into(),
        capabilities: Vec::new(),
        limits: Limits::default(),
        settings: toml::Table::new(),
        optional_capabilities: Vec::new(),
        nudge_patterns: Vec::new(),
        after: Vec::new(),
    });
    m.name = info.name.clone();
    m.version = info.version.clone();
    m.capabilities = m
        .capabilities
        .iter()
        .copied()
        .chain(used.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    m
}

/// Calls `describe` in a fresh instance under the default limits.
async fn describe(
    sandbox: &Sandbox,
    component: &Component,
    used: &BTreeSet<Capability>,
) -> Result<PluginInfo, String> {
    let engine = sandbox.engine();
    let version = imports::version(engine, component)?;
    let pre = pre_instantiate(engine, component, used, version).map_err(|e| match e {
        PreError::Linking(e) => format!("linking: {e:#}"),
        PreError::Refused(reason) => reason,
    })?;
    let limits = Limits::default();
    let state = HostState::new(
        Arc::from("conformance"),
        Arc::new(used.clone()),
        Backends::default(),
        Arc::from("{}"),
        0,
        &limits,
    );
    let mut store = call_store(engine, state, &limits).map_err(|e| format!("{e:#}"))?;
    let plugin = pre
        .instantiate_async(&mut store)
        .await
        .map_err(|e| format!("instantiating: {e:#}"))?;
    plugin
        .call_describe(&mut store)
        .await
        .map_err(|e| format!("`describe` trapped: {e:#}"))
}
