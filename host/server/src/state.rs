//! What every request handler shares: the store, the approval gate, the plugin queue, the
//! metrics and the seen-before service. Cheap to clone.

use std::sync::Arc;

use rhyme_store::audit::Anchors;
use rhyme_store::{Gate, Store};
use tokio::sync::Notify;

use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_runtime::LoadedPlugin;
use rhyme_seen_before::service::SeenBefore;

use crate::ops_metrics::OpsMetrics;
use crate::slack_app::SlackApp;

const NOT_SET_UP: &str = "seen-before is not set up on this host";

/// What every request handler shares (store, gate, plugin queue, metrics, seen-before, plugins); cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    gate: Gate,
    queue: JobQueue,
    metrics: Arc<Metrics>,
    /// Requests, auth failures, deliveries and backlog: the server's side of `/metrics`.
    ops_metrics: Arc<OpsMetrics>,
    slack_secret: Option<String>,
    /// The Slack app: its bot, its answers to clicks and commands, its links.
    slack_app: Arc<SlackApp>,
    /// The signed webhooks' secrets (GitHub, Argo CD, Jira); a route without one answers 404.
    webhook_secrets: WebhookSecrets,
    /// Notified after each approval, so the delivery loop runs at once instead of on its timer.
    delivery_wake: Arc<Notify>,
    /// Notified after each decision, so the audit log is sealed with the decision in it.
    seal_wake: Arc<Notify>,
    seen_before: SeenBeforeSetup,
    /// The enabled plugins, for calls made on a request's behalf (drafts on request).
    plugins: Arc<Vec<LoadedPlugin>>,
    /// The audit key and anchor file the log is sealed with, and verified against.
    audit_anchors: Anchors,
}

/// The secrets the signed webhooks are checked with.
#[derive(Debug, Clone, Default)]
pub struct WebhookSecrets {
    /// GitHub's webhook secret: `X-Hub-Signature-256` is an HMAC under it.
    pub github: Option<String>,
    /// The secret Argo CD sends in `X-Rhyme-Webhook-Secret`.
    pub argocd: Option<String>,
    /// Jira's webhook secret: `X-Hub-Signature` is an HMAC under it.
    pub jira: Option<String>,
}

/// The seen-before service, or why the host runs without it (said to whoever asks).
pub type SeenBeforeSetup = Result<Arc<SeenBefore>, String>;

impl AppState {
    /// State over `gate` and its store, the plugin queue and the metrics; no Slack secret, seen-before or plugins yet.
    pub fn new(gate: Gate, queue: JobQueue, metrics: Arc<Metrics>) -> AppState {
        let store = gate.store().clone();
        AppState {
            inner: Arc::new(Inner {
                store,
                gate,
                queue,
                metrics,
                ops_metrics: Arc::default(),
                slack_secret: None,
                slack_app: Arc::default(),
                webhook_secrets: WebhookSecrets::default(),
                delivery_wake: Arc::new(Notify::new()),
                seal_wake: Arc::new(Notify::new()),
                seen_before: Err(NOT_SET_UP.into()),
                plugins: Arc::default(),
                audit_anchors: Anchors::default(),
            }),
        }
    }

    /// With the audit key and anchor file (call before the state is shared).
    pub fn with_audit_anchors(mut self, anchors: Anchors) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .audit_anchors = anchors;
        self
    }

    /// The audit key and anchor file that `/v1/audit/verify` checks the chain against.
    pub fn audit_anchors(&self) -> &Anchors {
        &self.inner.audit_anchors
    }

    /// With the server's metrics, shared with the delivery loop that counts into them (call
    /// before the state is shared).
    pub fn with_ops_metrics(mut self, metrics: Arc<OpsMetrics>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .ops_metrics = metrics;
        self
    }

    /// With the Slack app's signing secret (call before the state is shared).
    pub fn with_slack_secret(mut self, secret: Option<String>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .slack_secret = secret.filter(|s| !s.is_empty());
        self
    }

    /// With the signed webhooks' secrets (call before the state is shared); an empty secret
    /// counts as none.
    pub fn with_webhook_secrets(mut self, secrets: WebhookSecrets) -> AppState {
        let keep = |s: Option<String>| s.filter(|s| !s.is_empty());
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .webhook_secrets = WebhookSecrets {
            github: keep(secrets.github),
            argocd: keep(secrets.argocd),
            jira: keep(secrets.jira),
        };
        self
    }

    /// The signed webhooks' secrets.
    pub fn webhook_secrets(&self) -> &WebhookSecrets {
        &self.inner.webhook_secrets
    }

    /// With the delivery loop's wake-up (call before the state is shared).
    pub fn with_delivery_wake(mut self, wake: Arc<Notify>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .delivery_wake = wake;
        self
    }

    /// Tells the delivery loop that something was approved, and the audit sealer that a
    /// decision was made (called after each decision).
    pub fn wake_delivery(&self) {
        self.inner.delivery_wake.notify_one();
        self.inner.seal_wake.notify_one();
    }

    /// With the audit sealer's wake-up (call before the state is shared).
    pub fn with_seal_wake(mut self, wake: Arc<Notify>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .seal_wake = wake;
        self
    }

    /// With the seen-before service, or why there is none (call before the state is shared).
    pub fn with_seen_before(mut self, setup: SeenBeforeSetup) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .seen_before = setup;
        self
    }

    /// The seen-before service, or why there is none.
    pub fn seen_before(&self) -> Result<&Arc<SeenBefore>, &str> {
        self.inner.seen_before.as_ref().map_err(String::as_str)
    }

    /// With the enabled plugins (call before the state is shared).
    pub fn with_plugins(mut self, plugins: Arc<Vec<LoadedPlugin>>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .plugins = plugins;
        self
    }

    /// The enabled plugins, for calls made on a request's behalf.
    pub fn plugins(&self) -> &Arc<Vec<LoadedPlugin>> {
        &self.inner.plugins
    }

    /// With the Slack app (call before the state is shared).
    pub fn with_slack_app(mut self, app: Arc<SlackApp>) -> AppState {
        Arc::get_mut(&mut self.inner)
            .expect("not shared yet")
            .slack_app = app;
        self
    }

    /// The Slack app: its bot (when a token is configured) and its answers.
    pub fn slack_app(&self) -> &Arc<SlackApp> {
        &self.inner.slack_app
    }

    /// The Slack app's signing secret, if one is configured.
    pub fn slack_secret(&self) -> Option<&str> {
        self.inner.slack_secret.as_deref()
    }

    /// The store behind the gate.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The approval gate.
    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }

    /// The plugin job queue.
    pub fn queue(&self) -> &JobQueue {
        &self.inner.queue
    }

    /// The plugin pipeline's Prometheus metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The server's own Prometheus metrics (requests, auth failures, deliveries, backlog).
    pub fn ops_metrics(&self) -> &Arc<OpsMetrics> {
        &self.inner.ops_metrics
    }
}
