//! The CLI's raw HTTP request reader (`doctor`, `parse`), on arbitrary captures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_notify_cli::raw_request;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = raw_request::parse(data) {
        // Without de-chunking, the body is kept byte for byte: it ends the input.
        if !request.dechunked && request.has_blank_line {
            assert!(data.ends_with(&request.body));
        }
        assert!(request.body.len() <= data.len());
    }
});
