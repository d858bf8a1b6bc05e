//! Samples from the official wechatpay-go and wechatpay-java SDK tests (tests/vectors/peers/).

mod common;

use wechatpay_notify::testing::Callback;
use wechatpay_notify::{decrypt_certificates, decrypt_resource, ErrorCode, Verifier};

const PLACEHOLDER_APIV3_KEY: &str = "0000000000000000placeholder00000";

#[test]
fn go_sdk_notification_verifies_with_its_certificate() {
    let go = common::load_json("peers/wechatpay-go-notify.json");
    let headers: Vec<(String, String)> = go["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let body = go["body"].as_str().unwrap().as_bytes();
    let now = go["now"].as_i64().unwrap();
    let verifier = Verifier::builder()
        .apiv3_key(PLACEHOLDER_APIV3_KEY)
        .platform_certificate(go["platform_certificate_pem"].as_str().unwrap())
        .build()
        .unwrap();
    assert_eq!(verifier.key_ids().collect::<Vec<_>>(), ["D7CE59D1F522D701"]);
    verifier.verify_at(&headers, body, now).unwrap();
    // Any changed byte of the body is refused.
    let mut altered = body.to_vec();
    altered[10] ^= 1;
    assert_eq!(
        verifier
            .verify_at(&headers, &altered, now)
            .unwrap_err()
            .code(),
        ErrorCode::SignatureMismatch
    );
    // Decryption with a key that is not the one used is refused, after verification.
    assert_eq!(
        verifier.parse_at(&headers, body, now).unwrap_err().code(),
        ErrorCode::DecryptFailed
    );
}

#[test]
fn go_sdk_sixteen_byte_resource_key_is_a_config_error() {
    let go = common::load_json("peers/wechatpay-go-notify.json");
    let key = go["apiv3_key_16_bytes"].as_str().unwrap();
    assert_eq!(key.len(), 16);
    let err = Verifier::builder()
        .apiv3_key(key)
        .platform_certificate(go["platform_certificate_pem"].as_str().unwrap())
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigInvalid);
    assert!(!err.message().contains(key));
    let body: serde_json::Value = serde_json::from_str(go["body"].as_str().unwrap()).unwrap();
    let r = &body["resource"];
    let err = decrypt_resource(
        key,
        r["nonce"].as_str().unwrap(),
        r["associated_data"].as_str().unwrap(),
        r["ciphertext"].as_str().unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigInvalid);
}

#[test]
fn java_sdk_certificate_download_decrypts() {
    let java = common::load_json("peers/wechatpay-java.json");
    let dl = &java["certificate_download"];
    let certs = decrypt_certificates(
        dl["apiv3_key"].as_str().unwrap(),
        dl["response_body"].as_str().unwrap(),
    )
    .unwrap();
    let serials: Vec<&str> = certs.iter().map(|c| c.serial_no.as_str()).collect();
    assert_eq!(serials, ["5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"]);
    let cert = &certs[0];
    assert!(cert.not_before < cert.not_after);
    assert!(cert.pem.starts_with("-----BEGIN CERTIFICATE-----"));
    // The decrypted PEM configures a verifier directly.
    let v = Verifier::builder()
        .apiv3_key(dl["apiv3_key"].as_str().unwrap())
        .platform_certificate(&cert.pem)
        .build()
        .unwrap();
    assert_eq!(
        v.key_ids().collect::<Vec<_>>(),
        ["5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"]
    );
    let wrong = decrypt_certificates(PLACEHOLDER_APIV3_KEY, dl["response_body"].as_str().unwrap())
        .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::DecryptFailed);
}

/// A notification signed and encrypted as WeChat Pay would, by the testing kit around the Java
/// SDK's test key pair under `serial`.
fn java_signed_notification(apiv3_key: &str, serial: &str, timestamp: i64) -> Callback {
    common::java_peer_kit_with(serial, apiv3_key)
        .custom(
            "TRANSACTION.SUCCESS",
            Some("transaction"),
            serde_json::json!({
                "mchid": "1900000001",
                "out_trade_no": "T1",
                "transaction_id": "42",
                "trade_state": "SUCCESS",
                "amount": {"total": 1, "currency": "CNY"},
            }),
        )
        .summary("支付成功")
        .id("EV-java-peer")
        .timestamp(timestamp)
        .build()
        .unwrap()
}

#[test]
fn java_sdk_key_pair_verifies_through_certificate_and_public_key() {
    let java = common::load_json("peers/wechatpay-java.json");
    let kp = &java["wechat_pay_keypair"];
    let apiv3_key = "java-peer-apiv3-key-32-bytes-ok!";
    let now = 1_700_000_000; // inside the certificate's 2022-05-10..2025-05-09 validity
    let serial = "440024045C4A427599D09BB4E3DE0279F2E813FD";
    let by_cert = Verifier::builder()
        .apiv3_key(apiv3_key)
        .platform_certificate(kp["certificate_pem"].as_str().unwrap())
        .build()
        .unwrap();
    assert_eq!(by_cert.key_ids().collect::<Vec<_>>(), [serial]);
    let cb = java_signed_notification(apiv3_key, serial, now);
    let n = by_cert.parse_at(&cb.headers, &cb.body, now).unwrap();
    // The test's resource is a minimal payment (not a complete catalog Transaction).
    let resource: serde_json::Value = n.resource().unwrap();
    assert_eq!(resource["out_trade_no"], "T1");
    assert_eq!(n.serial(), serial);
    // After the certificate expired (2025-05-09), the same request is refused as KEY_EXPIRED.
    let later = 1_760_000_000;
    let cb_later = java_signed_notification(apiv3_key, serial, later);
    assert_eq!(
        by_cert
            .parse_at(&cb_later.headers, &cb_later.body, later)
            .unwrap_err()
            .code(),
        ErrorCode::KeyExpired
    );

    let id = "PUB_KEY_ID_0114232134912410000000000042";
    let by_key = Verifier::builder()
        .apiv3_key(apiv3_key)
        .public_key(id, kp["public_key_pem"].as_str().unwrap())
        .build()
        .unwrap();
    let cb = java_signed_notification(apiv3_key, id, later);
    let n = by_key.parse_at(&cb.headers, &cb.body, later).unwrap();
    assert_eq!(n.id(), "EV-java-peer");
    assert_eq!(n.summary(), "支付成功");
}
