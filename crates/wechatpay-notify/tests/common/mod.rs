//! Shared loading of the repository's conformance vectors (`tests/vectors/`).
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use wechatpay_notify::{Verifier, VerifierBuilder};

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

pub fn builder_for(config: &Value) -> VerifierBuilder {
    let mut b = Verifier::builder().apiv3_key(config["apiv3_key"].as_str().unwrap());
    for pk in config["public_keys"].as_array().into_iter().flatten() {
        b = b.public_key(pk["id"].as_str().unwrap(), pk["pem"].as_str().unwrap());
    }
    for cert in config["certificates"].as_array().into_iter().flatten() {
        b = b.platform_certificate(cert.as_str().unwrap());
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

/// Signs and encrypts notifications as WeChat Pay does, with a test private key.
pub struct Signer {
    pair: ring::signature::RsaKeyPair,
    pub serial: String,
}

impl Signer {
    /// From a PKCS#8 PEM private key and the serial (or public-key id) it signs under.
    pub fn new(private_pem: &str, serial: &str) -> Signer {
        let (label, der) = der::pem::decode_vec(private_pem.as_bytes()).unwrap();
        assert_eq!(label, "PRIVATE KEY");
        Signer {
            pair: ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap(),
            serial: serial.to_owned(),
        }
    }

    /// The wechatpay-java SDK's published test key pair, under the given id.
    pub fn java_peer(serial: &str) -> Signer {
        let java = load_json("peers/wechatpay-java.json");
        Signer::new(
            java["wechat_pay_keypair"]["private_key_pem"]
                .as_str()
                .unwrap(),
            serial,
        )
    }

    /// Base64 RSA-SHA256 signature over `timestamp\nnonce\nbody\n`.
    pub fn sign(&self, timestamp: &str, nonce: &str, body: &[u8]) -> String {
        use base64::Engine as _;
        let message =
            wechatpay_notify::signed_message(timestamp.as_bytes(), nonce.as_bytes(), body);
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                &message,
                &mut sig,
            )
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(sig)
    }

    /// The four `Wechatpay-*` headers for `body` signed at `timestamp`.
    pub fn headers(&self, timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
        let ts = timestamp.to_string();
        let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        vec![
            ("Wechatpay-Serial".into(), self.serial.clone()),
            ("Wechatpay-Timestamp".into(), ts.clone()),
            ("Wechatpay-Nonce".into(), nonce.into()),
            ("Wechatpay-Signature".into(), self.sign(&ts, nonce, body)),
        ]
    }
}

/// A notification body whose resource is `plaintext` sealed with `apiv3_key`.
pub fn sealed_body(apiv3_key: &[u8], id: &str, plaintext: &str) -> Vec<u8> {
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::KeyInit;
    use base64::Engine as _;
    let nonce = b"fdasflkja484";
    let sealed = aes_gcm::Aes256Gcm::new_from_slice(apiv3_key)
        .unwrap()
        .encrypt(
            aes_gcm::Nonce::from_slice(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: b"transaction",
            },
        )
        .unwrap();
    serde_json::json!({
        "id": id,
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64::engine::general_purpose::STANDARD.encode(sealed),
            "associated_data": "transaction",
            "nonce": "fdasflkja484",
        }
    })
    .to_string()
    .into_bytes()
}

pub const TEST_APIV3_KEY: &[u8; 32] = b"test-apiv3-key-0123456789abcdef!";
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
