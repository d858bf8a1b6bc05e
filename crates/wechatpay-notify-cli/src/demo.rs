//! `demo`: the whole story on loopback in a few seconds. Throwaway keys, a receiver (`listen`)
//! on an ephemeral port, and WeChat Pay (`simulate`) sending it good and bad callbacks; a
//! table of what was sent, what the receiver answered, and why.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use serde_json::json;
use wechatpay_notify::v2::{SignType, V2Verifier};
use wechatpay_notify::{ErrorCode, Verifier};

use crate::callback::{self, Callback, Params, PlatformSigner, Variation};
use wechatpay_notify::EventKind;

use crate::cli::{Expect, Tamper};
use crate::config::{Config, KeyInfo, KeyKind};
use crate::error::{CliResult, Outcome, UsageError};
use crate::listen::{Event, Receiver, Server};
use crate::simulate::{self, status_line};
use crate::style::Style;
use crate::timefmt;

/// The public key id the demo's throwaway key is configured under.
pub const DEMO_KEY_ID: &str = "PUB_KEY_ID_0100000000DEMO00000000000000";

/// A fresh RSA-2048 key pair (the demo's stand-in for WeChat Pay's platform key).
pub fn generate_key() -> Result<rsa::RsaPrivateKey, String> {
    rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
        .map_err(|e| format!("RSA key generation failed: {e}"))
}

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

fn cases(
    signer: &PlatformSigner,
    apiv3: &[u8],
    v2_key: &[u8],
    now: i64,
) -> Result<Vec<Case>, String> {
    let payment = Params::new(EventKind::Transaction, now);
    let refund = Params::new(EventKind::Refund, now);
    let normal = Variation::default();
    let wrong_key = callback::random_token(32);
    Ok(vec![
        Case {
            sent: "payment TRANSACTION.SUCCESS",
            callback: callback::build_v3(signer, apiv3, &payment, now, normal)?,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: false,
            explain: "signature verified, resource decrypted",
        },
        Case {
            sent: "same payment again (a retry)",
            callback: callback::build_v3(signer, apiv3, &payment, now, normal)?,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: true,
            explain: "same id: handle idempotently, answer 204 again",
        },
        Case {
            sent: "refund REFUND.SUCCESS",
            callback: callback::build_v3(signer, apiv3, &refund, now, normal)?,
            v2: false,
            expect_code: None,
            expect_status: 204,
            expect_repeat: false,
            explain: "signature verified, resource decrypted",
        },
        Case {
            sent: "SIGNTEST signature probe",
            callback: callback::build_v3(
                signer,
                apiv3,
                &Params::new(EventKind::Transaction, now),
                now,
                Variation {
                    probe: true,
                    ..normal
                },
            )?,
            v2: false,
            expect_code: Some(ErrorCode::SignatureProbe),
            expect_status: 401,
            expect_repeat: false,
            explain: "WeChat Pay checks that you verify: refusing is correct",
        },
        Case {
            sent: "payment, body altered after signing",
            callback: callback::build_v3(
                signer,
                apiv3,
                &Params::new(EventKind::Transaction, now),
                now,
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
            callback: callback::build_v3(
                signer,
                wrong_key.as_bytes(),
                &Params::new(EventKind::Transaction, now),
                now,
                normal,
            )?,
            v2: false,
            expect_code: Some(ErrorCode::DecryptFailed),
            expect_status: 500,
            expect_repeat: false,
            explain: "genuine, but the receiver's APIv3 key differs",
        },
        Case {
            sent: "payment signed 10 minutes ago",
            callback: callback::build_v3(
                signer,
                apiv3,
                &Params::new(EventKind::Transaction, now),
                now,
                Variation {
                    timestamp_offset: -600,
                    ..normal
                },
            )?,
            v2: false,
            expect_code: Some(ErrorCode::TimestampSkew),
            expect_status: 401,
            expect_repeat: false,
            explain: "600 s old, over the 300 s allowed: a replay?",
        },
        Case {
            sent: "APIv2 XML payment (MD5 sign)",
            callback: callback::build_v2(
                v2_key,
                &Params::new(EventKind::Transaction, now),
                SignType::Md5,
            ),
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
    // 1. Throwaway keys: the "platform" key pair, an APIv3 key and an APIv2 key.
    let key = generate_key().map_err(fail)?;
    let pkcs8 = key
        .to_pkcs8_der()
        .map_err(|e| fail(format!("PKCS#8 encoding: {e}")))?;
    let public_pem = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| fail(format!("public key encoding: {e}")))?;
    let signer = PlatformSigner::from_pkcs8_der(pkcs8.as_bytes(), DEMO_KEY_ID).map_err(fail)?;
    let apiv3 = callback::random_token(32);
    let v2_key = callback::random_token(32);
    let keygen = started.elapsed();

    // 2. The receiver: `listen`, in-process, on an ephemeral loopback port.
    let verifier = Verifier::builder()
        .apiv3_key(&apiv3)
        .public_key(DEMO_KEY_ID, &public_pem)
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let config = Config {
        apiv3_key: None,
        verifier: Some(verifier),
        v2: Some(V2Verifier::new(&v2_key).map_err(|e| fail(e.to_string()))?),
        keys: vec![KeyInfo {
            id: DEMO_KEY_ID.to_owned(),
            kind: KeyKind::PublicKey,
            file: "(generated)".into(),
        }],
        now: None,
        notes: Vec::new(),
        same_v2_and_v3_key: false,
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
    let list = cases(&signer, apiv3.as_bytes(), v2_key.as_bytes(), now).map_err(fail)?;
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
    let elapsed = started.elapsed();
    let all_correct = outcomes.iter().all(|o| o.correct);

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
            json!({ "ok": all_correct, "elapsed_ms": elapsed.as_millis() as u64, "receiver": url, "cases": list })
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
