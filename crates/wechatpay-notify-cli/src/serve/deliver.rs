//! The delivery worker: leases due events from the inbox, POSTs each as a Standard Webhooks
//! message to its route, and records the outcome (delivered; retried after an exponential
//! backoff with jitter; or dead-lettered) (`docs/gateway.md`, "Delivery").
//!
//! At least once: an event is marked delivered only after a 2xx, so a process killed between
//! the receiver's 2xx and that record delivers it again once its lease has expired.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{watch, Notify, Semaphore};

use super::config::ServeConfig;
use super::inbox::Inbox;
use super::metrics::Metrics;
use super::store::{now_ms, Attempt, Leased, Next, Write, Written};
use super::webhook;
use wechatpay_notify::EventKind;

/// The most of a response body that is read (and dropped).
const MAX_REPLY: u64 = 1024;

/// What the worker needs.
pub struct Worker {
    /// The settings.
    pub config: Arc<ServeConfig>,
    /// The inbox.
    pub inbox: Inbox,
    /// The counters.
    pub metrics: Arc<Metrics>,
    /// Woken when this process stores an event.
    pub wake: Arc<Notify>,
    /// This worker's name in leases and attempt records: `host:pid:random`.
    pub name: String,
    /// The earliest retry this worker scheduled and has not yet looked for (Unix ms, or
    /// `i64::MAX`): the worker wakes for it rather than at the next `poll_interval`.
    pub next_retry: std::sync::atomic::AtomicI64,
    /// Claims made, for each claim's lease token (`name#n`).
    pub claims: std::sync::atomic::AtomicU64,
}

/// The delay before the attempt after the `failed`-th failed one (1 for the first failure):
/// `min(retry_max, retry_initial · 2^(failed−1))`, times a jitter factor in [0.8, 1.2).
pub fn retry_delay(config: &ServeConfig, failed: i64, jitter: f64) -> Duration {
    let exponent = (failed.max(1) - 1).min(60) as i32;
    let base = config.retry_initial.as_secs_f64() * 2f64.powi(exponent);
    let capped = base.min(config.retry_max.as_secs_f64());
    Duration::from_secs_f64(capped * (0.8 + 0.4 * jitter.clamp(0.0, 1.0)))
}

/// The URL an event goes to: the first matching route's, else `forward_to`.
pub fn route<'a>(config: &'a ServeConfig, event: &Leased) -> &'a str {
    config
        .routes
        .iter()
        .find(|r| {
            r.kind
                .is_none_or(|k| EventKind::from_name(&event.envelope.kind) == Some(k))
                && r.mchid
                    .as_deref()
                    .is_none_or(|m| event.envelope.mchid.as_deref() == Some(m))
        })
        .map_or(config.forward_to.as_str(), |r| r.forward_to.as_str())
}

impl Worker {
    /// Delivers until `stop` turns true, then waits for the deliveries in flight.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let slots = Arc::new(Semaphore::new(self.config.concurrency));
        let agent = crate::simulate::agent_as(
            self.config.forward_timeout,
            &format!("wechatpay-notify/{} (serve)", wechatpay_notify::VERSION),
        );
        let lease_ms = self.config.lease.as_millis() as i64;
        while !*stop.borrow() {
            let free = slots.available_permits();
            if free == 0 {
                // Wait for a delivery to finish (or the stop).
                tokio::select! {
                    p = slots.clone().acquire_owned() => drop(p),
                    _ = stop.changed() => {}
                }
                continue;
            }
            let claimed = self
                .inbox
                .write(Write::Claim {
                    lease: format!(
                        "{}#{}",
                        self.name,
                        self.claims.fetch_add(1, Ordering::Relaxed)
                    ),
                    now: now_ms(),
                    lease_ms,
                    limit: free as i64,
                })
                .await;
            let events = match claimed {
                Ok(Written::Claimed(events)) => events,
                Ok(_) => Vec::new(),
                Err(e) => {
                    tracing::warn!(error = %e, "inbox unavailable; deliveries wait");
                    Vec::new()
                }
            };
            let full = events.len() == free;
            for event in events {
                let permit = slots
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let me = self.clone();
                let agent = agent.clone();
                tokio::spawn(async move {
                    me.deliver(&agent, event).await;
                    drop(permit);
                });
            }
            if !full {
                // Until an event is stored here, the next poll, or a retry this worker
                // scheduled falls due, whichever comes first.
                let until_retry = self
                    .next_retry
                    .load(Ordering::Relaxed)
                    .saturating_sub(now_ms());
                let nap = self
                    .config
                    .poll_interval
                    .min(Duration::from_millis(until_retry.max(1) as u64));
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(nap) => {}
                    _ = stop.changed() => {}
                }
                if self.next_retry.load(Ordering::Relaxed) <= now_ms() {
                    self.next_retry.store(i64::MAX, Ordering::Relaxed);
                }
            }
        }
        // Every delivery in flight finishes and records its outcome.
        let _ = slots.acquire_many(self.config.concurrency as u32).await;
    }

    /// One attempt, and its record.
    async fn deliver(&self, agent: &ureq::Agent, event: Leased) {
        let url = route(&self.config, &event).to_owned();
        let body = webhook::body(&event);
        let started = now_ms();
        let timestamp = started / 1000;
        let signature =
            webhook::signature(&self.config.secret, &event.envelope.id, timestamp, &body);
        let id = event.envelope.id.clone();
        let agent = agent.clone();
        let clock = Instant::now();
        let result = tokio::task::spawn_blocking(move || {
            post(&agent, &url, &id, timestamp, &signature, body)
        })
        .await
        .unwrap_or_else(|e| Err((None, format!("delivery task failed: {e}"))));
        let duration_ms = clock.elapsed().as_millis() as i64;
        let attempt = event.attempts + 1;
        let (status, error, next) = match result {
            Ok(status) => (Some(status), None, Next::Delivered),
            Err((status, error)) => {
                let now = now_ms();
                let too_old = now - event.since >= self.config.max_age.as_millis() as i64;
                let next = if attempt >= i64::from(self.config.max_attempts) || too_old {
                    Next::Dead
                } else {
                    let delay = retry_delay(&self.config, attempt, fastrand::f64());
                    Next::RetryAt(now + delay.as_millis() as i64)
                };
                (status, Some(error), next)
            }
        };
        match next {
            Next::Delivered => {
                self.metrics.delivered.inc();
                tracing::info!(id = %event.envelope.id, attempt, duration_ms, "delivered");
            }
            Next::RetryAt(at) => {
                self.metrics.retried.inc();
                self.next_retry.fetch_min(at, Ordering::Relaxed);
                tracing::warn!(id = %event.envelope.id, attempt, status, error = error.as_deref(),
                    retry_in_ms = at - now_ms(), "delivery failed");
            }
            Next::Dead => {
                self.metrics.dead.inc();
                tracing::error!(id = %event.envelope.id, attempt, status, error = error.as_deref(),
                    "dead");
            }
        }
        let record = Write::Finish(Attempt {
            event_id: event.envelope.id.clone(),
            attempt,
            at: started,
            status: status.map(i64::from),
            error,
            worker: self.name.clone(),
            lease: event.lease.clone(),
            duration_ms,
            next,
        });
        if let Err(e) = self.inbox.write(record).await {
            // The lease runs out and the event is delivered again: at least once.
            tracing::error!(id = %event.envelope.id, error = %e, "could not record a delivery attempt");
        }
    }
}

/// POSTs one message; the status of a 2xx, or the status and reason of a failure.
fn post(
    agent: &ureq::Agent,
    url: &str,
    id: &str,
    timestamp: i64,
    signature: &str,
    body: Vec<u8>,
) -> Result<u16, (Option<u16>, String)> {
    let response = agent
        .post(url)
        .header("content-type", "application/json")
        .header(webhook::HEADER_ID, id)
        .header(webhook::HEADER_TIMESTAMP, timestamp.to_string())
        .header(webhook::HEADER_SIGNATURE, signature)
        .send(&body[..]);
    match response {
        Ok(mut r) => {
            let status = r.status().as_u16();
            // Read (a little of) the body so the connection can be reused.
            let text = r
                .body_mut()
                .with_config()
                .limit(MAX_REPLY)
                .read_to_vec()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if (200..300).contains(&status) {
                Ok(status)
            } else {
                let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
                Err((
                    Some(status),
                    format!("HTTP {status} {text}").trim_end().to_owned(),
                ))
            }
        }
        Err(ureq::Error::Timeout(_)) => Err((None, "no reply within forward_timeout".to_owned())),
        Err(e) => Err((None, e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ServeConfig {
        let text =
            "[serve]\nstore = \"sqlite://x.db\"\nretry_initial = \"10s\"\nretry_max = \"1m\"\n";
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        super::super::config::load(file.path(), true).unwrap()
    }

    #[test]
    fn the_schedule_doubles_up_to_the_cap_with_jitter() {
        let c = config();
        assert_eq!(retry_delay(&c, 1, 0.5), Duration::from_secs(10));
        assert_eq!(retry_delay(&c, 2, 0.5), Duration::from_secs(20));
        assert_eq!(retry_delay(&c, 3, 0.5), Duration::from_secs(40));
        assert_eq!(retry_delay(&c, 4, 0.5), Duration::from_secs(60));
        assert_eq!(retry_delay(&c, 99, 0.5), Duration::from_secs(60));
        assert_eq!(retry_delay(&c, 1, 0.0), Duration::from_secs(8));
        assert_eq!(retry_delay(&c, 1, 1.0), Duration::from_secs(12));
    }
}
