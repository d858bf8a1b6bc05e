//! `GET /metrics`: the gateway's counters and gauges in the Prometheus text format
//! (prometheus-client), one registry per process.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// The label of `refused`: the error code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Code {
    /// The code (`SIGNATURE_MISMATCH`, `NOT_FOUND`, …).
    pub code: String,
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    /// Requests to the notify path.
    pub received: Counter,
    /// Requests refused, by code.
    pub refused: Family<Code, Counter>,
    /// Events newly stored.
    pub stored: Counter,
    /// Verified callbacks whose id was already in the inbox.
    pub duplicates: Counter,
    /// Events delivered (2xx).
    pub delivered: Counter,
    /// Failed attempts scheduled again.
    pub retried: Counter,
    /// Events dead-lettered.
    pub dead: Counter,
    /// Rejection records dropped because the inbox queue was full.
    pub rejections_dropped: Counter,
    /// Pending events in the inbox (all processes), at the last scrape.
    pub queue_depth: Gauge,
    /// Age of the oldest pending event, at the last scrape.
    pub oldest_pending_age: Gauge<f64, AtomicU64>,
}

impl Metrics {
    /// A registry holding every metric, under the prefix `wechatpay_notify`.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("wechatpay_notify");
        let m = Metrics {
            received: Counter::default(),
            refused: Family::default(),
            stored: Counter::default(),
            duplicates: Counter::default(),
            delivered: Counter::default(),
            retried: Counter::default(),
            dead: Counter::default(),
            rejections_dropped: Counter::default(),
            queue_depth: Gauge::default(),
            oldest_pending_age: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "received",
            "Requests to the notify path",
            m.received.clone(),
        );
        registry.register("refused", "Requests refused, by code", m.refused.clone());
        registry.register(
            "stored",
            "Events newly stored in the inbox",
            m.stored.clone(),
        );
        registry.register(
            "duplicates",
            "Verified callbacks whose notification id was already in the inbox",
            m.duplicates.clone(),
        );
        registry.register("delivered", "Events delivered (2xx)", m.delivered.clone());
        registry.register(
            "retried",
            "Failed deliveries scheduled again",
            m.retried.clone(),
        );
        registry.register("dead", "Events dead-lettered", m.dead.clone());
        registry.register(
            "rejections_dropped",
            "Rejection records not written because the inbox queue was full",
            m.rejections_dropped.clone(),
        );
        registry.register(
            "queue_depth",
            "Pending events in the inbox",
            m.queue_depth.clone(),
        );
        registry.register(
            "oldest_pending_age_seconds",
            "Age of the oldest pending event",
            m.oldest_pending_age.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Counts a refusal.
    pub fn refuse(&self, code: &str) {
        self.refused
            .get_or_create(&Code {
                code: code.to_owned(),
            })
            .inc();
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String does not fail");
        out
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}
