//! `doctor` and `parse` on every conformance vector, written as raw HTTP requests.

mod common;

use common::{case_body, case_headers, raw_request, run, run_with_stdin, verifier_args, write};
use serde_json::Value;

/// Options for a case: its verifier's keys or its APIv2 key, and its time.
fn case_args(dir: &std::path::Path, vectors: &Value, case: &Value) -> Vec<String> {
    let mut args = Vec::new();
    let kind = case["type"].as_str().unwrap();
    if kind.starts_with("v3") {
        args.extend(verifier_args(
            dir,
            vectors,
            case["verifier"].as_str().unwrap(),
        ));
    } else {
        let name = case["v2_key"].as_str().unwrap();
        args.push("--v2-key-file".to_owned());
        args.push(write(
            dir,
            &format!("{name}.v2key"),
            vectors["v2_keys"][name].as_str().unwrap(),
        ));
        // A JSON body sent to an APIv2 handler: check it as that handler does.
        args.push("--v2".to_owned());
    }
    if let Some(now) = case["now"].as_i64() {
        args.push("--now".to_owned());
        args.push(now.to_string());
    }
    args
}

fn secrets(vectors: &Value) -> Vec<String> {
    let mut s: Vec<String> = vectors["verifiers"]
        .as_object()
        .unwrap()
        .keys()
        .flat_map(|name| common::verifier_apiv3_keys(vectors, name))
        .collect();
    s.extend(
        vectors["v2_keys"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_str().unwrap().to_owned()),
    );
    s
}

#[test]
fn doctor_gives_every_vector_its_expected_verdict() {
    let vectors = common::load_json("notifications.json");
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets(&vectors);
    let mut checked = 0;
    for (i, case) in vectors["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let kind = case["type"].as_str().unwrap();
        if kind.ends_with("config") {
            continue;
        }
        let req = write(
            dir.path(),
            &format!("{name}.http"),
            raw_request(&case_headers(case), &case_body(case), i),
        );
        let mut args = vec!["doctor".to_owned(), "--json".to_owned(), req];
        args.extend(case_args(dir.path(), &vectors, case));
        let r = run(&args);
        for s in &secrets {
            assert!(
                !r.stdout.contains(s.as_str()),
                "{name}: a key appears in the output"
            );
            assert!(
                !r.stderr.contains(s.as_str()),
                "{name}: a key appears on stderr"
            );
        }
        let doc = r.json();
        let expect = &case["expect"];
        let verdict = &doc["verdict"];
        if kind == "v3_verify" {
            // doctor runs the full parse; verify covers steps 0-10, which must agree.
            let steps = doc["checks"].as_array().unwrap();
            let first_failure = steps.iter().find(|s| s["status"] == "failed").map(|s| {
                (
                    s["step"].as_u64().unwrap(),
                    s["code"].as_str().unwrap().to_owned(),
                )
            });
            match expect["error"].as_str() {
                Some(code) => {
                    assert_eq!(verdict["code"], code, "{name}");
                    assert_eq!(r.code, 1, "{name}");
                }
                None => {
                    if let Some((step, code)) = first_failure {
                        assert!(step > 10, "{name}: step {step} failed with {code}");
                    }
                }
            }
            checked += 1;
            continue;
        }
        match expect["error"].as_str() {
            Some(code) => {
                assert_eq!(verdict["ok"], false, "{name}: {}", r.stdout);
                assert_eq!(verdict["code"], code, "{name}: {}", r.stdout);
                assert_eq!(r.code, 1, "{name}");
                for part in expect["message_contains"].as_array().into_iter().flatten() {
                    let part = part.as_str().unwrap();
                    let message = verdict["message"].as_str().unwrap();
                    assert!(message.contains(part), "{name}: {part:?} not in {message}");
                }
                // The failing check is listed with the same code (every v3 code has a step).
                assert!(
                    doc["checks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s["status"] == "failed" && s["code"] == code),
                    "{name}: no failed check with {code}"
                );
                let reply = &doc["reply"];
                if kind.starts_with("v3") {
                    let status = reply["status"].as_u64().unwrap();
                    assert!(status == 401 || status == 500, "{name}: {status}");
                    let body: Value =
                        serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
                    assert_eq!(body["code"], "FAIL");
                    assert!(body["message"].as_str().unwrap().starts_with(code));
                } else {
                    assert!(reply["body"].as_str().unwrap().contains("FAIL"), "{name}");
                }
                assert!(
                    !doc["advice"].as_array().unwrap().is_empty(),
                    "{name}: no advice"
                );
            }
            None => {
                assert_eq!(verdict["ok"], true, "{name}: {}", r.stdout);
                assert_eq!(r.code, 0, "{name}");
                let n = &verdict["notification"];
                if kind == "v3_parse" {
                    assert_eq!(n["id"], expect["id"], "{name}");
                    assert_eq!(n["event_type"], expect["event_type"], "{name}");
                    let plain: Value =
                        serde_json::from_str(expect["plaintext"].as_str().unwrap()).unwrap();
                    assert_eq!(n["resource"], plain, "{name}");
                    // The merchant, with the merchants form (--config); null otherwise.
                    assert_eq!(n["mchid"], expect["mchid"], "{name}");
                    assert_eq!(doc["reply"]["status"], 204);
                    assert!(doc["checks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|s| s["status"] == "passed"));
                } else {
                    assert_eq!(n["fields"], expect["fields"], "{name}");
                    if kind == "v2_refund" {
                        assert_eq!(n["req_info"], expect["req_info"], "{name}");
                    }
                    assert_eq!(doc["reply"]["status"], 200);
                    assert!(doc["reply"]["body"].as_str().unwrap().contains("SUCCESS"));
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} cases checked");
}

#[test]
fn invalid_configurations_are_usage_errors() {
    let vectors = common::load_json("notifications.json");
    let dir = tempfile::tempdir().unwrap();
    let valid = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "valid_transaction_public_key")
        .unwrap();
    let req = write(
        dir.path(),
        "req.http",
        raw_request(&case_headers(valid), &case_body(valid), 0),
    );
    let mut n = 0;
    for case in vectors["cases"].as_array().unwrap() {
        if case["type"] != "v3_config" {
            continue;
        }
        let mut args = vec!["doctor".to_owned(), req.clone()];
        args.extend(verifier_args(
            dir.path(),
            &vectors,
            case["verifier"].as_str().unwrap(),
        ));
        let r = run(&args);
        assert_eq!(r.code, 2, "{}: {}{}", case["name"], r.stdout, r.stderr);
        assert!(r.stderr.starts_with("wechatpay-notify: "), "{}", r.stderr);
        for key in common::verifier_apiv3_keys(&vectors, case["verifier"].as_str().unwrap()) {
            assert!(!r.stderr.contains(&key), "the key appears in the error");
        }
        n += 1;
    }
    assert!(n >= 9);
}

fn default_setup(dir: &std::path::Path, case_name: &str) -> (Vec<String>, Vec<u8>) {
    let vectors = common::load_json("notifications.json");
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == case_name)
        .unwrap()
        .clone();
    let raw = raw_request(&case_headers(&case), &case_body(&case), 0);
    (case_args(dir, &vectors, &case), raw)
}

fn doctor_text(case: &str) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let (args, raw) = default_setup(dir.path(), case);
    let req = write(dir.path(), "req.http", raw);
    let mut all = vec!["doctor".to_owned(), req];
    all.extend(args);
    run(&all)
}

#[test]
fn doctor_text_has_checks_verdict_advice_and_reply() {
    let r = doctor_text("valid_transaction_public_key");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("✓ 15 decrypted resource is JSON"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Verdict: OK"));
    assert!(r
        .stdout
        .contains("\"out_trade_no\": \"1217752501201407033233368018\""));
    assert!(r.stdout.contains("HTTP/1.1 204 No Content"));
    // Not a terminal: no colour.
    assert!(!r.stdout.contains('\u{1b}'));

    let r = doctor_text("mismatch_body_reserialized");
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("✗ 10 RSA-SHA256 signature matches"));
    assert!(
        r.stdout
            .contains("The body looks re-serialized (step 10 names the signs)"),
        "{}",
        r.stdout
    );
    // The signs are the core's diagnosis, in step 10's message (what every binding shows).
    assert!(
        r.stdout
            .contains("; the body looks re-serialized: it has line breaks inside the JSON"),
        "{}",
        r.stdout
    );
    // doctor goes on after the failure: the resource still decrypts.
    assert!(r.stdout.contains("✓ 14 AES-256-GCM decryption"));
    assert!(r.stdout.contains("HTTP/1.1 401 Unauthorized"));
    assert!(r
        .stdout
        .contains(r#"{"code":"FAIL","message":"SIGNATURE_MISMATCH: "#));

    let r = doctor_text("mismatch_body_byte_changed");
    assert!(!r.stdout.contains("looks re-serialized"), "{}", r.stdout);
    assert!(r.stdout.contains("Either the key configured"));

    let r = doctor_text("decrypt_wrong_apiv3_key");
    assert!(r.stdout.contains("Verdict: DECRYPT_FAILED"));
    assert!(r.stdout.contains("APIv3 key differs"), "{}", r.stdout);
    assert!(r.stdout.contains("HTTP/1.1 500 Internal Server Error"));

    let r = doctor_text("unknown_serial");
    assert!(
        r.stdout
            .contains("Configured here: public key id PUB_KEY_ID_0114232134912410000000000000"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("certificate serial 5157F09EFDC096DE15EBE81A47057A7232F1B8E1"));
    assert!(r.stdout.contains("apiclient_cert.pem"));
    let r = doctor_text("unknown_serial_certificate_on_public_key_verifier");
    assert!(r.stdout.contains("configure both"), "{}", r.stdout);

    let r = doctor_text("xml_body_with_headers");
    assert!(r.stdout.contains("Verdict: WRONG_FORMAT"));
    assert!(r.stdout.contains("refund made by hand"));
    assert!(r.stdout.contains("--v2-key-file"));

    let r = doctor_text("timestamp_skew_plus_301");
    assert!(
        r.stdout
            .contains("signed at 1700000301 (2023-11-14T22:18:21Z)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("says 1700000000 (2023-11-14T22:13:20Z)"));

    let r = doctor_text("signature_probe");
    assert!(r.stdout.contains("Verdict: SIGNATURE_PROBE"));
    assert!(r.stdout.contains("correct answer"));

    let r = doctor_text("missing_header_nonce");
    assert!(r.stdout.contains("Verdict: MISSING_HEADER"));
    assert!(r.stdout.contains("Only Wechatpay-"), "{}", r.stdout);

    let r = doctor_text("v2_payment_total_fee_changed");
    assert!(r.stdout.contains("Checks (APIv2 XML payment result)"));
    assert!(r.stdout.contains("✗  6 sign matches"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("<return_code><![CDATA[FAIL]]></return_code>"));

    let r = doctor_text("v2_refund_req_info_other_key");
    assert!(r.stdout.contains("Checks (APIv2 XML refund result)"));
    assert!(r.stdout.contains("Verdict: DECRYPT_FAILED"));
}

#[test]
fn doctor_reads_stdin_and_flags_an_editor_newline() {
    let dir = tempfile::tempdir().unwrap();
    let (args, mut raw) = default_setup(dir.path(), "valid_transaction_public_key");
    raw.extend_from_slice(b"\n");
    let mut all = vec!["doctor".to_owned(), "-".to_owned()];
    all.extend(args);
    let r = run_with_stdin(&all, &raw);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("Content-Length says 1413 bytes but the body is 1414"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Verdict: SIGNATURE_MISMATCH"));
}

#[test]
fn parse_prints_the_plaintext_or_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = common::load_json("notifications.json");
    let (args, raw) = default_setup(dir.path(), "valid_refund");
    let req = write(dir.path(), "ok.http", raw);
    let mut all = vec!["parse".to_owned(), req.clone()];
    all.extend(args.clone());
    let r = run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "valid_refund")
        .unwrap();
    // The kind, then the typed fields of the refund, one `path = value` a line.
    let plaintext: serde_json::Value =
        serde_json::from_str(case["expect"]["plaintext"].as_str().unwrap()).unwrap();
    let mut lines = r.stdout.lines();
    assert!(
        lines.next().unwrap().starts_with("kind refund ("),
        "{}",
        r.stdout
    );
    let out_refund_no = plaintext["out_refund_no"].as_str().unwrap();
    assert!(
        r.stdout
            .lines()
            .any(|l| l == format!("out_refund_no = {out_refund_no}")),
        "{}",
        r.stdout
    );
    let total = &plaintext["amount"]["total"];
    assert!(
        r.stdout
            .lines()
            .any(|l| l == format!("amount.total = {total}")),
        "{}",
        r.stdout
    );

    let (args, raw) = default_setup(dir.path(), "decrypt_tag_byte_flipped");
    let req = write(dir.path(), "bad.http", raw);
    let mut all = vec!["parse".to_owned(), "--json".to_owned(), req];
    all.extend(args);
    let r = run(&all);
    assert_eq!(r.code, 1);
    let doc = r.json();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["code"], "DECRYPT_FAILED");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (args, raw) = default_setup(dir.path(), "valid_transaction_public_key");
    let req = write(dir.path(), "req.http", raw);
    // No keys at all.
    let r = run(&["doctor", &req]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--apiv3-key-file"), "{}", r.stderr);
    // A file that is not a request.
    let bad = write(dir.path(), "bad.http", "hello world\n\n{}");
    let mut all = vec!["doctor".to_owned(), bad];
    all.extend(args.clone());
    let r = run(&all);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    // A missing file, and JSON errors on stdout with --json.
    let mut all = vec![
        "doctor".to_owned(),
        "--json".to_owned(),
        "/nonexistent/req.http".to_owned(),
    ];
    all.extend(args);
    let r = run(&all);
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["error"], "usage");
    // A private key passed as a public key.
    let key = common::key_path("test-platform-b.key.pem");
    let r = run(&[
        "doctor",
        &req,
        "--apiv3-key",
        "wpnTestAPIv3Key0123456789abcdefg",
        "--public-key",
        &format!("PUB_KEY_ID_0114232134912410000000000000={}", key.display()),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("private key"), "{}", r.stderr);
    assert!(!r.stderr.contains("wpnTestAPIv3Key"));
    // clap's own usage errors.
    assert_eq!(run(&["doctor"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    assert_eq!(run::<&str>(&[]).code, 2);
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    for sub in [
        "demo",
        "doctor",
        "parse",
        "simulate",
        "listen",
        "check-url",
        "decrypt-certs",
    ] {
        assert!(help.stdout.contains(sub), "--help lacks {sub}");
    }
    let version = run(&["--version"]);
    assert_eq!(version.code, 0);
    assert!(
        version.stdout.contains(wechatpay_notify::BACKEND),
        "--version does not name the backend: {}",
        version.stdout
    );
}

#[test]
fn the_apiv3_key_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = common::load_json("notifications.json");
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "valid_transaction_public_key")
        .unwrap();
    let req = write(
        dir.path(),
        "req.http",
        raw_request(&case_headers(case), &case_body(case), 1),
    );
    let pem = write(
        dir.path(),
        "pub.pem",
        vectors["verifiers"]["default"]["public_keys"][0]["pem"]
            .as_str()
            .unwrap(),
    );
    let out = common::command(&[
        "parse",
        "--json",
        &req,
        "--public-key",
        &format!("PUB_KEY_ID_0114232134912410000000000000={pem}"),
        "--now",
        "1700000000",
    ])
    .env("WECHATPAY_APIV3_KEY", "wpnTestAPIv3Key0123456789abcdefg")
    .output()
    .unwrap();
    let r = common::Run::from(out);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["notification"]["id"], "EV-2018022511223320873");
}
