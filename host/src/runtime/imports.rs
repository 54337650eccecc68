//! The import policy: what a plugin component may import. No ambient authority: a plugin gets
//! WASI's streams, clocks, randomness and its own stdout/stderr (captured into the host log),
//! never the filesystem, sockets or HTTP; of Rhyme's capabilities only those allowed to it.

use std::collections::BTreeSet;

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::capability::Capability;

/// The contract version this host implements.
pub const CONTRACT: &str = "rhyme:plugin@0.1.0";

/// The handlers every plugin must export.
pub const REQUIRED_EXPORTS: [&str; 5] =
    ["describe", "on-event", "on-tick", "on-series", "on-query"];

/// How one import is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
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
            Verdict::Allowed => {}
            Verdict::Forbidden(reason) => problems.push(format!("imports `{name}`: {reason}")),
            Verdict::Capability(capability) if allowed.contains(&capability) => {
                used.insert(capability);
            }
            Verdict::Capability(capability) => {
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

fn judge(import: &str) -> Verdict {
    let (interface, version) = import.split_once('@').unwrap_or((import, ""));
    if let Some(name) = interface.strip_prefix("rhyme:plugin/") {
        if version != "0.1.0" {
            return Verdict::Forbidden(format!(
                "built against rhyme:plugin@{version}; this host implements {CONTRACT}"
            ));
        }
        return match name {
            "types" | "config" => Verdict::Allowed,
            other => other
                .parse::<Capability>()
                .map(Verdict::Capability)
                .unwrap_or_else(|_| {
                    Verdict::Forbidden(format!("`{other}` is not an interface of {CONTRACT}"))
                }),
        };
    }
    let package = interface.split('/').next().unwrap_or(interface);
    match package {
        // Rust's std imports all of wasi:cli; stdin is empty and stdout/stderr are captured.
        "wasi:io" | "wasi:clocks" | "wasi:random" | "wasi:cli" => Verdict::Allowed,
        "wasi:filesystem" => Verdict::Forbidden(
            "plugins get no filesystem; read data through the `incidents` capability".into(),
        ),
        "wasi:sockets" => Verdict::Forbidden("plugins get no network access".into()),
        "wasi:http" => Verdict::Forbidden(
            "plugins get no network access; use the `llm` capability for models".into(),
        ),
        _ => Verdict::Forbidden(
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
            Verdict::Capability(Capability::Log)
        );
        assert_eq!(judge("rhyme:plugin/types@0.1.0"), Verdict::Allowed);
        assert_eq!(judge("wasi:io/streams@0.2.6"), Verdict::Allowed);
        assert!(matches!(
            judge("wasi:sockets/tcp@0.2.6"),
            Verdict::Forbidden(_)
        ));
        assert!(matches!(
            judge("wasi:filesystem/preopens@0.2.6"),
            Verdict::Forbidden(_)
        ));
        assert!(
            matches!(judge("rhyme:plugin/log@0.2.0"), Verdict::Forbidden(m) if m.contains("0.2.0"))
        );
        assert!(matches!(
            judge("acme:spy/keys@1.0.0"),
            Verdict::Forbidden(_)
        ));
    }
}
