//! Runs every case of `tests/vectors/notifications.json` through the public API.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{Error, ErrorCode};
use wechatpay_notify::{EventKind, Notification};

fn expect_error(case: &Value, result: Result<(), Error>) -> Option<ErrorCode> {
    let name = case["name"].as_str().unwrap();
    match (case["expect"]["error"].as_str(), result) {
        (Some(code), Err(e)) => {
            assert_eq!(e.code().as_str(), code, "{name}: {e}");
            assert!(!e.message().is_empty(), "{name}: empty message");
            for part in case["expect"]["message_contains"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(e.message().contains(part.as_str().unwrap()), "{name}: {e}");
            }
            Some(e.code())
        }
        (Some(code), Ok(())) => panic!("{name}: accepted, expected {code}"),
        (None, Err(e)) => panic!("{name}: refused with {e}"),
        (None, Ok(())) => None,
    }
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn every_vector_case_gives_its_expected_result() {
    let vectors = common::notifications();
    assert_eq!(vectors["format"], 1);
    let all = vectors["cases"].as_array().unwrap();
    assert!(all.len() >= 40, "only {} cases", all.len());
    let mut codes_seen = BTreeSet::new();
    let mut names = BTreeSet::new();
    for case in all {
        let name = case["name"].as_str().unwrap();
        assert!(names.insert(name), "duplicate case name {name}");
        let kind = case["type"].as_str().unwrap();
        let seen = match kind {
            "v3_parse" | "v3_verify" => run_v3(&vectors, case),
            "v3_config" => {
                let cfg = &vectors["verifiers"][case["verifier"].as_str().unwrap()];
                expect_error(case, common::builder_for(cfg).build().map(|_| ()))
            }
            "v2_config" => {
                let key = vectors["v2_keys"][case["v2_key"].as_str().unwrap()]
                    .as_str()
                    .unwrap();
                expect_error(case, V2Verifier::new(key).map(|_| ()))
            }
            "v2_payment" | "v2_refund" => run_v2(&vectors, case),
            other => panic!("{name}: unknown case type {other}"),
        };
        codes_seen.extend(seen);
    }
    // Accessor codes (UNEXPECTED_EVENT) are checked by `event_catalog_vectors`.
    for case in vectors["cases"].as_array().unwrap() {
        for want in case["expect"]["events"].as_object().into_iter().flatten() {
            codes_seen.extend(want.1.as_str().and_then(ErrorCode::from_name));
        }
    }
    for &code in ErrorCode::ALL {
        assert!(codes_seen.contains(&code), "no vector case for {code}");
    }
}

fn run_v3(vectors: &Value, case: &Value) -> Option<ErrorCode> {
    let verifier = common::verifier_for(vectors, case);
    let headers = common::headers(case);
    let body = common::body(case);
    let now = case["now"].as_i64().unwrap();
    let name = case["name"].as_str().unwrap();
    if case["type"] == "v3_verify" {
        return expect_error(case, verifier.verify_at(&headers, &body, now));
    }
    let result = verifier.parse_at(&headers, &body, now);
    // Steps 0-10 agree with verify(): a parse failure at step <= 10 is also a verify failure.
    let verified = verifier.verify_at(&headers, &body, now);
    match &result {
        Ok(_) => assert!(verified.is_ok(), "{name}: parse ok but verify failed"),
        Err(e) if e.code().is_authenticity() || e.code() == ErrorCode::WrongFormat => {
            assert_eq!(verified.as_ref().unwrap_err().code(), e.code(), "{name}")
        }
        Err(_) => {}
    }
    match result {
        Ok(n) => {
            let expect = &case["expect"];
            assert!(
                expect["ok"].as_bool().unwrap_or(false),
                "{name}: accepted, expected {expect}"
            );
            assert_eq!(n.id(), expect["id"], "{name}");
            assert_eq!(n.create_time(), expect["create_time"], "{name}");
            assert_eq!(n.event_type(), expect["event_type"], "{name}");
            assert_eq!(n.resource_type(), expect["resource_type"], "{name}");
            assert_eq!(n.summary(), expect["summary"], "{name}");
            // The merchant (docs/merchants.md): none for a single-merchant verifier.
            assert_eq!(n.mchid(), expect["mchid"].as_str(), "{name}");
            assert_eq!(n.original_type(), expect["original_type"], "{name}");
            assert_eq!(n.plaintext(), expect["plaintext"], "{name}");
            let typed: Value = n.resource().unwrap();
            assert!(
                typed.is_object() || typed.is_array() || !typed.is_null(),
                "{name}"
            );
            None
        }
        Err(e) => expect_error(case, Err(e)),
    }
}

fn run_v2(vectors: &Value, case: &Value) -> Option<ErrorCode> {
    let key = vectors["v2_keys"][case["v2_key"].as_str().unwrap()]
        .as_str()
        .unwrap();
    let verifier = V2Verifier::new(key).unwrap();
    let body = common::body(case);
    let name = case["name"].as_str().unwrap();
    let expect = &case["expect"];
    check_v2_diagnosis(&verifier, case, &body);
    if case["type"] == "v2_payment" {
        match verifier.parse_payment(&body) {
            Ok(fields) => {
                assert!(expect["ok"].as_bool().unwrap_or(false), "{name}: accepted");
                assert_eq!(fields, string_map(&expect["fields"]), "{name}");
                None
            }
            Err(e) => expect_error(case, Err(e)),
        }
    } else {
        match verifier.parse_refund(&body) {
            Ok(refund) => {
                assert!(expect["ok"].as_bool().unwrap_or(false), "{name}: accepted");
                assert_eq!(refund.fields, string_map(&expect["fields"]), "{name}");
                assert_eq!(refund.req_info, string_map(&expect["req_info"]), "{name}");
                None
            }
            Err(e) => expect_error(case, Err(e)),
        }
    }
}

/// The APIv2 diagnosis gives parse's verdict, and its first failed check is that verdict.
fn check_v2_diagnosis(verifier: &V2Verifier, case: &Value, body: &[u8]) {
    use wechatpay_notify::diagnose::CheckStatus;
    use wechatpay_notify::v2::{V2Kind, V2Notification};
    let name = case["name"].as_str().unwrap();
    let d = verifier.diagnose(body);
    let parsed = match d.kind {
        V2Kind::Payment => verifier.parse_payment(body).map(V2Notification::Payment),
        V2Kind::Refund => verifier.parse_refund(body).map(V2Notification::Refund),
    };
    assert_eq!(d.verdict, parsed, "{name}");
    let steps: Vec<u8> = d.checks.iter().map(|c| c.step).collect();
    let expected_steps: Vec<u8> = match d.kind {
        V2Kind::Payment => (0..7).collect(),
        V2Kind::Refund => (0..6).collect(),
    };
    assert_eq!(steps, expected_steps, "{name}");
    let first_failure = d.checks.iter().find_map(|c| match &c.status {
        CheckStatus::Failed(e) => Some(e.clone()),
        _ => None,
    });
    match (&d.verdict, first_failure) {
        (Ok(_), None) => {
            assert!(
                d.checks.iter().all(|c| c.status == CheckStatus::Passed),
                "{name}"
            )
        }
        (Err(verdict), Some(first)) => assert_eq!(verdict, &first, "{name}"),
        (verdict, first) => panic!("{name}: verdict {verdict:?} but first failure {first:?}"),
    }
    let refund_like = case["type"] == "v2_refund";
    if d.verdict.is_ok() {
        assert_eq!(d.kind == V2Kind::Refund, refund_like, "{name}");
    }
}

/// One typed accessor, called by its kind's name, its result as JSON.
fn accessor(n: &Notification, kind: &str) -> wechatpay_notify::Result<Value> {
    fn json<T: serde::Serialize>(
        r: wechatpay_notify::Result<T>,
    ) -> wechatpay_notify::Result<Value> {
        r.map(|t| serde_json::to_value(t).unwrap())
    }
    match kind {
        "transaction" => json(n.transaction()),
        "partner_transaction" => json(n.partner_transaction()),
        "combine_transaction" => json(n.combine_transaction()),
        "refund" => json(n.refund()),
        "partner_refund" => json(n.partner_refund()),
        "profit_sharing" => json(n.profit_sharing()),
        "transfer_bill" => json(n.transfer_bill()),
        "complaint" => json(n.complaint()),
        other => panic!("no accessor for kind {other}: add it here"),
    }
}

/// A dotted path (`amount.total`, `promotion_detail.0.amount`) into a typed result.
fn at<'v>(value: &'v Value, path: &str) -> &'v Value {
    path.split('.')
        .fold(value, |v, step| match step.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[step],
        })
}

/// The event catalog on every accepted vector: the kind, and every accessor's outcome, message
/// and typed fields where the vector gives them (`tests/vectors/README.md`).
#[test]
fn event_catalog_vectors() {
    let vectors = common::notifications();
    let mut typed = 0;
    let mut kinds_ok = BTreeSet::new();
    for case in common::cases(&vectors, "v3_parse").filter(|c| c["expect"]["ok"] == true) {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let verifier = common::verifier_for(&vectors, case);
        let now = case["now"].as_i64().unwrap();
        let n = verifier
            .parse_at(&common::headers(case), &common::body(case), now)
            .unwrap();
        assert_eq!(n.kind().as_str(), expect["kind"], "{name}");
        let Some(events) = expect["events"].as_object() else {
            continue;
        };
        typed += 1;
        assert_eq!(events.len(), EventKind::ALL.len(), "{name}: every kind");
        for (kind, want) in events {
            let got = accessor(&n, kind);
            match (want.as_str().unwrap(), &got) {
                ("ok", Ok(value)) => {
                    kinds_ok.insert(kind.clone());
                    for (path, v) in expect["event_fields"].as_object().into_iter().flatten() {
                        assert_eq!(at(value, path), v, "{name}: {kind} {path}");
                    }
                }
                (code, Err(e)) => {
                    assert_eq!(e.code().as_str(), code, "{name}: {kind}: {e}");
                    if kind == n.kind().as_str() {
                        if let Some(s) = expect["event_error_contains"].as_str() {
                            assert!(e.message().contains(s), "{name}: {e}");
                        }
                        if let Some(s) = expect["event_error_excludes"].as_str() {
                            assert!(!e.message().contains(s), "{name}: {e}");
                        }
                    } else {
                        assert!(e.message().contains(n.event_type()), "{name}: {e}");
                    }
                }
                (want, got) => panic!("{name}: {kind} wanted {want}, got {got:?}"),
            }
        }
    }
    assert!(typed >= 20, "{typed} event cases");
    let every: BTreeSet<String> = EventKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    assert_eq!(kinds_ok, every, "a vector reads every kind");
}

/// Every error of every vector case: the message names no key and no decrypted plaintext.
#[test]
fn no_error_message_contains_a_key_or_plaintext() {
    let vectors = common::notifications();
    let mut secrets: Vec<String> = vectors["verifiers"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v["apiv3_key"].as_str())
        .filter(|k| k.len() >= 8)
        .map(str::to_owned)
        .collect();
    secrets.extend(
        vectors["v2_keys"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|k| k.as_str())
            .filter(|k| k.len() >= 8)
            .map(str::to_owned),
    );
    // Distinctive plaintext values (openids, order numbers) of every valid case.
    for case in vectors["cases"].as_array().unwrap() {
        if let Some(plain) = case["expect"]["plaintext"].as_str() {
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(plain) {
                for key in ["out_trade_no", "transaction_id", "out_refund_no"] {
                    if let Some(v) = map.get(key).and_then(Value::as_str) {
                        secrets.push(v.to_owned());
                    }
                }
                if let Some(v) = map.get("payer").and_then(|p| p["openid"].as_str()) {
                    secrets.push(v.to_owned());
                }
            }
        }
    }
    assert!(secrets.len() > 10);
    let mut errors = 0;
    for case in vectors["cases"].as_array().unwrap() {
        let message = match case["type"].as_str().unwrap() {
            "v3_parse" | "v3_verify" => {
                let v = common::verifier_for(&vectors, case);
                let now = case["now"].as_i64().unwrap();
                let (headers, body) = (common::headers(case), common::body(case));
                let d = v.diagnose_at(&headers, &body, now);
                let mut all: Vec<String> = d.failures().map(|(_, e)| e.to_string()).collect();
                all.extend(
                    v.parse_at(&headers, &body, now)
                        .err()
                        .map(|e| e.to_string()),
                );
                all.join("\n")
            }
            "v3_config" => {
                let cfg = &vectors["verifiers"][case["verifier"].as_str().unwrap()];
                common::builder_for(cfg).build().unwrap_err().to_string()
            }
            "v2_config" => {
                let key = vectors["v2_keys"][case["v2_key"].as_str().unwrap()]
                    .as_str()
                    .unwrap();
                V2Verifier::new(key).unwrap_err().to_string()
            }
            _ => {
                let key = vectors["v2_keys"][case["v2_key"].as_str().unwrap()]
                    .as_str()
                    .unwrap();
                let v = V2Verifier::new(key).unwrap();
                let body = common::body(case);
                [v.parse_payment(&body).err(), v.parse_refund(&body).err()]
                    .into_iter()
                    .flatten()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        if message.is_empty() {
            continue;
        }
        errors += 1;
        for secret in &secrets {
            assert!(
                !message.contains(secret.as_str()),
                "{}: message reveals a secret: {message}",
                case["name"]
            );
        }
    }
    assert!(errors > 100, "only {errors} error messages checked");
}
