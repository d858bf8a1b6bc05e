//! `demo`: the whole story on loopback in a few seconds. Throwaway keys, a receiver (`listen`)
//! on an ephemeral port, and WeChat Pay (`simulate`) sending it good and bad callbacks; a
//! table of what was sent, what the receiver answered, and why.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde_json::json;
use wechatpay_notify::testing::{Failure, Kit};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::{ErrorCode, EventKind};

use crate::callback::{self, Callback, Params, Variation};
use crate::cli::{Expect, Tamper};
use crate::config::{Config, KeyInfo, KeyKind};
use crate::error::{CliResult, Outcome, UsageError};
use crate::listen::{Event, Receiver, Server};
use crate::simulate::{self, status_line};
use crate::style::Style;
use crate::timefmt;

/// One scenario: what WeChat Pay sends, and the outcome a correct receiver gives.
struct Case {
    sent: &'static str,
    callback: Callback,
    v2: bool,
    expect_code: Option<ErrorCode>,
    expect_status: u16,
    expect_repeat: bool,
    explain: &'static str,
}

/// What happened in one scenario.
struct CaseRun {
    case: Case,
    delivery: simulate::Delivery,
    event: Option<Event>,
    correct: bool,
}

fn answered(d: &simulate::Delivery, v2: bool) -> String {
    match d.status {
        None => format!("no reply ({})", d.error.as_deref().unwrap_or("?")),
        Some(s) if v2 => format!(
            "{} <xml> {}",
            status_line(s),
            simulate::xml_value(&d.body, "return_code").unwrap_or_default()
        ),
        Some(s) if d.body.is_empty() => status_line(s),
        Some(s) => format!("{s} FAIL JSON"),
    }
}

fn cases(kit: &Kit, now: i64) -> Result<Vec<Case>, String> {
    let normal = Variation::default();
    let failing = |failure| Variation {
        failure: Some(failure),
        ..normal
    };
    let v3 = |kind, variation| callback::build_v3(kit, &Params::new(kind, now), now, variation);
    let payment = v3(EventKind::Transaction, normal)?;
    // The retry: the same notification (the same id), signed again.
    let mut again = Params::new(EventKind::Transaction, now);
    again.id = Some(payment.id.clone());
    let retry = callback::build_v3(kit, &again, now, normal)?;
    Ok(vec![
        Case {
            sent: "payment TRANSACTION.SUCCESS",
            callback: payment,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: false,
            explain: "signature verified, resource decrypted",
        },
        Case {
            sent: "same payment again (a retry)",
            callback: retry,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: true,
            explain: "same id: handle idempotently, answer 204 again",
        },
        Case {
            sent: "refund REFUND.SUCCESS",
            callback: v3(EventKind::Refund, normal)?,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: false,
            explain: "signature verified, resource decrypted",
        },
        Case {
            sent: "SIGNTEST signature probe",
            callback: v3(EventKind::Transaction, failing(Failure::Probe))?,
            v2: false,
            expect_code: Some(ErrorCode::SignatureProbe),
            expect_status: 401,
            expect_repeat: false,
            explain: "WeChat Pay checks that you verify: refusing is correct",
        },
        Case {
            sent: "payment, body altered after signing",
            callback: v3(
                EventKind::Transaction,
                Variation {
                    tamper: Some(Tamper::Body),
                    ..normal
                },
            )?,
            v2: false,
            expect_code: Some(ErrorCode::SignatureMismatch),
            expect_status: 401,
            expect_repeat: false,
            explain: "the body is not what was signed",
        },
        Case {
            sent: "payment sealed with another APIv3 key",
            callback: v3(EventKind::Transaction, failing(Failure::OtherApiv3Key))?,
            v2: false,
            expect_code: Some(ErrorCode::DecryptFailed),
            expect_status: 500,
            expect_repeat: false,
            explain: "genuine, but the receiver's APIv3 key differs",
        },
        Case {
            sent: "payment signed 10 minutes ago",
            callback: v3(EventKind::Transaction, failing(Failure::StaleTimestamp))?,
            v2: false,
            expect_code: Some(ErrorCode::TimestampSkew),
            expect_status: 401,
            expect_repeat: false,
            explain: "600 s old, over the 300 s allowed: a replay?",
        },
        Case {
            sent: "APIv2 XML payment (MD5 sign)",
            callback: callback::build_v2(
                kit,
                &Params::new(EventKind::Transaction, now),
                SignType::Md5,
            )?,
            v2: true,
            expect_code: None,
            expect_status: 200,
            expect_repeat: false,
            explain: "APIv2 sign verified: XML SUCCESS reply",
        },
    ])
}

fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

/// Runs `demo`.
pub fn run(json: bool, style: Style) -> CliResult {
    let started = Instant::now();
    let fail = |e: String| UsageError::new(format!("demo could not start: {e}"));
    // 1. Throwaway keys (the testing kit's): a platform key pair under a PUB_KEY_ID_ id, an
    // APIv3 key and an APIv2 key.
    let kit = Kit::new().map_err(|e| fail(e.message().to_owned()))?;
    let keygen = started.elapsed();

    // 2. The receiver: `listen`, in-process, on an ephemeral loopback port, configured as the
    // kit's verifiers are.
    let config = Config {
        apiv3_key: None,
        verifier: Some(kit.verifier().map_err(|e| fail(e.to_string()))?),
        v2: Some(kit.v2_verifier().map_err(|e| fail(e.to_string()))?),
        keys: vec![KeyInfo {
            id: kit.key_id().to_owned(),
            kind: KeyKind::PublicKey,
            file: "(generated)".into(),
            mchid: None,
        }],
        now: None,
        notes: Vec::new(),
        same_v2_and_v3_key: false,
        merchants_file: None,
        mchids: Vec::new(),
    };
    let server = Server::bind(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0))?;
    let url = format!("http://{}/wechatpay/notify", server.addr());
    let stop = server.stop_handle();
    let (tx, rx) = mpsc::channel::<Event>();
    let tx = std::sync::Mutex::new(tx);
    let receiver = Arc::new(Receiver::new(config, None, Duration::ZERO));
    let serving = std::thread::spawn(move || {
        server.run(
            receiver,
            Arc::new(move |e: Event| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(e);
                }
            }),
        )
    });

    if !json {
        println!(
            "{}",
            style.bold("wechatpay-notify demo: WeChat Pay -> your notify_url, on loopback")
        );
        println!(
            "  throwaway RSA-2048 platform key ({} ms), APIv3 key and APIv2 key generated",
            keygen.as_millis()
        );
        println!("  receiver (`listen`) at {url}");
        println!("{}", style.bold("Receiver log"));
    }

    // 3. WeChat Pay (`simulate`) sends each scenario; the receiver judges it.
    let now = timefmt::now();
    let list = cases(&kit, now).map_err(fail)?;
    let agent = simulate::agent(simulate::REPLY_TIMEOUT);
    let mut outcomes = Vec::new();
    for case in list {
        let delivery = simulate::deliver(&agent, &url, &case.callback);
        let event = rx.recv_timeout(Duration::from_secs(5)).ok();
        let expect = if case.expect_code.is_none() {
            Expect::Accept
        } else {
            Expect::Reject
        };
        let judged = simulate::judge(&delivery, case.v2, expect, simulate::REPLY_TIMEOUT);
        let correct = judged.correct
            && delivery.status == Some(case.expect_status)
            && event.as_ref().is_some_and(|e| {
                e.code == case.expect_code && (e.repeat > 0) == case.expect_repeat
            });
        if !json {
            if let Some(e) = &event {
                println!("  {}", style.dim(&e.line(Style::plain())));
            }
        }
        outcomes.push(CaseRun {
            case,
            delivery,
            event,
            correct,
        });
    }
    stop.stop();
    let _ = serving.join();

    // 4. The gateway (`serve`): the same kit's callbacks, stored and forwarded.
    let gateway = crate::demo_gateway::run(&kit, now).map_err(fail)?;
    let elapsed = started.elapsed();
    let all_correct = outcomes.iter().all(|o| o.correct) && gateway.correct;

    if json {
        let list: Vec<_> = outcomes
            .iter()
            .map(|o| {
                json!({
                    "sent": o.case.sent,
                    "id": o.case.callback.id,
                    "status": o.delivery.status,
                    "answered": answered(&o.delivery, o.case.v2),
                    "verdict": o.event.as_ref().map(|e| e.verdict().to_owned()),
                    "repeat": o.event.as_ref().map(|e| e.repeat),
                    "expected_status": o.case.expect_status,
                    "expected_verdict": o.case.expect_code.map_or("OK", ErrorCode::as_str),
                    "why": o.case.explain,
                    "correct": o.correct,
                })
            })
            .collect();
        println!(
            "{}",
            json!({ "ok": all_correct, "elapsed_ms": elapsed.as_millis() as u64, "receiver": url, "cases": list, "gateway": gateway })
        );
        return Ok(Outcome::from_ok(all_correct));
    }

    let rows: Vec<[String; 4]> = outcomes
        .iter()
        .map(|o| {
            let verdict = o
                .event
                .as_ref()
                .map_or("no callback seen".to_owned(), |e| e.verdict().to_owned());
            [
                o.case.sent.to_owned(),
                answered(&o.delivery, o.case.v2),
                format!("{verdict}: {}", o.case.explain),
                String::new(),
            ]
        })
        .collect();
    let headers = ["WeChat Pay sent", "receiver answered", "why"];
    let widths: Vec<usize> = (0..3)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([headers[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    println!("{}", style.bold("Outcomes"));
    println!(
        "     {}  {}  {}",
        style.bold(&pad(headers[0], widths[0])),
        style.bold(&pad(headers[1], widths[1])),
        style.bold(headers[2])
    );
    for (o, row) in outcomes.iter().zip(&rows) {
        println!(
            "  {}  {}  {}  {}",
            style.mark(o.correct),
            pad(&row[0], widths[0]),
            pad(&row[1], widths[1]),
            row[2]
        );
    }
    println!(
        "{}",
        style.bold("Gateway (`serve`): verify, store durably, forward as Standard Webhooks")
    );
    println!(
        "  serve at {} (SQLite inbox), forwarding to {}",
        gateway.serve, gateway.forward_to
    );
    for s in &gateway.sent {
        println!(
            "  {}  {}  {}",
            style.mark(s.status == Some(s.expected_status)),
            pad(s.sent, widths[0]),
            s.status.map_or("no reply".to_owned(), status_line)
        );
    }
    let once = gateway.forwarded.values().all(|n| *n == 1);
    println!(
        "  {}  {} event(s) stored, {} forwarded{}, signature {}; refused: {}",
        style.mark(gateway.correct),
        gateway.stored,
        gateway.forwarded.len(),
        if once { " once each" } else { " (repeated)" },
        if gateway.signatures_verified {
            "verified"
        } else {
            "NOT verified"
        },
        gateway
            .rejections
            .iter()
            .map(|(c, n)| format!("{c} x{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let correct = outcomes.iter().filter(|o| o.correct).count();
    let summary = format!(
        "{correct}/{} outcomes correct in {:.1} s",
        outcomes.len(),
        elapsed.as_secs_f64()
    );
    if all_correct {
        println!("{}", style.good(&summary));
    } else {
        println!("{}", style.bad(&summary));
    }
    println!("{}", style.bold("Next"));
    println!("  wechatpay-notify check-url https://your.domain/wechatpay/notify");
    println!("  wechatpay-notify serve --config gateway.toml        (docs/gateway.md)");
    println!(
        "  wechatpay-notify doctor captured-request.http --apiv3-key-file apiv3.key \
         --public-key PUB_KEY_ID_...=pub_key.pem"
    );
    println!(
        "  wechatpay-notify listen --port 8080 --apiv3-key-file apiv3.key --public-key \
         PUB_KEY_ID_...=pub_key.pem --save captures/"
    );
    println!(
        "  wechatpay-notify simulate http://localhost:8080/notify --probe \
         --platform-private-key test.key.pem --serial PUB_KEY_ID_... --apiv3-key-file apiv3.key"
    );
    Ok(Outcome::from_ok(all_correct))
}
