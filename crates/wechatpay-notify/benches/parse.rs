//! `cargo bench -p wechatpay-notify --bench parse`
//!
//! On the same ~1 KB transaction notification, in one run: the core's `parse_at` (with the RSA
//! backend it was built with: `--no-default-features --features aws-lc` for aws-lc-rs) against
//! the bare primitives it is built from (ring RSA verify, aes-gcm open, serde_json) with no
//! checks around them, and against the floor: one aws-lc-rs RSA-2048 verify of the same
//! signature with a key parsed beforehand. Then the APIv2 payment verification. Prints the
//! times and the ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use criterion::Criterion;
use der::Decode as _;
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use spki::SubjectPublicKeyInfoRef;
use wechatpay_notify::testing::{Kit, TestKey};
use wechatpay_notify::v2::{SignType, V2Verifier};
use wechatpay_notify::{signed_message, EventKind, Verifier, BACKEND};

const APIV3_KEY: &str = "bench-apiv3-key-0123456789abcdef";
const KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000042";
const NOW: i64 = 1_700_000_000;
const PLAINTEXT: &str = r#"{"mchid":"1230000109","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"自定义数据","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"},"scene_info":{"device_id":"CZ0001"},"promotion_detail":[{"coupon_id":"109519","name":"单品惠-6","scope":"SINGLE","type":"CASH","amount":1,"stock_id":"931386"}]}"#;

struct Fixture {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    public_key_pem: String,
    pkcs1_der: Vec<u8>,
}

/// The notification, signed and sealed by the testing kit around the wechatpay-java SDK's test
/// key pair; the bare contender gets that key's PKCS#1 form, as ring takes it.
fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/peers/wechatpay-java.json"
    );
    let java: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kp = &java["wechat_pay_keypair"];
    let key =
        TestKey::from_pem(kp["private_key_pem"].as_str().unwrap().as_bytes(), KEY_ID).unwrap();
    let kit = Kit::with_key(key).with_apiv3_key(APIV3_KEY).unwrap();
    let callback = kit
        .notification(EventKind::Transaction)
        .resource(serde_json::from_str(PLAINTEXT).unwrap())
        .id("EV-2018022511223320873")
        .timestamp(NOW)
        .build()
        .unwrap();
    let public_key_pem = kp["public_key_pem"].as_str().unwrap().to_owned();
    let (_, spki_der) = der::pem::decode_vec(public_key_pem.as_bytes()).unwrap();
    let pkcs1_der = SubjectPublicKeyInfoRef::from_der(&spki_der)
        .unwrap()
        .subject_public_key
        .raw_bytes()
        .to_vec();
    Fixture {
        headers: callback.headers,
        body: callback.body,
        public_key_pem,
        pkcs1_der,
    }
}

/// The primitives alone: what a hand-rolled handler with no checks would do.
fn bare(f: &Fixture, cipher: &Aes256Gcm) -> serde_json::Value {
    let get = |name: &str| {
        f.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    let message = signed_message(
        get("Wechatpay-Timestamp").as_bytes(),
        get("Wechatpay-Nonce").as_bytes(),
        &f.body,
    );
    let sig = STANDARD.decode(get("Wechatpay-Signature")).unwrap();
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &f.pkcs1_der)
        .verify(&message, &sig)
        .unwrap();
    let envelope: serde_json::Value = serde_json::from_slice(&f.body).unwrap();
    let r = &envelope["resource"];
    let mut buf = STANDARD.decode(r["ciphertext"].as_str().unwrap()).unwrap();
    let tag = Tag::clone_from_slice(&buf[buf.len() - 16..]);
    buf.truncate(buf.len() - 16);
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(r["nonce"].as_str().unwrap().as_bytes()),
            r["associated_data"].as_str().unwrap().as_bytes(),
            &mut buf,
            &tag,
        )
        .unwrap();
    serde_json::from_slice(&buf).unwrap()
}

/// The floor: the signature check alone, with aws-lc-rs and a key parsed once.
struct Floor {
    key: aws_lc_rs::signature::ParsedPublicKey,
    message: Vec<u8>,
    signature: Vec<u8>,
}

impl Floor {
    fn new(f: &Fixture) -> Floor {
        let get = |name: &str| {
            f.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        Floor {
            key: aws_lc_rs::signature::ParsedPublicKey::new(
                &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                &f.pkcs1_der,
            )
            .unwrap(),
            message: signed_message(
                get("Wechatpay-Timestamp").as_bytes(),
                get("Wechatpay-Nonce").as_bytes(),
                &f.body,
            ),
            signature: STANDARD.decode(get("Wechatpay-Signature")).unwrap(),
        }
    }

    fn verify(&self) {
        self.key
            .verify_sig(black_box(&self.message), black_box(&self.signature))
            .unwrap();
    }
}

/// Median time per call of each contender over rounds that alternate between them.
fn alternate<const N: usize>(
    rounds: usize,
    iters: u32,
    mut contenders: [&mut dyn FnMut(); N],
) -> [Duration; N] {
    let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..rounds {
        for (run, t) in contenders.iter_mut().zip(times.iter_mut()) {
            let start = Instant::now();
            (0..iters).for_each(|_| run());
            t.push(start.elapsed() / iters);
        }
    }
    times.map(|mut t| {
        t.sort();
        t[rounds / 2]
    })
}

/// A payment result signed with HMAC-SHA256 by the testing kit, with the fields of WeChat Pay's
/// documented sample.
fn v2_fixture() -> (V2Verifier, Vec<u8>) {
    let kit = Kit::new()
        .unwrap()
        .with_v2_key("192006250b4c09247ec02edce69f6a2d")
        .unwrap();
    let mut payment = kit.v2_payment().sign_type(SignType::HmacSha256);
    for (name, value) in [
        ("appid", "wx2421b1c4370ec43b"),
        ("bank_type", "CFT"),
        ("cash_fee", "1"),
        ("fee_type", "CNY"),
        ("is_subscribe", "Y"),
        ("mch_id", "10000100"),
        ("nonce_str", "5d2b6c2a8db53831f7eda20af46e531c"),
        ("openid", "oUpF8uMEb4qRXf22hE3X68TekukE"),
        ("out_trade_no", "1409811653"),
        ("result_code", "SUCCESS"),
        ("return_code", "SUCCESS"),
        ("time_end", "20140903131540"),
        ("total_fee", "1"),
        ("trade_type", "JSAPI"),
        ("transaction_id", "1004400740201409030005092168"),
    ] {
        payment = payment.set(name, value);
    }
    (kit.v2_verifier().unwrap(), payment.build().unwrap())
}

fn main() {
    let f = fixture();
    let verifier = Verifier::builder()
        .apiv3_key(APIV3_KEY)
        .public_key(KEY_ID, &f.public_key_pem)
        .build()
        .unwrap();
    let cipher = Aes256Gcm::new_from_slice(APIV3_KEY.as_bytes()).unwrap();
    let expected: serde_json::Value = serde_json::from_str(PLAINTEXT).unwrap();
    let plaintext = verifier
        .parse_at(&f.headers, &f.body, NOW)
        .unwrap()
        .plaintext()
        .to_owned();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&plaintext).unwrap(),
        expected
    );
    assert_eq!(bare(&f, &cipher), expected);
    let floor = Floor::new(&f);
    floor.verify();
    let (v2, xml) = v2_fixture();
    assert!(v2.parse_payment(&xml).is_ok());

    let mut c = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(3));
    let mut g = c.benchmark_group("parse");
    g.bench_function("core parse_at", |b| {
        b.iter(|| {
            verifier
                .parse_at(black_box(&f.headers), black_box(&f.body), NOW)
                .unwrap()
        })
    });
    g.bench_function("bare primitives", |b| {
        b.iter(|| bare(black_box(&f), &cipher))
    });
    g.bench_function("aws-lc-rs verify, key parsed once", |b| {
        b.iter(|| floor.verify())
    });
    g.finish();
    c.bench_function("v2 parse_payment (HMAC-SHA256)", |b| {
        b.iter(|| v2.parse_payment(black_box(&xml)).unwrap())
    });

    let [core, prim, rsa] = alternate(
        15,
        400,
        [
            &mut || {
                black_box(verifier.parse_at(&f.headers, &f.body, NOW).unwrap());
            },
            &mut || {
                black_box(bare(&f, &cipher));
            },
            &mut || floor.verify(),
        ],
    );
    let start = Instant::now();
    for _ in 0..20_000 {
        black_box(v2.parse_payment(black_box(&xml)).unwrap());
    }
    let v2_time = start.elapsed() / 20_000;
    println!(
        "\nbody {} bytes, plaintext {} bytes",
        f.body.len(),
        plaintext.len()
    );
    println!(
        "core parse_at ({BACKEND:>6}): {:>8.2} µs/callback",
        core.as_secs_f64() * 1e6
    );
    println!(
        "bare primitives (ring):{:>8.2} µs/callback",
        prim.as_secs_f64() * 1e6
    );
    println!(
        "aws-lc-rs verify:      {:>8.2} µs (RSA-2048, key parsed once)",
        rsa.as_secs_f64() * 1e6
    );
    println!(
        "ratio core/bare:       {:>8.3}",
        core.as_secs_f64() / prim.as_secs_f64()
    );
    println!(
        "ratio core/verify:     {:>8.3} (target <= 1.15 with aws-lc)",
        core.as_secs_f64() / rsa.as_secs_f64()
    );
    println!(
        "v2 parse_payment:      {:>8.2} µs/callback",
        v2_time.as_secs_f64() * 1e6
    );
    c.final_summary();
}
