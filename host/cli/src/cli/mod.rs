//! Command-line wiring: readable output by default, `--json` for machines, exit codes that
//! scripts can branch on (see [`exit`]).

mod actions;
mod ask;
mod audit;
#[cfg(feature = "bench")]
mod bench;
mod blame_model;
mod burst;
mod changes;
mod corpus;
mod draft;
mod eval;
mod exit;
mod fit;
mod folds;
mod lint_eval;
mod movers;
mod movers_eval;
mod nudges;
mod openapi;
mod plugin;
mod plugin_test;
mod remote;
mod replay;
mod report;
mod scaffold;
mod seen_before_eval;
mod seen_before_feedback;
mod series;
mod serve;
mod serve_seen_before;
mod show;
mod signature;
mod slack;
mod slack_preview;
mod store;
mod themes;
mod themes_eval;
mod themes_pairs;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::RhymeConfig;

/// Rhyme: sandboxed plugins that help during and after production incidents.
#[derive(Debug, Parser)]
#[command(name = "rhyme", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Data folder: plugin registry, compile cache, stores.
    #[arg(long, global = true, env = "RHYME_DATA", default_value = "data")]
    data: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install, check, enable, grant and call plugins.
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// Name the shape of a metric series and what it usually means.
    Signature(signature::SignatureArgs),
    /// Which of several series moved first, and how much earlier, with an aligned plot.
    Movers(movers::MoversArgs),
    /// Play an incident timeline through the plugins in accelerated time; print what fires.
    Replay(replay::ReplayArgs),
    /// Draft a status update or a postmortem for an incident timeline, as a reviewer sees it.
    Draft(draft::DraftArgs),
    /// Measure quality on a labelled data set; one JSON line per item, then a summary.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Fit what the judgments learn from labelled data (the blame classifier).
    #[command(subcommand)]
    Fit(fit::FitCommand),
    /// Measure and print performance figures.
    #[cfg(feature = "bench")]
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Serve the HTTP API; enabled plugins run on what arrives.
    Serve(serve::ServeArgs),
    /// Print the HTTP API's OpenAPI document (JSON).
    Openapi,
    /// Pull metric series into an incident (from Prometheus); subscribed plugins run on them.
    #[command(subcommand)]
    Series(series::SeriesCommand),
    /// Create, revoke and list API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Map Slack users to token holders, for the Slack app's buttons and commands.
    #[command(subcommand)]
    Slack(slack::SlackCommand),
    /// Check the audit log's hash chain.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Import postmortems for "seen before?".
    #[command(subcommand)]
    Corpus(corpus::CorpusCommand),
    /// Changes (deploys, rollbacks, config, feature flags, infrastructure, freezes): import.
    #[command(subcommand)]
    Changes(changes::ChangesCommand),
    /// Seen before? The past incidents most like what you see, what broke and how it was fixed.
    Ask(ask::AskArgs),
    /// Responders' feedback on seen-before matches: mark, list, export.
    #[command(subcommand, name = "seen-before")]
    SeenBefore(seen_before_feedback::SeenBeforeCommand),
    /// Recurring mechanisms: the postmortems grouped by what broke and why.
    Themes(themes::ThemesArgs),
    /// An incident's nudges through a running server: list, ack, mute, unmute (IC).
    #[command(subcommand)]
    Nudges(nudges::NudgesCommand),
    /// Postmortems' action items through a running server: list, show, set-status.
    #[command(subcommand)]
    Actions(actions::ActionsCommand),
    /// The numbers that matter across incidents over a window: response times, incidents by
    /// severity and service, action items, nudge answers (Markdown, or --json).
    Report(report::ReportArgs),
}

/// Shared by every command.
pub(crate) struct Context {
    pub data: PathBuf,
    pub json: bool,
    /// `<data>/rhyme.toml` with the environment's overrides.
    pub config: RhymeConfig,
}

impl Context {
    /// The data folder's plugin registry, under `rhyme.toml`'s ceilings when it sets them.
    fn registry(&self) -> rhyme_runtime::registry::Registry {
        rhyme_runtime::registry::Registry::open(self.data.join("plugins"))
            .with_ceilings(self.config.ceilings.map(|c| c.limits()))
    }
}

/// Parses arguments, runs the command, maps the outcome to an exit code.
pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let config = match RhymeConfig::load(&cli.data) {
        Ok(config) => config,
        Err(error) => return exit::report(&error, cli.json),
    };
    let ctx = Context {
        data: cli.data,
        json: cli.json,
        config,
    };
    let result = match cli.command {
        Command::Plugin(command) => plugin::run(&ctx, command),
        #[cfg(feature = "bench")]
        Command::Bench(command) => bench::run(&ctx, command),
        Command::Signature(args) => signature::run(&ctx, args),
        Command::Movers(args) => movers::run(&ctx, args),
        Command::Replay(args) => replay::run(&ctx, args),
        Command::Draft(args) => draft::run(&ctx, args),
        Command::Eval(command) => eval::run(&ctx, command),
        Command::Fit(command) => fit::run(&ctx, command),
        Command::Serve(args) => serve::run(&ctx, args),
        Command::Openapi => openapi::run(&ctx),
        Command::Series(command) => series::run(&ctx, command),
        Command::Token(command) => token::run(&ctx, command),
        Command::Slack(command) => slack::run(&ctx, command),
        Command::Audit(command) => audit::run(&ctx, command),
        Command::Corpus(command) => corpus::run(&ctx, command),
        Command::Changes(command) => changes::run(&ctx, command),
        Command::Ask(args) => ask::run(&ctx, args),
        Command::SeenBefore(command) => seen_before_feedback::run(&ctx, command),
        Command::Nudges(command) => nudges::run(&ctx, command),
        Command::Actions(command) => actions::run(&ctx, command),
        Command::Themes(args) => themes::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => exit::report(&error, ctx.json),
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RHYME_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,rhyme::plugin=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
