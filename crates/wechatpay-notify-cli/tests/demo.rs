//! `demo`: end to end on loopback, under 10 s, exit 0, also when stdout is not a terminal.

mod common;

use std::time::{Duration, Instant};

use common::run;

#[test]
fn demo_json_reports_every_outcome_correct() {
    let started = Instant::now();
    let r = run(&["demo", "--json"]);
    let elapsed = started.elapsed();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(elapsed < Duration::from_secs(10), "demo took {elapsed:?}");
    let doc = r.json();
    assert_eq!(doc["ok"], true);
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    let verdicts: Vec<&str> = cases
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        [
            "OK",
            "OK",
            "OK",
            "SIGNATURE_PROBE",
            "SIGNATURE_MISMATCH",
            "DECRYPT_FAILED",
            "TIMESTAMP_SKEW",
            "OK"
        ]
    );
    let statuses: Vec<u64> = cases
        .iter()
        .map(|c| c["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [204, 204, 204, 401, 401, 500, 401, 200]);
    assert!(cases.iter().all(|c| c["correct"] == true));
    assert_eq!(cases[1]["repeat"], 1);
    assert!(doc["receiver"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    // The gateway: the payment and its retry stored once and forwarded once with a valid
    // Standard Webhooks signature; the tampered callback refused and recorded.
    let gateway = &doc["gateway"];
    assert_eq!(gateway["correct"], true, "{gateway}");
    let statuses: Vec<u64> = gateway["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [204, 204, 401]);
    let payment_id = gateway["sent"][0]["id"].as_str().unwrap();
    assert_eq!(gateway["sent"][1]["id"], payment_id);
    assert_eq!(gateway["forwarded"][payment_id], 1);
    assert_eq!(gateway["forwarded"].as_object().unwrap().len(), 1);
    assert_eq!(gateway["signatures_verified"], true);
    assert_eq!(gateway["stored"], 1);
    assert_eq!(gateway["rejections"]["SIGNATURE_MISMATCH"], 1);
}

#[test]
fn demo_text_without_a_terminal() {
    let r = run(&["demo"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("8/8 outcomes correct"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("1 event(s) stored, 1 forwarded once each, signature verified"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("WeChat Pay sent"));
    assert!(r.stdout.contains("SIGNTEST signature probe"));
    assert!(r.stdout.contains("REPEAT"));
    // stdout is a pipe here: no colour codes.
    assert!(!r.stdout.contains('\u{1b}'));
    // --color always forces them.
    let r = run(&["demo", "--color", "always"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("\u{1b}[32m"));
}
