//! The event catalog on arbitrary plaintext: the kind rule and every kind's typed decode.
//! Nothing panics, every refusal is `MALFORMED_RESOURCE` or `UNEXPECTED_EVENT`, and a
//! message never quotes a string value of the plaintext (docs/events.md: the path, never the
//! value), checked with a marker the input may carry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_notify::events::{check_event, kind_of};
use wechatpay_notify::{ErrorCode, EventKind};

/// A value an input can hide in a string of its plaintext.
const MARKER: &str = "FUZZ-SECRET";

fuzz_target!(|data: &[u8]| {
    let Ok(plaintext) = std::str::from_utf8(data) else {
        return;
    };
    for event_type in ["TRANSACTION.SUCCESS", "REFUND.SUCCESS", "COMPLAINT.CREATE"] {
        for original_type in ["transaction", "refund", ""] {
            let actual = kind_of(event_type, original_type, plaintext);
            for &wanted in EventKind::ALL {
                match check_event(wanted, actual, event_type, plaintext, true) {
                    Ok(_) => assert_eq!(wanted, actual),
                    Err(e) => {
                        assert!(
                            matches!(
                                e.code(),
                                ErrorCode::MalformedResource | ErrorCode::UnexpectedEvent
                            ),
                            "{e}"
                        );
                        assert!(!e.message().contains(MARKER), "{e}");
                    }
                }
            }
        }
    }
});
