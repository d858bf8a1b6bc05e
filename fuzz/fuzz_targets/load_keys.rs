//! Key, PEM and certificate loading on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::{PlatformCertificate, RsaPublicKey, Verifier};

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = RsaPublicKey::from_pem(data) {
        assert!((2048..=8192).contains(&key.bits()));
    }
    if let Ok(cert) = PlatformCertificate::from_pem(data) {
        assert!(!cert.serial().is_empty());
    }
    let _ = RsaPublicKey::from_spki_der(data);
    let _ = PlatformCertificate::from_der(data);
    let _ = Verifier::builder()
        .apiv3_key("fuzz-apiv3-key-0123456789abcdef!")
        .platform_certificate(data)
        .build();
});
