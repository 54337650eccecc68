//! The host interfaces a plugin may import, each one capability that the operator grants, and
//! the traits their backends implement ([`backend`]; the backends are in `rhyme-capabilities`).

pub mod backend;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The backend name of a plugin's collection: collections are private to a plugin, so the
/// name it uses is prefixed with its own. A host that indexes for a plugin writes here.
pub fn plugin_collection(plugin: &str, collection: &str) -> String {
    format!("{plugin}/{collection}")
}

/// One host interface of the `rhyme:plugin` contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Write to the host log under the plugin's name.
    Log,
    /// Read the incident's clock.
    Clock,
    /// Turn texts into vectors with the host's model.
    Embed,
    /// Store vectors and find the nearest.
    VectorSearch,
    /// Chat completion through the configured endpoint.
    Llm,
    /// Read the incident store.
    Incidents,
}

impl Capability {
    /// Every capability, in the contract's order.
    pub const ALL: [Capability; 6] = [
        Capability::Log,
        Capability::Clock,
        Capability::Embed,
        Capability::VectorSearch,
        Capability::Llm,
        Capability::Incidents,
    ];

    /// The name used in manifests, grants and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Log => "log",
            Capability::Clock => "clock",
            Capability::Embed => "embed",
            Capability::VectorSearch => "vector-search",
            Capability::Llm => "llm",
            Capability::Incidents => "incidents",
        }
    }

    /// The WIT interface a component imports for it, without the version.
    pub fn interface(self) -> String {
        format!("rhyme:plugin/{}", self.name())
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the contract's capabilities.
#[derive(Debug, thiserror::Error)]
#[error("unknown capability `{0}` (known: log, clock, embed, vector-search, llm, incidents)")]
pub struct UnknownCapability(pub String);

impl FromStr for Capability {
    type Err = UnknownCapability;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| UnknownCapability(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(c.name().parse::<Capability>().unwrap(), c);
        }
        assert!("sockets".parse::<Capability>().is_err());
    }
}
