//! Error type and the stable error codes shared by every language binding.

use std::fmt;

/// The reason a callback (or a configuration) was refused.
///
/// The string form ([`ErrorCode::as_str`]) is part of the public contract: the same strings are
/// used by the C, Python, Go and Java bindings, and by the conformance vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The body is larger than the configured `max_body_size`.
    BodyTooLarge,
    /// The body is in the wrong format for this handler (XML to a v3 handler, JSON to a v2 one).
    WrongFormat,
    /// A required `Wechatpay-*` header is missing or empty.
    MissingHeader,
    /// `Wechatpay-Signature-Type` (or v2 `sign_type`) names a scheme this library does not verify.
    UnsupportedSignatureType,
    /// `Wechatpay-Timestamp` is not a decimal number of seconds.
    BadTimestamp,
    /// The timestamp is outside the allowed clock skew (a replay, or a wrong clock).
    TimestampSkew,
    /// The signature is WeChat Pay's `WECHATPAY/SIGNTEST/` probe; it must be rejected.
    SignatureProbe,
    /// No configured key matches `Wechatpay-Serial`.
    UnknownSerial,
    /// The certificate of that serial is outside its validity period.
    KeyExpired,
    /// The signature is not base64, or has the wrong length for the key.
    MalformedSignature,
    /// The signature does not match the message: forged, altered, or re-serialized body.
    SignatureMismatch,
    /// The body is not the expected JSON (v3) or flat XML (v2) structure.
    MalformedBody,
    /// A required field of a v2 notification is missing.
    MissingField,
    /// A v2 notification with `return_code` other than `SUCCESS`.
    ReturnFail,
    /// `resource.algorithm` is not `AEAD_AES_256_GCM`.
    UnsupportedAlgorithm,
    /// The encrypted resource is malformed, or its plaintext is not JSON.
    MalformedResource,
    /// Decryption failed: wrong key, or altered ciphertext, nonce or associated data.
    DecryptFailed,
    /// The verifier's configuration is invalid (bad key length, unreadable PEM, weak key...).
    ConfigInvalid,
}

impl ErrorCode {
    /// Every code, in the order of DESIGN section 4.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::BodyTooLarge,
        ErrorCode::WrongFormat,
        ErrorCode::MissingHeader,
        ErrorCode::UnsupportedSignatureType,
        ErrorCode::BadTimestamp,
        ErrorCode::TimestampSkew,
        ErrorCode::SignatureProbe,
        ErrorCode::UnknownSerial,
        ErrorCode::KeyExpired,
        ErrorCode::MalformedSignature,
        ErrorCode::SignatureMismatch,
        ErrorCode::MalformedBody,
        ErrorCode::MissingField,
        ErrorCode::ReturnFail,
        ErrorCode::UnsupportedAlgorithm,
        ErrorCode::MalformedResource,
        ErrorCode::DecryptFailed,
        ErrorCode::ConfigInvalid,
    ];

    /// The stable string of this code, e.g. `"SIGNATURE_MISMATCH"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BodyTooLarge => "BODY_TOO_LARGE",
            ErrorCode::WrongFormat => "WRONG_FORMAT",
            ErrorCode::MissingHeader => "MISSING_HEADER",
            ErrorCode::UnsupportedSignatureType => "UNSUPPORTED_SIGNATURE_TYPE",
            ErrorCode::BadTimestamp => "BAD_TIMESTAMP",
            ErrorCode::TimestampSkew => "TIMESTAMP_SKEW",
            ErrorCode::SignatureProbe => "SIGNATURE_PROBE",
            ErrorCode::UnknownSerial => "UNKNOWN_SERIAL",
            ErrorCode::KeyExpired => "KEY_EXPIRED",
            ErrorCode::MalformedSignature => "MALFORMED_SIGNATURE",
            ErrorCode::SignatureMismatch => "SIGNATURE_MISMATCH",
            ErrorCode::MalformedBody => "MALFORMED_BODY",
            ErrorCode::MissingField => "MISSING_FIELD",
            ErrorCode::ReturnFail => "RETURN_FAIL",
            ErrorCode::UnsupportedAlgorithm => "UNSUPPORTED_ALGORITHM",
            ErrorCode::MalformedResource => "MALFORMED_RESOURCE",
            ErrorCode::DecryptFailed => "DECRYPT_FAILED",
            ErrorCode::ConfigInvalid => "CONFIG_INVALID",
        }
    }

    /// Looks a code up by its stable string.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// True for codes that mean "this request is not proven to come from WeChat Pay"
    /// (DESIGN steps 2-10). The reply for these is HTTP 401.
    pub const fn is_authenticity(self) -> bool {
        matches!(
            self,
            ErrorCode::MissingHeader
                | ErrorCode::UnsupportedSignatureType
                | ErrorCode::BadTimestamp
                | ErrorCode::TimestampSkew
                | ErrorCode::SignatureProbe
                | ErrorCode::UnknownSerial
                | ErrorCode::KeyExpired
                | ErrorCode::MalformedSignature
                | ErrorCode::SignatureMismatch
        )
    }

    /// The error family used by bindings to choose an exception class.
    pub const fn family(self) -> ErrorFamily {
        match self {
            ErrorCode::ConfigInvalid => ErrorFamily::Config,
            ErrorCode::UnsupportedAlgorithm
            | ErrorCode::MalformedResource
            | ErrorCode::DecryptFailed => ErrorFamily::Decryption,
            c if c.is_authenticity() => ErrorFamily::Authenticity,
            _ => ErrorFamily::Format,
        }
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
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()));
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(code));
        }
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
