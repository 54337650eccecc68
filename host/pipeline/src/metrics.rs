//! The host's own Prometheus metrics (`GET /metrics`): plugin calls by outcome, their
//! durations, limit hits by limit, and how deep the plugin queue is.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

use rhyme_runtime::PluginError;

/// Every metric the server exports, in a registry of its own (not the process-global one,
/// so two servers in one process do not share counts).
pub struct Metrics {
    registry: Registry,
    calls: IntCounterVec,
    durations: HistogramVec,
    limit_hits: IntCounterVec,
    /// `rhyme_queue_depth`: plugin jobs queued or reserved, set by the queue and the worker.
    pub queue_depth: IntGauge,
    /// `rhyme_queue_rejections_total`: requests answered 429 because the queue was full.
    pub queue_rejections: IntCounter,
}

impl Metrics {
    /// Creates every metric at zero in a fresh registry.
    pub fn new() -> Metrics {
        let calls = IntCounterVec::new(
            Opts::new(
                "rhyme_plugin_calls_total",
                "Plugin handler calls, by plugin, trigger and outcome",
            ),
            &["plugin", "trigger", "outcome"],
        )
        .expect("valid metric");
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "rhyme_plugin_call_duration_seconds",
                "Wall time of plugin handler calls",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["plugin"],
        )
        .expect("valid metric");
        let limit_hits = IntCounterVec::new(
            Opts::new(
                "rhyme_plugin_limit_hits_total",
                "Plugin calls stopped by a sandbox limit, by limit",
            ),
            &["plugin", "limit"],
        )
        .expect("valid metric");
        let queue_depth = IntGauge::new("rhyme_queue_depth", "Plugin jobs waiting in the queue")
            .expect("valid metric");
        let queue_rejections = IntCounter::new(
            "rhyme_queue_rejections_total",
            "Requests answered 429 because the plugin queue was full",
        )
        .expect("valid metric");
        let registry = Registry::new();
        for metric in [
            Box::new(calls.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(durations.clone()),
            Box::new(limit_hits.clone()),
            Box::new(queue_depth.clone()),
            Box::new(queue_rejections.clone()),
        ] {
            registry.register(metric).expect("metric names are unique");
        }
        Metrics {
            registry,
            calls,
            durations,
            limit_hits,
            queue_depth,
            queue_rejections,
        }
    }

    /// Records one plugin call.
    pub fn record_call(
        &self,
        plugin: &str,
        trigger: &str,
        duration: Duration,
        result: Result<(), &PluginError>,
    ) {
        let outcome = match result {
            Ok(()) => "ok",
            Err(PluginError::LimitExceeded { limit, .. }) => {
                self.limit_hits
                    .with_label_values(&[plugin, &limit.to_string()])
                    .inc();
                "limit"
            }
            Err(_) => "error",
        };
        self.calls
            .with_label_values(&[plugin, trigger, outcome])
            .inc();
        self.durations
            .with_label_values(&[plugin])
            .observe(duration.as_secs_f64());
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        render_registry(&self.registry)
    }
}

/// The Prometheus text exposition of every metric in `registry`; the server renders its own
/// registry (`rhyme_server::ops_metrics`) with it too, so both halves of `/metrics` are
/// written the same way.
pub fn render_registry(registry: &Registry) -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut out)
        .expect("text encoding cannot fail");
    String::from_utf8(out).expect("the text format is UTF-8")
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
