//! `cargo bench -p wechatpay-notify --bench merchants`
//!
//! The cost of routing (docs/merchants.md), in one run: the per-callback `parse_at` of a
//! single-merchant verifier against the same callback through a verifier of 1,000 merchants
//! (its merchant in the middle), printed with their ratio; and the time to build the
//! 1,000-merchant verifier. Every merchant has its own public-key id and APIv3 key; they share
//! one test key pair (parsing 1,000 PEMs is what building costs, whoever's keys they are).
//!
//! Then what an unauthenticated request costs (docs/merchants.md): a callback with a current
//! timestamp and a serial nobody configured, refused before any signature check with
//! `UNKNOWN_SERIAL`, and the size of the reply sent back for it, for verifiers of 1, 1,000 and
//! 8,000 merchants, with the time to build each.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wechatpay_notify::testing::{Kit, TestKey};
use wechatpay_notify::{ErrorCode, EventKind, Merchant, Reply, Verifier};

const MERCHANTS: usize = 1_000;
const NOW: i64 = 1_700_000_000;

fn private_key() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/keys/test-platform-b.key.pem"
    ))
    .expect("the repository's test key")
}

fn public_key() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/keys/test-platform-b.pub.pem"
    ))
    .expect("the repository's test key")
}

fn key_id(i: usize) -> String {
    format!("PUB_KEY_ID_01142321349124100000{i:08}")
}

fn apiv3_key(i: usize) -> String {
    format!("bench-merchant-apiv3-key-{i:07}")
}

/// The median time per call over `rounds` rounds of `iterations` calls.
fn per_call(rounds: usize, iterations: u32, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed() / iterations
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// A verifier of `n` merchants, each with its own key id and APIv3 key, and how long it took.
fn merchants(n: usize, pem: &str) -> (Verifier, Duration) {
    let started = Instant::now();
    let mut builder = Verifier::builder();
    for i in 0..n {
        builder = builder
            .merchant(Merchant::new(format!("19{i:08}"), apiv3_key(i)).public_key(key_id(i), pem));
    }
    let v = builder.build().unwrap();
    (v, started.elapsed())
}

/// The cost of a refused `UNKNOWN_SERIAL` request and the size of its reply, by merchant count.
fn unknown_serial(quick: bool, pem: &str) {
    let stranger = Kit::with_key(
        TestKey::from_pem(
            &private_key(),
            "PUB_KEY_ID_0000000000000000000000000000000000",
        )
        .unwrap(),
    );
    let cb = stranger
        .notification(EventKind::Transaction)
        .timestamp(NOW)
        .build()
        .unwrap();
    for n in [1, 1_000, 8_000] {
        let (v, built) = merchants(n, pem);
        let e = v.parse_at(&cb.headers, &cb.body, NOW).unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownSerial);
        let reply = Reply::failure(&e);
        // About 50 ms a round, whatever one request costs.
        let once = Instant::now();
        black_box(v.parse_at(&cb.headers, &cb.body, NOW).unwrap_err());
        let iterations = (0.05 / once.elapsed().as_secs_f64().max(1e-9)).clamp(1.0, 2_000.0) as u32;
        let cost = per_call(if quick { 1 } else { 9 }, iterations, || {
            let e = v
                .parse_at(&cb.headers, black_box(&cb.body), NOW)
                .unwrap_err();
            black_box(Reply::failure(&e));
        });
        println!(
            "UNKNOWN_SERIAL, {n:>5} merchants: {:>9.2} us per request, reply {:>6} bytes, \
             message {:>6} bytes, built in {:>8.2} ms",
            cost.as_secs_f64() * 1e6,
            reply.body.len(),
            e.message().len(),
            built.as_secs_f64() * 1e3
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let (rounds, iterations) = if quick { (3, 20) } else { (21, 500) };
    let target = MERCHANTS / 2;
    let kit = Kit::with_key(TestKey::from_pem(&private_key(), &key_id(target)).unwrap())
        .with_apiv3_key(&apiv3_key(target))
        .unwrap();
    kit.set_mchid(&format!("19{target:08}"));
    let cb = kit
        .notification(EventKind::Transaction)
        .timestamp(NOW)
        .build()
        .unwrap();

    let pem = public_key();
    let single = Verifier::builder()
        .apiv3_key(apiv3_key(target))
        .public_key(key_id(target), &pem)
        .build()
        .unwrap();
    let (many, build_time) = merchants(MERCHANTS, &pem);

    let expected = format!("19{target:08}");
    let n = many.parse_at(&cb.headers, &cb.body, NOW).unwrap();
    assert_eq!(n.mchid(), Some(expected.as_str()));
    assert_eq!(
        single.parse_at(&cb.headers, &cb.body, NOW).unwrap().mchid(),
        None
    );

    // Interleaved, so that a slower moment of the machine hits both alike.
    let (mut one, mut thousand) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        one.push(per_call(1, iterations, || {
            black_box(
                single
                    .parse_at(&cb.headers, black_box(&cb.body), NOW)
                    .unwrap(),
            );
        }));
        thousand.push(per_call(1, iterations, || {
            black_box(
                many.parse_at(&cb.headers, black_box(&cb.body), NOW)
                    .unwrap(),
            );
        }));
    }
    one.sort();
    thousand.sort();
    let (a, b) = (one[one.len() / 2], thousand[thousand.len() / 2]);
    println!(
        "parse_at, 1 merchant:          {:>9.2} us",
        a.as_secs_f64() * 1e6
    );
    println!(
        "parse_at, {MERCHANTS} merchants:     {:>9.2} us",
        b.as_secs_f64() * 1e6
    );
    println!(
        "ratio {MERCHANTS} / 1:               {:>9.3}   (target: within 5%)",
        b.as_secs_f64() / a.as_secs_f64()
    );
    println!(
        "building {MERCHANTS} merchants:       {:>9.2} ms",
        build_time.as_secs_f64() * 1e3
    );
    unknown_serial(quick, &pem);
}
