//! APIv2 `parse_payment` and `parse_refund` on arbitrary bytes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::v2::V2Verifier;

fuzz_target!(|data: &[u8]| {
    static V: OnceLock<V2Verifier> = OnceLock::new();
    let v = V.get_or_init(|| V2Verifier::new("0123456789abcdef0123456789abcdef").expect("key"));
    if let Ok(fields) = v.parse_payment(data) {
        assert_eq!(fields.get("return_code").map(String::as_str), Some("SUCCESS"));
    }
    if let Ok(refund) = v.parse_refund(data) {
        assert!(!refund.fields.contains_key("req_info"));
    }
});
