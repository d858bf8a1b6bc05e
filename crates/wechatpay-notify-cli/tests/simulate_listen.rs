//! `simulate` (acting as WeChat Pay) against `listen` (the receiver) on loopback: good
//! callbacks, every error case, retries, slow replies, signals.

mod common;

use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

use common::{key_path, run, write};
use serde_json::Value;

const APIV3: &str = "wpnTestAPIv3Key0123456789abcdefg";
const V2: &str = "wpnTestAPIv2Key0123456789ABCDEFG";
const PUB_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
const SERIAL_A: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const SERIAL_EXPIRED: &str = "3A9C0E1B2D4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B";

/// A `listen` process and its output lines.
struct Listener {
    child: Child,
    lines: mpsc::Receiver<String>,
    url: String,
}

impl Drop for Listener {
    fn drop(&mut self) {
        // A failed test must not leave its receiver running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Listener {
    fn start(extra: &[&str]) -> Listener {
        let mut args: Vec<String> = vec![
            "listen".into(),
            "--json".into(),
            "--port".into(),
            "0".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let (child, lines) = common::spawn_lines(common::command(&args));
        let first = lines
            .recv_timeout(Duration::from_secs(10))
            .expect("listen started");
        let doc: Value = serde_json::from_str(&first).unwrap();
        let url = doc["listening"].as_str().unwrap().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        assert!(
            !first.contains(APIV3) && !first.contains(V2),
            "keys in the banner"
        );
        Listener { child, lines, url }
    }

    fn event(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(10))
            .expect("an event line");
        serde_json::from_str(&line).unwrap()
    }

    /// Sends a signal and returns the exit code and the last line.
    fn stop(&mut self, signal: &str) -> (i32, Value) {
        let status = std::process::Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let code = self
            .child
            .wait()
            .unwrap()
            .code()
            .expect("exited, not killed");
        let mut last = String::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            last = line;
        }
        (code, serde_json::from_str(&last).unwrap())
    }
}

fn receiver_args() -> Vec<String> {
    vec![
        "--apiv3-key".into(),
        APIV3.into(),
        "--public-key".into(),
        format!("{PUB_ID}={}", key_path("test-platform-b.pub.pem").display()),
        "--certificate".into(),
        key_path("test-platform-a.cert.pem").display().to_string(),
        "--certificate".into(),
        key_path("test-expired.cert.pem").display().to_string(),
    ]
}

/// Runs `simulate --json` with the test key B unless `args` names another key.
fn simulate(url: &str, args: &[&str]) -> (i32, Value) {
    let mut all: Vec<String> = vec!["simulate".into(), "--json".into(), url.into()];
    if !args.contains(&"--v2") {
        if !args.contains(&"--platform-private-key") {
            all.extend([
                "--platform-private-key".into(),
                key_path("test-platform-b.key.pem").display().to_string(),
            ]);
        }
        if !args.contains(&"--serial") {
            all.extend(["--serial".into(), PUB_ID.into()]);
        }
    }
    if !args.contains(&"--apiv3-key") {
        all.extend(["--apiv3-key".into(), APIV3.into()]);
    }
    all.extend(args.iter().map(|s| s.to_string()));
    let r = run(&all);
    assert!(
        !r.stdout.contains(APIV3),
        "the APIv3 key appears in simulate's output"
    );
    (r.code, r.json())
}

fn pkcs1_copy(dir: &Path) -> String {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    let pem = std::fs::read_to_string(key_path("test-platform-b.key.pem")).unwrap();
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap();
    let pkcs1 = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    write(dir, "b.pkcs1.pem", pkcs1.as_bytes())
}

#[test]
fn simulate_against_listen_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = receiver_args();
    args.extend(["--v2-key".into(), V2.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listener = Listener::start(&args);
    let url = format!("{}wechatpay/notify", listener.url);
    let key_a = key_path("test-platform-a.key.pem").display().to_string();
    let key_attacker = key_path("test-attacker.key.pem").display().to_string();
    let key_expired = key_path("test-expired.key.pem").display().to_string();
    let pkcs1 = pkcs1_copy(dir.path());
    let other_v2 = "otherAPIv2Key0123456789ABCDEFGHI";
    let wrong_apiv3 = "WRONGapiv3KeyWRONGapiv3KeyWRONG0";
    let serial_a_lower = SERIAL_A.to_ascii_lowercase();
    // (simulate options, exit code, HTTP status, receiver verdict)
    let cases: Vec<(Vec<&str>, i32, u16, &str)> = vec![
        (vec![], 0, 204, "OK"),
        (vec!["--event", "refund"], 0, 204, "OK"),
        (vec!["--event", "partner_transaction"], 0, 204, "OK"),
        (vec!["--event", "combine_transaction"], 0, 204, "OK"),
        (vec!["--event", "partner_refund"], 0, 204, "OK"),
        (vec!["--event", "profit_sharing"], 0, 204, "OK"),
        (vec!["--event", "transfer_bill"], 0, 204, "OK"),
        (vec!["--event", "complaint"], 0, 204, "OK"),
        (
            vec!["--platform-private-key", &key_a, "--serial", SERIAL_A],
            0,
            204,
            "OK",
        ),
        (
            vec![
                "--platform-private-key",
                &key_a,
                "--serial",
                &serial_a_lower,
            ],
            0,
            204,
            "OK",
        ),
        (
            vec!["--platform-private-key", &pkcs1, "--serial", PUB_ID],
            0,
            204,
            "OK",
        ),
        (vec!["--probe"], 0, 401, "SIGNATURE_PROBE"),
        (vec!["--tamper", "body"], 0, 401, "SIGNATURE_MISMATCH"),
        (vec!["--tamper", "signature"], 0, 401, "SIGNATURE_MISMATCH"),
        (vec!["--tamper", "header"], 0, 401, "MISSING_HEADER"),
        (vec!["--timestamp-offset", "-600"], 0, 401, "TIMESTAMP_SKEW"),
        (vec!["--timestamp-offset", "400"], 0, 401, "TIMESTAMP_SKEW"),
        (vec!["--apiv3-key", wrong_apiv3], 1, 500, "DECRYPT_FAILED"),
        (
            vec!["--apiv3-key", wrong_apiv3, "--expect", "reject"],
            0,
            500,
            "DECRYPT_FAILED",
        ),
        (
            vec![
                "--serial",
                "PUB_KEY_ID_0114232134912410000000000099",
                "--expect",
                "reject",
            ],
            0,
            401,
            "UNKNOWN_SERIAL",
        ),
        (
            vec![
                "--platform-private-key",
                &key_attacker,
                "--serial",
                PUB_ID,
                "--expect",
                "reject",
            ],
            0,
            401,
            "SIGNATURE_MISMATCH",
        ),
        (
            vec![
                "--platform-private-key",
                &key_expired,
                "--serial",
                SERIAL_EXPIRED,
                "--expect",
                "reject",
            ],
            0,
            401,
            "KEY_EXPIRED",
        ),
        (
            vec!["--probe", "--expect", "accept"],
            1,
            401,
            "SIGNATURE_PROBE",
        ),
        (vec!["--v2", "--v2-key", V2], 0, 200, "OK"),
        (
            vec!["--v2", "--v2-key", V2, "--v2-sign-type", "hmac-sha256"],
            0,
            200,
            "OK",
        ),
        (
            vec!["--v2", "--v2-key", V2, "--event", "refund"],
            0,
            200,
            "OK",
        ),
        (
            vec!["--v2", "--v2-key", other_v2],
            1,
            200,
            "SIGNATURE_MISMATCH",
        ),
        (
            vec!["--v2", "--v2-key", other_v2, "--expect", "reject"],
            0,
            200,
            "SIGNATURE_MISMATCH",
        ),
        (
            vec![
                "--v2", "--v2-key", other_v2, "--event", "refund", "--expect", "reject",
            ],
            0,
            200,
            "DECRYPT_FAILED",
        ),
    ];
    for (opts, code, status, verdict) in &cases {
        let (exit, doc) = simulate(&url, opts);
        assert_eq!(exit, *code, "{opts:?}: {doc}");
        let d = &doc["deliveries"][0];
        assert_eq!(d["status"], *status, "{opts:?}: {doc}");
        assert_eq!(doc["correct"], *code == 0, "{opts:?}");
        if *verdict == "OK" {
            assert_eq!(d["accepted"], true, "{opts:?}: {doc}");
            assert!(d["receiver_code"].is_null());
            assert!(doc["retry_schedule_secs"].is_null());
        } else {
            assert_eq!(d["accepted"], false, "{opts:?}: {doc}");
            assert_eq!(d["receiver_code"], *verdict, "{opts:?}: {doc}");
            let schedule = doc["retry_schedule_secs"].as_array().unwrap();
            assert_eq!(schedule.len(), 15);
            assert_eq!(schedule[0], 15);
            assert_eq!(schedule[14], 21600);
        }
        // The receiver saw the same thing and answered the same status.
        let event = listener.event();
        assert_eq!(event["verdict"], *verdict, "{opts:?}: {event}");
        assert_eq!(event["status"], *status);
        if *verdict == "OK" && !opts.contains(&"--v2") {
            // `--event KIND` sends that kind of the event catalog; the receiver types it so.
            let kind = opts
                .iter()
                .position(|o| *o == "--event")
                .map_or("transaction", |i| opts[i + 1]);
            assert_eq!(event["kind"], kind, "{opts:?}: {event}");
        }
        // A refund's id is inside req_info, unreadable without the right key.
        if !(opts.contains(&"refund") && *verdict != "OK") {
            assert_eq!(event["id"], doc["id"], "{opts:?}");
        }
    }

    // Retries: the same notification four times, along the schedule sped up 1000 times.
    let (exit, doc) = simulate(
        &url,
        &[
            "--retries",
            "3",
            "--time-scale",
            "0.001",
            "--id",
            "EV-RETRY-TEST-1",
        ],
    );
    assert_eq!(exit, 0, "{doc}");
    let deliveries = doc["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 4);
    let waits: Vec<u64> = deliveries
        .iter()
        .map(|d| d["waited_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(waits, [0, 15, 15, 30]);
    for (i, d) in deliveries.iter().enumerate() {
        assert_eq!(d["status"], 204);
        let event = listener.event();
        assert_eq!(event["id"], "EV-RETRY-TEST-1");
        assert_eq!(event["repeat"], i as u64, "{event}");
    }

    let (code, last) = {
        let mut l = listener;
        l.stop("TERM")
    };
    assert_eq!(code, 0);
    assert_eq!(last["stopped"], true);
    let served = (cases.len() + 4) as u64;
    assert_eq!(last["requests"], served);
}

#[test]
fn listen_saves_requests_that_doctor_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("captures");
    let mut args = receiver_args();
    args.extend(["--save".into(), save.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listener = Listener::start(&args);
    // No APIv2 key on this receiver: XML is refused as an APIv3 handler does.
    let (exit, doc) = simulate(
        &listener.url,
        &["--v2", "--v2-key", V2, "--expect", "reject"],
    );
    assert_eq!(exit, 0, "{doc}");
    assert_eq!(doc["deliveries"][0]["status"], 500);
    assert_eq!(doc["deliveries"][0]["receiver_code"], "WRONG_FORMAT");
    let wrong_format = listener.event();
    let (exit, _) = simulate(&listener.url, &[]);
    assert_eq!(exit, 0);
    let ok = listener.event();
    let (exit, _) = simulate(&listener.url, &["--tamper", "body"]);
    assert_eq!(exit, 0);
    let tampered = listener.event();
    let (code, _) = {
        let mut l = listener;
        l.stop("INT")
    };
    assert_eq!(code, 0);
    let keys = receiver_args();
    for (event, expect) in [(wrong_format, 1), (ok, 0), (tampered, 1)] {
        let path = event["saved"].as_str().expect("saved path").to_owned();
        let mut doctor = vec!["doctor".to_owned(), "--json".to_owned(), path];
        doctor.extend(keys.iter().cloned());
        let r = run(&doctor);
        assert_eq!(r.code, expect, "{}", r.stdout);
        let verdict = &r.json()["verdict"];
        let code = verdict["code"].as_str().unwrap_or("OK");
        assert_eq!(code, event["verdict"], "{event}");
    }
}

#[test]
fn slow_receivers_and_unreachable_urls_are_not_accepted() {
    let mut args = receiver_args();
    args.extend(["--delay-ms".into(), "1500".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listener = Listener::start(&args);
    let (exit, doc) = simulate(&listener.url, &["--timeout", "1"]);
    assert_eq!(exit, 1, "{doc}");
    let d = &doc["deliveries"][0];
    assert_eq!(d["accepted"], false);
    assert!(
        d["why"]
            .as_str()
            .unwrap()
            .contains("no complete reply within 1"),
        "{doc}"
    );
    assert_eq!(doc["retry_schedule_secs"].as_array().unwrap().len(), 15);
    let (code, _) = {
        let mut l = listener;
        l.stop("INT")
    };
    assert_eq!(code, 0);

    // A port where nothing listens.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (exit, doc) = simulate(&format!("http://127.0.0.1:{port}/notify"), &[]);
    assert_eq!(exit, 1);
    assert!(doc["deliveries"][0]["status"].is_null());
    assert!(
        doc["deliveries"][0]["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{doc}"
    );
}

#[test]
fn https_goes_through_tls() {
    // A plain-HTTP server on the port: the TLS handshake fails, so nothing is accepted.
    let listener = Listener::start(
        &receiver_args()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let https = listener.url.replace("http://", "https://");
    let (exit, doc) = simulate(&https, &[]);
    assert_eq!(exit, 1, "{doc}");
    assert!(doc["deliveries"][0]["status"].is_null(), "{doc}");
    assert!(!doc["deliveries"][0]["error"].as_str().unwrap().is_empty());
    let mut listener = listener;
    assert_eq!(listener.stop("TERM").0, 0);
}

#[test]
fn simulate_text_output_and_usage_errors() {
    let listener = Listener::start(
        &receiver_args()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let r = run(&[
        "simulate",
        &listener.url,
        "--probe",
        "--platform-private-key",
        key_path("test-platform-b.key.pem").to_str().unwrap(),
        "--serial",
        PUB_ID,
        "--apiv3-key",
        APIV3,
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("<- 401 Unauthorized"), "{}", r.stdout);
    assert!(r.stdout.contains("refused with SIGNATURE_PROBE"));
    // Refusing a probe is right: no retry schedule to worry about.
    assert!(!r.stdout.contains("+15s, +30s, +1m"));
    assert!(r.stdout.contains("the receiver's reply is the correct one"));
    assert!(!r.stdout.contains('\u{1b}'));
    let r = run(&[
        "simulate",
        &listener.url,
        "--platform-private-key",
        key_path("test-platform-b.key.pem").to_str().unwrap(),
        "--serial",
        PUB_ID,
        "--apiv3-key",
        "0123456789abcdef0123456789abcdef",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("refused with DECRYPT_FAILED"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+15s, +30s, +1m, +4m"));
    assert!(r.stdout.contains("NOT the correct one"));
    let mut listener = listener;
    assert_eq!(listener.stop("TERM").0, 0);

    // Usage errors: exit 2.
    assert_eq!(run(&["simulate", "http://127.0.0.1:9/"]).code, 2);
    let r = run(&[
        "simulate",
        "ftp://127.0.0.1/",
        "--platform-private-key",
        key_path("test-platform-b.key.pem").to_str().unwrap(),
        "--serial",
        PUB_ID,
        "--apiv3-key",
        APIV3,
    ]);
    assert_eq!(r.code, 2);
    let r = run(&[
        "simulate",
        "http://127.0.0.1:9/",
        "--platform-private-key",
        key_path("test-platform-b.pub.pem").to_str().unwrap(),
        "--serial",
        PUB_ID,
        "--apiv3-key",
        APIV3,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("PUBLIC KEY"), "{}", r.stderr);
    let r = run(&["simulate", "http://127.0.0.1:9/", "--v2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("APIv2 key"));
    // --event takes the kinds of the event catalog, and APIv2 has payments and refunds only.
    let r = run(&["simulate", "http://127.0.0.1:9/", "--event", "coupon"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("profit_sharing"), "{}", r.stderr);
    let r = run(&[
        "simulate",
        "http://127.0.0.1:9/",
        "--v2",
        "--v2-key",
        V2,
        "--event",
        "profit_sharing",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("transaction or refund"), "{}", r.stderr);
    assert_eq!(
        run(&["simulate", "http://127.0.0.1:9/", "--retries", "16"]).code,
        2
    );
    // listen needs keys, and a free port.
    assert_eq!(run(&["listen", "--port", "0"]).code, 2);
}
