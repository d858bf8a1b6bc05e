//! Shared loading of the repository's conformance vectors (`tests/vectors/`), and the testing
//! kit (`wechatpay_notify::testing`) set up with the wechatpay-java SDK's test key pair.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use wechatpay_notify::testing::{Callback, Kit, TestKey};
use wechatpay_notify::{EventKind, Verifier, VerifierBuilder};

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

pub fn load_json(relative: &str) -> Value {
    let path = vectors_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector file is JSON")
}

pub fn notifications() -> Value {
    load_json("notifications.json")
}

/// A verifier builder for a vector configuration: one merchant's keys, or a `merchants` list
/// (tests/vectors/README.md).
pub fn builder_for(config: &Value) -> VerifierBuilder {
    let mut b = Verifier::builder();
    if let Some(key) = config["apiv3_key"].as_str() {
        b = b.apiv3_key(key);
    }
    for pk in config["public_keys"].as_array().into_iter().flatten() {
        b = b.public_key(pk["id"].as_str().unwrap(), pk["pem"].as_str().unwrap());
    }
    for cert in config["certificates"].as_array().into_iter().flatten() {
        b = b.platform_certificate(cert.as_str().unwrap());
    }
    for m in config["merchants"].as_array().into_iter().flatten() {
        let mut merchant = wechatpay_notify::Merchant::new(
            m["mchid"].as_str().unwrap(),
            m["apiv3_key"].as_str().unwrap(),
        );
        for pk in m["public_keys"].as_array().into_iter().flatten() {
            merchant = merchant.public_key(pk["id"].as_str().unwrap(), pk["pem"].as_str().unwrap());
        }
        for cert in m["certificates"].as_array().into_iter().flatten() {
            merchant = merchant.platform_certificate(cert.as_str().unwrap());
        }
        b = b.merchant(merchant);
    }
    if let Some(s) = config["max_clock_skew"].as_u64() {
        b = b.max_clock_skew(Duration::from_secs(s));
    }
    if let Some(n) = config["max_body_size"].as_u64() {
        b = b.max_body_size(n as usize);
    }
    b
}

pub fn body(case: &Value) -> Vec<u8> {
    hex::decode(case["body_hex"].as_str().unwrap()).unwrap()
}

pub fn headers(case: &Value) -> Vec<(String, String)> {
    case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The verifier named by a v3 case.
pub fn verifier_for(vectors: &Value, case: &Value) -> Verifier {
    let name = case["verifier"].as_str().unwrap();
    builder_for(&vectors["verifiers"][name])
        .build()
        .unwrap_or_else(|e| panic!("verifier {name}: {e}"))
}

/// Cases of one type.
pub fn cases<'a>(vectors: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |c| c["type"] == kind)
}

/// A kit signing with the wechatpay-java SDK's published test key pair under `key_id` (a
/// `PUB_KEY_ID_` id or a certificate serial), sealing resources with `apiv3_key`.
pub fn java_peer_kit_with(key_id: &str, apiv3_key: &str) -> Kit {
    let java = load_json("peers/wechatpay-java.json");
    let pem = java["wechat_pay_keypair"]["private_key_pem"]
        .as_str()
        .unwrap();
    Kit::with_key(TestKey::from_pem(pem.as_bytes(), key_id).unwrap())
        .with_apiv3_key(apiv3_key)
        .unwrap()
}

/// The kit whose callbacks [`java_peer_verifier`] accepts: the wechatpay-java key pair under
/// [`TEST_PUBLIC_KEY_ID`], [`TEST_APIV3_KEY`].
pub fn java_peer_kit() -> &'static Kit {
    static KIT: OnceLock<Kit> = OnceLock::new();
    KIT.get_or_init(|| java_peer_kit_with(TEST_PUBLIC_KEY_ID, TEST_APIV3_KEY))
}

/// A `TRANSACTION.SUCCESS` callback of `kit` whose resource is `plaintext` (a JSON object),
/// signed at `timestamp`.
pub fn transaction(kit: &Kit, id: &str, plaintext: &str, timestamp: i64) -> Callback {
    kit.notification(EventKind::Transaction)
        .resource(serde_json::from_str(plaintext).unwrap())
        .id(id)
        .timestamp(timestamp)
        .build()
        .unwrap()
}

/// The exact plaintext the kit seals for `plaintext`: serde_json's compact form of it.
pub fn sealed_text(plaintext: &str) -> String {
    serde_json::from_str::<Value>(plaintext)
        .unwrap()
        .to_string()
}

/// Replaces the value of the header `name` (which must be present).
pub fn set_header(headers: &mut [(String, String)], name: &str, value: impl Into<String>) {
    let slot = headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("no {name} header"));
    slot.1 = value.into();
}

pub const TEST_APIV3_KEY: &str = "test-apiv3-key-0123456789abcdef!";
pub const TEST_PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000042";
pub const TEST_PLAINTEXT: &str = r#"{"mchid":"1900000001","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"4200000001201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}"#;

/// A verifier trusting the wechatpay-java test public key under [`TEST_PUBLIC_KEY_ID`].
pub fn java_peer_verifier() -> Verifier {
    let java = load_json("peers/wechatpay-java.json");
    Verifier::builder()
        .apiv3_key(TEST_APIV3_KEY)
        .public_key(
            TEST_PUBLIC_KEY_ID,
            java["wechat_pay_keypair"]["public_key_pem"]
                .as_str()
                .unwrap(),
        )
        .build()
        .unwrap()
}
