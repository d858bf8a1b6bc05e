//! `doctor` and `parse`: a captured request in; every check, the verdict, advice and the
//! reply to send out (`doctor`), or just the plaintext or the code (`parse`).

use serde_json::{json, Value};
use wechatpay_notify::events::check_event;
use wechatpay_notify::{Error, EventKind, Notification, Reply};

use crate::advice;
use crate::cli::InspectArgs;
use crate::config::Config;
use crate::error::{read_input, CliResult, Outcome, UsageError};
use crate::inspect::{self, Accepted, Protocol, Report, StepStatus};
use crate::raw_request::{self, RawRequest};
use crate::simulate::status_line;
use crate::style::Style;
use crate::timefmt;

/// Reads the capture, loads the keys and runs the checks.
fn examine(args: &InspectArgs) -> Result<(RawRequest, Config, Report), UsageError> {
    let input = read_input(&args.request)?;
    let req = raw_request::parse(&input).map_err(|e| {
        UsageError::new(format!(
            "{} is not a raw HTTP request: {e}",
            args.request.display()
        ))
    })?;
    let config = args.keys.load_with(args.config.as_deref())?;
    let report = inspect::inspect(&config, &req.headers, &req.body, args.v2)?;
    Ok((req, config, report))
}

/// The notification's resource typed by the event catalog (`docs/events.md`): its known
/// fields as JSON, `None` for a kind the catalog does not describe, or why its own kind's
/// accessor refuses it (a required field missing, a wrong type).
pub fn typed_event(n: &Notification) -> Result<Option<Value>, Error> {
    let kind = n.kind();
    if kind == EventKind::Unknown {
        return Ok(None);
    }
    check_event(kind, kind, n.event_type(), n.plaintext(), true)
}

/// `path = value` lines for every scalar of a typed resource, e.g. `amount.total = 1`.
fn flatten(value: &Value, path: &str, out: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| flatten(v, &join(k), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(v, &join(&i.to_string()), out)),
        Value::String(s) => out.push(format!("{path} = {s}")),
        other => out.push(format!("{path} = {other}")),
    }
}

/// The kind line and the typed fields of an APIv3 notification, for the text output.
fn typed_lines(n: &Notification) -> Vec<String> {
    let kind = n.kind();
    let mut lines = vec![format!("kind {} ({})", kind.as_str(), kind.title())];
    match typed_event(n) {
        Ok(Some(value)) => flatten(&value, "", &mut lines),
        Ok(None) => lines
            .push("not in the event catalog: read the plaintext (n.resource / Decode)".to_owned()),
        Err(e) => lines.push(format!("the typed accessor refuses it: {e}")),
    }
    lines
}

/// The accepted notification as JSON: envelope, kind, typed and decrypted resource, or the
/// APIv2 fields.
pub fn accepted_json(accepted: &Accepted) -> Value {
    match accepted {
        Accepted::V3(n) => json!({
            "mchid": n.mchid(),
            "kind": n.kind().as_str(),
            "event": match typed_event(n) {
                Ok(value) => json!({ "ok": true, "fields": value }),
                Err(e) => json!({ "ok": false, "code": e.code().as_str(), "message": e.message() }),
            },
            "id": n.id(),
            "create_time": n.create_time(),
            "event_type": n.event_type(),
            "resource_type": n.resource_type(),
            "summary": n.summary(),
            "original_type": n.original_type(),
            "serial": n.serial(),
            "timestamp": n.timestamp(),
            "resource": serde_json::from_str::<Value>(n.plaintext()).unwrap_or(Value::Null),
        }),
        Accepted::V2Payment(fields) => json!({ "fields": fields }),
        Accepted::V2Refund(r) => json!({ "fields": r.fields, "req_info": r.req_info }),
    }
}

fn reply_json(reply: &Reply) -> Value {
    json!({ "status": reply.status, "content_type": reply.content_type, "body": reply.body })
}

/// The reply as HTTP text.
pub fn reply_text(reply: &Reply) -> String {
    let mut text = format!("HTTP/1.1 {}\r\n", status_line(reply.status));
    if let Some(ct) = reply.content_type {
        text.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if reply.status != 204 {
        text.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    text.push_str("\r\n");
    text.push_str(&reply.body);
    text
}

fn header_text(req: &RawRequest, name: &str) -> Option<String> {
    req.header(name)
        .map(|v| String::from_utf8_lossy(v.trim_ascii()).into_owned())
}

/// Runs `doctor`.
pub fn run_doctor(args: &InspectArgs, json: bool, style: Style) -> CliResult {
    let (req, config, report) = examine(args)?;
    let warnings = advice::capture_warnings(&req);
    let advice = advice::advice(&report, &req, &config);
    let reply = report.reply();
    if json {
        let steps: Vec<Value> = report
            .steps
            .iter()
            .map(|s| {
                let (status, code, message) = match &s.status {
                    StepStatus::Passed => ("passed", None, None),
                    StepStatus::Failed(e) => {
                        ("failed", Some(e.code().as_str()), Some(e.message().to_owned()))
                    }
                    StepStatus::Skipped(why) => ("skipped", None, Some(why.clone())),
                };
                json!({ "step": s.number, "name": s.name, "status": status, "code": code, "message": message })
            })
            .collect();
        let verdict = match &report.verdict {
            Ok(a) => json!({ "ok": true, "notification": accepted_json(a) }),
            Err(e) => json!({ "ok": false, "code": e.code().as_str(), "message": e.message() }),
        };
        let doc = json!({
            "protocol": report.protocol.as_str(),
            "request": {
                "method": req.method(),
                "target": req.target(),
                "headers": req.headers.len(),
                "body_bytes": req.body.len(),
                "content_length": req.content_length(),
            },
            "now": report.now,
            "config": config.merchants_file,
            "merchants": config.mchids,
            "checks": steps,
            "verdict": verdict,
            "warnings": warnings,
            "notes": config.notes,
            "advice": advice,
            "reply": reply_json(&reply),
        });
        println!("{doc}");
        return Ok(Outcome::from_ok(report.accepted()));
    }
    print_request(style, args, &req, &report, &config);
    for w in warnings.iter().chain(config.notes.iter()) {
        println!("  {} {w}", style.warn("warning:"));
    }
    let title = match report.protocol {
        Protocol::V3 => "Checks (APIv3 JSON callback)",
        Protocol::V2Payment => "Checks (APIv2 XML payment result)",
        Protocol::V2Refund => "Checks (APIv2 XML refund result)",
    };
    println!("{}", style.bold(title));
    for s in &report.steps {
        match &s.status {
            StepStatus::Passed => println!("  {} {:>2} {}", style.mark(true), s.number, s.name),
            StepStatus::Failed(e) => {
                println!("  {} {:>2} {}", style.mark(false), s.number, s.name);
                println!("       {}", style.bad(&e.to_string()));
            }
            StepStatus::Skipped(why) => println!(
                "  {} {:>2} {}",
                style.dim("-"),
                s.number,
                style.dim(&format!("{} (skipped: {why})", s.name))
            ),
        }
    }
    match &report.verdict {
        Ok(accepted) => {
            println!("{} {}", style.bold("Verdict:"), style.good("OK (accepted)"));
            print_accepted(accepted);
        }
        Err(e) => println!(
            "{} {} {}",
            style.bold("Verdict:"),
            style.bad(e.code().as_str()),
            style.dim("(rejected)")
        ),
    }
    if !advice.is_empty() {
        println!("{}", style.bold("Advice"));
        for a in &advice {
            println!("  - {a}");
        }
    }
    println!("{}", style.bold("Reply to send"));
    let text = reply_text(&reply);
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        println!("  {line}");
    }
    Ok(Outcome::from_ok(report.accepted()))
}

fn print_request(
    style: Style,
    args: &InspectArgs,
    req: &RawRequest,
    report: &Report,
    config: &Config,
) {
    println!("{} {}", style.bold("Request"), args.request.display());
    let line = match (req.method(), req.target()) {
        (Some(m), Some(t)) => format!("{m} {t}"),
        _ => "(no request line)".to_owned(),
    };
    println!(
        "  {line}, {} header{}, body {} bytes",
        req.headers.len(),
        if req.headers.len() == 1 { "" } else { "s" },
        req.body.len()
    );
    if report.protocol == Protocol::V3 {
        if let Some(serial) = header_text(req, wechatpay_notify::HEADER_SERIAL) {
            let kind = if serial
                .to_ascii_uppercase()
                .starts_with(wechatpay_notify::PUBLIC_KEY_ID_PREFIX)
            {
                "a WeChat Pay public key id (微信支付公钥ID)"
            } else {
                "a platform certificate serial (平台证书序列号)"
            };
            println!("  Wechatpay-Serial {serial}: {kind}");
            if let Some(file) = &config.merchants_file {
                let mchids = config.merchants_of(&serial);
                let whose = match mchids.as_slice() {
                    [] => "no merchant".to_owned(),
                    [one] => format!("merchant {one}"),
                    many => format!(
                        "merchants {} (shared: the APIv3 key decides)",
                        many.join(", ")
                    ),
                };
                println!(
                    "  {} merchants in {}; this serial is configured for {whose}",
                    config.mchids.len(),
                    file.display()
                );
            }
        }
        if let Some(ts) = header_text(req, wechatpay_notify::HEADER_TIMESTAMP) {
            let when = ts
                .parse::<i64>()
                .map(|t| format!(" = {}", timefmt::utc(t)))
                .unwrap_or_default();
            println!(
                "  Wechatpay-Timestamp {ts}{when}; checked at {} = {}",
                report.now,
                timefmt::utc(report.now)
            );
        }
    }
}

fn print_accepted(accepted: &Accepted) {
    match accepted {
        Accepted::V3(n) => {
            if let Some(mchid) = n.mchid() {
                println!("  mchid {mchid} (the merchant whose keys verified and decrypted it)");
            }
            println!(
                "  id {}  event_type {}  summary {}  create_time {}",
                n.id(),
                n.event_type(),
                n.summary(),
                n.create_time()
            );
            for line in typed_lines(n) {
                println!("  {line}");
            }
            println!("  decrypted resource ({}):", n.original_type());
            let pretty = serde_json::from_str::<Value>(n.plaintext())
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| n.plaintext().to_owned());
            for line in pretty.lines() {
                println!("    {line}");
            }
        }
        Accepted::V2Payment(fields) => {
            println!("  fields:");
            for (k, v) in fields {
                println!("    {k} = {v}");
            }
        }
        Accepted::V2Refund(r) => {
            println!("  fields:");
            for (k, v) in &r.fields {
                println!("    {k} = {v}");
            }
            println!("  req_info (decrypted):");
            for (k, v) in &r.req_info {
                println!("    {k} = {v}");
            }
        }
    }
}

/// Runs `parse`.
pub fn run_parse(args: &InspectArgs, json: bool) -> CliResult {
    let (_, _, report) = examine(args)?;
    match (&report.verdict, json) {
        (Ok(a), true) => println!(
            "{}",
            json!({ "ok": true, "protocol": report.protocol.as_str(), "notification": accepted_json(a) })
        ),
        (Ok(Accepted::V3(n)), false) => {
            if let Some(mchid) = n.mchid() {
                println!("mchid {mchid}");
            }
            for line in typed_lines(n) {
                println!("{line}");
            }
        }
        (Ok(a), false) => println!("{}", accepted_json(a)),
        (Err(e), true) => println!(
            "{}",
            json!({ "ok": false, "protocol": report.protocol.as_str(), "code": e.code().as_str(), "message": e.message() })
        ),
        (Err(e), false) => println!("{e}"),
    }
    Ok(Outcome::from_ok(report.accepted()))
}
