//! `listen`: a local receiver that runs the checks on every callback, answers it as a
//! correct handler would, and prints one line per callback.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use wechatpay_notify::{ErrorCode, Reply};

use crate::cli::ListenArgs;
use crate::config::Config;
use crate::error::{CliResult, Outcome, UsageError};
use crate::inspect::{self, Protocol};
use crate::raw_request::{RawRequest, StartLine};
use crate::simulate::status_line;
use crate::style::Style;
use crate::timefmt;

/// What happened to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Sequence number, from 1.
    pub seq: u64,
    /// When it arrived, Unix seconds.
    pub time: i64,
    /// Method and path.
    pub method: String,
    /// Request target.
    pub path: String,
    /// Which checks ran (`None` for requests that are not callbacks, e.g. a GET).
    pub protocol: Option<Protocol>,
    /// The notification id (verified when accepted, else as read from the body).
    pub id: Option<String>,
    /// The event type.
    pub event: Option<String>,
    /// The event catalog kind of an accepted APIv3 callback (`docs/events.md`).
    pub kind: Option<&'static str>,
    /// The merchant of an accepted APIv3 callback, with `--config` (`docs/merchants.md`).
    pub mchid: Option<String>,
    /// The verdict code, `None` when accepted.
    pub code: Option<ErrorCode>,
    /// The verdict message when refused.
    pub message: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// How many times this id was seen before (0: first time).
    pub repeat: u32,
    /// Where the request was saved, with `--save`.
    pub saved: Option<PathBuf>,
}

impl Event {
    /// True when the callback was accepted.
    pub fn accepted(&self) -> bool {
        self.protocol.is_some() && self.code.is_none()
    }

    /// The verdict as a word: `OK`, the error code, or `NOT_A_CALLBACK`.
    pub fn verdict(&self) -> &str {
        match (self.protocol, self.code) {
            (None, _) => "NOT_A_CALLBACK",
            (Some(_), None) => "OK",
            (Some(_), Some(c)) => c.as_str(),
        }
    }

    /// One line of text.
    pub fn line(&self, style: Style) -> String {
        let verdict = match (self.protocol, self.code) {
            (Some(_), None) => style.good("OK"),
            (Some(_), Some(c)) => style.bad(c.as_str()),
            (None, _) => style.warn("NOT_A_CALLBACK"),
        };
        let repeat = if self.repeat > 0 {
            style.warn(&format!(
                "  REPEAT: delivery #{} of this id",
                self.repeat + 1
            ))
        } else {
            String::new()
        };
        let mchid = self
            .mchid
            .as_deref()
            .map_or(String::new(), |m| format!("  mchid={m}"));
        format!(
            "{}  {} {}  id={}{mchid}  event={}  {}  -> {}{}",
            timefmt::utc(self.time),
            self.method,
            self.path,
            self.id.as_deref().unwrap_or("-"),
            self.event.as_deref().unwrap_or("-"),
            verdict,
            status_line(self.status),
            repeat
        )
    }

    /// The JSON form.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "protocol": self.protocol.map(Protocol::as_str),
            "id": self.id,
            "event": self.event,
            "kind": self.kind,
            "mchid": self.mchid,
            "verdict": self.verdict(),
            "message": self.message,
            "status": self.status,
            "repeat": self.repeat,
            "saved": self.saved,
        })
    }
}

/// The receiving logic, independent of the HTTP server.
pub struct Receiver {
    config: Config,
    seen: Mutex<HashMap<String, u32>>,
    counter: AtomicU64,
    save: Option<PathBuf>,
    delay: Duration,
}

impl Receiver {
    /// A receiver with this configuration.
    pub fn new(config: Config, save: Option<PathBuf>, delay: Duration) -> Receiver {
        Receiver {
            config,
            seen: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
            save,
            delay,
        }
    }

    /// Largest body read from a request (one more than any limit, so that too large stays
    /// too large).
    fn read_limit(&self) -> u64 {
        let v3 = self
            .config
            .verifier
            .as_ref()
            .map_or(0, wechatpay_notify::Verifier::max_body_size);
        let v2 = if self.config.v2.is_some() {
            wechatpay_notify::v2::DEFAULT_V2_MAX_BODY_SIZE
        } else {
            0
        };
        v3.max(v2) as u64 + 1
    }

    /// Checks one request and decides the reply.
    pub fn handle(&self, req: &RawRequest) -> (Reply, Event) {
        let seq = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let method = req.method().unwrap_or("POST").to_owned();
        let path = req.target().unwrap_or("/").to_owned();
        let mut event = Event {
            seq,
            time: timefmt::now(),
            method: method.clone(),
            path,
            protocol: None,
            id: None,
            event: None,
            kind: None,
            mchid: None,
            code: None,
            message: None,
            status: 0,
            repeat: 0,
            saved: None,
        };
        let reply = if method != "POST" {
            Reply::failure_message(
                405,
                "wechatpay-notify listen: WeChat Pay callbacks are POST requests",
            )
        } else {
            match inspect::inspect(&self.config, &req.headers, &req.body, false) {
                Ok(report) => {
                    event.protocol = Some(report.protocol);
                    event.id = report.id(&req.body);
                    event.event = report.event(&req.body);
                    event.kind = report.kind();
                    event.mchid = report.mchid().map(str::to_owned);
                    event.code = report.code();
                    event.message = report
                        .verdict
                        .as_ref()
                        .err()
                        .map(|e| e.message().to_owned());
                    if let Some(id) = &event.id {
                        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
                        let count = seen.entry(id.clone()).or_insert(0);
                        event.repeat = *count;
                        *count += 1;
                    }
                    report.reply()
                }
                Err(e) => Reply::failure_message(500, e.message()),
            }
        };
        event.status = reply.status;
        if let Some(dir) = &self.save {
            event.saved = save_request(dir, seq, event.verdict(), req).ok();
        }
        (reply, event)
    }
}

/// Writes a request as a raw HTTP file that `doctor` reads back byte for byte.
fn save_request(
    dir: &std::path::Path,
    seq: u64,
    verdict: &str,
    req: &RawRequest,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{seq:04}-{verdict}.http"));
    let mut out = Vec::with_capacity(req.body.len() + 512);
    let (method, target, version) = match &req.start {
        Some(StartLine::Request {
            method,
            target,
            version,
        }) => (method.as_str(), target.as_str(), version.as_str()),
        _ => ("POST", "/", "HTTP/1.1"),
    };
    out.extend_from_slice(format!("{method} {target} {version}\r\n").as_bytes());
    for (k, v) in &req.headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&req.body);
    std::fs::write(&path, out)?;
    Ok(path)
}

/// A bound HTTP server, ready to serve.
pub struct Server {
    http: Arc<tiny_http::Server>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

/// Stops a running [`Server`] from another thread.
#[derive(Clone)]
pub struct StopHandle {
    http: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
}

impl StopHandle {
    /// Asks the server to stop after the requests in flight.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.http.unblock();
    }
}

impl Server {
    /// Binds `addr` (port 0 picks a free port).
    pub fn bind(addr: SocketAddr) -> Result<Server, UsageError> {
        let http = tiny_http::Server::http(addr)
            .map_err(|e| UsageError::new(format!("cannot listen on {addr}: {e}")))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| UsageError::new("the server has no IP address"))?;
        Ok(Server {
            http: Arc::new(http),
            addr,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops the server.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            http: Arc::clone(&self.http),
            stop: Arc::clone(&self.stop),
        }
    }

    /// Serves until stopped, calling `on_event` for every request (before it is answered).
    /// Returns the number of requests served.
    pub fn run(&self, receiver: Arc<Receiver>, on_event: Arc<dyn Fn(Event) + Send + Sync>) -> u64 {
        let mut workers = Vec::new();
        let mut served = 0;
        while !self.stop.load(Ordering::SeqCst) {
            let request = match self.http.recv_timeout(Duration::from_millis(100)) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(_) => {
                    // Nothing to do but wait: a transient accept error, or shutting down.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            served += 1;
            let receiver = Arc::clone(&receiver);
            let on_event = Arc::clone(&on_event);
            workers.push(std::thread::spawn(move || {
                serve_one(request, &receiver, on_event.as_ref());
            }));
            workers.retain(|w| !w.is_finished());
        }
        for w in workers {
            let _ = w.join();
        }
        served
    }
}

fn serve_one(mut request: tiny_http::Request, receiver: &Receiver, on_event: &dyn Fn(Event)) {
    let mut body = Vec::new();
    let limit = receiver.read_limit();
    let read = request.as_reader().take(limit).read_to_end(&mut body);
    let headers: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_owned(),
                h.value.as_str().as_bytes().to_vec(),
            )
        })
        .collect();
    let raw = RawRequest {
        start: Some(StartLine::Request {
            method: request.method().as_str().to_owned(),
            target: request.url().to_owned(),
            version: format!("HTTP/{}", request.http_version()),
        }),
        headers,
        body,
        has_blank_line: true,
        ..RawRequest::default()
    };
    let (reply, event) = if read.is_err() {
        let reply = Reply::failure_message(400, "the request body could not be read");
        let (_, mut event) = receiver.handle(&raw);
        event.status = 400;
        (reply, event)
    } else {
        receiver.handle(&raw)
    };
    on_event(event);
    if !receiver.delay.is_zero() {
        std::thread::sleep(receiver.delay);
    }
    let mut response =
        tiny_http::Response::from_data(reply.body.into_bytes()).with_status_code(reply.status);
    if let Some(ct) = reply.content_type {
        if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], ct.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// Runs `listen` until SIGINT or SIGTERM.
pub fn run(args: &ListenArgs, json: bool, style: Style) -> CliResult {
    let config = args.keys.load_with(args.config.as_deref())?;
    if config.verifier.is_none() && config.v2.is_none() {
        return Err(UsageError::new(config.missing_v3_reason()));
    }
    let notes = config.notes.clone();
    let summary = describe_config(&config);
    let mchids = config.mchids.clone();
    let server = Server::bind(SocketAddr::new(args.bind, args.port))?;
    let receiver = Arc::new(Receiver::new(
        config,
        args.save.clone(),
        Duration::from_millis(args.delay_ms),
    ));
    let stop = server.stop_handle();
    ctrlc::set_handler(move || stop.stop())
        .map_err(|e| UsageError::new(format!("cannot handle SIGINT/SIGTERM: {e}")))?;
    let url = format!("http://{}/", server.addr());
    if json {
        println!(
            "{}",
            json!({ "listening": url, "keys": summary, "merchants": mchids })
        );
    } else {
        println!(
            "{} {url} (any path; POST callbacks here, Ctrl-C to stop)",
            style.bold("wechatpay-notify listen:")
        );
        println!("  keys: {summary}");
        for note in &notes {
            println!("  {}", style.warn(&format!("note: {note}")));
        }
        if !args.bind.is_loopback() {
            println!(
                "  {}",
                style.warn("note: bound to a non-loopback address: reachable from the network")
            );
        }
        println!(
            "  {}",
            style.dim(
                "to test real callbacks, expose this port through a tunnel with a public https \
                 URL and use that URL as notify_url; --save DIR keeps each request for `doctor`"
            )
        );
    }
    let accepted = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&accepted);
    let on_event: Arc<dyn Fn(Event) + Send + Sync> = Arc::new(move |event: Event| {
        if event.accepted() {
            counted.fetch_add(1, Ordering::Relaxed);
        }
        let line = if json {
            event.to_json().to_string()
        } else {
            event.line(style)
        };
        // A closed standard output must not stop the receiver.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    });
    let served = server.run(receiver, on_event);
    let accepted = accepted.load(Ordering::Relaxed);
    if json {
        println!(
            "{}",
            json!({ "stopped": true, "requests": served, "accepted": accepted })
        );
    } else {
        println!("stopped: {served} requests, {accepted} accepted");
    }
    Ok(Outcome::Ok)
}

/// The configured keys in one line (ids and serials, never keys).
pub fn describe_config(config: &Config) -> String {
    let mut parts = Vec::new();
    match (&config.verifier, &config.merchants_file) {
        (Some(_), Some(file)) => {
            let merchants: Vec<String> = config
                .mchids
                .iter()
                .map(|m| {
                    let ids: Vec<&str> = config
                        .keys
                        .iter()
                        .filter(|k| k.mchid.as_deref() == Some(m))
                        .map(|k| k.id.as_str())
                        .collect();
                    format!("{m} {}", ids.join(" "))
                })
                .collect();
            parts.push(format!(
                "APIv3 verifying {} merchants of {}: {}",
                config.mchids.len(),
                file.display(),
                merchants.join("; ")
            ));
        }
        (Some(_), None) => {
            let ids: Vec<&str> = config.keys.iter().map(|k| k.id.as_str()).collect();
            parts.push(format!("APIv3 verifying {}", ids.join(", ")));
        }
        (None, _) => {}
    }
    if config.v2.is_some() {
        parts.push("APIv2 key set".to_owned());
    }
    parts.push(match config.now {
        Some(now) => format!("clock fixed at {now}"),
        None => "system clock".to_owned(),
    });
    parts.join("; ")
}
