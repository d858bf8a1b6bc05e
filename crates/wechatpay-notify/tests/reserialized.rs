//! The diagnosis names the signs of a re-serialized body when the signature fails (the most
//! reported signature failure): in `Diagnosis::hints` and in step 10's message, never in the
//! verdict, and never for a body that is still the compact JSON WeChat Pay sends.
#![cfg(feature = "testing")]

use wechatpay_notify::diagnose::{CheckStatus, Diagnosis, Hint};
use wechatpay_notify::testing::{Failure, Kit};
use wechatpay_notify::{Error, ErrorCode, EventKind, HEADER_SERIAL};

const NOW: i64 = 1_700_000_000;

/// Step 10's error, which must have failed.
fn step_10(d: &Diagnosis) -> &Error {
    match &d.checks[10].status {
        CheckStatus::Failed(e) => e,
        other => panic!("step 10 did not fail: {other:?}"),
    }
}

fn diagnose(kit: &Kit, headers: &[(String, String)], body: &[u8]) -> Diagnosis {
    kit.verifier().unwrap().diagnose_at(headers, body, NOW)
}

#[test]
fn a_kit_reserialized_callback_is_named_re_serialized() {
    let kit = Kit::new().unwrap();
    let cb = kit
        .notification(EventKind::Transaction)
        .timestamp(NOW)
        .failure(Failure::Reserialized)
        .build()
        .unwrap();
    let d = diagnose(&kit, &cb.headers, &cb.body);
    // serde_json's pretty printer: line breaks, two-space indentation, ": ".
    assert_eq!(
        d.hints,
        [Hint::LineBreaks, Hint::Indentation, Hint::SpaceAfterColon]
    );
    let verdict = d.verdict.as_ref().unwrap_err();
    assert_eq!(verdict.code(), ErrorCode::SignatureMismatch);
    let e = step_10(&d);
    assert_eq!(e.code(), ErrorCode::SignatureMismatch);
    // The check's message is the verdict's, then the signs.
    assert_eq!(
        e.message(),
        format!(
            "{}; the body looks re-serialized: it has line breaks inside the JSON \
             (pretty-printed), indentation (pretty-printed), a space after ':', which WeChat Pay \
             never sends",
            verdict.message()
        )
    );
    // The verdict stays exactly what parse gives: parse never looks for the signs.
    let parsed = kit
        .verifier()
        .unwrap()
        .parse_at(&cb.headers, &cb.body, NOW)
        .unwrap_err();
    assert_eq!(verdict, &parsed);
    assert!(!parsed.message().contains("it has"));
    // The diagnosis goes on: the re-serialized resource still decrypts.
    assert_eq!(d.checks[14].status, CheckStatus::Passed);
}

#[test]
fn spaced_unicode_escaped_and_php_escaped_bodies_are_named() {
    let kit = Kit::new().unwrap();
    let cb = kit
        .notification(EventKind::Transaction)
        .id("EV/2024/1")
        .summary("支付成功")
        .timestamp(NOW)
        .build()
        .unwrap();
    let compact = String::from_utf8(cb.body.clone()).unwrap();
    // Python's json.dumps defaults: ", " and ": " separators, non-ASCII as \uXXXX.
    let python = compact
        .replace("\",\"", "\", \"")
        .replace("\":", "\": ")
        .replace("支付成功", r"\u652f\u4ed8\u6210\u529f");
    let d = diagnose(&kit, &cb.headers, python.as_bytes());
    assert_eq!(step_10(&d).code(), ErrorCode::SignatureMismatch);
    for hint in [
        Hint::SpaceAfterColon,
        Hint::SpaceAfterComma,
        Hint::UnicodeEscapes,
    ] {
        assert!(d.hints.contains(&hint), "{hint}: {:?}", d.hints);
        assert!(step_10(&d).message().contains(hint.description()));
    }
    assert_eq!(d.hints.len(), 3, "{:?}", d.hints);
    // PHP's json_encode default: "\/".
    let php = compact.replace("EV/2024/1", r"EV\/2024\/1");
    let d = diagnose(&kit, &cb.headers, php.as_bytes());
    assert_eq!(d.hints, [Hint::EscapedSlashes]);
    assert!(step_10(&d)
        .message()
        .contains("\\/ (the default of PHP's json_encode)"));
}

#[test]
fn a_compact_body_with_a_bad_signature_gets_no_hint() {
    let kit = Kit::new().unwrap();
    let cb = kit
        .notification(EventKind::Refund)
        .summary("退款成功")
        .timestamp(NOW)
        .failure(Failure::TamperedBody)
        .build()
        .unwrap();
    let d = diagnose(&kit, &cb.headers, &cb.body);
    assert!(d.hints.is_empty(), "{:?}", d.hints);
    assert_eq!(step_10(&d), d.verdict.as_ref().unwrap_err());
    assert!(!step_10(&d).message().contains("looks re-serialized"));
    // A trailing line break (an editor's, a capture's) is not a sign either.
    let mut body = cb.body.clone();
    body.extend_from_slice(b"\r\n");
    assert!(diagnose(&kit, &cb.headers, &body).hints.is_empty());
}

#[test]
fn no_hint_unless_step_10_fails() {
    let kit = Kit::new().unwrap();
    let ok = kit
        .notification(EventKind::Transaction)
        .timestamp(NOW)
        .build()
        .unwrap();
    let d = diagnose(&kit, &ok.headers, &ok.body);
    assert!(d.verdict.is_ok() && d.hints.is_empty());
    // A pretty-printed body whose serial is unknown: step 10 never runs, so no sign is looked
    // for (the serial is the problem to fix first).
    let cb = kit
        .notification(EventKind::Transaction)
        .timestamp(NOW)
        .failure(Failure::Reserialized)
        .build()
        .unwrap();
    let headers: Vec<(String, String)> = cb
        .headers
        .iter()
        .map(|(k, v)| {
            let v = if k == HEADER_SERIAL {
                "PUB_KEY_ID_0000000000000000000000000000".to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    let d = diagnose(&kit, &headers, &cb.body);
    assert_eq!(
        d.verdict.as_ref().unwrap_err().code(),
        ErrorCode::UnknownSerial
    );
    assert!(matches!(d.checks[10].status, CheckStatus::Skipped(_)));
    assert!(d.hints.is_empty());
}
