//! `rhyme serve`: the HTTP API, with the enabled plugins of the registry running on what
//! arrives, reading the durable store through their `incidents` capability.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::Args;
use rhyme_pipeline::lines::QueueLimits;
use rhyme_pipeline::store_incidents::StoreIncidents;
use rhyme_runtime::capability::backend::Backends;
use rhyme_runtime::{LoadedPlugin, Sandbox};
use rhyme_server::ServeConfig;
use rhyme_sinks::{FileSink, MarkdownSink, Sinks, SlackSink, WebhookSink};
use rhyme_store::{Gate, GateConfig, Store};

use super::{Context, audit, plugin, serve_seen_before, store};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (printed at start).
    #[arg(long, default_value = "127.0.0.1:7878")]
    listen: SocketAddr,
    /// Events waiting for plugins, all incidents together, before ingest answers 429; one
    /// incident may hold a tenth of them, and an incident with nothing waiting always gets in.
    #[arg(long, default_value_t = 100_000)]
    queue: usize,
    /// Plugin jobs run at once.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// Seconds of wall time between clock ticks for open incidents.
    #[arg(long, default_value_t = 60)]
    tick_seconds: u64,
    /// Milliseconds between outbox delivery passes.
    #[arg(long, default_value_t = 1000)]
    deliver_ms: u64,
    /// Deprecated: name sinks in `rhyme.toml`'s `[sinks]` instead. `NAME=file:PATH`,
    /// `NAME=https://...`, `NAME=slack:WEBHOOK_URL` or `NAME=markdown:DIR` (repeatable); a flag
    /// replaces the file's sink of the same name.
    #[arg(long = "sink", value_name = "NAME=TARGET")]
    sinks: Vec<String>,
    /// Deprecated: put the gate's settings in `rhyme.toml`'s `[gate]` instead. A TOML file of
    /// the gate's settings (default `<data>/gate.toml` when it exists and `[gate]` is absent).
    #[arg(long)]
    gate: Option<PathBuf>,
    /// The Slack app's signing secret, for `/v1/ingest/slack` (or `[server]
    /// slack-signing-secret` in `rhyme.toml`, or `RHYME_SLACK_SIGNING_SECRET`).
    #[arg(long, hide_env_values = true)]
    slack_signing_secret: Option<String>,
    /// Seconds a queued plugin job stays this server's without renewal; after a crash, the
    /// jobs it owed are taken over (by it when restarted, or by another replica) this late.
    #[arg(long, default_value_t = 30)]
    job_lease_seconds: u64,
}

pub(super) fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<()> {
    let sandbox = plugin::sandbox(ctx)?;
    store::runtime()?.block_on(async move {
        let db = store::open(ctx).await?;
        let gate = Gate::new(db.clone(), gate_config(ctx, args.gate.as_deref())?)
            .with_action_items(rhyme_server::action_items::reader());
        let sinks = sinks(ctx, &args.sinks)?;
        let slack_signing_secret = args
            .slack_signing_secret
            .or_else(|| ctx.config.server.slack_signing_secret.clone());
        let backends = store_backends(&db);
        // Compiling (or loading from the cache) and the model's load run here, on the
        // runtime, before anything is served: there is nothing yet for them to hold up.
        let plugins = load_plugins(ctx, &sandbox, &backends).await?;
        let seen_before = serve_seen_before::setup(ctx, &sandbox, &backends).await;
        if let Err(why) = &seen_before {
            eprintln!("seen-before: off ({why})");
        }
        let names: Vec<String> = plugins
            .iter()
            .map(|p| format!("{} {}", p.name(), p.manifest().version))
            .collect();
        eprintln!(
            "plugins: {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        if let Some(mode) = db.synchronous().await.context("reading the store's mode")? {
            eprintln!("store: SQLite, synchronous = {mode} (README, \"Durability\")");
        }
        let connections = ctx.config.server.connections()?;
        let audit = audit::anchors(ctx, None, None)?;
        eprintln!("{}", audit::describe_sealing(&audit));
        let config = ServeConfig {
            listen: args.listen,
            queue: QueueLimits::with_total(args.queue),
            workers: args.workers,
            tick_every: Duration::from_secs(args.tick_seconds.max(1)),
            deliver_every: Duration::from_millis(args.deliver_ms.max(10)),
            slack_signing_secret,
            slack_app: std::sync::Arc::new(
                ctx.config
                    .slack
                    .app(ctx.config.server.public_url.as_deref())?,
            ),
            webhook_secrets: rhyme_server::state::WebhookSecrets {
                github: ctx.config.server.github_webhook_secret.clone(),
                argocd: ctx.config.server.argocd_webhook_secret.clone(),
                jira: ctx.config.server.jira_webhook_secret.clone(),
            },
            job_lease: Duration::from_secs(args.job_lease_seconds.max(1)),
            seen_before,
            audit,
            connections,
        };
        rhyme_server::serve(config, gate, sinks, plugins)
            .await
            .context("serving")?;
        db.close().await;
        Ok(())
    })
}

/// The `incidents` capability answered from `db`.
pub(super) fn store_backends(db: &Store) -> Backends {
    Backends {
        incidents: Some(Arc::new(StoreIncidents::new(db.clone()))),
        ..Backends::default()
    }
}

/// The registry's enabled plugins with `base`'s capabilities, plus the `llm` endpoint when
/// one is configured. Plugins that fail to load are named on stderr.
pub(super) async fn load_plugins(
    ctx: &Context,
    sandbox: &Sandbox,
    base: &Backends,
) -> anyhow::Result<Vec<LoadedPlugin>> {
    let backends = Backends {
        chat: rhyme_capabilities::openai_chat::backend(ctx.config.llm()?)?,
        ..base.clone()
    };
    let registry = ctx.registry();
    let (plugins, refused) = registry.load_enabled(sandbox, &backends).await?;
    for error in &refused {
        eprintln!("warning: {error}");
    }
    Ok(plugins)
}

/// The gate's settings: `rhyme.toml`'s `[gate]`; else, deprecated, `--gate FILE` or
/// `<data>/gate.toml`; else the defaults.
pub(super) fn gate_config(
    ctx: &Context,
    path: Option<&std::path::Path>,
) -> anyhow::Result<GateConfig> {
    if let Some(gate) = &ctx.config.gate {
        if path.is_some() {
            bail!("--gate and rhyme.toml's [gate] both set the gate: keep [gate] only");
        }
        return Ok(gate.clone());
    }
    let default = ctx.data.join("gate.toml");
    let path = match path {
        Some(path) => path.to_path_buf(),
        None if default.is_file() => default,
        None => return Ok(GateConfig::default()),
    };
    eprintln!(
        "warning: {} is deprecated and read for this release only: move its settings to [gate] in {} (kebab-case keys: two-person, expiry-ms, default-sink, [gate.routes])",
        path.display(),
        ctx.data.join(crate::config::FILE_NAME).display()
    );
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// The sinks of `rhyme.toml`'s `[sinks]`, replaced by name by deprecated `--sink` flags;
/// with none at all, `default` appends to `<data>/outbox.jsonl`.
fn sinks(ctx: &Context, flags: &[String]) -> anyhow::Result<Sinks> {
    let mut targets: Vec<(String, String, String)> = ctx
        .config
        .sinks
        .iter()
        .map(|(name, target)| (name.clone(), target.clone(), format!("[sinks] {name}")))
        .collect();
    if !flags.is_empty() {
        eprintln!("warning: --sink is deprecated: name sinks in [sinks] of rhyme.toml instead");
    }
    for spec in flags {
        let Some((name, target)) = spec.split_once('=') else {
            bail!("--sink `{spec}`: write NAME=file:PATH or NAME=URL");
        };
        targets.retain(|(n, _, _)| n != name);
        targets.push((name.into(), target.into(), format!("--sink `{spec}`")));
    }
    if targets.is_empty() {
        return Ok(Sinks::new().with("default", FileSink::new(ctx.data.join("outbox.jsonl"))));
    }
    let mut sinks = Sinks::new();
    for (name, target, origin) in targets {
        sinks = add_sink(ctx, sinks, &name, &target).with_context(|| origin)?;
    }
    Ok(sinks)
}

fn add_sink(ctx: &Context, sinks: Sinks, name: &str, target: &str) -> anyhow::Result<Sinks> {
    if let Some(url) = target.strip_prefix("slack:") {
        return Ok(sinks.with(name, slack_sink(ctx, url)?));
    }
    if let Some(dir) = target.strip_prefix("markdown:") {
        return Ok(sinks.with(name, MarkdownSink::new(dir)));
    }
    Ok(match target.strip_prefix("file:") {
        Some(path) => sinks.with(name, FileSink::new(path)),
        None if target.starts_with("http://") || target.starts_with("https://") => {
            sinks.with(name, WebhookSink::new(target)?)
        }
        None => bail!(
            "the target `{target}` must be file:PATH, markdown:DIR, slack:URL or an http(s) URL"
        ),
    })
}

/// A Slack incoming-webhook sink; its messages link to the incident under the server's public
/// URL when one is configured.
fn slack_sink(ctx: &Context, url: &str) -> anyhow::Result<SlackSink> {
    let sink = SlackSink::new(url)?;
    Ok(match ctx.config.server.public_url.as_deref() {
        Some(base) if !base.trim().is_empty() => sink.linking_to(base),
        _ => sink,
    })
}
