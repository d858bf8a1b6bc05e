//! `decrypt_resource` and `decrypt_certificates` on arbitrary input. The first byte picks the
//! key length; then nonce, associated data and ciphertext split on 0xFF bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::{decrypt_certificates, decrypt_resource, ErrorCode};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let key_len = if selector & 1 == 0 { 32 } else { usize::from(selector >> 2) };
    let key: Vec<u8> = (0..key_len).map(|i| i as u8).collect();
    let mut parts = rest.splitn(3, |b| *b == 0xFF);
    let nonce = parts.next().unwrap_or_default();
    let aad = parts.next().unwrap_or_default();
    let ciphertext = parts.next().unwrap_or_default();
    match decrypt_resource(&key, nonce, aad, ciphertext) {
        Ok(_) => assert_eq!(key.len(), 32),
        Err(e) => assert!(key.len() == 32 || e.code() == ErrorCode::ConfigInvalid),
    }
    let _ = decrypt_certificates(&key, rest);
});
