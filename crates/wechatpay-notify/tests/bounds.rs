//! Hostile sizes and shapes are refused with the right code, without stack exhaustion.
//! (How long each refusal takes is measured by `cargo bench --bench bounds`, not here.)

mod common;

use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{ErrorCode, PlatformCertificate, RsaPublicKey};

const NOW: i64 = 1_700_000_000;

#[test]
fn a_100_mb_body_is_refused_before_anything_else() {
    let v = common::java_peer_verifier();
    let body = vec![b'<'; 100 * 1024 * 1024];
    let err = v.parse_at(&[("x", "y")], &body, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BodyTooLarge);
    let d = v.diagnose_at(&[("x", "y")], &body, NOW);
    assert_eq!(d.failures().count(), 1);
    let v2 = V2Verifier::new("0123456789abcdef0123456789abcdef").unwrap();
    assert_eq!(
        v2.parse_payment(&body).unwrap_err().code(),
        ErrorCode::BodyTooLarge
    );
}

#[test]
fn deep_json_is_refused_without_stack_exhaustion() {
    let v = common::java_peer_verifier();
    let kit = common::java_peer_kit();
    for depth in [33, 1_000, 200_000] {
        let body = format!(
            "{{\"resource\":{{}},\"x\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let headers = kit.sign_body(body.as_bytes(), NOW).unwrap();
        let err = v.parse_at(&headers, body.as_bytes(), NOW).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MalformedBody, "depth {depth}");
        assert!(err.message().contains("deeper"), "{err}");
    }
}

#[test]
fn deep_xml_is_refused_without_stack_exhaustion() {
    let v2 = V2Verifier::new("0123456789abcdef0123456789abcdef")
        .unwrap()
        .with_max_body_size(usize::MAX);
    let body = format!(
        "<xml>{}{}</xml>",
        "<a>".repeat(20_000),
        "</a>".repeat(20_000)
    );
    assert_eq!(
        v2.parse_payment(body.as_bytes()).unwrap_err().code(),
        ErrorCode::MalformedBody
    );
    let bomb = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><xml><a>&lol2;</a></xml>";
    assert_eq!(
        v2.parse_payment(bomb.as_bytes()).unwrap_err().code(),
        ErrorCode::MalformedBody
    );
}

#[test]
fn huge_base64_and_pem_inputs_are_refused() {
    let v = common::java_peer_verifier();
    let body = b"{}";
    let mut headers = common::java_peer_kit().sign_body(body, NOW).unwrap();
    common::set_header(
        &mut headers,
        "Wechatpay-Signature",
        "A".repeat(4 * 1024 * 1024),
    );
    assert_eq!(
        v.parse_at(&headers, body, NOW).unwrap_err().code(),
        ErrorCode::MalformedSignature
    );
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        "A".repeat(4 * 1024 * 1024)
    );
    assert_eq!(
        RsaPublicKey::from_pem(&pem).unwrap_err().code(),
        ErrorCode::ConfigInvalid
    );
    assert!(PlatformCertificate::from_pem("-----BEGIN ".repeat(100_000)).is_err());
}
