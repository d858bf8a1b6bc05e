//! The HTTP side of `serve`: the notify path, `/healthz` and `/metrics`, on hyper's HTTP/1.1
//! server (`docs/gateway.md`, "Receiving").
//!
//! A callback is verified and decrypted by the core; a verified one is written to the inbox
//! and answered 204 once the write is durable; a refused one gets the core's reply and a
//! rejection record. A body is read only up to the verifier's limit, within `body_timeout`.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use tokio::sync::Notify;
use wechatpay_notify::v2::{V2Notification, V2Verifier};
use wechatpay_notify::{Reply, Verifier};

use super::config::ServeConfig;
use super::inbox::{Inbox, InboxError};
use super::metrics::Metrics;
use super::store::{now_ms, Envelope, NewEvent, Rejection, Write, Written};

/// How long a verified callback waits for its commit before it is answered 500.
const INSERT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(4);

/// At most `max` characters of `text`.
fn short(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The gateway's own refusals, beside the core's error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A path other than the notify path, `/healthz` and `/metrics`: 404.
    NotFound,
    /// A method other than POST on the notify path: 405.
    MethodNotAllowed,
    /// The body was not received within `body_timeout`: 408.
    BodyTimeout,
    /// The request could not be read as HTTP: 400.
    MalformedHttp,
    /// The inbox could not store a verified event: 500, so WeChat Pay retries.
    InboxUnavailable,
}

impl Refusal {
    /// The code, as in replies, rejection records and metrics.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFound => "NOT_FOUND",
            Refusal::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Refusal::BodyTimeout => "BODY_TIMEOUT",
            Refusal::MalformedHttp => "MALFORMED_HTTP",
            Refusal::InboxUnavailable => "INBOX_UNAVAILABLE",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NotFound => 404,
            Refusal::MethodNotAllowed => 405,
            Refusal::BodyTimeout => 408,
            Refusal::MalformedHttp => 400,
            Refusal::InboxUnavailable => 500,
        }
    }

    /// The fixed text of the reply.
    fn text(self) -> &'static str {
        match self {
            Refusal::NotFound => "no such path",
            Refusal::MethodNotAllowed => "callbacks are POSTed",
            Refusal::BodyTimeout => "the body did not arrive in time",
            Refusal::MalformedHttp => "not an HTTP request",
            Refusal::InboxUnavailable => "the callback could not be stored; retry",
        }
    }

    /// Its reply, in WeChat Pay's failure format.
    pub fn reply(self) -> Reply {
        Reply::failure_message(self.status(), &format!("{}: {}", self.code(), self.text()))
    }
}

/// What the request handler shares.
pub struct Gateway {
    /// The settings.
    pub config: Arc<ServeConfig>,
    /// The core's verifier of every configured merchant.
    pub verifier: Verifier,
    /// The APIv2 verifier and its path, when APIv2 callbacks are taken.
    pub v2: Option<(String, V2Verifier)>,
    /// The inbox.
    pub inbox: Inbox,
    /// The counters.
    pub metrics: Arc<Metrics>,
    /// Wakes the delivery worker.
    pub wake: Arc<Notify>,
}

fn respond(reply: &Reply) -> Response<Full<Bytes>> {
    let mut r = Response::builder().status(reply.status);
    if let Some(t) = reply.content_type {
        r = r.header("content-type", t);
    }
    r.body(Full::new(Bytes::from(reply.body.clone())))
        .expect("a valid response")
}

fn json(status: u16, value: &serde_json::Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(value.to_string())))
        .expect("a valid response")
}

impl Gateway {
    /// Records a refusal (metrics, log, rejection record); the method and path as sent are
    /// cut short first (they are whatever a client chose to send).
    pub fn refused(&self, code: &str, message: &str, source: SocketAddr, method: &str, path: &str) {
        let (method, path) = (short(method, 16), short(path, 256));
        let (method, path) = (method.as_str(), path.as_str());
        self.metrics.refuse(code);
        tracing::warn!(code, detail = message, source = %source, method, path, "refused");
        let record = Write::Reject(Rejection {
            at_ms: now_ms(),
            code: code.to_owned(),
            message: message.to_owned(),
            source: source.to_string(),
            method: method.to_owned(),
            path: path.to_owned(),
        });
        if !self.inbox.record(record) {
            self.metrics.rejections_dropped.inc();
        }
    }

    fn refuse(
        &self,
        refusal: Refusal,
        message: &str,
        source: SocketAddr,
        method: &Method,
        path: &str,
    ) -> Response<Full<Bytes>> {
        self.refused(refusal.code(), message, source, method.as_str(), path);
        respond(&refusal.reply())
    }

    /// Answers one request.
    pub async fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
        source: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let path = req.uri().path().to_owned();
        let method = req.method().clone();
        if path == self.config.path {
            if method != Method::POST {
                self.metrics.received.inc();
                return self.refuse(
                    Refusal::MethodNotAllowed,
                    &format!("{} on the notify path", short(method.as_str(), 16)),
                    source,
                    &method,
                    &path,
                );
            }
            return self.receive(req, source).await;
        }
        if let Some((path_v2, v2)) = self.v2.as_ref().filter(|(p, _)| *p == path) {
            if method != Method::POST {
                self.metrics.received.inc();
                return self.refuse(
                    Refusal::MethodNotAllowed,
                    &format!("{} on the APIv2 notify path", short(method.as_str(), 16)),
                    source,
                    &method,
                    path_v2,
                );
            }
            return self.receive_v2(v2, req, source).await;
        }
        match (method.clone(), path.as_str()) {
            (Method::GET, "/healthz") => match self.inbox.read(|s| s.ping()).await {
                Ok(()) => json(
                    200,
                    &serde_json::json!({"status": "ok", "store": self.config.store.kind()}),
                ),
                Err(e) => {
                    // The store's message is for the logs, not for whoever asks.
                    tracing::warn!(error = %e, "health check: inbox unavailable");
                    json(
                        503,
                        &serde_json::json!({"status": "unavailable", "store": self.config.store.kind()}),
                    )
                }
            },
            (Method::GET, "/metrics") => {
                if let Ok((depth, oldest)) = self.inbox.read(|s| s.pending()).await {
                    self.metrics.queue_depth.set(depth);
                    self.metrics.oldest_pending_age.set(oldest.unwrap_or(0.0));
                }
                Response::builder()
                    .status(StatusCode::OK)
                    .header(
                        "content-type",
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )
                    .body(Full::new(Bytes::from(self.metrics.encode())))
                    .expect("a valid response")
            }
            _ => self.refuse(
                Refusal::NotFound,
                "not the notify path",
                source,
                &method,
                &path,
            ),
        }
    }

    /// Reads a body of at most `limit` bytes within `body_timeout`; the refusal's reply
    /// otherwise (`failure` makes it, APIv3's or APIv2's).
    async fn read_body(
        &self,
        req: Request<Incoming>,
        source: SocketAddr,
        limit: usize,
        failure: fn(u16, &str) -> Reply,
    ) -> Result<(http::request::Parts, Bytes), Response<Full<Bytes>>> {
        let (parts, body) = req.into_parts();
        let path = parts.uri.path().to_owned();
        let refuse = |code: &str, status: u16, text: &str, message: &str| {
            self.refused(code, message, source, "POST", &path);
            let mut r = respond(&failure(status, &format!("{code}: {text}")));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            r
        };
        let too_large = |what: &str| {
            let code = wechatpay_notify::ErrorCode::BodyTooLarge;
            refuse(
                code.as_str(),
                413,
                code.reply_text(),
                &format!("{what} is larger than the limit of {limit} bytes"),
            )
        };
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large("the declared Content-Length"));
        }
        let read = tokio::time::timeout(
            self.config.body_timeout,
            Limited::new(body, limit).collect(),
        )
        .await;
        match read {
            Err(_) => {
                let r = Refusal::BodyTimeout;
                Err(refuse(
                    r.code(),
                    r.status(),
                    r.text(),
                    &format!(
                        "the body was not received within {:?}",
                        self.config.body_timeout
                    ),
                ))
            }
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large("the body")),
            Ok(Err(e)) => {
                let r = Refusal::MalformedHttp;
                Err(refuse(
                    r.code(),
                    r.status(),
                    r.text(),
                    &format!("the body could not be read: {e}"),
                ))
            }
            Ok(Ok(collected)) => Ok((parts, collected.to_bytes())),
        }
    }

    /// Stores a verified event; the reply (`success`, or the refusal made by `failure`).
    async fn store(
        &self,
        event: NewEvent,
        success: Reply,
        failure: fn(u16, &str) -> Reply,
        path: &str,
        source: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let (id, kind) = (event.envelope.id.clone(), event.envelope.kind.clone());
        // Within WeChat Pay's 5 s: a commit that comes later is found as a duplicate when
        // WeChat Pay sends the callback again.
        let written = tokio::time::timeout(INSERT_TIMEOUT, self.inbox.write(Write::Insert(event)))
            .await
            .unwrap_or_else(|_| Err(InboxError("the inbox did not commit in time".to_owned())));
        match written {
            Ok(Written::Inserted(true)) => {
                self.metrics.stored.inc();
                self.wake.notify_one();
                tracing::info!(id, kind, source = %source, "stored");
                respond(&success)
            }
            Ok(_) => {
                self.metrics.duplicates.inc();
                tracing::info!(id, source = %source, "duplicate");
                respond(&success)
            }
            Err(e) => {
                tracing::error!(id, error = %e, "inbox unavailable");
                let r = Refusal::InboxUnavailable;
                self.refused(r.code(), &e.0, source, "POST", path);
                let mut reply =
                    respond(&failure(r.status(), &format!("{}: {}", r.code(), r.text())));
                *reply.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                reply
            }
        }
    }

    /// Refuses a verified callback the inbox cannot take, with a core code.
    fn refuse_code(
        &self,
        code: wechatpay_notify::ErrorCode,
        message: &str,
        source: SocketAddr,
        path: &str,
        reply: fn(wechatpay_notify::ErrorCode) -> Reply,
    ) -> Response<Full<Bytes>> {
        self.refused(code.as_str(), message, source, "POST", path);
        respond(&reply(code))
    }

    /// The APIv3 notify path: read, verify, store, answer.
    async fn receive(&self, req: Request<Incoming>, source: SocketAddr) -> Response<Full<Bytes>> {
        self.metrics.received.inc();
        let limit = self.verifier.max_body_size();
        let (parts, body) = match self
            .read_body(req, source, limit, Reply::failure_message)
            .await
        {
            Ok(read) => read,
            Err(refused) => return refused,
        };
        let path = parts.uri.path().to_owned();
        let notification = match self.verifier.parse(&parts.headers, &body) {
            Ok(n) => n,
            Err(e) => {
                self.refused(e.code().as_str(), e.message(), source, "POST", &path);
                return respond(&Reply::failure(&e));
            }
        };
        if notification.id().is_empty() {
            // The dedupe key: without it every later such notification would be a duplicate.
            return self.refuse_code(
                wechatpay_notify::ErrorCode::MissingField,
                "the notification has no id",
                source,
                &path,
                Reply::for_code,
            );
        }
        let event = NewEvent {
            envelope: Envelope {
                id: notification.id().to_owned(),
                kind: notification.kind().as_str().to_owned(),
                event_type: notification.event_type().to_owned(),
                mchid: notification.mchid().map(str::to_owned),
                create_time: notification.create_time().to_owned(),
                summary: notification.summary().to_owned(),
            },
            plaintext: notification.into_plaintext(),
            raw_request: raw_request(&parts, &body),
            source: source.to_string(),
            received_at: now_ms(),
        };
        self.store(
            event,
            Reply::success(),
            Reply::failure_message,
            &path,
            source,
        )
        .await
    }

    /// The APIv2 notify path: read, verify (payment) or decrypt (refund), store, answer in
    /// APIv2's XML.
    async fn receive_v2(
        &self,
        v2: &V2Verifier,
        req: Request<Incoming>,
        source: SocketAddr,
    ) -> Response<Full<Bytes>> {
        self.metrics.received.inc();
        let limit = wechatpay_notify::v2::DEFAULT_V2_MAX_BODY_SIZE;
        let (parts, body) = match self.read_body(req, source, limit, v2_failure).await {
            Ok(read) => read,
            Err(refused) => return refused,
        };
        let path = parts.uri.path().to_owned();
        let notification = match v2.diagnose(&body).verdict {
            Ok(n) => n,
            Err(e) => {
                self.refused(e.code().as_str(), e.message(), source, "POST", &path);
                return respond(&v2_failure(
                    500,
                    &format!("{}: {}", e.code(), e.code().reply_text()),
                ));
            }
        };
        let Some(event) = v2_event(notification, raw_request(&parts, &body), source) else {
            return self.refuse_code(
                wechatpay_notify::ErrorCode::MissingField,
                "no transaction_id (payment) or refund_id and refund_status (refund): nothing \
                 to deduplicate on",
                source,
                &path,
                |code| v2_failure(500, &format!("{code}: {}", code.reply_text())),
            );
        };
        self.store(event, Reply::v2_success(), v2_failure, &path, source)
            .await
    }
}

/// APIv2's failure reply (the status is APIv2's own: 200 with `FAIL`).
fn v2_failure(_status: u16, message: &str) -> Reply {
    Reply::v2_failure(message)
}

/// The inbox's event for a verified APIv2 notification; `None` without the fields its key
/// is made of.
///
/// A payment is kept under `v2-payment:` and its `transaction_id` (one payment, one result),
/// kind `transaction`, event type `V2.PAYMENT`. A refund under `v2-refund:`, its `refund_id`
/// and its `refund_status`, since one refund can be reported `CHANGE` and later `SUCCESS`:
/// kind `refund`, event type `V2.REFUND`. The resource is the fields as a JSON object (a
/// refund's decrypted `req_info` fields, with `appid` and `mch_id`), without `sign`.
fn v2_event(
    notification: V2Notification,
    raw_request: Vec<u8>,
    source: SocketAddr,
) -> Option<NewEvent> {
    let get = |m: &std::collections::BTreeMap<String, String>, k: &str| {
        m.get(k).cloned().unwrap_or_default()
    };
    let nonempty = |v: Option<&String>| v.filter(|v| !v.is_empty()).cloned();
    let (id, kind, event_type, mchid, create_time, summary, mut fields) = match notification {
        V2Notification::Payment(fields) => (
            format!("v2-payment:{}", nonempty(fields.get("transaction_id"))?),
            "transaction",
            "V2.PAYMENT",
            fields.get("mch_id").cloned(),
            get(&fields, "time_end"),
            get(&fields, "result_code"),
            fields,
        ),
        V2Notification::Refund(refund) => {
            let mut fields = refund.req_info;
            for k in ["appid", "mch_id"] {
                if let Some(v) = refund.fields.get(k) {
                    fields.entry(k.to_owned()).or_insert_with(|| v.clone());
                }
            }
            (
                format!(
                    "v2-refund:{}:{}",
                    nonempty(fields.get("refund_id"))?,
                    nonempty(fields.get("refund_status"))?
                ),
                "refund",
                "V2.REFUND",
                refund.fields.get("mch_id").cloned(),
                get(&fields, "success_time"),
                get(&fields, "refund_status"),
                fields,
            )
        }
    };
    fields.remove("sign");
    Some(NewEvent {
        envelope: Envelope {
            id,
            kind: kind.to_owned(),
            event_type: event_type.to_owned(),
            mchid,
            create_time,
            summary,
        },
        plaintext: serde_json::to_string(&fields).expect("a map of strings serializes"),
        raw_request,
        source: source.to_string(),
        received_at: now_ms(),
    })
}

/// The request as `doctor` reads a captured one: start line, header lines, blank line, body.
fn raw_request(parts: &http::request::Parts, body: &[u8]) -> Vec<u8> {
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{} {target} HTTP/1.1\r\n", parts.method).into_bytes();
    for (name, value) in &parts.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}
