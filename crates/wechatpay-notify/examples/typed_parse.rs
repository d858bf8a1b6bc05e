//! The floor of the Python binding's benchmark (`benches/python_vs_wechatpayv3.py`): the same
//! typed parse in Rust, `Verifier::parse_at` then the typed resource of the notification's
//! kind, on a callback the benchmark hands over. Not a test.
//!
//! Reads one JSON document on standard input, `{"apiv3_key", "public_key_id",
//! "public_key_pem", "headers": [[name, value], ...], "body", "kind", "iterations"}`, and
//! prints the seconds per callback of one timed loop of `iterations` calls, after an untimed
//! warm-up of a tenth as many.
//!
//! ```sh
//! cargo build --release -p wechatpay-notify --example typed_parse
//! ```
use std::hint::black_box;
use std::io::Read;
use std::time::Instant;

use serde::Deserialize;
use wechatpay_notify::{unix_now, EventKind, Notification, Verifier};

/// The benchmark's request.
#[derive(Deserialize)]
struct Case {
    apiv3_key: String,
    public_key_id: String,
    public_key_pem: String,
    headers: Vec<(String, String)>,
    body: String,
    kind: String,
    iterations: u32,
}

/// The typed resource of the notification's kind, as a binding's typed accessor gives it.
fn typed(n: &Notification, kind: EventKind) -> usize {
    match kind {
        EventKind::Transaction => n.transaction().map(|t| t.out_trade_no.len()),
        EventKind::Refund => n.refund().map(|r| r.out_refund_no.len()),
        EventKind::CombineTransaction => n.combine_transaction().map(|c| c.sub_orders.len()),
        other => panic!("no typed floor for {}", other.as_str()),
    }
    .expect("the benchmark's callback is of its kind")
}

fn main() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("a JSON case on standard input");
    let case: Case = serde_json::from_str(&input).expect("the benchmark's JSON case");
    let kind = EventKind::from_name(&case.kind).expect("a catalog kind");
    let verifier = Verifier::builder()
        .apiv3_key(&case.apiv3_key)
        .public_key(&case.public_key_id, &case.public_key_pem)
        .build()
        .expect("the kit's keys");
    let body = case.body.as_bytes();
    let once = || {
        let n = verifier
            .parse_at(&case.headers, black_box(body), unix_now())
            .expect("the kit's callback verifies");
        black_box(typed(&n, kind));
    };
    for _ in 0..case.iterations / 10 {
        once();
    }
    let start = Instant::now();
    for _ in 0..case.iterations {
        once();
    }
    println!(
        "{:.9}",
        start.elapsed().as_secs_f64() / f64::from(case.iterations)
    );
}
