//! `rhyme.toml`: the operator's one configuration file, in the data folder. Backends (model
//! folder, vector index, LLM endpoint), the store's database, sinks, the approval gate and the
//! sandbox's ceilings, in kebab-case; unknown keys are refused with the file, line and key.
//! Environment variables override single values: `RHYME_MODEL_DIR` (`model.dir`),
//! `RHYME_MODEL_PRECISION` (`model.precision`),
//! `RHYME_QDRANT_URL`, `_API_KEY`, `_QUESTION_TIMEOUT_S` and `_IMPORT_TIMEOUT_S`
//! (`vectors.*`), `RHYME_LLM_URL`, `_MODEL`,
//! `_API_KEY` and `_TIMEOUT_S` (`llm.*`), `RHYME_DATABASE_URL` (`store.database-url`),
//! `RHYME_PUBLIC_URL`, `RHYME_SLACK_SIGNING_SECRET`, `RHYME_GITHUB_WEBHOOK_SECRET` and
//! `RHYME_ARGOCD_WEBHOOK_SECRET` (`server.*`), `RHYME_SLACK_BOT_TOKEN` and
//! `RHYME_SLACK_API_BASE` (`slack.*`). Only this binary reads
//! the file or the environment: library crates get plain values.
//!
//! ```toml
//! [model]
//! dir = "/opt/rhyme/all-MiniLM-L6-v2"
//! precision = "float32"
//!
//! [vectors]
//! qdrant-url = "http://qdrant:6334"
//!
//! [llm]
//! url = "http://127.0.0.1:8000/v1"
//! model = "qwen2.5-7b-instruct"
//! timeout-s = 20
//!
//! [sinks]
//! pager = "https://pager.example/hook"
//! postmortems = "markdown:/srv/wiki/postmortems"
//!
//! [gate]
//! two-person = ["rollback"]
//! expiry-ms = 3600000
//! default-sink = "pager"
//! [gate.routes]
//! draft-postmortem = "postmortems"
//!
//! [ceilings]
//! deadline-ms = 10000
//! memory-mib = 512
//!
//! [store]
//! synchronous = "full"
//!
//! [audit]
//! key-file = "/etc/rhyme/audit.key"
//! anchor-file = "/var/log/rhyme/audit-anchor.jsonl"
//!
//! [slack]
//! bot-token = "xoxb-…"
//!
//! [server]
//! max-connections = 4096
//! header-read-timeout-ms = 5000
//! max-points-per-series = 200000
//! max-events-per-incident = 20000
//! ```
//!
//! `[audit]` paths are relative to the data folder; `RHYME_AUDIT_KEY_FILE` and
//! `RHYME_AUDIT_ANCHOR_FILE` override them.
//!
//! The files of earlier releases still work for this release, with a warning: `gate.toml`
//! (snake_case keys) when `rhyme.toml` has no `[gate]`, and `--sink` flags beside `[sinks]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use rhyme_capabilities::local_embedder::Precision;
use rhyme_runtime::manifest::Limits;
use rhyme_runtime::operator::OperatorConfig;
use rhyme_store::GateConfig;
use serde::Deserialize;

/// The file's name in the data folder.
pub(crate) const FILE_NAME: &str = "rhyme.toml";

/// The whole file; every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RhymeConfig {
    #[serde(default)]
    pub model: ModelSection,
    #[serde(default)]
    pub vectors: VectorsSection,
    #[serde(default)]
    pub llm: LlmSection,
    #[serde(default)]
    pub store: StoreSection,
    #[serde(default)]
    pub server: ServerSection,
    /// Sinks by name: `file:PATH`, `markdown:DIR`, `slack:WEBHOOK_URL` or an http(s) URL.
    #[serde(default)]
    pub sinks: BTreeMap<String, String>,
    /// The approval gate: two-person kinds, expiry, routes, default sink.
    pub gate: Option<GateConfig>,
    /// The most any plugin may be given; unset, `plugins/operator.toml`'s.
    pub ceilings: Option<CeilingsSection>,
    /// Where the audit log is anchored outside the database: the key and the anchor file.
    #[serde(default)]
    pub audit: AuditSection,
    /// The Slack app's bot: its token and the API it calls.
    #[serde(default)]
    pub slack: SlackSection,
}

/// The Slack app's bot (nudges to the IC, answers in channels). The signing secret that
/// checks Slack's requests stays `[server] slack-signing-secret`.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct SlackSection {
    /// The Bot User OAuth Token (`xoxb-…`); without one nothing is posted.
    pub bot_token: Option<String>,
    /// Slack's Web API; `https://slack.com/api` unless set (tests point it at a fake).
    pub api_base: Option<String>,
}

/// Never shows the token, only whether one is set.
impl std::fmt::Debug for SlackSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackSection")
            .field("bot_token", &self.bot_token.as_ref().map(|_| "(set)"))
            .field("api_base", &self.api_base)
            .finish()
    }
}

impl SlackSection {
    /// The Slack app as configured, linking to `public_url`.
    pub(crate) fn app(
        &self,
        public_url: Option<&str>,
    ) -> anyhow::Result<rhyme_server::slack_app::SlackApp> {
        let token = self
            .bot_token
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(rhyme_sinks::BotToken::new)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{FILE_NAME}: [slack] {e}"))?;
        let base = self
            .api_base
            .as_deref()
            .unwrap_or(rhyme_sinks::slack_api::DEFAULT_API_BASE);
        rhyme_server::slack_app::SlackApp::new(base, token, public_url.map(str::to_string))
            .map_err(|e| anyhow::anyhow!("{FILE_NAME}: [slack] {e}"))
    }
}

/// The audit log's anchors outside the database (see `rhyme audit`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct AuditSection {
    /// The audit key's file; unset, `<data>/audit.key` when it exists.
    pub key_file: Option<PathBuf>,
    /// The file seals are appended to; unset, `<data>/audit-anchor.jsonl`.
    pub anchor_file: Option<PathBuf>,
}

/// The sandbox's ceilings; a key left out keeps the built-in ceiling.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct CeilingsSection {
    pub deadline_ms: Option<u64>,
    pub fuel: Option<u64>,
    pub memory_mib: Option<u64>,
    pub table_elements: Option<u64>,
    pub output_kib: Option<u64>,
}

impl CeilingsSection {
    /// These ceilings over the built-in ones.
    pub(crate) fn limits(self) -> Limits {
        let base = OperatorConfig::default().ceilings;
        Limits {
            deadline_ms: self.deadline_ms.unwrap_or(base.deadline_ms),
            fuel: self.fuel.unwrap_or(base.fuel),
            memory_mib: self.memory_mib.unwrap_or(base.memory_mib),
            table_elements: self.table_elements.unwrap_or(base.table_elements),
            output_kib: self.output_kib.unwrap_or(base.output_kib),
        }
    }
}

/// Where the embedding model's files are, and the precision it runs in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ModelSection {
    pub dir: Option<PathBuf>,
    /// `int8` (the default: faster, ranks as well; see models/README.md) or `float32` (the
    /// same vectors as sentence-transformers).
    pub precision: Option<Precision>,
}

/// Which vector index backs `vector-search`: Qdrant when a URL is given, else the exact index
/// in the data folder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct VectorsSection {
    pub qdrant_url: Option<String>,
    pub qdrant_api_key: Option<String>,
    /// Seconds each Qdrant read of a question may take (default 3).
    pub qdrant_question_timeout_s: Option<u64>,
    /// Seconds each Qdrant write of an import may take (default 60).
    pub qdrant_import_timeout_s: Option<u64>,
}

/// An OpenAI-compatible chat-completions endpoint behind `llm`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LlmSection {
    pub url: Option<String>,
    pub model: Option<String>,
    pub api_key: Option<String>,
    pub timeout_s: Option<u64>,
}

/// The incident store: `<data>/rhyme.db` (SQLite) unless a database URL is given.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct StoreSection {
    pub database_url: Option<String>,
    /// SQLite's `synchronous` mode, `"normal"` (the default) or `"full"`: what a power cut
    /// may take back (README, "Durability"); refused with a PostgreSQL URL.
    pub synchronous: Option<rhyme_store::Synchronous>,
}

/// `rhyme serve`'s outward-facing settings, and the limits an operator may tune; a limit left
/// out keeps its default (`rhyme_server::listen`, `rhyme_store::limits`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ServerSection {
    /// Where people reach this server (links in Slack messages).
    pub public_url: Option<String>,
    /// The Slack app's signing secret, for `/v1/ingest/slack`.
    pub slack_signing_secret: Option<String>,
    /// GitHub's webhook secret, for `/v1/ingest/github` (`deployment_status`; `issues` closed move action items).
    pub github_webhook_secret: Option<String>,
    /// The shared secret Argo CD sends in `X-Rhyme-Webhook-Secret`, for `/v1/ingest/argocd`.
    pub argocd_webhook_secret: Option<String>,
    /// Jira's webhook secret, for `/v1/ingest/jira` (issues done move action items).
    pub jira_webhook_secret: Option<String>,
    /// Connections held open at once; more wait to be accepted.
    pub max_connections: Option<usize>,
    /// Milliseconds a connection may take to send a request's line and headers (and may sit
    /// idle between requests) before it is closed.
    pub header_read_timeout_ms: Option<u64>,
    /// Points one series of an incident may hold, over every post.
    pub max_points_per_series: Option<usize>,
    /// Timeline events one incident may hold, over every batch.
    pub max_events_per_incident: Option<usize>,
}

impl ServerSection {
    /// The connection cap and header-read timeout.
    pub(crate) fn connections(&self) -> anyhow::Result<rhyme_server::listen::Connections> {
        let base = rhyme_server::listen::Connections::default();
        Ok(rhyme_server::listen::Connections {
            max: at_least_one("max-connections", self.max_connections)?.unwrap_or(base.max),
            header_read_timeout: at_least_one(
                "header-read-timeout-ms",
                self.header_read_timeout_ms,
            )?
            .map_or(base.header_read_timeout, std::time::Duration::from_millis),
        })
    }

    /// What one incident may accumulate in the store.
    pub(crate) fn store_limits(&self) -> anyhow::Result<rhyme_store::Limits> {
        let base = rhyme_store::Limits::default();
        Ok(rhyme_store::Limits {
            points_per_series: at_least_one("max-points-per-series", self.max_points_per_series)?
                .unwrap_or(base.points_per_series),
            events_per_incident: at_least_one(
                "max-events-per-incident",
                self.max_events_per_incident,
            )?
            .unwrap_or(base.events_per_incident),
        })
    }
}

/// `value`, unless it is 0: a limit of nothing would refuse everything.
fn at_least_one<T: PartialEq + From<u8>>(key: &str, value: Option<T>) -> anyhow::Result<Option<T>> {
    if value == Some(T::from(0)) {
        bail!(
            "{FILE_NAME}: [server] {key} = 0 would refuse everything; leave it out for the default"
        );
    }
    Ok(value)
}

impl RhymeConfig {
    /// Reads `<data>/rhyme.toml` (none is the default configuration), then applies the
    /// environment's overrides.
    pub(crate) fn load(data: &Path) -> anyhow::Result<RhymeConfig> {
        let path = data.join(FILE_NAME);
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => parse(&text, &path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => RhymeConfig::default(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        config.apply(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))?;
        Ok(config)
    }

    /// Overrides values with those `get` finds under the environment variables' names.
    fn apply(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let set = |slot: &mut Option<String>, var: &str| {
            if let Some(value) = get(var) {
                *slot = Some(value);
            }
        };
        if let Some(dir) = get("RHYME_MODEL_DIR") {
            self.model.dir = Some(PathBuf::from(dir));
        }
        if let Some(text) = get("RHYME_MODEL_PRECISION") {
            let precision = text
                .parse::<Precision>()
                .with_context(|| format!("RHYME_MODEL_PRECISION=`{text}`"))?;
            self.model.precision = Some(precision);
        }
        set(&mut self.vectors.qdrant_url, "RHYME_QDRANT_URL");
        set(&mut self.vectors.qdrant_api_key, "RHYME_QDRANT_API_KEY");
        set(&mut self.llm.url, "RHYME_LLM_URL");
        set(&mut self.llm.model, "RHYME_LLM_MODEL");
        set(&mut self.llm.api_key, "RHYME_LLM_API_KEY");
        let seconds = |var: &str, slot: &mut Option<u64>| -> anyhow::Result<()> {
            if let Some(text) = get(var) {
                let seconds = text.trim().parse::<u64>().ok().filter(|s| *s > 0);
                let Some(seconds) = seconds else {
                    bail!("{var}=`{text}`: write whole seconds, e.g. 30");
                };
                *slot = Some(seconds);
            }
            Ok(())
        };
        seconds("RHYME_LLM_TIMEOUT_S", &mut self.llm.timeout_s)?;
        seconds(
            "RHYME_QDRANT_QUESTION_TIMEOUT_S",
            &mut self.vectors.qdrant_question_timeout_s,
        )?;
        seconds(
            "RHYME_QDRANT_IMPORT_TIMEOUT_S",
            &mut self.vectors.qdrant_import_timeout_s,
        )?;
        set(&mut self.store.database_url, "RHYME_DATABASE_URL");
        set(&mut self.server.public_url, "RHYME_PUBLIC_URL");
        set(
            &mut self.server.slack_signing_secret,
            "RHYME_SLACK_SIGNING_SECRET",
        );
        set(&mut self.slack.bot_token, "RHYME_SLACK_BOT_TOKEN");
        set(&mut self.slack.api_base, "RHYME_SLACK_API_BASE");
        set(
            &mut self.server.github_webhook_secret,
            "RHYME_GITHUB_WEBHOOK_SECRET",
        );
        set(
            &mut self.server.argocd_webhook_secret,
            "RHYME_ARGOCD_WEBHOOK_SECRET",
        );
        set(
            &mut self.server.jira_webhook_secret,
            "RHYME_JIRA_WEBHOOK_SECRET",
        );
        if let Some(path) = get("RHYME_AUDIT_KEY_FILE") {
            self.audit.key_file = Some(PathBuf::from(path));
        }
        if let Some(path) = get("RHYME_AUDIT_ANCHOR_FILE") {
            self.audit.anchor_file = Some(PathBuf::from(path));
        }
        Ok(())
    }

    /// The Qdrant server to keep vectors in, if one is configured.
    pub(crate) fn qdrant(&self) -> Option<rhyme_capabilities::vectors::QdrantServer> {
        let url = self.vectors.qdrant_url.as_deref()?.trim();
        if url.is_empty() {
            return None;
        }
        let api_key = self
            .vectors
            .qdrant_api_key
            .clone()
            .filter(|k| !k.is_empty());
        let mut server = rhyme_capabilities::vectors::QdrantServer::new(url, api_key);
        // Zero would fail every call: the file's 0 is read as "not set", like the variable's.
        let seconds = |s: Option<u64>| s.filter(|s| *s > 0).map(std::time::Duration::from_secs);
        if let Some(t) = seconds(self.vectors.qdrant_question_timeout_s) {
            server.question_timeout = t;
        }
        if let Some(t) = seconds(self.vectors.qdrant_import_timeout_s) {
            server.import_timeout = t;
        }
        Some(server)
    }

    /// The precision the embedding model runs in: configured, else int8 (the default).
    pub(crate) fn model_precision(&self) -> Precision {
        self.model.precision.unwrap_or_default()
    }

    /// The embedding model's folder: configured, else the default search.
    pub(crate) fn model_dir(&self) -> PathBuf {
        self.model
            .dir
            .clone()
            .unwrap_or_else(rhyme_capabilities::local_embedder::default_model_dir)
    }

    /// The `llm` endpoint's settings, checked; `None` when none is configured.
    pub(crate) fn llm(
        &self,
    ) -> Result<
        Option<rhyme_capabilities::openai_chat::LlmConfig>,
        rhyme_capabilities::openai_chat::ConfigError,
    > {
        let llm = &self.llm;
        rhyme_capabilities::openai_chat::LlmConfig::from_lookup(|name| match name {
            "RHYME_LLM_URL" => llm.url.clone(),
            "RHYME_LLM_MODEL" => llm.model.clone(),
            "RHYME_LLM_API_KEY" => llm.api_key.clone(),
            "RHYME_LLM_TIMEOUT_S" => llm.timeout_s.map(|s| s.to_string()),
            _ => None,
        })
    }
}

fn parse(text: &str, path: &Path) -> anyhow::Result<RhymeConfig> {
    let config: RhymeConfig = rhyme_runtime::toml_file::parse(text, path)?;
    if let Some((key, message)) = config.ceilings.and_then(|c| c.limits().problem()) {
        bail!("{}: [ceilings] {key} {message}", path.display());
    }
    Ok(config)
}

#[cfg(test)]
#[path = "config_proptests.rs"]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case_sections_are_read() {
        let text = "[llm]\nurl = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\ntimeout-s = 5\n\
                    [gate]\ntwo-person = [\"rollback\"]\ndefault-sink = \"pager\"\n\
                    [sinks]\npager = \"file:/tmp/x\"\n[ceilings]\nmemory-mib = 64\n";
        let config = parse(text, Path::new("rhyme.toml")).unwrap();
        let llm = config.llm().unwrap().unwrap();
        assert_eq!(llm.timeout.as_secs(), 5);
        let gate = config.gate.unwrap();
        assert!(gate.two_person.contains("rollback"));
        assert_eq!(gate.default_sink, "pager");
        let ceilings = config.ceilings.unwrap().limits();
        assert_eq!(ceilings.memory_mib, 64);
        assert_eq!(
            ceilings.deadline_ms,
            OperatorConfig::default().ceilings.deadline_ms,
            "a key left out keeps the built-in ceiling"
        );
        assert_eq!(config.sinks["pager"], "file:/tmp/x");
    }

    #[test]
    fn server_limits_are_read_and_default_when_left_out() {
        let text = "[server]\nmax-connections = 8\nheader-read-timeout-ms = 250\n\
                    max-points-per-series = 500\n";
        let server = parse(text, Path::new("rhyme.toml")).unwrap().server;
        let connections = server.connections().unwrap();
        assert_eq!(connections.max, 8);
        assert_eq!(connections.header_read_timeout.as_millis(), 250);
        let limits = server.store_limits().unwrap();
        assert_eq!(limits.points_per_series, 500);
        assert_eq!(
            limits.events_per_incident,
            rhyme_store::limits::DEFAULT_MAX_EVENTS_PER_INCIDENT
        );
        let defaults = RhymeConfig::default().server;
        assert_eq!(
            defaults.connections().unwrap(),
            rhyme_server::listen::Connections::default()
        );
        let zero = parse("[server]\nmax-connections = 0\n", Path::new("rhyme.toml"));
        let error = zero.unwrap().server.connections().unwrap_err().to_string();
        assert!(error.contains("max-connections = 0"), "{error}");
    }

    #[test]
    fn the_store_synchronous_mode_is_read_and_only_known_modes_are_accepted() {
        let path = Path::new("rhyme.toml");
        let full = parse("[store]\nsynchronous = \"full\"\n", path).unwrap();
        assert_eq!(full.store.synchronous, Some(rhyme_store::Synchronous::Full));
        assert_eq!(RhymeConfig::default().store.synchronous, None);
        let error = parse("[store]\nsynchronous = \"off\"\n", path)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("rhyme.toml:2:") && error.contains("normal"),
            "{error}"
        );
    }

    #[test]
    fn the_model_precision_is_read_from_the_file_or_the_environment() {
        let path = Path::new("rhyme.toml");
        assert_eq!(RhymeConfig::default().model_precision(), Precision::Int8);
        let mut quantised = parse("[model]\nprecision = \"float32\"\n", path).unwrap();
        assert_eq!(quantised.model_precision(), Precision::Float32);
        quantised
            .apply(|name| (name == "RHYME_MODEL_PRECISION").then(|| "int8".to_string()))
            .unwrap();
        assert_eq!(quantised.model_precision(), Precision::Int8);
        let error = parse("[model]\nprecision = \"int4\"\n", path)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("rhyme.toml:2:") && error.contains("float32"),
            "{error}"
        );
        let error = RhymeConfig::default()
            .apply(|name| (name == "RHYME_MODEL_PRECISION").then(|| "half".to_string()))
            .unwrap_err();
        assert!(
            format!("{error:#}").contains("RHYME_MODEL_PRECISION=`half`"),
            "{error:#}"
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let text = "[model]\ndir = \"m\"\n\n[vectors]\nqdrant-ulr = \"http://q:6334\"\n";
        let error = parse(text, Path::new("data/rhyme.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("data/rhyme.toml:5:") && error.contains("qdrant-ulr"),
            "{error}"
        );
    }

    #[test]
    fn a_ceiling_of_zero_is_refused_with_its_key() {
        let error = parse("[ceilings]\nfuel = 0\n", Path::new("data/rhyme.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("data/rhyme.toml: [ceilings] fuel must be greater than zero"),
            "{error}"
        );
    }

    #[test]
    fn the_slack_bot_is_read_from_the_file_or_the_environment_and_never_printed() {
        let mut config = parse(
            "[slack]\nbot-token = \"xoxb-file-secret\"\napi-base = \"http://127.0.0.1:9/api\"\n",
            Path::new("rhyme.toml"),
        )
        .unwrap();
        assert!(config.slack.app(None).unwrap().api().is_some());
        assert!(!format!("{config:?}").contains("file-secret"), "{config:?}");
        config
            .apply(|name| (name == "RHYME_SLACK_BOT_TOKEN").then(|| "not-a-token".to_string()))
            .unwrap();
        let error = config.slack.app(None).unwrap_err().to_string();
        assert!(
            error.starts_with("rhyme.toml: [slack] bot-token:"),
            "{error}"
        );
        assert!(!error.contains("not-a-token"), "{error}");
        let none = parse("", Path::new("rhyme.toml")).unwrap();
        assert!(
            none.slack.app(None).unwrap().api().is_none(),
            "no token, no bot"
        );
        assert!(
            parse("[slack]\nbot-tokn = \"x\"\n", Path::new("rhyme.toml")).is_err(),
            "an unknown key is refused"
        );
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let mut config = parse(
            "[vectors]\nqdrant-url = \"http://file:6334\"\n",
            Path::new("rhyme.toml"),
        )
        .unwrap();
        config
            .apply(|name| (name == "RHYME_QDRANT_URL").then(|| "http://env:6334".to_string()))
            .unwrap();
        assert_eq!(config.qdrant().unwrap().url, "http://env:6334");
        assert_eq!(
            config.qdrant().unwrap().question_timeout,
            rhyme_capabilities::vectors::DEFAULT_QUESTION_TIMEOUT
        );
        config
            .apply(|name| (name == "RHYME_QDRANT_QUESTION_TIMEOUT_S").then(|| "2".to_string()))
            .unwrap();
        assert_eq!(config.qdrant().unwrap().question_timeout.as_secs(), 2);
        assert!(
            config
                .apply(|name| (name == "RHYME_QDRANT_IMPORT_TIMEOUT_S").then(|| "0".to_string()))
                .is_err()
        );
        assert!(
            config
                .apply(|name| (name == "RHYME_LLM_TIMEOUT_S").then(|| "soon".to_string()))
                .is_err()
        );
    }
}
