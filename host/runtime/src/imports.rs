//! The import policy: what a plugin component may import. No ambient authority: a plugin gets
//! WASI's streams, clocks, randomness and its own stdout/stderr (captured into the host log),
//! never the filesystem, sockets or HTTP; of Rhyme's capabilities only those allowed to it.

use std::collections::BTreeSet;

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::capability::Capability;
use rhyme_world::contract::Version;

/// The contract versions this host implements, for messages.
pub const CONTRACT: &str = "rhyme:plugin@0.2.0 (and @0.1.0)";

/// The handlers every plugin must export.
pub const REQUIRED_EXPORTS: [&str; 5] =
    ["describe", "on-event", "on-tick", "on-series", "on-query"];

/// How one import is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ImportCheck {
    Capability(Capability),
    Allowed,
    Forbidden(String),
}

/// Checks every import of `component` against the policy, with `allowed` the capabilities it
/// may use (`why` says where that set came from, for the message). Returns the capabilities
/// it imports, or every reason to refuse it, each naming the interface.
pub fn check(
    engine: &Engine,
    component: &Component,
    allowed: &BTreeSet<Capability>,
    why: &str,
) -> Result<BTreeSet<Capability>, String> {
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    let ty = component.component_type();
    for (name, _) in ty.imports(engine) {
        match judge(name) {
            ImportCheck::Allowed => {}
            ImportCheck::Forbidden(reason) => problems.push(format!("imports `{name}`: {reason}")),
            ImportCheck::Capability(capability) if allowed.contains(&capability) => {
                used.insert(capability);
            }
            ImportCheck::Capability(capability) => {
                problems.push(format!(
                    "imports `{name}` (capability `{capability}`), which is not {why}"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(used)
    } else {
        Err(problems.join("; "))
    }
}

/// The version of the contract `component` was built against, read from its `rhyme:plugin`
/// imports; `None` when it imports none (its exports then tell, at pre-instantiation).
pub fn version(engine: &Engine, component: &Component) -> Result<Option<Version>, String> {
    let ty = component.component_type();
    let names: Vec<&str> = ty.imports(engine).map(|(name, _)| name).collect();
    Version::of_imports(names).map_err(|e| e.to_string())
}

/// Checks that `component` exports every handler of the contract.
pub fn check_exports(engine: &Engine, component: &Component) -> Result<(), String> {
    let ty = component.component_type();
    let exported: BTreeSet<&str> = ty.exports(engine).map(|(name, _)| name).collect();
    let missing: Vec<&str> = REQUIRED_EXPORTS
        .into_iter()
        .filter(|e| !exported.contains(e))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "does not export {} required by {CONTRACT} (is it built against the rhyme:plugin world?)",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

fn judge(import: &str) -> ImportCheck {
    let (interface, version) = import.split_once('@').unwrap_or((import, ""));
    if let Some(name) = interface.strip_prefix("rhyme:plugin/") {
        if Version::parse(version).is_none() {
            return ImportCheck::Forbidden(format!(
                "built against rhyme:plugin@{version}; this host implements {CONTRACT}"
            ));
        }
        return match name {
            "types" | "config" => ImportCheck::Allowed,
            other => other
                .parse::<Capability>()
                .map(ImportCheck::Capability)
                .unwrap_or_else(|_| {
                    ImportCheck::Forbidden(format!("`{other}` is not an interface of {CONTRACT}"))
                }),
        };
    }
    let package = interface.split('/').next().unwrap_or(interface);
    match package {
        // Rust's std imports all of wasi:cli; stdin is empty and stdout/stderr are captured.
        "wasi:io" | "wasi:clocks" | "wasi:random" | "wasi:cli" => ImportCheck::Allowed,
        "wasi:filesystem" => ImportCheck::Forbidden(
            "plugins get no filesystem; read data through the `incidents` capability".into(),
        ),
        "wasi:sockets" => ImportCheck::Forbidden("plugins get no network access".into()),
        "wasi:http" => ImportCheck::Forbidden(
            "plugins get no network access; use the `llm` capability for models".into(),
        ),
        _ => ImportCheck::Forbidden(
            "not part of the rhyme:plugin contract or the WASI subset plugins get".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_interfaces() {
        assert_eq!(
            judge("rhyme:plugin/log@0.1.0"),
            ImportCheck::Capability(Capability::Log)
        );
        assert_eq!(judge("rhyme:plugin/types@0.1.0"), ImportCheck::Allowed);
        assert_eq!(
            judge("rhyme:plugin/incidents@0.2.0"),
            ImportCheck::Capability(Capability::Incidents)
        );
        assert_eq!(judge("wasi:io/streams@0.2.6"), ImportCheck::Allowed);
        assert!(matches!(
            judge("wasi:sockets/tcp@0.2.6"),
            ImportCheck::Forbidden(_)
        ));
        assert!(matches!(
            judge("wasi:filesystem/preopens@0.2.6"),
            ImportCheck::Forbidden(_)
        ));
        assert!(
            matches!(judge("rhyme:plugin/log@0.3.0"), ImportCheck::Forbidden(m) if m.contains("0.3.0"))
        );
        assert!(matches!(
            judge("acme:spy/keys@1.0.0"),
            ImportCheck::Forbidden(_)
        ));
    }
}
