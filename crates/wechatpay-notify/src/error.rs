//! Error type and the stable error codes shared by every language binding.

use std::fmt;

/// Declares the error codes once: each line gives the variant, its stable number (the C ABI's
/// `wpn_result` value), its stable string, its family and the fixed text of its HTTP reply,
/// with its documentation. The enum, [`ErrorCode::ALL`], the strings, the families and the
/// reply texts all come from this one table.
macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $number:literal, $name:literal, $family:ident, $reply:literal; )+) => {
        /// The reason a callback (or a configuration) was refused.
        ///
        /// The string form ([`ErrorCode::as_str`]) and the number ([`ErrorCode::number`]) are
        /// part of the public contract: the same strings are used by the C, Python, Go and Java
        /// bindings and by the conformance vectors (`docs/errors.md` lists them).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $variant = $number, )+
        }

        impl ErrorCode {
            /// Every code, in the order of `docs/errors.md`.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The stable string of this code, e.g. `"SIGNATURE_MISMATCH"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $name, )+ }
            }

            /// The stable string as a NUL-terminated C string (for the C ABI).
            pub const fn as_c_str(self) -> &'static std::ffi::CStr {
                match self {
                    $( ErrorCode::$variant => match std::ffi::CStr::from_bytes_with_nul(
                        concat!($name, "\0").as_bytes(),
                    ) {
                        Ok(s) => s,
                        Err(_) => panic!("error code names contain no NUL"),
                    }, )+
                }
            }

            /// The error family, used by bindings to choose an exception class and by
            /// [`crate::Reply::failure`] to choose the HTTP status.
            pub const fn family(self) -> ErrorFamily {
                match self { $( ErrorCode::$variant => ErrorFamily::$family, )+ }
            }

            /// The short fixed text that [`crate::Reply::failure`] sends back for this code.
            /// It never describes the request or the configuration: the detailed message of an
            /// [`Error`] is for the merchant's logs, not for whoever sent the request.
            pub const fn reply_text(self) -> &'static str {
                match self { $( ErrorCode::$variant => $reply, )+ }
            }
        }
    };
}

error_codes! {
    /// The body is larger than the configured `max_body_size`.
    BodyTooLarge = 1, "BODY_TOO_LARGE", Format, "body too large";
    /// The body is in the wrong format for this handler (XML to a v3 handler, JSON to a v2 one).
    WrongFormat = 2, "WRONG_FORMAT", Format, "body in the wrong format for this notify_url";
    /// A required `Wechatpay-*` header is missing or empty.
    MissingHeader = 3, "MISSING_HEADER", Authenticity, "missing Wechatpay header";
    /// `Wechatpay-Signature-Type` (or v2 `sign_type`) names a scheme this library does not verify.
    UnsupportedSignatureType = 4, "UNSUPPORTED_SIGNATURE_TYPE", Authenticity, "unsupported signature type";
    /// `Wechatpay-Timestamp` is not a decimal number of seconds.
    BadTimestamp = 5, "BAD_TIMESTAMP", Authenticity, "bad timestamp";
    /// The timestamp is outside the allowed clock skew (a replay, or a wrong clock).
    TimestampSkew = 6, "TIMESTAMP_SKEW", Authenticity, "timestamp outside the accepted window";
    /// The signature is WeChat Pay's `WECHATPAY/SIGNTEST/` probe; it must be rejected.
    SignatureProbe = 7, "SIGNATURE_PROBE", Authenticity, "signature probe refused";
    /// No configured key matches `Wechatpay-Serial`.
    UnknownSerial = 8, "UNKNOWN_SERIAL", Authenticity, "unknown Wechatpay-Serial";
    /// The certificate of that serial is outside its validity period.
    KeyExpired = 9, "KEY_EXPIRED", Authenticity, "platform certificate expired";
    /// The signature is not base64, or has the wrong length for the key.
    MalformedSignature = 10, "MALFORMED_SIGNATURE", Authenticity, "malformed signature";
    /// The signature does not match the message: forged, altered, or re-serialized body.
    SignatureMismatch = 11, "SIGNATURE_MISMATCH", Authenticity, "signature verification failed";
    /// The body is not the expected JSON (v3) or flat XML (v2) structure.
    MalformedBody = 12, "MALFORMED_BODY", Format, "malformed body";
    /// A required field of a v2 notification is missing.
    MissingField = 13, "MISSING_FIELD", Format, "missing field";
    /// A v2 notification with `return_code` other than `SUCCESS`.
    ReturnFail = 14, "RETURN_FAIL", Format, "return_code is not SUCCESS";
    /// `resource.algorithm` is not `AEAD_AES_256_GCM`.
    UnsupportedAlgorithm = 15, "UNSUPPORTED_ALGORITHM", Decryption, "unsupported algorithm";
    /// The encrypted resource is malformed, or its plaintext is not JSON.
    MalformedResource = 16, "MALFORMED_RESOURCE", Decryption, "malformed resource";
    /// Decryption failed: wrong key, or altered ciphertext, nonce or associated data.
    DecryptFailed = 17, "DECRYPT_FAILED", Decryption, "decryption failed";
    /// The verifier's configuration is invalid (bad key length, unreadable PEM, weak key...).
    ConfigInvalid = 18, "CONFIG_INVALID", Config, "receiver misconfigured";
    /// A typed accessor of the event catalog was asked for a kind of event this notification
    /// is not (`docs/events.md`); the message names what it is. Not a failure of the callback.
    UnexpectedEvent = 19, "UNEXPECTED_EVENT", Format, "unexpected event";
}

impl ErrorCode {
    /// The stable number of this code: the value of the C ABI's `wpn_result`.
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// Looks a code up by its stable number.
    pub fn from_number(number: u32) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.number() == number)
    }

    /// Looks a code up by its stable string.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// True for codes that mean "this request is not proven to come from WeChat Pay"
    /// (steps 2-10 of `docs/protocol.md`). The reply for these is HTTP 401.
    pub const fn is_authenticity(self) -> bool {
        matches!(self.family(), ErrorFamily::Authenticity)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Groups of error codes, for bindings that map errors to exception classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorFamily {
    /// Signature, serial, timestamp or header problems: the sender is not proven.
    Authenticity,
    /// The resource could not be decrypted or decoded.
    Decryption,
    /// The body or its envelope is not what WeChat Pay sends (size, format, fields).
    Format,
    /// The verifier's configuration is invalid.
    Config,
}

/// A refused callback or configuration: a stable [`ErrorCode`] and a message that says what
/// went wrong and what to do.
///
/// Messages are safe to log: they never contain a key or decrypted plaintext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// Creates an error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The detailed, log-safe message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::ConfigInvalid, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, &code) in ErrorCode::ALL.iter().enumerate() {
            assert!(seen.insert(code.as_str()));
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(code));
            assert_eq!(code.number() as usize, i + 1, "numbers follow the list");
            assert_eq!(ErrorCode::from_number(code.number()), Some(code));
            assert_eq!(code.as_c_str().to_str(), Ok(code.as_str()));
        }
        assert_eq!(ErrorCode::from_number(0), None);
        assert_eq!(ErrorCode::from_name("NOPE"), None);
    }

    #[test]
    fn families() {
        assert_eq!(
            ErrorCode::SignatureMismatch.family(),
            ErrorFamily::Authenticity
        );
        assert_eq!(ErrorCode::DecryptFailed.family(), ErrorFamily::Decryption);
        assert_eq!(ErrorCode::BodyTooLarge.family(), ErrorFamily::Format);
        assert_eq!(ErrorCode::ConfigInvalid.family(), ErrorFamily::Config);
        assert!(!ErrorCode::MalformedBody.is_authenticity());
    }

    #[test]
    fn display_has_code_and_message() {
        let e = Error::new(ErrorCode::KeyExpired, "expired");
        assert_eq!(e.to_string(), "KEY_EXPIRED: expired");
    }
}
