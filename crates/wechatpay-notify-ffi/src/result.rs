//! The result codes: `WPN_OK`, one per core error code (DESIGN section 4, same order), then the
//! two codes that exist only at the C ABI.

use std::os::raw::c_char;

use wechatpay_notify::{ErrorCode, ErrorFamily};

use crate::guard::guard_value;
use crate::strings::bytes_arg;

/// The outcome of a fallible call. `WPN_OK` is 0; every other value names why the call
/// failed, and `wpn_error_code_name()` gives its stable string (the same string in every
/// language binding). In C the type is a `uint32_t`; values may be added in later versions.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_result {
    /// Success.
    WPN_OK = 0,
    /// `BODY_TOO_LARGE`: the body is larger than the configured `max_body_size`.
    WPN_BODY_TOO_LARGE = 1,
    /// `WRONG_FORMAT`: XML sent to the APIv3 verifier, or JSON to the APIv2 one.
    WPN_WRONG_FORMAT = 2,
    /// `MISSING_HEADER`: a `Wechatpay-Serial/Signature/Timestamp/Nonce` header is missing or empty.
    WPN_MISSING_HEADER = 3,
    /// `UNSUPPORTED_SIGNATURE_TYPE`: `Wechatpay-Signature-Type` (or v2 `sign_type`) is not supported.
    WPN_UNSUPPORTED_SIGNATURE_TYPE = 4,
    /// `BAD_TIMESTAMP`: `Wechatpay-Timestamp` is not decimal seconds.
    WPN_BAD_TIMESTAMP = 5,
    /// `TIMESTAMP_SKEW`: the timestamp is outside the allowed clock skew.
    WPN_TIMESTAMP_SKEW = 6,
    /// `SIGNATURE_PROBE`: WeChat Pay's `WECHATPAY/SIGNTEST/` probe, which must be refused.
    WPN_SIGNATURE_PROBE = 7,
    /// `UNKNOWN_SERIAL`: no configured key matches `Wechatpay-Serial`.
    WPN_UNKNOWN_SERIAL = 8,
    /// `KEY_EXPIRED`: the certificate of that serial is outside its validity period.
    WPN_KEY_EXPIRED = 9,
    /// `MALFORMED_SIGNATURE`: the signature is not base64 of the key's length.
    WPN_MALFORMED_SIGNATURE = 10,
    /// `SIGNATURE_MISMATCH`: the signature does not match the message.
    WPN_SIGNATURE_MISMATCH = 11,
    /// `MALFORMED_BODY`: the body is not the expected JSON (v3) or flat XML (v2).
    WPN_MALFORMED_BODY = 12,
    /// `MISSING_FIELD`: a required field of an APIv2 notification is missing.
    WPN_MISSING_FIELD = 13,
    /// `RETURN_FAIL`: an APIv2 notification whose `return_code` is not `SUCCESS`.
    WPN_RETURN_FAIL = 14,
    /// `UNSUPPORTED_ALGORITHM`: `resource.algorithm` is not `AEAD_AES_256_GCM`.
    WPN_UNSUPPORTED_ALGORITHM = 15,
    /// `MALFORMED_RESOURCE`: the encrypted resource is malformed, or its plaintext is not JSON.
    WPN_MALFORMED_RESOURCE = 16,
    /// `DECRYPT_FAILED`: wrong key, or altered ciphertext, nonce or associated data.
    WPN_DECRYPT_FAILED = 17,
    /// `CONFIG_INVALID`: the verifier's configuration is invalid.
    WPN_CONFIG_INVALID = 18,
    /// `NULL_ARGUMENT`: a required pointer was NULL (or a pointer/length pair was invalid).
    WPN_NULL_ARGUMENT = 19,
    /// `PANIC`: an internal error was caught at the boundary. Please report it.
    WPN_PANIC = 20,
}

/// Groups of result codes, for bindings that map failures to exception classes.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_error_family {
    /// `WPN_OK`: not an error.
    WPN_FAMILY_NONE = 0,
    /// Signature, serial, timestamp or header problems (DESIGN steps 2-10): reply 401.
    WPN_FAMILY_AUTHENTICITY = 1,
    /// The resource could not be decrypted or decoded.
    WPN_FAMILY_DECRYPTION = 2,
    /// The body or its envelope is not what WeChat Pay sends (size, format, fields).
    WPN_FAMILY_FORMAT = 3,
    /// The verifier's configuration is invalid.
    WPN_FAMILY_CONFIG = 4,
    /// A misuse of the C API (`WPN_NULL_ARGUMENT`) or an internal error (`WPN_PANIC`), or an
    /// unknown value.
    WPN_FAMILY_INTERNAL = 5,
}

const NAMES: [&str; 21] = [
    "OK\0",
    "BODY_TOO_LARGE\0",
    "WRONG_FORMAT\0",
    "MISSING_HEADER\0",
    "UNSUPPORTED_SIGNATURE_TYPE\0",
    "BAD_TIMESTAMP\0",
    "TIMESTAMP_SKEW\0",
    "SIGNATURE_PROBE\0",
    "UNKNOWN_SERIAL\0",
    "KEY_EXPIRED\0",
    "MALFORMED_SIGNATURE\0",
    "SIGNATURE_MISMATCH\0",
    "MALFORMED_BODY\0",
    "MISSING_FIELD\0",
    "RETURN_FAIL\0",
    "UNSUPPORTED_ALGORITHM\0",
    "MALFORMED_RESOURCE\0",
    "DECRYPT_FAILED\0",
    "CONFIG_INVALID\0",
    "NULL_ARGUMENT\0",
    "PANIC\0",
];
const UNKNOWN: &str = "UNKNOWN\0";

impl wpn_result {
    const ALL: [wpn_result; 21] = [
        wpn_result::WPN_OK,
        wpn_result::WPN_BODY_TOO_LARGE,
        wpn_result::WPN_WRONG_FORMAT,
        wpn_result::WPN_MISSING_HEADER,
        wpn_result::WPN_UNSUPPORTED_SIGNATURE_TYPE,
        wpn_result::WPN_BAD_TIMESTAMP,
        wpn_result::WPN_TIMESTAMP_SKEW,
        wpn_result::WPN_SIGNATURE_PROBE,
        wpn_result::WPN_UNKNOWN_SERIAL,
        wpn_result::WPN_KEY_EXPIRED,
        wpn_result::WPN_MALFORMED_SIGNATURE,
        wpn_result::WPN_SIGNATURE_MISMATCH,
        wpn_result::WPN_MALFORMED_BODY,
        wpn_result::WPN_MISSING_FIELD,
        wpn_result::WPN_RETURN_FAIL,
        wpn_result::WPN_UNSUPPORTED_ALGORITHM,
        wpn_result::WPN_MALFORMED_RESOURCE,
        wpn_result::WPN_DECRYPT_FAILED,
        wpn_result::WPN_CONFIG_INVALID,
        wpn_result::WPN_NULL_ARGUMENT,
        wpn_result::WPN_PANIC,
    ];

    /// The value of a raw code received from C, if it is one of ours.
    pub(crate) fn from_raw(raw: u32) -> Option<wpn_result> {
        Self::ALL.get(usize::try_from(raw).ok()?).copied()
    }

    /// The core error code this value stands for (none for OK, NULL_ARGUMENT and PANIC).
    pub(crate) fn core(self) -> Option<ErrorCode> {
        let index = (self as usize).checked_sub(1)?;
        ErrorCode::ALL.get(index).copied()
    }

    /// The stable name, without the NUL terminator.
    pub(crate) fn name(self) -> &'static str {
        let name = NAMES[self as usize];
        &name[..name.len() - 1]
    }
}

impl From<ErrorCode> for wpn_result {
    fn from(code: ErrorCode) -> Self {
        ErrorCode::ALL
            .iter()
            .position(|c| *c == code)
            .and_then(|i| wpn_result::ALL.get(i + 1).copied())
            // A code added to the core but not yet here: never silently "OK".
            .unwrap_or(wpn_result::WPN_PANIC)
    }
}

/// The stable name of a result code: `"OK"`, `"SIGNATURE_MISMATCH"`, ..., `"NULL_ARGUMENT"`,
/// `"PANIC"`, or `"UNKNOWN"` for a value that is not a `wpn_result`. The string is static and
/// NUL-terminated: never free it.
#[no_mangle]
pub extern "C" fn wpn_error_code_name(code: u32) -> *const c_char {
    let name = wpn_result::from_raw(code).map_or(UNKNOWN, |c| NAMES[c as usize]);
    name.as_ptr().cast()
}

/// Looks a result code up by its stable name (`name_len` bytes, not NUL-terminated, e.g.
/// `"DECRYPT_FAILED"`). Writes it to `*code_out` and returns true when found; returns false
/// (leaving `*code_out` unchanged) for an unknown name or a NULL argument.
#[no_mangle]
pub unsafe extern "C" fn wpn_error_code_from_name(
    name: *const u8,
    name_len: usize,
    code_out: *mut u32,
) -> bool {
    guard_value(false, || {
        let Ok(name) = bytes_arg(name, name_len, "name") else {
            return false;
        };
        if code_out.is_null() {
            return false;
        }
        match NAMES
            .iter()
            .position(|n| n.as_bytes()[..n.len() - 1] == *name)
        {
            Some(i) => {
                *code_out = wpn_result::ALL[i] as u32;
                true
            }
            None => false,
        }
    })
}

/// The family of a result code (`WPN_FAMILY_INTERNAL` for an unknown value).
#[no_mangle]
pub extern "C" fn wpn_error_code_family(code: u32) -> wpn_error_family {
    match wpn_result::from_raw(code) {
        Some(wpn_result::WPN_OK) => wpn_error_family::WPN_FAMILY_NONE,
        Some(c) => match c.core().map(ErrorCode::family) {
            Some(ErrorFamily::Authenticity) => wpn_error_family::WPN_FAMILY_AUTHENTICITY,
            Some(ErrorFamily::Decryption) => wpn_error_family::WPN_FAMILY_DECRYPTION,
            Some(ErrorFamily::Format) => wpn_error_family::WPN_FAMILY_FORMAT,
            Some(ErrorFamily::Config) => wpn_error_family::WPN_FAMILY_CONFIG,
            _ => wpn_error_family::WPN_FAMILY_INTERNAL,
        },
        None => wpn_error_family::WPN_FAMILY_INTERNAL,
    }
}

/// True for the codes that mean "not proven to come from WeChat Pay" (DESIGN steps 2-10),
/// whose reply is HTTP 401.
#[no_mangle]
pub extern "C" fn wpn_error_code_is_authenticity(code: u32) -> bool {
    wpn_result::from_raw(code)
        .and_then(wpn_result::core)
        .is_some_and(ErrorCode::is_authenticity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn codes_follow_the_core_order_and_names() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            let r = wpn_result::from(*code);
            assert_eq!(r as usize, i + 1);
            assert_eq!(r.core(), Some(*code));
            assert_eq!(r.name(), code.as_str());
            let c = unsafe { CStr::from_ptr(wpn_error_code_name(r as u32)) };
            assert_eq!(c.to_str().unwrap(), code.as_str());
        }
        assert_eq!(wpn_result::WPN_NULL_ARGUMENT.name(), "NULL_ARGUMENT");
        assert_eq!(wpn_result::WPN_PANIC.name(), "PANIC");
        let unknown = unsafe { CStr::from_ptr(wpn_error_code_name(999)) };
        assert_eq!(unknown.to_str().unwrap(), "UNKNOWN");
        assert_eq!(wpn_result::from_raw(21), None);
    }

    #[test]
    fn names_round_trip() {
        for code in wpn_result::ALL {
            let mut out = u32::MAX;
            let name = code.name();
            assert!(unsafe { wpn_error_code_from_name(name.as_ptr(), name.len(), &mut out) });
            assert_eq!(out, code as u32);
        }
        let mut out = 7;
        assert!(!unsafe { wpn_error_code_from_name(b"NOPE".as_ptr(), 4, &mut out) });
        assert_eq!(out, 7);
    }

    #[test]
    fn families() {
        use wpn_error_family::*;
        assert_eq!(wpn_error_code_family(0), WPN_FAMILY_NONE);
        assert_eq!(wpn_error_code_family(11), WPN_FAMILY_AUTHENTICITY);
        assert_eq!(wpn_error_code_family(17), WPN_FAMILY_DECRYPTION);
        assert_eq!(wpn_error_code_family(1), WPN_FAMILY_FORMAT);
        assert_eq!(wpn_error_code_family(18), WPN_FAMILY_CONFIG);
        assert_eq!(wpn_error_code_family(19), WPN_FAMILY_INTERNAL);
        assert_eq!(wpn_error_code_family(12345), WPN_FAMILY_INTERNAL);
        assert!(wpn_error_code_is_authenticity(11));
        assert!(!wpn_error_code_is_authenticity(17));
        assert!(!wpn_error_code_is_authenticity(19));
    }
}
