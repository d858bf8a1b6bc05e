//! `cargo bench -p wechatpay-notify --bench bounds`: how long hostile inputs take to refuse.
//! Prints the time for each at two sizes, so linear (or constant) behaviour can be read off.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{RsaPublicKey, Verifier};

fn time(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut n = 0u32;
    while n < 3 || start.elapsed() < Duration::from_millis(300) {
        f();
        n += 1;
    }
    start.elapsed() / n
}

fn report(what: &str, small: (usize, Duration), large: (usize, Duration)) {
    println!(
        "{what:<44} {:>10} B: {:>12.3?}   {:>10} B: {:>12.3?}   time x{:.1} for size x{:.0}",
        small.0,
        small.1,
        large.0,
        large.1,
        large.1.as_secs_f64() / small.1.as_secs_f64(),
        large.0 as f64 / small.0 as f64
    );
}

fn main() {
    let pem = include_str!("../../../tests/vectors/keys/test-platform-b.pub.pem");
    let v = Verifier::builder()
        .apiv3_key("bench-apiv3-key-0123456789abcdef")
        .public_key("PUB_KEY_ID_0114232134912410000000000000", pem)
        .build()
        .unwrap();
    let headers = [
        (
            "Wechatpay-Serial",
            "PUB_KEY_ID_0114232134912410000000000000",
        ),
        ("Wechatpay-Timestamp", "1700000000"),
        ("Wechatpay-Nonce", "n"),
        ("Wechatpay-Signature", "AAAA"),
    ];
    let sizes = [1024 * 1024 + 1, 100 * 1024 * 1024];
    let bodies: Vec<Vec<u8>> = sizes.iter().map(|n| vec![b'{'; *n]).collect();
    let t: Vec<_> = bodies
        .iter()
        .map(|b| time(|| drop(black_box(v.parse_at(&headers, black_box(b), 1_700_000_000)))))
        .collect();
    report(
        "v3 body over max_body_size",
        (sizes[0], t[0]),
        (sizes[1], t[1]),
    );

    let deep = |n: usize| {
        format!(
            "{{\"resource\":{{}},\"x\":{}{}}}",
            "[".repeat(n),
            "]".repeat(n)
        )
        .into_bytes()
    };
    let (a, b) = (deep(10_000), deep(400_000));
    let big = Verifier::builder()
        .apiv3_key("bench-apiv3-key-0123456789abcdef")
        .public_key("PUB_KEY_ID_0114232134912410000000000000", pem)
        .max_body_size(usize::MAX)
        .build()
        .unwrap();
    // diagnose_at reaches the body checks without a valid signature.
    let ta = time(|| drop(black_box(big.diagnose_at(&headers, &a, 1_700_000_000))));
    let tb = time(|| drop(black_box(big.diagnose_at(&headers, &b, 1_700_000_000))));
    report(
        "deeply nested JSON (diagnose_at)",
        (a.len(), ta),
        (b.len(), tb),
    );

    let v2 = V2Verifier::new("0123456789abcdef0123456789abcdef")
        .unwrap()
        .with_max_body_size(usize::MAX);
    let xml = |n: usize| format!("<xml>{}</xml>", "<a>".repeat(n)).into_bytes();
    let (a, b) = (xml(10_000), xml(400_000));
    let ta = time(|| drop(black_box(v2.parse_payment(&a))));
    let tb = time(|| drop(black_box(v2.parse_payment(&b))));
    report("deeply nested XML", (a.len(), ta), (b.len(), tb));

    let sig = |n: usize| {
        let mut h = headers.map(|(k, v)| (k.to_owned(), v.to_owned()));
        h[3].1 = "A".repeat(n) + "=";
        h
    };
    let (a, b) = (sig(40_000), sig(4_000_000));
    let ta = time(|| drop(black_box(v.parse_at(&a, b"{}", 1_700_000_000))));
    let tb = time(|| drop(black_box(v.parse_at(&b, b"{}", 1_700_000_000))));
    report("invalid base64 signature", (40_001, ta), (4_000_001, tb));

    let pem_of = |n: usize| {
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            "QUFB".repeat(n / 4)
        )
    };
    let (a, b) = (pem_of(40_000), pem_of(4_000_000));
    let ta = time(|| drop(black_box(RsaPublicKey::from_pem(&a))));
    let tb = time(|| drop(black_box(RsaPublicKey::from_pem(&b))));
    report("oversized PEM public key", (a.len(), ta), (b.len(), tb));
    let begins = |n: usize| "-----BEGIN ".repeat(n / 11);
    let (a, b) = (begins(40_000), begins(4_000_000));
    let ta = time(|| drop(black_box(RsaPublicKey::from_pem(&a))));
    let tb = time(|| drop(black_box(RsaPublicKey::from_pem(&b))));
    report("repeated PEM BEGIN lines", (a.len(), ta), (b.len(), tb));
}
