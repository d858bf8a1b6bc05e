//! Benchmark (not a test): the cost of the C path against the Rust core on the same
//! notification, in one process, interleaved.
//!
//! Core path: `Verifier::parse_at` with `&[(String, String)]` headers, then `id()` and
//! `plaintext()`. C path: `wpn_verifier_parse` called through an `extern "C"` function
//! pointer (the exact code a C caller runs: argument checks, panic guard, handle allocation,
//! the envelope filled by the same call), then `wpn_notification_free`.
//!
//! ```sh
//! cargo run --release -p wechatpay-notify-ffi --example ffi_overhead [-- ROUNDS ITERATIONS]
//! ```
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::Value;
use wechatpay_notify::Verifier;
use wechatpay_notify_ffi::*;

type ParseAt = unsafe extern "C" fn(
    *const wpn_verifier,
    *const u8,
    usize,
    *const usize,
    usize,
    *const u8,
    usize,
    i64,
    *mut *mut wpn_notification,
    *mut wpn_envelope,
    *mut *mut wpn_error,
) -> wpn_result;

struct Sample {
    config: Value,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    now: i64,
}

fn sample() -> Sample {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/notifications.json"
    );
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["type"] == "v3_parse" && c["expect"]["ok"] == true && c["verifier"] == "default"
        })
        .expect("a valid notification in the vectors");
    Sample {
        config: vectors["verifiers"]["default"].clone(),
        headers: case["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect(),
        body: hex::decode(case["body_hex"].as_str().unwrap()).unwrap(),
        now: case["now"].as_i64().unwrap(),
    }
}

fn core_verifier(config: &Value) -> Verifier {
    let mut b = Verifier::builder().apiv3_key(config["apiv3_key"].as_str().unwrap());
    for pk in config["public_keys"].as_array().unwrap() {
        b = b.public_key(pk["id"].as_str().unwrap(), pk["pem"].as_str().unwrap());
    }
    for cert in config["certificates"].as_array().unwrap() {
        b = b.platform_certificate(cert.as_str().unwrap());
    }
    b.build().unwrap()
}

fn ffi_verifier(config: &Value) -> *mut wpn_verifier {
    let null = std::ptr::null_mut();
    unsafe {
        let mut b = std::ptr::null_mut();
        assert_eq!(wpn_verifier_builder_new(&mut b, null), wpn_result::WPN_OK);
        let key = config["apiv3_key"].as_str().unwrap();
        wpn_verifier_builder_apiv3_key(b, key.as_ptr(), key.len(), null);
        for pk in config["public_keys"].as_array().unwrap() {
            let (id, pem) = (pk["id"].as_str().unwrap(), pk["pem"].as_str().unwrap());
            wpn_verifier_builder_public_key(
                b,
                id.as_ptr(),
                id.len(),
                pem.as_ptr(),
                pem.len(),
                null,
            );
        }
        for cert in config["certificates"].as_array().unwrap() {
            let pem = cert.as_str().unwrap();
            wpn_verifier_builder_platform_certificate(b, pem.as_ptr(), pem.len(), null);
        }
        let mut v = std::ptr::null_mut();
        assert_eq!(
            wpn_verifier_builder_build(b, &mut v, null),
            wpn_result::WPN_OK
        );
        wpn_verifier_builder_free(b);
        v
    }
}

fn per_op(iterations: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map_or(21, |a| a.parse().unwrap());
    let iterations: u32 = args.next().map_or(2000, |a| a.parse().unwrap());

    let s = sample();
    let verifier = core_verifier(&s.config);
    let ffi = ffi_verifier(&s.config);
    // The headers as a C caller passes them: back to back, with their lengths.
    let header_bytes: Vec<u8> = s
        .headers
        .iter()
        .flat_map(|(k, v)| k.bytes().chain(v.bytes()))
        .collect();
    let header_lens: Vec<usize> = s
        .headers
        .iter()
        .flat_map(|(k, v)| [k.len(), v.len()])
        .collect();
    let parse_at: ParseAt = black_box(wpn_verifier_parse as ParseAt);

    let core_once = || {
        let n = verifier
            .parse_at(&s.headers, black_box(&s.body), s.now)
            .unwrap();
        black_box((n.id().len(), n.plaintext().len()));
    };
    let c_once = || unsafe {
        let mut n = std::ptr::null_mut();
        let mut envelope = std::mem::MaybeUninit::<wpn_envelope>::uninit();
        let rc = parse_at(
            ffi,
            header_bytes.as_ptr(),
            header_bytes.len(),
            header_lens.as_ptr(),
            s.headers.len(),
            black_box(s.body.as_ptr()),
            s.body.len(),
            s.now,
            &mut n,
            envelope.as_mut_ptr(),
            std::ptr::null_mut(),
        );
        assert_eq!(rc, wpn_result::WPN_OK);
        let envelope = envelope.assume_init();
        black_box((envelope.id.len, envelope.plaintext.len));
        wpn_notification_free(n);
    };

    // Warm up both paths, then alternate which one runs first in each round.
    per_op(iterations, core_once);
    per_op(iterations, c_once);
    let (mut core, mut c) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            core.push(per_op(iterations, core_once));
            c.push(per_op(iterations, c_once));
        } else {
            c.push(per_op(iterations, c_once));
            core.push(per_op(iterations, core_once));
        }
    }
    let (core_med, c_med) = (median(core.clone()), median(c.clone()));
    let (core_min, c_min) = (*core.iter().min().unwrap(), *c.iter().min().unwrap());
    let pct = |a: Duration, b: Duration| (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0;
    println!(
        "notification: {} bytes body; {rounds} rounds x {iterations} parses per path",
        s.body.len()
    );
    println!(
        "rust core  parse_at:        median {:>8.2} us   min {:>8.2} us",
        core_med.as_secs_f64() * 1e6,
        core_min.as_secs_f64() * 1e6
    );
    println!(
        "C ABI wpn_verifier_parse:    median {:>8.2} us   min {:>8.2} us",
        c_med.as_secs_f64() * 1e6,
        c_min.as_secs_f64() * 1e6
    );
    // Each round's C time over the same round's core time cancels drift in machine load.
    let mut ratios: Vec<f64> = core
        .iter()
        .zip(&c)
        .map(|(a, b)| b.as_secs_f64() / a.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let paired = (ratios[ratios.len() / 2] - 1.0) * 100.0;
    println!(
        "C path overhead: {paired:+.2}% (median of per-round ratios), {:+.2}% (medians), \
         {:+.2}% (minimums); target < 2%",
        pct(core_med, c_med),
        pct(core_min, c_min)
    );
    unsafe { wpn_verifier_free(ffi) };
}
