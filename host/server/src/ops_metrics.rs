//! The metrics an operator watches beside the plugin pipeline's (`rhyme_pipeline::metrics`):
//! requests by route and status, authentication failures by reason, outbox deliveries by
//! sink and outcome, and the stored backlog of plugin jobs. `/metrics` serves both sets.
//!
//! Labels come from bounded sets only (route templates, not paths with ids; no metric per
//! incident), so a client cannot grow the exposition by sending odd requests.

use prometheus::core::Collector;
use prometheus::{Gauge, IntCounterVec, IntGauge, Opts, Registry};
use rhyme_sinks::DeliveryReport;
use rhyme_store::jobs::Backlog;

use crate::problem::AUTH_FAILURES;

/// The server's own metrics, in a registry of their own (two servers in one process, as in
/// tests, keep separate counts).
pub struct OpsMetrics {
    registry: Registry,
    requests: IntCounterVec,
    auth_failures: IntCounterVec,
    deliveries: IntCounterVec,
    backlog_jobs: IntGauge,
    backlog_incidents: IntGauge,
    backlog_oldest_age: Gauge,
}

impl OpsMetrics {
    /// Every metric at zero, each authentication failure reason listed.
    pub fn new() -> OpsMetrics {
        let counter = |name: &str, help: &str, labels: &[&str]| {
            IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric")
        };
        let requests = counter(
            "rhyme_http_requests_total",
            "HTTP requests answered, by route template, method and status",
            &["route", "method", "status"],
        );
        let auth_failures = counter(
            "rhyme_auth_failures_total",
            "Requests refused by authentication or authorization, by reason",
            &["reason"],
        );
        for reason in AUTH_FAILURES {
            auth_failures.with_label_values(&[reason]);
        }
        let deliveries = counter(
            "rhyme_outbox_deliveries_total",
            "Outbox delivery attempts, by sink and outcome (delivered, retrying, failed, lease-lost)",
            &["sink", "outcome"],
        );
        let backlog_jobs = IntGauge::new(
            "rhyme_backlog_jobs",
            "Plugin jobs stored and not finished, over every replica (read at scrape)",
        )
        .expect("valid metric");
        let backlog_incidents = IntGauge::new(
            "rhyme_backlog_incidents",
            "Incidents with plugin jobs not finished (read at scrape)",
        )
        .expect("valid metric");
        let backlog_oldest_age = Gauge::new(
            "rhyme_backlog_oldest_age_seconds",
            "How long the oldest unfinished plugin job has waited; 0 when none (read at scrape)",
        )
        .expect("valid metric");
        let registry = Registry::new();
        let collectors: [Box<dyn Collector>; 6] = [
            Box::new(requests.clone()),
            Box::new(auth_failures.clone()),
            Box::new(deliveries.clone()),
            Box::new(backlog_jobs.clone()),
            Box::new(backlog_incidents.clone()),
            Box::new(backlog_oldest_age.clone()),
        ];
        for collector in collectors {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        OpsMetrics {
            registry,
            requests,
            auth_failures,
            deliveries,
            backlog_jobs,
            backlog_incidents,
            backlog_oldest_age,
        }
    }

    /// Counts one answered request.
    pub fn record_request(&self, route: &str, method: &str, status: u16) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
    }

    /// Counts one authentication or authorization failure (a label of [`AUTH_FAILURES`]).
    pub fn record_auth_failure(&self, reason: &str) {
        self.auth_failures.with_label_values(&[reason]).inc();
    }

    /// Counts each attempt of a delivery pass under its sink and outcome.
    pub fn record_deliveries(&self, report: &DeliveryReport) {
        for (sink, outcome) in report.outcomes() {
            self.deliveries.with_label_values(&[sink, outcome]).inc();
        }
    }

    /// Sets the backlog gauges from the store's figures, the age measured at `now_ms`.
    pub fn set_backlog(&self, backlog: &Backlog, now_ms: i64) {
        self.backlog_jobs
            .set(i64::try_from(backlog.jobs).unwrap_or(i64::MAX));
        self.backlog_incidents
            .set(i64::try_from(backlog.incidents).unwrap_or(i64::MAX));
        self.backlog_oldest_age
            .set(backlog.oldest_age_ms(now_ms) as f64 / 1000.0);
    }

    /// The Prometheus text exposition of these metrics.
    pub fn render(&self) -> String {
        rhyme_pipeline::metrics::render_registry(&self.registry)
    }
}

impl Default for OpsMetrics {
    fn default() -> Self {
        OpsMetrics::new()
    }
}
