//! The plugin registry: a folder holding `<name>/plugin.wasm` + `<name>/plugin.toml` for each
//! installed plugin, `operator.toml` with the operator's grants and ceilings, and the compile
//! cache. Installing checks the plugin first; nothing half-checked lands in the folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::capability::Capability;
use crate::capability::backend::Backends;
use crate::compile_cache::CacheOutcome;
use crate::manifest::{Limits, Manifest, ManifestError};
use crate::operator::{OperatorConfig, OperatorError, PluginPolicy};
use crate::plugin::LoadRequest;
use crate::{CompileCache, LoadedPlugin, PluginError, Sandbox};
use rhyme_world::types::PluginInfo;

/// Why a registry operation failed. Callers branch on the variant for exit codes.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// No plugin of that name is installed.
    #[error("no plugin named `{0}` is installed (see `rhyme plugin list`)")]
    NotFound(String),
    /// The manifest is missing or invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// `operator.toml` is unreadable or invalid.
    #[error(transparent)]
    Operator(#[from] OperatorError),
    /// The plugin was checked and refused, or failed when called at load.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The plugin is installed but the operator disabled it.
    #[error("plugin `{0}` is disabled (enable it with `rhyme plugin enable {0}`)")]
    Disabled(String),
    /// A capability the plugin's manifest does not ask for.
    #[error(
        "plugin `{plugin}` does not ask for `{capability}` in its manifest; grant only what a plugin asks for"
    )]
    NotRequested {
        /// The plugin's name.
        plugin: String,
        /// The capability the operator tried to grant.
        capability: Capability,
    },
    /// File system trouble.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder at fault.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// An installed plugin, as listed.
#[derive(Debug, Clone)]
pub struct Installed {
    /// Its manifest.
    pub manifest: Manifest,
    /// The operator's decisions about it.
    pub policy: PluginPolicy,
}

/// A plugin that passed `check`.
pub struct Checked {
    /// Its manifest.
    pub manifest: Manifest,
    /// What `describe` said.
    pub info: PluginInfo,
    /// Capabilities its component imports.
    pub imports: BTreeSet<Capability>,
    component: Vec<u8>,
}

/// The registry folder.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
    /// Ceilings the operator set elsewhere (`rhyme.toml`), over `operator.toml`'s.
    ceilings: Option<Limits>,
}

impl Registry {
    /// The registry in `dir` (created on first install).
    pub fn open(dir: impl Into<PathBuf>) -> Registry {
        Registry {
            dir: dir.into(),
            ceilings: None,
        }
    }

    /// With these ceilings instead of `operator.toml`'s, when given.
    pub fn with_ceilings(mut self, ceilings: Option<Limits>) -> Registry {
        self.ceilings = ceilings;
        self
    }

    /// The most any plugin may be given.
    pub fn ceilings(&self) -> Result<Limits, RegistryError> {
        match self.ceilings {
            Some(ceilings) => Ok(ceilings),
            None => Ok(self.operator()?.ceilings),
        }
    }

    /// The registry folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The compile cache kept inside the registry.
    pub fn compile_cache(&self) -> CompileCache {
        CompileCache::new(self.dir.join(".compiled"))
    }

    fn operator_path(&self) -> PathBuf {
        self.dir.join("operator.toml")
    }

    /// The operator's configuration.
    pub fn operator(&self) -> Result<OperatorConfig, RegistryError> {
        Ok(OperatorConfig::load(&self.operator_path())?)
    }

    /// Every installed plugin, by name.
    pub fn list(&self) -> Result<Vec<Installed>, RegistryError> {
        let operator = self.operator()?;
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(RegistryError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut installed = Vec::new();
        for entry in entries.flatten() {
            let manifest_path = entry.path().join("plugin.toml");
            if manifest_path.is_file() {
                let manifest = Manifest::load(&manifest_path)?;
                let policy = operator
                    .plugins
                    .get(&manifest.name)
                    .cloned()
                    .unwrap_or_default();
                installed.push(Installed { manifest, policy });
            }
        }
        installed.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
        Ok(installed)
    }

    /// Validates the plugin at `path` (a folder holding `plugin.toml`, or the manifest
    /// itself): the manifest, the component's imports against what the manifest asks for,
    /// its exports against the contract, and what `describe` answers.
    pub async fn check(&self, sandbox: &Sandbox, path: &Path) -> Result<Checked, RegistryError> {
        let manifest_path = Manifest::path_for(path);
        let manifest = Manifest::load(&manifest_path)?;
        let component_path = manifest.component_path(&manifest_path);
        let component = std::fs::read(&component_path).map_err(|source| RegistryError::Io {
            path: component_path.clone(),
            source,
        })?;
        let asked: BTreeSet<Capability> = manifest.capabilities.iter().copied().collect();
        let ceilings = self.ceilings()?;
        let (plugin, _) = LoadedPlugin::load(
            sandbox,
            &self.compile_cache(),
            LoadRequest {
                manifest: &manifest,
                component: &component,
                granted: &asked,
                limits: manifest.limits.capped_by(&ceilings),
                backends: Backends::default(),
                granted_by: "asked for in its manifest's `capabilities`",
                settings: PluginPolicy::default().effective_settings(&manifest.settings),
            },
        )
        .await?;
        let info = plugin.info().clone();
        let imports = plugin.imports().clone();
        Ok(Checked {
            manifest,
            info,
            imports,
            component,
        })
    }

    /// Checks, then copies the plugin into the registry, enabled, with `grants` (each must be
    /// asked for by the manifest). Reinstalling replaces the component and keeps grants.
    pub async fn install(
        &self,
        sandbox: &Sandbox,
        path: &Path,
        grants: &[Capability],
    ) -> Result<Installed, RegistryError> {
        let checked = self.check(sandbox, path).await?;
        self.install_checked(checked, grants)
    }

    /// Installs a plugin that [`Registry::check`] already passed, so a caller that needed the
    /// checked manifest (to grant what it asks for) does not check it twice.
    pub fn install_checked(
        &self,
        checked: Checked,
        grants: &[Capability],
    ) -> Result<Installed, RegistryError> {
        let mut manifest = checked.manifest;
        for capability in grants {
            ensure_requested(&manifest, *capability)?;
        }
        let target = self.dir.join(&manifest.name);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| RegistryError::Io { path, source }
        };
        std::fs::create_dir_all(&target).map_err(io(&target))?;
        let wasm = target.join("plugin.wasm");
        std::fs::write(&wasm, &checked.component).map_err(io(&wasm))?;
        manifest.component = PathBuf::from("plugin.wasm");
        let toml_path = target.join("plugin.toml");
        let text = toml::to_string_pretty(&manifest).expect("manifests always serialise");
        std::fs::write(&toml_path, text).map_err(io(&toml_path))?;

        let mut operator = self.operator()?;
        let policy = operator.plugins.entry(manifest.name.clone()).or_default();
        policy.enabled = true;
        policy.granted.extend(grants.iter().copied());
        policy.granted.retain(|c| manifest.asks_for(c));
        let policy = policy.clone();
        operator.save(&self.operator_path())?;
        Ok(Installed { manifest, policy })
    }

    /// Enables or disables an installed plugin.
    pub fn set_enabled(&self, name: &str, enabled: bool) -> Result<(), RegistryError> {
        self.installed(name)?;
        self.update_policy(name, |policy| policy.enabled = enabled)
    }

    /// Grants a capability the plugin asks for.
    pub fn grant(&self, name: &str, capability: Capability) -> Result<(), RegistryError> {
        ensure_requested(&self.installed(name)?.manifest, capability)?;
        self.update_policy(name, |policy| {
            policy.granted.insert(capability);
        })
    }

    /// Takes a capability back; the plugin is refused at its next load if it still imports it.
    pub fn revoke(&self, name: &str, capability: Capability) -> Result<(), RegistryError> {
        self.installed(name)?;
        self.update_policy(name, |policy| {
            policy.granted.remove(&capability);
        })
    }

    fn update_policy(
        &self,
        name: &str,
        change: impl FnOnce(&mut PluginPolicy),
    ) -> Result<(), RegistryError> {
        let mut operator = self.operator()?;
        change(operator.plugins.entry(name.to_string()).or_default());
        Ok(operator.save(&self.operator_path())?)
    }

    /// One installed plugin.
    pub fn installed(&self, name: &str) -> Result<Installed, RegistryError> {
        self.list()?
            .into_iter()
            .find(|p| p.manifest.name == name)
            .ok_or_else(|| RegistryError::NotFound(name.to_string()))
    }

    /// Loads one enabled plugin with its grants.
    pub async fn load(
        &self,
        sandbox: &Sandbox,
        name: &str,
        backends: &Backends,
    ) -> Result<(LoadedPlugin, CacheOutcome), RegistryError> {
        let installed = self.installed(name)?;
        if !installed.policy.enabled {
            return Err(RegistryError::Disabled(name.to_string()));
        }
        let ceilings = self.ceilings()?;
        let component_path = self.dir.join(name).join(&installed.manifest.component);
        let component = std::fs::read(&component_path).map_err(|source| RegistryError::Io {
            path: component_path.clone(),
            source,
        })?;
        Ok(LoadedPlugin::load(
            sandbox,
            &self.compile_cache(),
            LoadRequest {
                manifest: &installed.manifest,
                component: &component,
                granted: &installed.policy.granted,
                limits: installed.manifest.limits.capped_by(&ceilings),
                backends: backends.clone(),
                granted_by: "granted by the operator (`rhyme plugin grant`)",
                settings: installed
                    .policy
                    .effective_settings(&installed.manifest.settings),
            },
        )
        .await?)
    }

    /// Loads every enabled plugin. A plugin that is refused is reported and left out; the
    /// others load regardless.
    pub async fn load_enabled(
        &self,
        sandbox: &Sandbox,
        backends: &Backends,
    ) -> Result<(Vec<LoadedPlugin>, Vec<RegistryError>), RegistryError> {
        let mut loaded = Vec::new();
        let mut refused = Vec::new();
        for installed in self.list()?.into_iter().filter(|p| p.policy.enabled) {
            match self.load(sandbox, &installed.manifest.name, backends).await {
                Ok((plugin, _)) => loaded.push(plugin),
                Err(e) => {
                    tracing::warn!(plugin = %installed.manifest.name, "not loaded: {e}");
                    refused.push(e);
                }
            }
        }
        Ok((loaded, refused))
    }
}

fn ensure_requested(manifest: &Manifest, capability: Capability) -> Result<(), RegistryError> {
    if manifest.asks_for(&capability) {
        Ok(())
    } else {
        Err(RegistryError::NotRequested {
            plugin: manifest.name.clone(),
            capability,
        })
    }
}
