//! The gateway part of `demo`: `serve` on loopback with a temporary SQLite inbox, forwarding
//! to a stand-in for the merchant's application that checks each Standard Webhooks signature;
//! WeChat Pay sends a payment, its retry and a tampered callback.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use wechatpay_notify::testing::{Failure, Kit};
use wechatpay_notify::EventKind;

use crate::callback::{self, Params, Variation};
use crate::serve::config::{ServeConfig, StoreUrl};
use crate::serve::store::Store;
use crate::serve::{self, webhook};
use crate::simulate;

/// One callback sent to the gateway.
#[derive(Debug, Serialize)]
pub struct Sent {
    /// What it was.
    pub sent: &'static str,
    /// The notification id.
    pub id: String,
    /// The gateway's status.
    pub status: Option<u16>,
    /// The status a correct gateway answers.
    pub expected_status: u16,
}

/// What the gateway did.
#[derive(Debug, Serialize)]
pub struct GatewayRun {
    /// Where `serve` listened.
    pub serve: String,
    /// Where it forwarded.
    pub forward_to: String,
    /// The callbacks and the answers.
    pub sent: Vec<Sent>,
    /// Messages the application received, by notification id.
    pub forwarded: BTreeMap<String, usize>,
    /// True when every message's `webhook-signature` verified.
    pub signatures_verified: bool,
    /// Events in the inbox afterwards.
    pub stored: i64,
    /// Rejections recorded, by code.
    pub rejections: BTreeMap<String, i64>,
    /// True when everything is as a correct gateway does it.
    pub correct: bool,
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the gateway scenario with the kit's keys.
pub fn run(kit: &Kit, now: i64) -> Result<GatewayRun, String> {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "wechatpay-notify-demo-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    )));
    std::fs::create_dir_all(&dir.0).map_err(|e| e.to_string())?;
    // A throwaway forwarding secret, shared with the stand-in application below.
    let secret: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();

    // The merchant's application: checks every message's signature, counts ids.
    let app = tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?;
    let app_addr = app.server_addr().to_ip().ok_or("no address")?;
    let forwarded = Arc::new(Mutex::new((BTreeMap::<String, usize>::new(), true)));
    let seen = forwarded.clone();
    let key = secret.clone();
    let app = Arc::new(app);
    let app_thread = {
        let app = app.clone();
        std::thread::spawn(move || {
            for mut request in app.incoming_requests() {
                let header = |name: &str| {
                    request
                        .headers()
                        .iter()
                        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                        .map(|h| h.value.as_str().to_owned())
                        .unwrap_or_default()
                };
                let (id, ts, sig) = (
                    header(webhook::HEADER_ID),
                    header(webhook::HEADER_TIMESTAMP),
                    header(webhook::HEADER_SIGNATURE),
                );
                let mut body = Vec::new();
                let _ = std::io::Read::read_to_end(request.as_reader(), &mut body);
                let ok = ts
                    .parse::<i64>()
                    .is_ok_and(|ts| webhook::verify(&key, &id, ts, &body, &sig));
                if let Ok(mut seen) = seen.lock() {
                    *seen.0.entry(id).or_insert(0) += 1;
                    seen.1 &= ok;
                }
                let status = if ok { 204 } else { 401 };
                let _ = request.respond(tiny_http::Response::empty(status));
            }
        })
    };

    let config = ServeConfig {
        listen: SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0),
        path: "/wechatpay/notify".to_owned(),
        v2: None,
        store: StoreUrl::Sqlite(dir.0.join("inbox.db")),
        forward_to: format!("http://{app_addr}/wechatpay/events"),
        routes: Vec::new(),
        secret,
        forward_timeout: Duration::from_secs(5),
        max_attempts: 3,
        max_age: Duration::from_secs(60),
        retry_initial: Duration::from_millis(100),
        retry_max: Duration::from_secs(1),
        lease: Duration::from_secs(10),
        concurrency: 4,
        poll_interval: Duration::from_millis(100),
        body_timeout: Duration::from_secs(5),
        retention: Duration::from_secs(2 * 86400),
    };
    let store_url = config.store.clone();
    let forward_to = config.forward_to.clone();
    let verifier = kit.verifier().map_err(|e| e.to_string())?;
    let running = serve::start(config, verifier, None).map_err(|e| e.to_string())?;
    let url = format!("http://{}/wechatpay/notify", running.addr);

    // WeChat Pay: a payment, the same notification again, a tampered one.
    let normal = Variation::default();
    let payment = callback::build_v3(kit, &Params::new(EventKind::Transaction, now), now, normal)?;
    let mut again = Params::new(EventKind::Transaction, now);
    again.id = Some(payment.id.clone());
    let retry = callback::build_v3(kit, &again, now, normal)?;
    let tampered = callback::build_v3(
        kit,
        &Params::new(EventKind::Transaction, now),
        now,
        Variation {
            failure: Some(Failure::TamperedBody),
            ..normal
        },
    )?;
    let agent = simulate::agent(simulate::REPLY_TIMEOUT);
    let mut sent = Vec::new();
    for (what, cb, expected) in [
        ("payment", &payment, 204),
        ("same payment again", &retry, 204),
        ("tampered body", &tampered, 401),
    ] {
        let delivery = simulate::deliver(&agent, &url, cb);
        sent.push(Sent {
            sent: what,
            id: cb.id.clone(),
            status: delivery.status,
            expected_status: expected,
        });
    }

    // The payment reaches the application once.
    let waited = Instant::now();
    while waited.elapsed() < Duration::from_secs(5)
        && forwarded.lock().map(|f| f.0.is_empty()).unwrap_or(false)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    running.stop().map_err(|e| e.to_string())?;
    app.unblock();
    let _ = app_thread.join();
    let (forwarded, signatures_verified) = forwarded.lock().map_err(|e| e.to_string())?.clone();
    let stats = Store::open(&store_url)
        .and_then(|mut s| s.stats())
        .map_err(|e| e.to_string())?;
    let correct = sent.iter().all(|s| s.status == Some(s.expected_status))
        && signatures_verified
        && forwarded.len() == 1
        && forwarded.get(&payment.id) == Some(&1)
        && stats.delivered == 1
        && stats.pending + stats.dead == 0
        && stats.rejections.get("SIGNATURE_MISMATCH") == Some(&1);
    Ok(GatewayRun {
        serve: url,
        forward_to,
        sent,
        forwarded,
        signatures_verified,
        stored: stats.pending + stats.delivered + stats.dead,
        rejections: stats.rejections,
        correct,
    })
}
