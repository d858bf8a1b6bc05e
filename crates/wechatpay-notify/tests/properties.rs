//! Property tests: any single-byte change to what is signed is refused; arbitrary input
//! never panics.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use wechatpay_notify::testing::Callback;
use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{ErrorCode, PlatformCertificate, RsaPublicKey, Verifier};

const NOW: i64 = 1_700_000_000;

/// The four headers whose every byte is covered by the signature (or names its key).
const SIGNED_HEADERS: [&str; 4] = [
    "Wechatpay-Serial",
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
];

/// One notification signed by the kit (once per run), and a verifier that accepts it.
fn signed() -> (Verifier, Vec<(String, String)>, Vec<u8>) {
    static CALLBACK: OnceLock<Callback> = OnceLock::new();
    let cb = CALLBACK.get_or_init(|| {
        common::transaction(
            common::java_peer_kit(),
            "EV-prop",
            common::TEST_PLAINTEXT,
            NOW,
        )
    });
    (
        common::java_peer_verifier(),
        cb.headers.clone(),
        cb.body.clone(),
    )
}

#[test]
fn the_unaltered_notification_is_accepted() {
    let (v, headers, body) = signed();
    assert_eq!(
        v.parse_at(&headers, &body, NOW).unwrap().plaintext(),
        common::sealed_text(common::TEST_PLAINTEXT)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_changed_body_byte_is_refused(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let (v, headers, mut body) = signed();
        let i = index.index(body.len());
        body[i] ^= flip;
        let err = v.parse_at(&headers, &body, NOW).unwrap_err();
        prop_assert!(
            matches!(err.code(), ErrorCode::SignatureMismatch | ErrorCode::WrongFormat),
            "{}", err
        );
    }

    #[test]
    fn any_changed_signed_header_byte_is_refused(
        which in 0usize..4,
        index in any::<prop::sample::Index>(),
        flip in 1u8..=127,
    ) {
        let (v, mut headers, body) = signed();
        let which = headers
            .iter()
            .position(|(k, _)| k == SIGNED_HEADERS[which])
            .unwrap();
        let value = headers[which].1.clone().into_bytes();
        let mut changed = value.clone();
        let i = index.index(changed.len());
        changed[i] ^= flip;
        // Header values are text; keep the change within ASCII.
        prop_assume!(changed[i] != 0);
        headers[which].1 = String::from_utf8(changed).unwrap();
        let result = v.parse_at(&headers, &body, NOW);
        prop_assert!(result.is_err(), "accepted {} changed at {}", headers[which].0, i);
    }

    #[test]
    fn arbitrary_body_and_headers_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        names in proptest::collection::vec("[A-Za-z-]{0,24}", 0..6),
        values in proptest::collection::vec(".{0,64}", 0..6),
        now in any::<i64>(),
    ) {
        let (v, mut headers, _) = signed();
        headers.extend(names.into_iter().zip(values));
        let _ = v.parse_at(&headers, &body, now);
        let _ = v.verify_at(&headers, &body, now);
        let _ = v.verify_response_at(&headers, &body, now);
        let d = v.diagnose_at(&headers, &body, now);
        prop_assert_eq!(d.checks.len(), 16);
        prop_assert!(d.verdict.is_err());
    }

    #[test]
    fn arbitrary_signed_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        // Validly signed arbitrary bytes get past step 10 and exercise every body parser.
        let v = common::java_peer_verifier();
        let headers = common::java_peer_kit().sign_body(&body, NOW).unwrap();
        let err = v.parse_at(&headers, &body, NOW).unwrap_err();
        prop_assert!(!err.message().is_empty());
    }

    #[test]
    fn arbitrary_xml_never_panics(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let v2 = V2Verifier::new("0123456789abcdef0123456789abcdef").unwrap();
        let _ = v2.parse_payment(&body);
        let _ = v2.parse_refund(&body);
    }

    #[test]
    fn arbitrary_key_text_never_panics(text in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(RsaPublicKey::from_pem(&text).is_err());
        prop_assert!(PlatformCertificate::from_pem(&text).is_err());
        let _ = Verifier::builder().apiv3_key(&text).public_key("PUB_KEY_ID_1", &text).build();
    }
}
