//! Behaviour of the public API beyond the conformance vectors: header types, the system
//! clock, diagnosis, response signatures, replies, and what messages and Debug never show.

mod common;

use std::time::Duration;

use wechatpay_notify::diagnose::CheckStatus;
use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{ErrorCode, Reply, Verifier};

const NOW: i64 = 1_700_000_000;

fn fixture() -> (Verifier, Vec<(String, String)>, Vec<u8>) {
    let cb = common::transaction(
        common::java_peer_kit(),
        "EV-api",
        common::TEST_PLAINTEXT,
        NOW,
    );
    (common::java_peer_verifier(), cb.headers, cb.body)
}

#[test]
fn http_header_map_and_str_pairs_work() {
    let (v, headers, body) = fixture();
    let mut map = http::HeaderMap::new();
    for (k, val) in &headers {
        map.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_str(val).unwrap(),
        );
    }
    let n = v.parse_at(&map, &body, NOW).unwrap();
    assert_eq!(n.id(), "EV-api");
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(v.parse_at(&pairs[..], &body, NOW).unwrap(), n);
    let t = n.transaction().unwrap();
    assert_eq!(t.amount.total, 100);
    assert_eq!(t.trade_state_desc, "支付成功");
}

#[test]
fn parse_uses_the_system_clock() {
    let v = common::java_peer_verifier();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let kit = common::java_peer_kit();
    let cb = common::transaction(kit, "EV-now", "{}", now);
    let body = cb.body;
    assert_eq!(v.parse(&cb.headers, &body).unwrap().id(), "EV-now");
    v.verify(&cb.headers, &body).unwrap();
    let stale = kit.sign_body(&body, now - 3600).unwrap();
    let err = v.parse(&stale, &body).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampSkew);
    assert!(err.message().contains(&(now - 3600).to_string()), "{err}");
}

#[test]
fn clock_skew_is_configurable() {
    let java = common::load_json("peers/wechatpay-java.json");
    let v = Verifier::builder()
        .apiv3_key(common::TEST_APIV3_KEY)
        .public_key(
            common::TEST_PUBLIC_KEY_ID,
            java["wechat_pay_keypair"]["public_key_pem"]
                .as_str()
                .unwrap(),
        )
        .max_clock_skew(Duration::from_secs(10))
        .build()
        .unwrap();
    let (_, headers, body) = fixture();
    assert!(v.parse_at(&headers, &body, NOW + 10).is_ok());
    assert_eq!(
        v.parse_at(&headers, &body, NOW + 11).unwrap_err().code(),
        ErrorCode::TimestampSkew
    );
    assert_eq!(v.max_clock_skew(), 10);
}

#[test]
fn diagnosis_runs_every_check_past_failures() {
    let (v, headers, body) = fixture();
    let ok = v.diagnose_at(&headers, &body, NOW);
    assert!(ok.verdict.is_ok());
    assert_eq!(ok.checks.len(), 16);
    assert!(
        ok.checks.iter().all(|c| c.status == CheckStatus::Passed),
        "{:?}",
        ok.checks
    );
    // A re-serialized body fails the signature, yet still decrypts: the doctor can say so.
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    let d = v.diagnose_at(&headers, &pretty, NOW + 400);
    assert_eq!(
        d.verdict.as_ref().unwrap_err().code(),
        ErrorCode::TimestampSkew
    );
    let failed: Vec<u8> = d.failures().map(|(c, _)| c.step).collect();
    assert_eq!(failed, [5, 10]);
    assert_eq!(d.checks[14].status, CheckStatus::Passed);
    // Missing headers skip what depends on them but not the body checks.
    let d = v.diagnose_at(&[("Content-Type", "application/json")], &body, NOW);
    assert!(matches!(d.checks[2].status, CheckStatus::Failed(_)));
    assert!(matches!(d.checks[10].status, CheckStatus::Skipped(_)));
    assert_eq!(d.checks[15].status, CheckStatus::Passed);
}

#[test]
fn api_response_signatures() {
    let (v, _, _) = fixture();
    let kit = common::java_peer_kit();
    for body in [
        &b""[..],
        b"<not json>",
        br#"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#,
    ] {
        let headers = kit.sign_body(body, NOW).unwrap();
        v.verify_response_at(&headers, body, NOW).unwrap();
        let mut altered = body.to_vec();
        altered.push(b' ');
        assert_eq!(
            v.verify_response_at(&headers, &altered, NOW)
                .unwrap_err()
                .code(),
            ErrorCode::SignatureMismatch
        );
    }
    let body = b"{}";
    let mut headers = kit.sign_body(body, NOW).unwrap();
    common::set_header(
        &mut headers,
        "Wechatpay-Signature",
        "WECHATPAY/SIGNTEST/abc",
    );
    assert_eq!(
        v.verify_response_at(&headers, body, NOW)
            .unwrap_err()
            .code(),
        ErrorCode::SignatureProbe
    );
}

#[test]
fn messages_and_debug_never_show_keys_or_plaintext() {
    let key = common::TEST_APIV3_KEY;
    let (v, headers, body) = fixture();
    let n = v.parse_at(&headers, &body, NOW).unwrap();
    for text in [
        format!("{v:?}"),
        format!("{n:?}"),
        format!("{:?}", Verifier::builder().apiv3_key(key)),
    ] {
        assert!(!text.contains(key), "{text}");
        assert!(!text.contains("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), "{text}");
    }
    let v2_key = "0123456789abcdef0123456789abcdef";
    assert!(!format!("{:?}", V2Verifier::new(v2_key).unwrap()).contains(v2_key));
    // A resource that decrypts but does not match the requested type: position, no data.
    let err = n.resource::<Vec<u32>>().unwrap_err();
    assert_eq!(err.code(), ErrorCode::MalformedResource);
    assert!(!err.message().contains("1900000001"), "{err}");
    // Wrong key lengths: the message gives lengths, never the key.
    let long = format!("{key}\n");
    let err = Verifier::builder()
        .apiv3_key(&long)
        .public_key("PUB_KEY_ID_1", "x")
        .build()
        .unwrap_err();
    assert!(err.message().contains("trailing newline or space"), "{err}");
    assert!(!err.message().contains(key));
}

#[test]
fn configuration_errors_say_what_is_wrong() {
    let java = common::load_json("peers/wechatpay-java.json");
    let kp = &java["wechat_pay_keypair"];
    let base = || Verifier::builder().apiv3_key(common::TEST_APIV3_KEY);
    let cases = [
        (
            base().public_key("PUB_KEY_ID_1", kp["private_key_pem"].as_str().unwrap()),
            "apiclient_key.pem",
        ),
        (
            base().platform_certificate(kp["public_key_pem"].as_str().unwrap()),
            "not a certificate",
        ),
        (base(), "no WeChat Pay key"),
        (
            Verifier::builder().public_key("PUB_KEY_ID_1", kp["public_key_pem"].as_str().unwrap()),
            "no APIv3 key",
        ),
        (
            base()
                .public_key("PUB_KEY_ID_1", kp["public_key_pem"].as_str().unwrap())
                .public_key("PUB_KEY_ID_1", kp["public_key_pem"].as_str().unwrap()),
            "twice",
        ),
        (
            base().public_key(" PUB_KEY_ID_1", kp["public_key_pem"].as_str().unwrap()),
            "whitespace",
        ),
    ];
    for (builder, expected) in cases {
        let err = builder.build().unwrap_err();
        assert_eq!(err.code(), ErrorCode::ConfigInvalid);
        assert!(
            err.message().contains(expected),
            "{err} should mention {expected}"
        );
    }
    // The same key as certificate, SPKI, and bare base64 all load.
    let spki_b64: String = kp["public_key_pem"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let v = base()
        .public_key("PUB_KEY_ID_A", kp["public_key_pem"].as_str().unwrap())
        .public_key("PUB_KEY_ID_B", &spki_b64)
        .public_key("PUB_KEY_ID_C", kp["certificate_pem"].as_str().unwrap())
        .platform_certificate(kp["certificate_pem"].as_str().unwrap())
        .build()
        .unwrap();
    assert_eq!(v.key_ids().count(), 4);
}

#[test]
fn unknown_serial_explains_which_key_is_needed() {
    let (v, mut headers, body) = fixture();
    common::set_header(
        &mut headers,
        "Wechatpay-Serial",
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    );
    let err = v.parse_at(&headers, &body, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownSerial);
    assert!(err.message().contains(common::TEST_PUBLIC_KEY_ID), "{err}");
    assert!(err.message().contains("apiclient_cert.pem"), "{err}");
    common::set_header(
        &mut headers,
        "Wechatpay-Serial",
        common::TEST_PUBLIC_KEY_ID.to_lowercase(),
    );
    let err = v.parse_at(&headers, &body, NOW).unwrap_err();
    assert!(err.message().contains("case included"), "{err}");
}

#[test]
fn replies_follow_the_error_family() {
    for &code in ErrorCode::ALL {
        let err = wechatpay_notify::Error::new(code, "m");
        let reply = Reply::failure(&err);
        let expected = if code.is_authenticity() { 401 } else { 500 };
        assert_eq!(reply.status, expected, "{code}");
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["code"], "FAIL");
        assert!(body["message"].as_str().unwrap().starts_with(code.as_str()));
    }
}

/// One verifier shared by 8 threads, each with its own notification and a tampered copy:
/// every parse gives that thread's id and every tampered body is refused.
#[test]
fn shared_between_threads() {
    const THREADS: usize = 8;
    const ROUNDS: usize = 500;
    let v = std::sync::Arc::new(common::java_peer_verifier());
    let plaintext = std::sync::Arc::new(common::sealed_text(common::TEST_PLAINTEXT));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let id = format!("EV-thread-{t}");
            let cb = common::transaction(common::java_peer_kit(), &id, common::TEST_PLAINTEXT, NOW);
            let (headers, body) = (cb.headers, cb.body);
            // One letter of the id changed ('E' to 'D'): still JSON, no longer what was signed.
            let mut tampered = body.clone();
            let at = body
                .windows(id.len())
                .position(|w| w == id.as_bytes())
                .unwrap();
            tampered[at] ^= 1;
            let (v, plaintext) = (v.clone(), plaintext.clone());
            std::thread::spawn(move || {
                let (mut ok, mut refused) = (0, 0);
                for i in 0..ROUNDS {
                    if i % 10 == 9 {
                        let err = v.parse_at(&headers, &tampered, NOW).unwrap_err();
                        refused += usize::from(err.code() == ErrorCode::SignatureMismatch);
                    } else {
                        let n = v.parse_at(&headers, &body, NOW).unwrap();
                        ok += usize::from(n.id() == id && n.plaintext() == *plaintext);
                    }
                }
                (ok, refused)
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for h in handles {
        let (o, r) = h.join().unwrap();
        ok += o;
        refused += r;
    }
    assert_eq!(ok, THREADS * ROUNDS * 9 / 10);
    assert_eq!(refused, THREADS * ROUNDS / 10);
}
