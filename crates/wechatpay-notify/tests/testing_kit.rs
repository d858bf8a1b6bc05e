//! The testing kit (feature `testing`): what it builds is what WeChat Pay sends, so the
//! verifier it configures accepts its callbacks, refuses each failure with its code, and reads
//! every catalog kind; its APIv2 callbacks verify with the APIv2 verifier.
#![cfg(feature = "testing")]

use wechatpay_notify::testing::{Failure, Kit, TestKey};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::{ErrorCode, EventKind, PlatformCertificate};

#[test]
fn callbacks_of_every_kind_verify_and_type() {
    for kit in [Kit::new().unwrap(), Kit::with_certificate().unwrap()] {
        let verifier = kit.verifier().unwrap();
        for &kind in EventKind::ALL {
            let cb = kit.notification(kind).id("EV-kit-1").build().unwrap();
            let n = verifier.parse(&cb.headers, &cb.body).unwrap();
            assert_eq!((n.kind(), n.id()), (kind, "EV-kit-1"), "{}", kind.as_str());
            assert_eq!(n.serial(), kit.key_id());
            let typed = wechatpay_notify::events::check_event(
                kind,
                n.kind(),
                n.event_type(),
                n.plaintext(),
                false,
            );
            assert_eq!(typed, Ok(None), "{}", kind.as_str());
        }
    }
}

#[test]
fn overrides_reach_the_typed_resource() {
    let kit = Kit::new().unwrap();
    let cb = kit
        .notification(EventKind::Transaction)
        .set("out_trade_no", "ORDER-42")
        .set("amount.total", 1234)
        .merge(serde_json::json!({"payer": {"openid": "o-test"}}))
        .timestamp(1_700_000_000)
        .build()
        .unwrap();
    let n = kit
        .verifier()
        .unwrap()
        .parse_at(&cb.headers, &cb.body, 1_700_000_000)
        .unwrap();
    let t = n.transaction().unwrap();
    assert_eq!(
        (
            t.out_trade_no.as_str(),
            t.amount.total,
            t.payer.openid.as_str()
        ),
        ("ORDER-42", 1234, "o-test")
    );
    let missing = kit
        .notification(EventKind::Refund)
        .remove("refund_id")
        .build()
        .unwrap();
    let n = kit
        .verifier()
        .unwrap()
        .parse(&missing.headers, &missing.body)
        .unwrap();
    let e = n.refund().unwrap_err();
    assert_eq!(e.code(), ErrorCode::MalformedResource);
    assert!(e.message().contains("refund_id"), "{e}");
}

#[test]
fn every_failure_is_refused_with_its_code() {
    let kit = Kit::new().unwrap();
    let verifier = kit.verifier().unwrap();
    for &failure in Failure::ALL {
        let cb = kit
            .notification(EventKind::Transaction)
            .failure(failure)
            .build()
            .unwrap();
        let e = verifier.parse(&cb.headers, &cb.body).unwrap_err();
        assert_eq!(
            e.code(),
            failure.expected_code(),
            "{}: {e}",
            failure.as_str()
        );
        assert_eq!(Failure::from_name(failure.as_str()), Some(failure));
    }
}

#[test]
fn the_certificate_is_a_platform_certificate_valid_now() {
    let kit = Kit::with_certificate().unwrap();
    let pem = kit.key().certificate_pem().unwrap();
    let cert = PlatformCertificate::from_pem(pem).unwrap();
    assert_eq!(cert.serial(), kit.key_id());
    assert!(cert.is_valid_at(wechatpay_notify::unix_now()));
    assert!(!cert.is_valid_at(wechatpay_notify::unix_now() + 6 * 365 * 86_400));
    // Another kit's verifier does not accept this kit's callbacks.
    let other = Kit::new().unwrap().verifier().unwrap();
    let cb = kit.notification(EventKind::Refund).build().unwrap();
    assert_eq!(
        other.parse(&cb.headers, &cb.body).unwrap_err().code(),
        ErrorCode::UnknownSerial
    );
}

#[test]
fn a_key_of_the_callers_signs_under_its_id() {
    let generated = Kit::new().unwrap();
    // The kit's key, exported by nobody: a PKCS#8 PEM of the caller's is read the same way.
    let pem = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/keys/test-platform-b.key.pem"
    ))
    .unwrap();
    let kit =
        Kit::with_key(TestKey::from_pem(&pem, "PUB_KEY_ID_0000000000000000000000000042").unwrap())
            .with_apiv3_key(generated.apiv3_key())
            .unwrap();
    let cb = kit.notification(EventKind::Transaction).build().unwrap();
    let n = kit
        .verifier()
        .unwrap()
        .parse(&cb.headers, &cb.body)
        .unwrap();
    assert_eq!(n.serial(), "PUB_KEY_ID_0000000000000000000000000042");
    assert!(TestKey::from_pem(b"not a key", "x").is_err());
    assert!(kit.with_apiv3_key("short").is_err());
}

#[test]
fn v2_payments_and_refunds_verify() {
    let kit = Kit::new().unwrap();
    let v2 = kit.v2_verifier().unwrap();
    for st in [SignType::Md5, SignType::HmacSha256] {
        let xml = kit
            .v2_payment()
            .sign_type(st)
            .set("total_fee", "88")
            .build()
            .unwrap();
        assert_eq!(v2.parse_payment(&xml).unwrap()["total_fee"], "88");
    }
    let xml = kit
        .v2_refund()
        .set_req_info("refund_fee", "7")
        .build()
        .unwrap();
    assert_eq!(v2.parse_refund(&xml).unwrap().req_info["refund_fee"], "7");
    let other = Kit::new().unwrap().v2_verifier().unwrap();
    assert_eq!(
        other.parse_refund(&xml).unwrap_err().code(),
        ErrorCode::DecryptFailed
    );
}

#[test]
fn any_body_is_signed_as_a_response() {
    let kit = Kit::new().unwrap();
    let v = kit.verifier().unwrap();
    for body in [&b""[..], b"<xml/>", b"{\"data\":[]}"] {
        let headers = kit.sign_body(body, 1_700_000_000).unwrap();
        v.verify_response_at(&headers, body, 1_700_000_000).unwrap();
        let mut other = body.to_vec();
        other.push(b' ');
        assert_eq!(
            v.verify_response_at(&headers, &other, 1_700_000_000)
                .unwrap_err()
                .code(),
            ErrorCode::SignatureMismatch
        );
    }
}

#[test]
fn the_kit_signs_nothing_its_verifier_must_refuse() {
    // Issue 21, 7: the kit signed negative timestamps, and wrote APIv2 field names and `]]>`
    // into its XML unescaped.
    let kit = Kit::new().unwrap();
    for ts in [-1, i64::MIN] {
        let e = kit
            .notification(EventKind::Transaction)
            .timestamp(ts)
            .build()
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConfigInvalid);
        assert!(e.message().contains("0 and later"), "{e}");
        assert!(kit.sign_body(b"{}", ts).is_err());
    }
    // A stale timestamp near 0 would go negative: refused too.
    assert!(kit
        .notification(EventKind::Transaction)
        .timestamp(5)
        .failure(wechatpay_notify::testing::Failure::StaleTimestamp)
        .build()
        .is_err());
    kit.notification(EventKind::Transaction)
        .timestamp(0)
        .build()
        .unwrap();

    let v2 = kit.v2_verifier().unwrap();
    for name in ["a b", "x><y", "1st", "", "bad/name"] {
        let e = kit.v2_payment().set(name, "1").build().unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConfigInvalid, "{name}");
    }
    assert!(kit.v2_refund().set_req_info("a<b", "1").build().is_err());
    // A value holding `]]>` is written so that it reads back whole.
    let xml = kit.v2_payment().set("attach", "a]]>b<c>&").build().unwrap();
    assert_eq!(v2.parse_payment(&xml).unwrap()["attach"], "a]]>b<c>&");
    let xml = kit
        .v2_refund()
        .set_req_info("refund_account", "x]]>y")
        .build()
        .unwrap();
    assert_eq!(
        v2.parse_refund(&xml).unwrap().req_info["refund_account"],
        "x]]>y"
    );
}
