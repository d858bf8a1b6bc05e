//! APIv3 `parse_at`, `verify_response_at` and `diagnose_at` on arbitrary headers and body,
//! against a fixed verifier. Input: header lines `name: value` up to a blank line, then the
//! body, byte for byte (the seeds are the conformance vectors written this way).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::Verifier;

const PUBLIC_KEY: &str = include_str!("../../tests/vectors/keys/test-platform-b.pub.pem");
const CERTIFICATE: &str = include_str!("../../tests/vectors/keys/test-platform-a.cert.pem");

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        Verifier::builder()
            .apiv3_key("fuzz-apiv3-key-0123456789abcdef!")
            .public_key("PUB_KEY_ID_0114232134912410000000000000", PUBLIC_KEY)
            .platform_certificate(CERTIFICATE)
            .build()
            .expect("fuzz verifier")
    })
}

fn split(data: &[u8]) -> (Vec<(String, Vec<u8>)>, &[u8]) {
    let end = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match end {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (&data[..0], data),
    };
    let headers = head
        .split(|b| *b == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|b| *b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon]).into_owned();
            Some((name, line[colon + 1..].to_vec()))
        })
        .collect();
    (headers, body)
}

fuzz_target!(|data: &[u8]| {
    let (headers, body) = split(data);
    let now = 1_700_000_000;
    let v = verifier();
    let parsed = v.parse_at(&headers, body, now);
    let _ = v.verify_response_at(&headers, body, now);
    let diagnosis = v.diagnose_at(&headers, body, now);
    assert_eq!(diagnosis.checks.len(), 16);
    assert_eq!(parsed.is_ok(), diagnosis.verdict.is_ok());
    if let Err(e) = parsed {
        assert!(!e.message().is_empty());
    }
});
