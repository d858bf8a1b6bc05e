//! The result codes: `WPN_OK`, one per core error code (numbered by the core's
//! [`ErrorCode::number`], `docs/errors.md`), and the three codes that exist only at the C ABI (numbered from 1000).

use std::ffi::CStr;
use std::os::raw::c_char;

use wechatpay_notify::{ErrorCode, ErrorFamily};

use crate::guard::guard_value;
use crate::strings::bytes_arg;

/// The outcome of a fallible call. `WPN_OK` is 0; every other value names why the call
/// failed, and `wpn_error_code_name()` gives its stable string (the same string in every
/// language binding). In C the type is a `uint32_t`; values may be added in later versions, so
/// bindings look codes up by name (`wpn_error_code_name()`, `wpn_error_code_from_name()`).
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
    /// `UNEXPECTED_EVENT`: a typed accessor was asked for a kind this notification is not.
    WPN_UNEXPECTED_EVENT = 19,
    /// `NULL_ARGUMENT`: a required pointer was NULL.
    WPN_NULL_ARGUMENT = 1000,
    /// `PANIC`: an internal error was caught at the boundary. Please report it.
    WPN_PANIC = 1001,
    /// `INVALID_ARGUMENT`: an argument has a value the function does not define: a
    /// pointer/length pair that describes more memory than can exist, header lengths that do not
    /// add up to the header bytes, or an unknown enum value.
    WPN_INVALID_ARGUMENT = 1002,
}

/// Groups of result codes, for bindings that map failures to exception classes.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_error_family {
    /// `WPN_OK`: not an error.
    WPN_FAMILY_NONE = 0,
    /// Signature, serial, timestamp or header problems (steps 2-10 of `docs/protocol.md`):
    /// reply 401.
    WPN_FAMILY_AUTHENTICITY = 1,
    /// The resource could not be decrypted or decoded.
    WPN_FAMILY_DECRYPTION = 2,
    /// The body or its envelope is not what WeChat Pay sends (size, format, fields).
    WPN_FAMILY_FORMAT = 3,
    /// The verifier's configuration is invalid.
    WPN_FAMILY_CONFIG = 4,
    /// A misuse of the C API (`WPN_NULL_ARGUMENT`, `WPN_INVALID_ARGUMENT`), an internal error
    /// (`WPN_PANIC`), or an unknown value.
    WPN_FAMILY_INTERNAL = 5,
}

const NULL_ARGUMENT: &CStr = c"NULL_ARGUMENT";
const PANIC: &CStr = c"PANIC";
const INVALID_ARGUMENT: &CStr = c"INVALID_ARGUMENT";
const OK: &CStr = c"OK";
const UNKNOWN: &CStr = c"UNKNOWN";

impl wpn_result {
    /// Every C-only code: the values that are not a core [`ErrorCode`].
    const C_ONLY: [wpn_result; 4] = [
        wpn_result::WPN_OK,
        wpn_result::WPN_NULL_ARGUMENT,
        wpn_result::WPN_PANIC,
        wpn_result::WPN_INVALID_ARGUMENT,
    ];

    /// The value of a raw code received from C, if it is one of ours.
    pub(crate) fn from_raw(raw: u32) -> Option<wpn_result> {
        match ErrorCode::from_number(raw) {
            Some(code) => Some(code.into()),
            None => Self::C_ONLY.into_iter().find(|c| *c as u32 == raw),
        }
    }

    /// The core error code this value stands for (none for OK and the C-only codes).
    pub(crate) fn core(self) -> Option<ErrorCode> {
        ErrorCode::from_number(self as u32)
    }

    /// The stable name as a static C string.
    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            wpn_result::WPN_OK => OK,
            wpn_result::WPN_NULL_ARGUMENT => NULL_ARGUMENT,
            wpn_result::WPN_PANIC => PANIC,
            wpn_result::WPN_INVALID_ARGUMENT => INVALID_ARGUMENT,
            other => other.core().map_or(UNKNOWN, ErrorCode::as_c_str),
        }
    }

    /// The stable name.
    pub(crate) fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("UNKNOWN")
    }
}

impl From<ErrorCode> for wpn_result {
    fn from(code: ErrorCode) -> Self {
        // The enum above is written out for cbindgen; `every_core_code_has_its_value` checks
        // it against the core's table. A code added to the core but not yet here becomes
        // PANIC, never silently OK.
        use wpn_result as R;
        match code {
            ErrorCode::BodyTooLarge => R::WPN_BODY_TOO_LARGE,
            ErrorCode::WrongFormat => R::WPN_WRONG_FORMAT,
            ErrorCode::MissingHeader => R::WPN_MISSING_HEADER,
            ErrorCode::UnsupportedSignatureType => R::WPN_UNSUPPORTED_SIGNATURE_TYPE,
            ErrorCode::BadTimestamp => R::WPN_BAD_TIMESTAMP,
            ErrorCode::TimestampSkew => R::WPN_TIMESTAMP_SKEW,
            ErrorCode::SignatureProbe => R::WPN_SIGNATURE_PROBE,
            ErrorCode::UnknownSerial => R::WPN_UNKNOWN_SERIAL,
            ErrorCode::KeyExpired => R::WPN_KEY_EXPIRED,
            ErrorCode::MalformedSignature => R::WPN_MALFORMED_SIGNATURE,
            ErrorCode::SignatureMismatch => R::WPN_SIGNATURE_MISMATCH,
            ErrorCode::MalformedBody => R::WPN_MALFORMED_BODY,
            ErrorCode::MissingField => R::WPN_MISSING_FIELD,
            ErrorCode::ReturnFail => R::WPN_RETURN_FAIL,
            ErrorCode::UnsupportedAlgorithm => R::WPN_UNSUPPORTED_ALGORITHM,
            ErrorCode::MalformedResource => R::WPN_MALFORMED_RESOURCE,
            ErrorCode::DecryptFailed => R::WPN_DECRYPT_FAILED,
            ErrorCode::ConfigInvalid => R::WPN_CONFIG_INVALID,
            ErrorCode::UnexpectedEvent => R::WPN_UNEXPECTED_EVENT,
            _ => R::WPN_PANIC,
        }
    }
}

/// The stable name of a result code: `"OK"`, `"SIGNATURE_MISMATCH"`, ..., `"NULL_ARGUMENT"`,
/// `"PANIC"`, or `"UNKNOWN"` for a value that is not a `wpn_result`. The string is static and
/// NUL-terminated: never free it.
#[no_mangle]
pub extern "C" fn wpn_error_code_name(code: u32) -> *const c_char {
    wpn_result::from_raw(code)
        .map_or(UNKNOWN, wpn_result::c_name)
        .as_ptr()
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
        let Some(out) = code_out.as_mut() else {
            return false;
        };
        let found = std::str::from_utf8(name).ok().and_then(|name| {
            ErrorCode::from_name(name)
                .map(wpn_result::from)
                .or_else(|| wpn_result::C_ONLY.into_iter().find(|c| c.name() == name))
        });
        match found {
            Some(code) => {
                *out = code as u32;
                true
            }
            None => false,
        }
    })
}

/// The family of a result code (`WPN_FAMILY_INTERNAL` for an unknown value). A code's family
/// decides the reply: `WPN_FAMILY_AUTHENTICITY` is answered with HTTP 401, the others with 500.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_its_value_and_name() {
        for &code in ErrorCode::ALL {
            let r = wpn_result::from(code);
            assert_ne!(
                r,
                wpn_result::WPN_PANIC,
                "{code} is missing from wpn_result"
            );
            assert_eq!(r as u32, code.number(), "{code}");
            assert_eq!(r.core(), Some(code));
            assert_eq!(r.name(), code.as_str());
            let c = unsafe { CStr::from_ptr(wpn_error_code_name(r as u32)) };
            assert_eq!(c.to_str().unwrap(), code.as_str());
        }
        assert_eq!(wpn_result::WPN_NULL_ARGUMENT.name(), "NULL_ARGUMENT");
        assert_eq!(wpn_result::WPN_PANIC.name(), "PANIC");
        let unknown = unsafe { CStr::from_ptr(wpn_error_code_name(999)) };
        assert_eq!(unknown.to_str().unwrap(), "UNKNOWN");
        assert_eq!(wpn_result::from_raw(999), None);
        assert_eq!(wpn_result::from_raw(1001), Some(wpn_result::WPN_PANIC));
    }

    #[test]
    fn names_round_trip() {
        let all = ErrorCode::ALL
            .iter()
            .map(|&c| wpn_result::from(c))
            .chain(wpn_result::C_ONLY);
        for code in all {
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
        let family = |r: wpn_result| wpn_error_code_family(r as u32);
        assert_eq!(family(wpn_result::WPN_OK), WPN_FAMILY_NONE);
        assert_eq!(
            family(wpn_result::WPN_SIGNATURE_MISMATCH),
            WPN_FAMILY_AUTHENTICITY
        );
        assert_eq!(
            family(wpn_result::WPN_DECRYPT_FAILED),
            WPN_FAMILY_DECRYPTION
        );
        assert_eq!(family(wpn_result::WPN_BODY_TOO_LARGE), WPN_FAMILY_FORMAT);
        assert_eq!(family(wpn_result::WPN_CONFIG_INVALID), WPN_FAMILY_CONFIG);
        assert_eq!(family(wpn_result::WPN_NULL_ARGUMENT), WPN_FAMILY_INTERNAL);
        assert_eq!(wpn_error_code_family(12345), WPN_FAMILY_INTERNAL);
    }
}
