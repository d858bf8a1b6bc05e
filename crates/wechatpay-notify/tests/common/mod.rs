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
