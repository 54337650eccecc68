//! `rhyme plugin ...`: the registry from the command line.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use serde_json::json;

use rhyme_runtime::capability::Capability;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::{Allocator, CallContext, Sandbox};
use rhyme_world::types::Query;

use super::{Context, show, store};

#[derive(Debug, Subcommand)]
pub(super) enum PluginCommand {
    /// List installed plugins, their state and grants.
    List,
    /// Validate a plugin (folder with plugin.toml, or the manifest) without installing it.
    Check { path: PathBuf },
    /// Check, then install a plugin into the registry, enabled.
    Install {
        path: PathBuf,
        /// Grant a capability the manifest asks for (repeatable).
        #[arg(long = "grant", value_name = "CAPABILITY")]
        grants: Vec<Capability>,
        /// Grant every capability the manifest asks for (after reading it).
        #[arg(long, conflicts_with = "grants")]
        grant_asked: bool,
    },
    /// Let an installed plugin run again.
    Enable { name: String },
    /// Keep an installed plugin from running.
    Disable { name: String },
    /// Grant a capability the plugin's manifest asks for.
    Grant {
        name: String,
        capability: Capability,
    },
    /// Take a granted capability back.
    Revoke {
        name: String,
        capability: Capability,
    },
    /// Run the contract's conformance checks on a component or a plugin folder.
    Test(super::plugin_test::TestArgs),
    /// Start a new plugin crate (Rust) in a new folder, ready to build and install.
    New(super::scaffold::NewArgs),
    /// Call an installed plugin's query handler once and print what it found.
    Call {
        name: String,
        /// The question, as a person would type it.
        #[arg(long)]
        query: String,
    },
}

pub(super) fn run(ctx: &Context, command: PluginCommand) -> anyhow::Result<()> {
    let registry = ctx.registry();
    match command {
        PluginCommand::List => list(ctx),
        PluginCommand::Check { path } => check(ctx, &path),
        PluginCommand::Install {
            path,
            mut grants,
            grant_asked,
        } => {
            let sandbox = sandbox(ctx)?;
            let checked = super::store::wait(registry.check(&sandbox, &path))?;
            if grant_asked {
                grants = checked.manifest.capabilities.clone();
            }
            let installed = registry.install_checked(checked, &grants)?;
            let granted = names(installed.policy.granted.iter());
            let detail = json!({ "version": installed.manifest.version, "granted": granted });
            store::audit(ctx, "plugin.install", &installed.manifest.name, detail)?;
            if ctx.json {
                println!(
                    "{}",
                    json!({ "installed": installed.manifest.name, "version": installed.manifest.version, "granted": granted })
                );
            } else {
                println!(
                    "installed {} {} (granted: {})",
                    installed.manifest.name,
                    installed.manifest.version,
                    or_none(&granted)
                );
                // What the plugin asks for, required or optional, that was not granted here.
                let ungranted = |asked: &[Capability]| {
                    names(
                        asked
                            .iter()
                            .filter(|c| !installed.policy.granted.contains(c)),
                    )
                };
                let missing = ungranted(&installed.manifest.capabilities);
                if !missing.is_empty() {
                    println!(
                        "note: it asks for {} too; grant with `rhyme plugin grant {} CAPABILITY`",
                        missing.join(", "),
                        installed.manifest.name
                    );
                }
                let optional = ungranted(&installed.manifest.optional_capabilities);
                if !optional.is_empty() {
                    println!(
                        "note: it can also use {} when granted (`rhyme plugin grant {} CAPABILITY`)",
                        optional.join(", "),
                        installed.manifest.name
                    );
                }
            }
            Ok(())
        }
        PluginCommand::Enable { name } => done(
            ctx,
            registry.set_enabled(&name, true),
            &name,
            "enabled",
            ("plugin.enable", None),
        ),
        PluginCommand::Disable { name } => done(
            ctx,
            registry.set_enabled(&name, false),
            &name,
            "disabled",
            ("plugin.disable", None),
        ),
        PluginCommand::Grant { name, capability } => done(
            ctx,
            registry.grant(&name, capability),
            &name,
            &format!("granted {capability}"),
            ("plugin.grant", Some(capability)),
        ),
        PluginCommand::Revoke { name, capability } => done(
            ctx,
            registry.revoke(&name, capability),
            &name,
            &format!("revoked {capability}"),
            ("plugin.revoke", Some(capability)),
        ),
        PluginCommand::Call { name, query } => call(ctx, &name, query),
        PluginCommand::Test(args) => super::plugin_test::run(ctx, args),
        PluginCommand::New(args) => super::scaffold::run(ctx, args),
    }
}

/// The sandbox, sized by the operator's ceilings.
pub(super) fn sandbox(ctx: &Context) -> anyhow::Result<Sandbox> {
    let ceilings = ctx.registry().ceilings()?;
    Sandbox::new(Allocator::Pooling, &ceilings)
        .map_err(anyhow::Error::from)
        .context("starting the wasmtime engine")
}

fn list(ctx: &Context) -> anyhow::Result<()> {
    let installed = ctx.registry().list()?;
    if ctx.json {
        let rows: Vec<_> = installed
            .iter()
            .map(|p| json!({
                "name": p.manifest.name, "version": p.manifest.version, "enabled": p.policy.enabled,
                "asks": names(p.manifest.capabilities.iter()), "granted": names(p.policy.granted.iter()),
                "description": p.manifest.description,
            }))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    if installed.is_empty() {
        println!(
            "no plugins installed in {} (install one with `rhyme plugin install PATH`)",
            ctx.registry().dir().display()
        );
        return Ok(());
    }
    println!(
        "{:<20} {:<8} {:<8} {:<28} DESCRIPTION",
        "NAME", "VERSION", "ENABLED", "GRANTED"
    );
    for p in installed {
        let granted = or_none(&names(p.policy.granted.iter()));
        let enabled = if p.policy.enabled { "yes" } else { "no" };
        println!(
            "{:<20} {:<8} {:<8} {:<28} {}",
            p.manifest.name, p.manifest.version, enabled, granted, p.manifest.description
        );
    }
    Ok(())
}

fn check(ctx: &Context, path: &std::path::Path) -> anyhow::Result<()> {
    let sandbox = sandbox(ctx)?;
    let checked = super::store::wait(ctx.registry().check(&sandbox, path))?;
    let imports = names(checked.imports.iter());
    if ctx.json {
        println!(
            "{}",
            json!({ "ok": true, "name": checked.manifest.name, "version": checked.manifest.version, "imports": imports })
        );
    } else {
        println!(
            "ok: {} {} — imports: {}",
            checked.manifest.name,
            checked.manifest.version,
            or_none(&imports)
        );
        println!("    {}", checked.info.description);
    }
    Ok(())
}

fn call(ctx: &Context, name: &str, text: String) -> anyhow::Result<()> {
    let sandbox = sandbox(ctx)?;
    let (plugin, _) =
        super::store::wait(ctx.registry().load(&sandbox, name, &Backends::default()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let report = super::store::wait(plugin.on_query(
        CallContext { now },
        &Query {
            text,
            incident: None,
            limit: 5,
        },
    ))?;
    show::output(ctx, name, &report.value);
    Ok(())
}

/// Reports a registry change and records it in the audit log as `action` (with the capability).
fn done(
    ctx: &Context,
    result: Result<(), rhyme_runtime::registry::RegistryError>,
    name: &str,
    what: &str,
    (action, capability): (&str, Option<Capability>),
) -> anyhow::Result<()> {
    result?;
    store::audit(
        ctx,
        action,
        name,
        json!({ "capability": capability.map(Capability::name) }),
    )?;
    if ctx.json {
        println!("{}", json!({ "plugin": name, "done": what }));
    } else {
        println!("{name}: {what}");
    }
    Ok(())
}

fn names<'a>(capabilities: impl Iterator<Item = &'a Capability>) -> Vec<&'static str> {
    capabilities.map(|c| c.name()).collect()
}

fn or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
