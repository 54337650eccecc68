//! Either version of the world behind one face. A component is built against one version of
//! `rhyme:plugin`; the host reads which from the interfaces it imports
//! ([`Version::of_imports`]), pre-instantiates that version's world, and calls it with the
//! current types, converted for a 0.1.0 component by [`crate::v0_1`].

use std::fmt;

use wasmtime::component::InstancePre;
use wasmtime::{AsContextMut, Engine};

use crate::types::{Incident, MetricSeries, Output, PluginInfo, Query, TimelineEvent};
use crate::{Plugin, PluginPre, v0_1};

/// A version of the contract this host implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `rhyme:plugin@0.1.0`, released first: no typed change on timeline events.
    V0_1,
    /// `rhyme:plugin@0.2.0`: timeline events carry a typed `change`.
    V0_2,
}

/// Why a component's version of the contract could not be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// It imports interfaces of a version this host does not implement.
    #[error("built against rhyme:plugin@{0}; this host implements rhyme:plugin@0.2.0 and @0.1.0")]
    Unknown(String),
    /// It imports interfaces of two versions at once.
    #[error("imports interfaces of both rhyme:plugin@{0} and @{1}; a plugin is built against one")]
    Mixed(String, String),
}

impl Version {
    /// The version new plugins are built against.
    pub const CURRENT: Version = Version::V0_2;

    /// Every version, oldest first.
    pub const ALL: [Version; 2] = [Version::V0_1, Version::V0_2];

    /// The semantic version, as in the package name (`0.2.0`).
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V0_1 => "0.1.0",
            Version::V0_2 => "0.2.0",
        }
    }

    /// The version named `text` (`0.1.0`), when this host implements it.
    pub fn parse(text: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// The version of the `rhyme:plugin` interfaces among `imports` (names such as
    /// `rhyme:plugin/log@0.1.0`); `None` when there are none, which leaves the exports to
    /// tell (see [`AnyPluginPre::new`]).
    pub fn of_imports<'a>(
        imports: impl IntoIterator<Item = &'a str>,
    ) -> Result<Option<Version>, VersionError> {
        let mut seen: Option<&str> = None;
        for name in imports {
            let Some(rest) = name.strip_prefix("rhyme:plugin/") else {
                continue;
            };
            let version = rest.split_once('@').map_or("", |(_, v)| v);
            match seen {
                Some(first) if first != version => {
                    return Err(VersionError::Mixed(first.into(), version.into()));
                }
                _ => seen = Some(version),
            }
        }
        seen.map(|v| Version::parse(v).ok_or_else(|| VersionError::Unknown(v.into())))
            .transpose()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rhyme:plugin@{}", self.as_str())
    }
}

/// A component pre-instantiated against the world of its version.
pub enum AnyPluginPre<T: 'static> {
    /// Built against 0.1.0.
    V0_1(v0_1::PluginPre<T>),
    /// Built against 0.2.0.
    V0_2(PluginPre<T>),
}

impl<T: 'static> Clone for AnyPluginPre<T> {
    fn clone(&self) -> Self {
        match self {
            AnyPluginPre::V0_1(pre) => AnyPluginPre::V0_1(pre.clone()),
            AnyPluginPre::V0_2(pre) => AnyPluginPre::V0_2(pre.clone()),
        }
    }
}

impl<T: Send + 'static> AnyPluginPre<T> {
    /// Checks the component's exports against `version`'s world. With no version known from
    /// the imports, the current world is tried first, then the older ones.
    pub fn new(version: Option<Version>, pre: InstancePre<T>) -> wasmtime::Result<Self> {
        match version {
            Some(Version::V0_2) => Ok(AnyPluginPre::V0_2(PluginPre::new(pre)?)),
            Some(Version::V0_1) => Ok(AnyPluginPre::V0_1(v0_1::PluginPre::new(pre)?)),
            None => match PluginPre::new(pre.clone()) {
                Ok(current) => Ok(AnyPluginPre::V0_2(current)),
                Err(current) => v0_1::PluginPre::new(pre)
                    .map(AnyPluginPre::V0_1)
                    .map_err(|_| current),
            },
        }
    }

    /// The version it was built against.
    pub fn version(&self) -> Version {
        match self {
            AnyPluginPre::V0_1(_) => Version::V0_1,
            AnyPluginPre::V0_2(_) => Version::V0_2,
        }
    }

    /// The engine it was compiled for.
    pub fn engine(&self) -> &Engine {
        match self {
            AnyPluginPre::V0_1(pre) => pre.engine(),
            AnyPluginPre::V0_2(pre) => pre.engine(),
        }
    }

    /// A fresh instance in `store`.
    pub async fn instantiate_async(
        &self,
        store: impl AsContextMut<Data = T>,
    ) -> wasmtime::Result<AnyPlugin> {
        Ok(match self {
            AnyPluginPre::V0_1(pre) => AnyPlugin::V0_1(pre.instantiate_async(store).await?),
            AnyPluginPre::V0_2(pre) => AnyPlugin::V0_2(pre.instantiate_async(store).await?),
        })
    }
}

/// An instance of a plugin, called with the current types whatever its version.
pub enum AnyPlugin {
    /// Built against 0.1.0: arguments and answers are converted.
    V0_1(v0_1::Plugin),
    /// Built against 0.2.0.
    V0_2(Plugin),
}

impl AnyPlugin {
    /// `describe`.
    pub async fn call_describe<S: AsContextMut<Data: Send>>(
        &self,
        store: S,
    ) -> wasmtime::Result<PluginInfo> {
        match self {
            AnyPlugin::V0_1(p) => Ok(v0_1::info(p.call_describe(store).await?)),
            AnyPlugin::V0_2(p) => p.call_describe(store).await,
        }
    }

    /// `on-event`.
    pub async fn call_on_event<S: AsContextMut<Data: Send>>(
        &self,
        store: S,
        incident: &Incident,
        event: &TimelineEvent,
    ) -> wasmtime::Result<Result<Output, String>> {
        match self {
            AnyPlugin::V0_1(p) => {
                let (incident, event) = (v0_1::incident(incident), v0_1::event(event));
                let answer = p.call_on_event(store, &incident, &event).await?;
                Ok(answer.map(v0_1::output))
            }
            AnyPlugin::V0_2(p) => p.call_on_event(store, incident, event).await,
        }
    }

    /// `on-tick`.
    pub async fn call_on_tick<S: AsContextMut<Data: Send>>(
        &self,
        store: S,
        incident: &Incident,
        now: i64,
    ) -> wasmtime::Result<Result<Output, String>> {
        match self {
            AnyPlugin::V0_1(p) => {
                let answer = p
                    .call_on_tick(store, &v0_1::incident(incident), now)
                    .await?;
                Ok(answer.map(v0_1::output))
            }
            AnyPlugin::V0_2(p) => p.call_on_tick(store, incident, now).await,
        }
    }

    /// `on-series`.
    pub async fn call_on_series<S: AsContextMut<Data: Send>>(
        &self,
        store: S,
        incident: Option<&Incident>,
        series: &MetricSeries,
    ) -> wasmtime::Result<Result<Output, String>> {
        match self {
            AnyPlugin::V0_1(p) => {
                let incident = incident.map(v0_1::incident);
                let series = v0_1::series(series);
                let answer = p.call_on_series(store, incident.as_ref(), &series).await?;
                Ok(answer.map(v0_1::output))
            }
            AnyPlugin::V0_2(p) => p.call_on_series(store, incident, series).await,
        }
    }

    /// `on-query`.
    pub async fn call_on_query<S: AsContextMut<Data: Send>>(
        &self,
        store: S,
        query: &Query,
    ) -> wasmtime::Result<Result<Output, String>> {
        match self {
            AnyPlugin::V0_1(p) => {
                let answer = p.call_on_query(store, &v0_1::query(query)).await?;
                Ok(answer.map(v0_1::output))
            }
            AnyPlugin::V0_2(p) => p.call_on_query(store, query).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_comes_from_the_rhyme_imports() {
        let v1 = ["wasi:io/streams@0.2.6", "rhyme:plugin/types@0.1.0"];
        assert_eq!(Version::of_imports(v1), Ok(Some(Version::V0_1)));
        let v2 = ["rhyme:plugin/types@0.2.0", "rhyme:plugin/log@0.2.0"];
        assert_eq!(Version::of_imports(v2), Ok(Some(Version::V0_2)));
        assert_eq!(Version::of_imports(["wasi:io/streams@0.2.6"]), Ok(None));
    }

    #[test]
    fn unknown_and_mixed_versions_are_named() {
        let future = Version::of_imports(["rhyme:plugin/types@0.9.0"]).unwrap_err();
        assert!(
            future.to_string().contains("rhyme:plugin@0.9.0"),
            "{future}"
        );
        let mixed = Version::of_imports(["rhyme:plugin/types@0.1.0", "rhyme:plugin/log@0.2.0"])
            .unwrap_err();
        assert_eq!(mixed, VersionError::Mixed("0.1.0".into(), "0.2.0".into()));
    }
}
