//! `rhyme serve`: the HTTP API over the incident store. [`router`] builds every route over an
//! [`AppState`] (tests call it without a socket); [`serve_until`] also starts the plugin
//! pipeline (`rhyme-pipeline`) and outbox delivery (`rhyme-sinks`) beside it.
//!
//! | module | job |
//! |---|---|
//! | [`api`] | the `/v1` handlers, one file per resource |
//! | [`access`] | every request counted by route and status; refusals logged, rate-limited |
//! | [`action_items`] | a postmortem's action items as the store keeps them, read by the review lint |
//! | [`auth`] | bearer tokens to a caller with a role |
//! | [`body`] | JSON bodies whose errors name the field at fault |
//! | [`listen`] | accepting connections: the connection cap and the header-read timeout |
//! | [`log_budget`] | at most so many log lines per key and second |
//! | [`ops_metrics`] | `/metrics` beyond the pipeline's: requests, auth failures, outbox, backlog |
//! | [`problem`] | errors as `application/problem+json` |
//! | [`query`] | query strings whose errors name the parameter |
//! | [`time`] | times in requests: epoch milliseconds or RFC 3339 with a zone |
//! | [`openapi`] | the OpenAPI document, from the handlers' annotations |
//! | [`page`] | the reviewer's web page (`/review`), a static page over this API |
//! | [`sections`] | a draft's sections, so one can be re-drafted and spliced in |
//! | [`slack_app`] | the Slack app: nudges posted to the IC, its messages, its answers |
//! | [`state`] | what every handler shares |
//!
//! Every `/v1` route needs a bearer token, except `/v1/ingest/slack`, `/v1/slack/interactions`
//! and `/v1/slack/commands` (Slack's request signature), `/v1/ingest/github` (GitHub's),
//! `/v1/ingest/jira` (Jira's), `/v1/ingest/argocd` (a shared secret) and `/v1/openapi.json`;
//! `/healthz` and `/metrics` need none either.

#![warn(missing_docs)]

pub mod access;
pub mod action_items;
pub mod api;
pub mod auth;
pub mod body;
pub mod listen;
pub mod log_budget;
pub mod openapi;
pub mod ops_metrics;
pub mod page;
pub mod problem;
pub mod query;
pub mod sections;
pub mod slack_app;
pub mod state;
pub mod time;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put};
use rhyme_pipeline::lines::QueueLimits;
use rhyme_pipeline::metrics::Metrics;
use rhyme_pipeline::queue::JobQueue;
use rhyme_pipeline::worker::Worker;
use rhyme_pipeline::{recovery, ticks};
use rhyme_runtime::LoadedPlugin;
use rhyme_sinks::Sinks;
use rhyme_store::Gate;
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;

pub use self::state::AppState;

/// Every route, as (method, path): what the router serves and the OpenAPI document lists.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/incidents"),
    ("GET", "/v1/incidents"),
    ("GET", "/v1/incidents/{id}"),
    ("GET", "/v1/incidents/{id}/timeline"),
    ("GET", "/v1/incidents/{id}/findings"),
    ("POST", "/v1/incidents/{id}/events"),
    ("POST", "/v1/incidents/{id}/series"),
    ("POST", "/v1/ingest/alertmanager"),
    ("POST", "/v1/ingest/slack"),
    ("POST", "/v1/changes"),
    ("POST", "/v1/ingest/github"),
    ("POST", "/v1/ingest/argocd"),
    ("POST", "/v1/incidents/{id}/slack-channel"),
    ("POST", "/v1/slack/interactions"),
    ("POST", "/v1/slack/commands"),
    ("PUT", "/v1/slack/users/{slack_user_id}"),
    ("DELETE", "/v1/slack/users/{slack_user_id}"),
    ("GET", "/v1/incidents/{id}/nudges"),
    ("POST", "/v1/incidents/{id}/nudges/{pattern}/acknowledge"),
    ("POST", "/v1/incidents/{id}/nudges/{pattern}/mute"),
    ("POST", "/v1/incidents/{id}/nudges/{pattern}/unmute"),
    ("GET", "/v1/proposals"),
    ("GET", "/v1/proposals/{id}"),
    ("POST", "/v1/proposals/{id}/approve"),
    ("POST", "/v1/proposals/{id}/edit"),
    ("POST", "/v1/proposals/{id}/reject"),
    ("GET", "/v1/series/{incident}/{file}"),
    ("GET", "/v1/incidents/{id}/plots/movers.svg"),
    ("GET", "/v1/audit"),
    ("GET", "/v1/audit/verify"),
    ("POST", "/v1/seen-before"),
    ("POST", "/v1/seen-before/feedback"),
    ("POST", "/v1/incidents/{id}/drafts"),
    ("POST", "/v1/proposals/{id}/sections/{section}/regenerate"),
    ("POST", "/v1/lint"),
    ("GET", "/v1/me"),
    ("GET", "/v1/actions"),
    ("GET", "/v1/actions/{id}"),
    ("POST", "/v1/actions/{id}/status"),
    ("POST", "/v1/ingest/jira"),
    ("GET", "/v1/themes"),
    ("GET", "/v1/report"),
    ("GET", "/v1/report/plots/{file}"),
    ("POST", "/v1/report/drafts"),
];

/// The routes a sender authenticates by its signature or a shared secret, not a bearer token:
/// no role applies to them, and they read their body as bytes, whatever its content type says.
pub const SIGNED_ROUTES: &[&str] = &[
    "/v1/ingest/slack",
    "/v1/ingest/github",
    "/v1/ingest/jira",
    "/v1/ingest/argocd",
    "/v1/slack/interactions",
    "/v1/slack/commands",
];

/// The API's routes over `state`.
pub fn router(state: AppState) -> Router {
    use api::*;
    let access = Arc::new(access::Access::new(state.ops_metrics().clone()));
    Router::new()
        .route(
            "/v1/incidents",
            post(incidents::create).get(incidents::list),
        )
        .route("/v1/incidents/{id}", get(incidents::get))
        .route("/v1/incidents/{id}/timeline", get(incidents::timeline))
        .route("/v1/incidents/{id}/findings", get(incidents::findings))
        .route("/v1/incidents/{id}/events", post(ingest::events))
        .route("/v1/incidents/{id}/series", post(ingest::series))
        .route("/v1/ingest/alertmanager", post(alertmanager::ingest))
        .route("/v1/ingest/slack", post(slack::ingest))
        .route("/v1/changes", post(changes::record))
        .route("/v1/ingest/github", post(github::ingest))
        .route("/v1/ingest/argocd", post(changes::argocd::ingest))
        .route("/v1/incidents/{id}/slack-channel", post(slack::bind))
        .route("/v1/slack/interactions", post(slack_actions::interactions))
        .route("/v1/slack/commands", post(slack_commands::commands))
        .route(
            "/v1/slack/users/{slack_user_id}",
            put(slack_users::map).delete(slack_users::unmap),
        )
        .route("/v1/incidents/{id}/nudges", get(nudges::list))
        .route(
            "/v1/incidents/{id}/nudges/{pattern}/acknowledge",
            post(nudges::acknowledge),
        )
        .route(
            "/v1/incidents/{id}/nudges/{pattern}/mute",
            post(nudges::mute),
        )
        .route(
            "/v1/incidents/{id}/nudges/{pattern}/unmute",
            post(nudges::unmute),
        )
        .route("/v1/proposals", get(proposals::list))
        .route("/v1/proposals/{id}", get(proposals::get))
        .route("/v1/proposals/{id}/approve", post(proposals::approve))
        .route("/v1/proposals/{id}/edit", post(proposals::edit))
        .route("/v1/proposals/{id}/reject", post(proposals::reject))
        .route("/v1/series/{incident}/{file}", get(plots::svg))
        .route(
            "/v1/incidents/{id}/plots/movers.svg",
            get(plots::movers_svg),
        )
        .route("/v1/audit", get(audit::entries))
        .route("/v1/audit/verify", get(audit::verify))
        .route("/v1/seen-before", post(seen_before::ask))
        .route("/v1/seen-before/feedback", post(seen_before::feedback))
        .route("/v1/incidents/{id}/drafts", post(drafts::request))
        .route(
            "/v1/proposals/{id}/sections/{section}/regenerate",
            post(drafts::regenerate),
        )
        .route("/v1/lint", post(lint::lint))
        .route("/v1/me", get(me::me))
        .route("/v1/actions", get(actions::list))
        .route("/v1/actions/{id}", get(actions::get))
        .route("/v1/actions/{id}/status", post(actions::set_status))
        .route("/v1/ingest/jira", post(trackers::jira))
        .route("/v1/themes", get(themes::list))
        .route("/v1/report", get(report::get))
        .route("/v1/report/plots/{file}", get(report::plot))
        .route("/v1/report/drafts", post(report::draft))
        .merge(page::routes())
        .route("/v1/openapi.json", get(ops::openapi))
        .route("/metrics", get(ops::metrics))
        .route("/healthz", get(ops::health))
        .route("/readyz", get(ops::ready))
        .fallback(|| async {
            problem::ApiError::NotFound {
                what: "route".into(),
                id: "requested".into(),
            }
        })
        .layer(DefaultBodyLimit::max(body::MAX_BODY))
        .layer(CatchPanicLayer::custom(problem::handler_panicked))
        // Outermost, so that it sees every answer, the body limit's refusals and a panicked
        // handler's 500 included.
        .layer(middleware::from_fn_with_state(access, access::observe))
        .with_state(state)
}

/// How `serve` runs.
pub struct ServeConfig {
    /// The address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Events the plugin queue holds, all incidents together and per incident, before
    /// requests get 429.
    pub queue: QueueLimits,
    /// Plugin jobs run at once.
    pub workers: usize,
    /// Wall time between clock ticks for open incidents.
    pub tick_every: Duration,
    /// Wall time between outbox passes that no approval woke (retries, other replicas).
    pub deliver_every: Duration,
    /// The Slack app's signing secret; without one `/v1/ingest/slack` answers 404.
    pub slack_signing_secret: Option<String>,
    /// The Slack app: its bot token (nudges are posted to ICs only with one), its API base,
    /// and the links it puts in messages.
    pub slack_app: Arc<slack_app::SlackApp>,
    /// The signed webhooks' secrets (GitHub, Argo CD, Jira); a webhook without one answers 404.
    pub webhook_secrets: state::WebhookSecrets,
    /// How long a stored plugin job stays this process's without renewal; a crashed process's
    /// jobs are taken over after it.
    pub job_lease: Duration,
    /// The seen-before service (`POST /v1/seen-before`, findings on new incidents), or why
    /// there is none.
    pub seen_before: state::SeenBeforeSetup,
    /// The audit key and anchor file: the log is sealed with them after each decision and
    /// every [`SEAL_EVERY`] while it grows, and `/v1/audit/verify` checks against them.
    pub audit: rhyme_store::audit::Anchors,
    /// How many connections are held at once, and how long a request head may take.
    pub connections: listen::Connections,
}

/// How often the audit log is sealed while it grows: entries newer than the last seal are
/// not yet proven by the key or the anchor file.
pub const SEAL_EVERY: Duration = Duration::from_secs(10);

/// Serves until ctrl-c or SIGTERM, then lets queued plugin jobs finish. Prints the bound
/// address on stdout first (`listening on http://ADDR`), so a caller that asked for port 0
/// learns the port.
pub async fn serve(
    config: ServeConfig,
    gate: Gate,
    sinks: Sinks,
    plugins: Vec<LoadedPlugin>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    serve_until(listener, shutdown_signal(), config, gate, sinks, plugins).await
}

/// Serves on `listener` until `shutdown` completes, then lets queued plugin jobs finish
/// (`config.listen` is not used: the listener is already bound). In-process callers (the
/// ingest benchmark) stop it with a future of their own.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    config: ServeConfig,
    gate: Gate,
    sinks: Sinks,
    plugins: Vec<LoadedPlugin>,
) -> std::io::Result<()> {
    let metrics = Arc::new(Metrics::new());
    let (queue, jobs) = JobQueue::new(config.queue, metrics.clone());
    let queue = queue.with_job_lease(config.job_lease.as_millis().max(1) as i64);
    let plugins = Arc::new(plugins);
    let worker = Worker {
        plugins: plugins.clone(),
        gate: gate.clone(),
        metrics: metrics.clone(),
        concurrency: config.workers,
        seen_before: config.seen_before.clone().ok(),
        lease: queue.lease().clone(),
    };
    let worker = tokio::spawn(worker.run(jobs));
    let ticker = tokio::spawn(ticks::tick(gate.clone(), queue.clone(), config.tick_every));
    let wake_delivery = Arc::new(Notify::new());
    let ops_metrics = Arc::new(ops_metrics::OpsMetrics::new());
    let delivery = tokio::spawn(rhyme_sinks::keep_delivering(
        gate.clone(),
        sinks,
        config.deliver_every,
        wake_delivery.clone(),
        {
            let metrics = ops_metrics.clone();
            move |report: &rhyme_sinks::DeliveryReport| metrics.record_deliveries(report)
        },
    ));
    let recovery = tokio::spawn(recovery::recover(gate.clone(), queue.clone()));
    let slack_posting = tokio::spawn(slack_app::keep_posting(
        gate.clone(),
        config.slack_app.clone(),
        config.deliver_every,
        wake_delivery.clone(),
    ));
    let wake_sealing = Arc::new(Notify::new());
    let sealing = (config.audit.key.is_some() || config.audit.file.is_some()).then(|| {
        tokio::spawn(rhyme_store::audit::keep_sealing(
            gate.store().clone(),
            config.audit.clone(),
            SEAL_EVERY,
            wake_sealing.clone(),
        ))
    });
    let store = gate.store().clone();

    let state = AppState::new(gate, queue, metrics)
        .with_ops_metrics(ops_metrics)
        .with_delivery_wake(wake_delivery)
        .with_seal_wake(wake_sealing)
        .with_slack_secret(config.slack_signing_secret)
        .with_slack_app(config.slack_app)
        .with_webhook_secrets(config.webhook_secrets)
        .with_seen_before(config.seen_before)
        .with_plugins(plugins)
        .with_audit_anchors(config.audit.clone());
    let app = router(state);
    listen::serve(listener, app, config.connections, shutdown).await;

    ticker.abort();
    delivery.abort();
    slack_posting.abort();
    recovery.abort();
    // The router (and with it the last sender) is gone: the worker drains the queue and ends.
    if tokio::time::timeout(Duration::from_secs(30), worker)
        .await
        .is_err()
    {
        tracing::warn!("plugin jobs still running after 30 s; stopping without them");
    }
    if let Some(sealing) = sealing {
        sealing.abort();
        // One last seal, so that everything written up to the stop is anchored.
        if let Err(error) = store.audit().seal(&config.audit).await {
            tracing::warn!(%error, "audit seal at shutdown");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_openapi_document_lists_every_route_and_no_other() {
        let document = openapi::document();
        let mut documented = BTreeSet::new();
        for (path, item) in &document.paths.paths {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            for (method, present) in methods {
                if present {
                    documented.insert((method.to_string(), path.clone()));
                }
            }
        }
        let served: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(documented, served);
    }

    #[test]
    fn a_full_queue_refuses_before_anything_is_stored() {
        let metrics = Arc::new(Metrics::new());
        let (queue, mut jobs) = JobQueue::new(QueueLimits::with_total(1), metrics.clone());
        let place = queue.reserve(Some("i"), 1).expect("one place");
        let refused: problem::ApiError = queue
            .reserve(Some("i"), 1)
            .err()
            .expect("the queue is full")
            .into();
        assert!(
            matches!(refused, problem::ApiError::Busy { retry_after: 2 }),
            "nothing drained yet: {refused:?}"
        );
        place.send(rhyme_pipeline::queue::Job::Tick {
            incident: "i".into(),
            now: 0,
        });
        assert_eq!(
            queue.depth(),
            1,
            "a sent job still holds its place until taken"
        );
        let taken = jobs.try_next().expect("the tick is waiting");
        assert!(
            queue.reserve(Some("i"), 1).is_err(),
            "a running job holds its room"
        );
        drop(taken);
        assert!(
            queue.reserve(Some("i"), 1).is_ok(),
            "finishing the job frees the room"
        );
        assert!(metrics.render().contains("rhyme_queue_rejections_total 2"));
    }
}
