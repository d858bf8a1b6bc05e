//! `simulate`: deliver a callback as WeChat Pay does and judge the reply as it does.

use std::time::{Duration, Instant};

use serde_json::json;
use wechatpay_notify::v2::SignType;
use wechatpay_notify::ErrorCode;

use wechatpay_notify::testing::{Failure, Kit, TestKey};
use wechatpay_notify::EventKind;

use crate::callback::{self, Callback, Params, Variation};
use crate::cli::{Expect, SimulateArgs, V2SignType};
use crate::config::LoadedKey;
use crate::error::{CliResult, Outcome, UsageError};
use crate::style::Style;
use crate::timefmt;

/// WeChat Pay's waits before each retry of a notification that was not accepted, seconds:
/// 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.
pub const RETRY_SCHEDULE: [u64; 15] = [
    15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
];

/// How long WeChat Pay waits for a reply.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest part of a reply body kept for display.
const MAX_REPLY_SHOWN: u64 = 4096;

/// One HTTP delivery and what came back.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The HTTP status, when a reply came.
    pub status: Option<u16>,
    /// The reply body (at most 4 KiB, lossy UTF-8).
    pub body: String,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    /// Time from sending to the complete reply.
    pub latency: Duration,
    /// The transport error, when no reply came.
    pub error: Option<String>,
    /// True when the error was the reply timeout.
    pub timed_out: bool,
}

/// An HTTP client configured as WeChat Pay's sender: no redirects, no proxy, a timeout. Its
/// TLS (rustls) uses the backend's cryptography: ring, ureq's own choice, by default; aws-lc-rs
/// with the feature `aws-lc`, so that an aws-lc build has no ring in it.
pub fn agent(timeout: Duration) -> ureq::Agent {
    agent_as(timeout, "Mozilla/4.0 (wechatpay-notify simulate)")
}

/// An HTTP client as [`agent`]'s, sending `user_agent` (`serve` forwards with its own).
pub fn agent_as(timeout: Duration, user_agent: &str) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .user_agent(user_agent);
    #[cfg(feature = "aws-lc")]
    let config = config.tls_config(
        ureq::tls::TlsConfig::builder()
            .unversioned_rustls_crypto_provider(std::sync::Arc::new(
                rustls::crypto::aws_lc_rs::default_provider(),
            ))
            .build(),
    );
    config.build().into()
}

/// POSTs a callback and records the reply.
pub fn deliver(agent: &ureq::Agent, url: &str, cb: &Callback) -> Delivery {
    let started = Instant::now();
    let mut request = agent.post(url);
    for (k, v) in &cb.headers {
        request = request.header(k.as_str(), v.as_str());
    }
    match request.send(&cb.body[..]) {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response
                .body_mut()
                .with_config()
                .limit(MAX_REPLY_SHOWN)
                .read_to_vec()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let latency = started.elapsed();
            match body {
                Ok(body) => Delivery {
                    status: Some(status),
                    body,
                    location,
                    latency,
                    error: None,
                    timed_out: false,
                },
                Err(e) => Delivery {
                    status: Some(status),
                    body: String::new(),
                    location,
                    latency,
                    timed_out: matches!(e, ureq::Error::Timeout(_)),
                    error: Some(transport_error(&e)),
                },
            }
        }
        Err(e) => Delivery {
            status: None,
            body: String::new(),
            location: None,
            latency: started.elapsed(),
            timed_out: matches!(e, ureq::Error::Timeout(_)),
            error: Some(transport_error(&e)),
        },
    }
}

fn transport_error(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "no reply within the timeout".to_owned(),
        ureq::Error::HostNotFound => "the host name does not resolve".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused: nothing listens on that port, or a firewall refuses it".to_owned()
        }
        other => other.to_string(),
    }
}

/// A value of a flat APIv2 XML reply (`return_code`, `return_msg`), CDATA or text, read by
/// the core's XML reader and trimmed; `None` when the reply is not such a document or lacks
/// the field.
pub fn xml_value(xml: &str, name: &str) -> Option<String> {
    let fields = wechatpay_notify::v2::parse_xml_fields(xml.as_bytes(), "xml").ok()?;
    fields.get(name).map(|v| v.trim().to_owned())
}

/// The error code a receiver using this library put in its reply (`CODE: message`).
/// The JSON `message` or the XML `return_msg` is read, whatever kind of callback was sent
/// (an APIv3 handler answers XML with JSON).
pub fn receiver_code(body: &str) -> Option<String> {
    let json_message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
    let message = json_message.or_else(|| xml_value(body, "return_msg"))?;
    let code = message.split(':').next()?.trim();
    ErrorCode::from_name(code).map(|c| c.as_str().to_owned())
}

/// How WeChat Pay sees a delivery, and whether that was the expected outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// WeChat Pay counts the notification as delivered (no retry).
    pub accepted: bool,
    /// The outcome is the one expected.
    pub correct: bool,
    /// The receiver's error code, when its reply names one.
    pub receiver_code: Option<String>,
    /// Why, in a sentence.
    pub why: String,
}

/// Judges a delivery as WeChat Pay does: a 2xx within the timeout is accepted (APIv2 also
/// needs `return_code` SUCCESS in the XML reply).
pub fn judge(d: &Delivery, v2: bool, expect: Expect, timeout: Duration) -> Judgement {
    let code = receiver_code(&d.body);
    let (accepted, why) = match (d.status, &d.error) {
        (_, Some(_)) if d.timed_out => (
            false,
            format!(
                "no complete reply within {} s: WeChat Pay counts a slow reply as a failure; \
                 reply first, then do slow work",
                timeout.as_secs_f64()
            ),
        ),
        (None, Some(e)) => (false, format!("no reply: {e}")),
        (Some(s), _) if (300..400).contains(&s) => (
            false,
            format!(
                "a {s} redirect{}: WeChat Pay does not follow redirects or URL forwarding; the \
                 notify_url must answer itself",
                d.location
                    .as_deref()
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default()
            ),
        ),
        (Some(s), _) if (200..300).contains(&s) && d.latency > timeout => (
            false,
            format!(
                "a {s} after {} ms, over WeChat Pay's {} s: counted as a failure",
                d.latency.as_millis(),
                timeout.as_secs_f64()
            ),
        ),
        (Some(s), _) if (200..300).contains(&s) && v2 => {
            match xml_value(&d.body, "return_code").as_deref() {
                Some("SUCCESS") => (true, format!("{s} with return_code SUCCESS")),
                Some(other) => (false, format!("{s} but return_code {other}")),
                None => (
                    false,
                    format!(
                        "{s} without the XML reply: APIv2 needs <xml><return_code>SUCCESS\
                         </return_code>...</xml>"
                    ),
                ),
            }
        }
        (Some(s), _) if (200..300).contains(&s) => (true, format!("{s}: delivered")),
        (Some(s), _) => (
            false,
            match &code {
                Some(c) => format!("{s}: refused with {c}"),
                None => format!("{s}: refused"),
            },
        ),
        (None, None) => (false, "no reply".to_owned()),
    };
    let correct = accepted == (expect == Expect::Accept);
    Judgement {
        accepted,
        correct,
        receiver_code: code,
        why,
    }
}

/// The retry schedule as offsets from the first delivery: `+15s, +30s, +1m, ...`.
pub fn schedule_text() -> String {
    let mut at = 0u64;
    RETRY_SCHEDULE
        .iter()
        .map(|s| {
            at += s;
            format!("+{}", timefmt::duration(at))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// `204 No Content`.
pub fn status_line(status: u16) -> String {
    format!("{status} {}", status_text(status))
        .trim_end()
        .to_owned()
}

fn expected(args: &SimulateArgs) -> Expect {
    args.expect.unwrap_or(
        if args.probe || args.tamper.is_some() || args.timestamp_offset.abs() > 300 {
            Expect::Reject
        } else {
            Expect::Accept
        },
    )
}

fn check_target(url: &str) -> Result<(), UsageError> {
    let parsed = url::Url::parse(url).map_err(|e| UsageError::new(format!("URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UsageError::new(format!(
            "URL {url:?}: only http:// and https:// can be simulated"
        )));
    }
    Ok(())
}

/// Runs `simulate`.
pub fn run(args: &SimulateArgs, json: bool, style: Style) -> CliResult {
    check_target(&args.url)?;
    if !(0.0..=1.0).contains(&args.time_scale) {
        return Err(UsageError::new(
            "--time-scale must be between 0 and 1 (1 is WeChat Pay's real schedule)",
        ));
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 600.0) {
        return Err(UsageError::new(
            "--timeout must be between 0 and 600 seconds",
        ));
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let now = timefmt::now();
    let mut params = Params::new(args.event, now);
    params.id.clone_from(&args.id);
    params.out_trade_no.clone_from(&args.out_trade_no);
    params.amount = args.amount;
    let variation = Variation {
        failure: args.probe.then_some(Failure::Probe),
        tamper: args.tamper,
        timestamp_offset: args.timestamp_offset,
    };
    let mut source = if args.v2 {
        v2_source(args, &params)?
    } else {
        v3_source(args, params, variation)?
    };
    let v2 = matches!(source, Source::V2(_));
    let expect = expected(args);
    let agent = agent(timeout);
    let mut deliveries = Vec::new();
    let mut all_correct = true;
    let mut first: Option<Callback> = None;
    for attempt in 0..=usize::from(args.retries) {
        let wait = if attempt == 0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(RETRY_SCHEDULE[attempt - 1] as f64 * args.time_scale)
        };
        std::thread::sleep(wait);
        // Each delivery (a retry too) is the same notification, signed when it is sent.
        let cb = source
            .callback(if attempt == 0 { now } else { timefmt::now() })
            .map_err(build_failed)?;
        let d = deliver(&agent, &args.url, &cb);
        let j = judge(&d, v2, expect, timeout);
        all_correct &= j.correct;
        if !json {
            print_delivery(style, &args.url, &cb, attempt, wait, &d, &j, expect);
        }
        first.get_or_insert(cb);
        deliveries.push((attempt, wait, d, j));
    }
    let first = first.expect("at least one delivery");
    let first_accepted = deliveries.first().is_some_and(|(_, _, _, j)| j.accepted);
    if json {
        let list: Vec<_> = deliveries
            .iter()
            .map(|(attempt, wait, d, j)| {
                json!({
                    "attempt": attempt,
                    "waited_ms": wait.as_millis() as u64,
                    "status": d.status,
                    "latency_ms": d.latency.as_millis() as u64,
                    "reply": d.body,
                    "location": d.location,
                    "error": d.error,
                    "receiver_code": j.receiver_code,
                    "accepted": j.accepted,
                    "correct": j.correct,
                    "why": j.why,
                })
            })
            .collect();
        let doc = json!({
            "url": args.url,
            "protocol": if v2 { "v2" } else { "v3" },
            "event": first.event,
            "id": first.id,
            "expect": match expect { Expect::Accept => "accept", Expect::Reject => "reject" },
            "deliveries": list,
            "retry_schedule_secs": if first_accepted { None } else { Some(RETRY_SCHEDULE) },
            "correct": all_correct,
        });
        println!("{doc}");
    } else {
        if !first_accepted && expect == Expect::Accept {
            println!(
                "WeChat Pay retries a notification that was not accepted, 15 times at most, at \
                 {} after the first delivery.",
                schedule_text()
            );
        }
        let verdict = if all_correct {
            style.good("the receiver's reply is the correct one")
        } else {
            style.bad("the receiver's reply is NOT the correct one")
        };
        println!("{} {verdict}", style.mark(all_correct));
    }
    Ok(Outcome::from_ok(all_correct))
}

/// The APIv2 callback of `--v2`, built by a kit with the given APIv2 key.
fn v2_source(args: &SimulateArgs, params: &Params) -> Result<Source, UsageError> {
    if !matches!(args.event, EventKind::Transaction | EventKind::Refund) {
        return Err(UsageError::new(format!(
            "--v2 sends transaction or refund results only (APIv2 has no {} callback)",
            args.event.as_str()
        )));
    }
    let key = args.v2_key.load()?.ok_or_else(|| {
        UsageError::new(
            "--v2 needs the APIv2 key: --v2-key-file FILE, --v2-key KEY or WECHATPAY_V2_KEY",
        )
    })?;
    if key.secret.bytes().len() != wechatpay_notify::v2::V2_KEY_LEN {
        return Err(UsageError::new(format!(
            "{}: the APIv2 key must be exactly 32 bytes, got {}",
            key.source,
            key.secret.bytes().len()
        )));
    }
    // The kit signs APIv2 callbacks with its APIv2 key only; its platform key goes unused.
    let kit = Kit::new()
        .map_err(|e| UsageError::new(format!("simulate could not start: {}", e.message())))?
        .with_v2_key(key_text(&key)?)
        .map_err(|e| UsageError::new(format!("{}: {}", key.source, e.message())))?;
    let sign_type = match args.v2_sign_type {
        V2SignType::Md5 => SignType::Md5,
        V2SignType::HmacSha256 => SignType::HmacSha256,
    };
    let cb = callback::build_v2(&kit, params, sign_type).map_err(build_failed)?;
    Ok(Source::V2(cb))
}

/// The APIv3 source: a kit around the given platform private key, serial and APIv3 key.
fn v3_source(
    args: &SimulateArgs,
    params: Params,
    variation: Variation,
) -> Result<Source, UsageError> {
    let (Some(key_file), Some(serial)) = (&args.platform_private_key, &args.serial) else {
        return Err(UsageError::new(
            "an APIv3 callback needs --platform-private-key FILE and --serial ID",
        ));
    };
    let pem = crate::error::read_input(key_file)?;
    let key = TestKey::from_pem(&pem, serial)
        .map_err(|e| UsageError::new(format!("{}: {}", key_file.display(), e.message())))?;
    let apiv3 = args.apiv3.load()?.ok_or_else(|| {
        UsageError::new(
            "an APIv3 callback needs the APIv3 key to encrypt with: --apiv3-key-file FILE, \
             --apiv3-key KEY or WECHATPAY_APIV3_KEY",
        )
    })?;
    let kit = Kit::with_key(key)
        .with_apiv3_key(key_text(&apiv3)?)
        .map_err(|e| UsageError::new(format!("{}: {}", apiv3.source, e.message())))?;
    Ok(Source::V3 {
        kit: Box::new(kit),
        params,
        variation,
    })
}

fn build_failed(e: String) -> UsageError {
    UsageError::new(format!("simulate could not build the callback: {e}"))
}

/// A key given as an option, as the text the kit takes (a 32-character key).
fn key_text(key: &LoadedKey) -> Result<&str, UsageError> {
    std::str::from_utf8(key.secret.bytes()).map_err(|_| {
        UsageError::new(format!(
            "{}: the key is not text (WeChat Pay's keys are 32 ASCII characters)",
            key.source
        ))
    })
}

/// What each delivery is built from.
enum Source {
    /// The kit around the given platform key and APIv3 key; each delivery is built (signed,
    /// and its resource encrypted) when it is sent.
    V3 {
        kit: Box<Kit>,
        params: Params,
        variation: Variation,
    },
    V2(Callback),
}

impl Source {
    /// The callback of one delivery. Every delivery (a retry too) is the same notification:
    /// the first one's id is kept.
    fn callback(&mut self, timestamp: i64) -> Result<Callback, String> {
        match self {
            Source::V3 {
                kit,
                params,
                variation,
            } => {
                let cb = callback::build_v3(kit, params, timestamp, *variation)?;
                params.id.get_or_insert_with(|| cb.id.clone());
                Ok(cb)
            }
            Source::V2(cb) => Ok(cb.clone()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn print_delivery(
    style: Style,
    url: &str,
    cb: &Callback,
    attempt: usize,
    wait: Duration,
    d: &Delivery,
    j: &Judgement,
    expect: Expect,
) {
    if attempt > 0 {
        println!(
            "{}",
            style.dim(&format!(
                "retry {attempt} after {} ms (WeChat Pay waits {})",
                wait.as_millis(),
                timefmt::duration(RETRY_SCHEDULE[attempt - 1])
            ))
        );
    }
    let signed_by = cb
        .headers
        .iter()
        .find(|(k, _)| k == "Wechatpay-Serial")
        .map(|(_, v)| format!(", Wechatpay-Serial {v}"))
        .unwrap_or_default();
    println!(
        "-> POST {url}  {}  id {}  ({} bytes{signed_by})",
        cb.event,
        cb.id,
        cb.body.len()
    );
    match (d.status, &d.error) {
        (Some(s), _) => {
            let body = d.body.trim();
            let shown = if body.chars().count() > 200 {
                format!("{}...", body.chars().take(200).collect::<String>())
            } else {
                body.to_owned()
            };
            println!(
                "<- {} in {} ms{}",
                status_line(s),
                d.latency.as_millis(),
                if shown.is_empty() {
                    String::new()
                } else {
                    format!(": {shown}")
                }
            );
        }
        (None, Some(e)) => println!("<- no reply after {} ms: {e}", d.latency.as_millis()),
        (None, None) => println!("<- no reply"),
    }
    let wanted = match expect {
        Expect::Accept => "expected: accepted",
        Expect::Reject => "expected: refused",
    };
    let seen = if j.accepted {
        "accepted"
    } else {
        "not accepted"
    };
    println!("   {} {seen} ({}); {wanted}", style.mark(j.correct), j.why);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(status: Option<u16>, body: &str, ms: u64) -> Delivery {
        Delivery {
            status,
            body: body.to_owned(),
            location: None,
            latency: Duration::from_millis(ms),
            error: status.is_none().then(|| "connection refused".to_owned()),
            timed_out: false,
        }
    }

    #[test]
    fn judged_as_wechat_pay_does() {
        let t = REPLY_TIMEOUT;
        assert!(judge(&delivery(Some(204), "", 3), false, Expect::Accept, t).correct);
        assert!(judge(&delivery(Some(200), "", 3), false, Expect::Accept, t).accepted);
        let slow = judge(&delivery(Some(204), "", 5001), false, Expect::Accept, t);
        assert!(!slow.accepted && !slow.correct);
        let body = r#"{"code":"FAIL","message":"SIGNATURE_PROBE: probe"}"#;
        let probe = judge(&delivery(Some(401), body, 3), false, Expect::Reject, t);
        assert!(probe.correct && !probe.accepted);
        assert_eq!(probe.receiver_code.as_deref(), Some("SIGNATURE_PROBE"));
        let mut redirect = delivery(Some(302), "", 3);
        redirect.location = Some("https://x/".into());
        assert!(judge(&redirect, false, Expect::Accept, t)
            .why
            .contains("redirect"));
        assert!(!judge(&delivery(None, "", 3), false, Expect::Accept, t).accepted);
        let ok = wechatpay_notify::Reply::v2_success().body;
        assert!(judge(&delivery(Some(200), &ok, 3), true, Expect::Accept, t).accepted);
        assert!(!judge(&delivery(Some(200), "", 3), true, Expect::Accept, t).accepted);
        let fail = wechatpay_notify::Reply::v2_failure("SIGNATURE_MISMATCH: x").body;
        let j = judge(&delivery(Some(200), &fail, 3), true, Expect::Reject, t);
        assert!(j.correct);
        assert_eq!(j.receiver_code.as_deref(), Some("SIGNATURE_MISMATCH"));
    }

    #[test]
    fn schedule_adds_up_to_about_a_day() {
        assert_eq!(RETRY_SCHEDULE.iter().sum::<u64>(), 86_640);
        let text = schedule_text();
        assert!(
            text.starts_with("+15s, +30s, +1m, +4m, +14m, +34m, +1h 4m"),
            "{text}"
        );
        assert!(text.ends_with("+1d 0h 4m"), "{text}");
    }

    #[test]
    fn xml_values_with_and_without_cdata() {
        assert_eq!(
            xml_value("<xml><a><![CDATA[x]]></a><b> y </b></xml>", "a").as_deref(),
            Some("x")
        );
        assert_eq!(
            xml_value("<xml><b> y </b></xml>", "b").as_deref(),
            Some("y")
        );
        assert_eq!(xml_value("<xml></xml>", "a"), None);
    }
}
