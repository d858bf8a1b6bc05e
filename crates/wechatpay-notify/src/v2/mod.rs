//! APIv2 (XML) notifications: payment results signed with the APIv2 key, and refund results
//! whose `req_info` is encrypted with it.

mod refund;
mod sign;
mod xml;

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::checks::first_non_whitespace;
use crate::error::{Error, ErrorCode, Result};

pub use refund::V2Refund;
pub use sign::{compute_sign, SignType};

/// Length of the APIv2 key (API密钥), in bytes.
pub const V2_KEY_LEN: usize = 32;
/// Default largest accepted APIv2 body: 64 KiB (real notifications are about 1 KB).
pub const DEFAULT_V2_MAX_BODY_SIZE: usize = 64 * 1024;

/// Verifies APIv2 payment notifications and decrypts APIv2 refund notifications.
///
/// Immutable and `Send + Sync`; the key is wiped when it is dropped.
#[derive(Clone)]
pub struct V2Verifier {
    key: Zeroizing<Vec<u8>>,
    refund_key: Zeroizing<[u8; 32]>,
    max_body_size: usize,
}

impl V2Verifier {
    /// Builds a verifier from the APIv2 key (API密钥, 32 characters); anything else is
    /// `CONFIG_INVALID`.
    pub fn new(api_key: impl AsRef<[u8]>) -> Result<Self> {
        let key = api_key.as_ref();
        if key.len() != V2_KEY_LEN {
            return Err(Error::config(format!(
                "APIv2 key must be exactly {V2_KEY_LEN} bytes, got {}",
                key.len()
            )));
        }
        Ok(V2Verifier {
            refund_key: refund::derive_key(key),
            key: Zeroizing::new(key.to_vec()),
            max_body_size: DEFAULT_V2_MAX_BODY_SIZE,
        })
    }

    /// Sets the largest accepted body in bytes.
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Verifies a payment result notification and returns all its fields (`sign` included).
    ///
    /// Order: size, format (JSON is `WRONG_FORMAT`), flat XML (`MALFORMED_BODY`),
    /// `return_code` (`RETURN_FAIL`), `sign` present (`MISSING_FIELD`), `sign_type`
    /// (`UNSUPPORTED_SIGNATURE_TYPE`), sign length (`MALFORMED_SIGNATURE`), then the sign
    /// itself (`SIGNATURE_MISMATCH`).
    pub fn parse_payment(&self, xml: &[u8]) -> Result<BTreeMap<String, String>> {
        let fields = self.read(xml)?;
        let received = match fields.get("sign") {
            Some(sign) if !sign.is_empty() => sign,
            _ => {
                return Err(Error::new(
                    ErrorCode::MissingField,
                    "payment notification has no sign field",
                ))
            }
        };
        let sign_type = match fields.get("sign_type").map(String::as_str) {
            Some("MD5") => SignType::Md5,
            Some("HMAC-SHA256") => SignType::HmacSha256,
            Some(other) => {
                return Err(Error::new(
                    ErrorCode::UnsupportedSignatureType,
                    format!(
                        "sign_type {} is not supported; APIv2 uses MD5 or HMAC-SHA256",
                        crate::checks::printable(other.as_bytes())
                    ),
                ))
            }
            None => match received.len() {
                64 => SignType::HmacSha256,
                32 => SignType::Md5,
                n => {
                    return Err(Error::new(
                        ErrorCode::MalformedSignature,
                        format!(
                            "sign is {n} characters: neither MD5 (32) nor HMAC-SHA256 (64) hex"
                        ),
                    ))
                }
            },
        };
        let expected = compute_sign(&fields, &self.key, sign_type);
        if !sign::sign_matches(&expected, received) {
            return Err(Error::new(
                ErrorCode::SignatureMismatch,
                format!(
                    "{} sign does not match: the APIv2 key (API密钥) differs from the merchant \
                     platform's, or the notification was altered",
                    sign_type.as_str()
                ),
            ));
        }
        Ok(fields)
    }

    /// Decrypts a refund result notification: the outer fields, and `req_info` decrypted.
    pub fn parse_refund(&self, xml: &[u8]) -> Result<V2Refund> {
        let mut fields = self.read(xml)?;
        let req_info = match fields.remove("req_info") {
            Some(info) if !info.is_empty() => info,
            _ => {
                return Err(Error::new(
                    ErrorCode::MissingField,
                    "refund notification has no req_info field",
                ))
            }
        };
        let req_info = refund::decrypt_req_info(&self.refund_key, &req_info)?;
        Ok(V2Refund { fields, req_info })
    }

    /// Size, format, XML and `return_code` checks shared by both notification kinds.
    fn read(&self, xml: &[u8]) -> Result<BTreeMap<String, String>> {
        if xml.len() > self.max_body_size {
            return Err(Error::new(
                ErrorCode::BodyTooLarge,
                format!(
                    "body is {} bytes, over the limit of {}",
                    xml.len(),
                    self.max_body_size
                ),
            ));
        }
        if matches!(first_non_whitespace(xml), Some(b'{' | b'[')) {
            return Err(Error::new(
                ErrorCode::WrongFormat,
                "body is JSON: this is an APIv3 notification reaching an APIv2 handler; verify \
                 it with the APIv3 verifier",
            ));
        }
        let fields = xml::parse_flat(xml, "xml").map_err(|why| {
            Error::new(
                ErrorCode::MalformedBody,
                format!("body is not a flat APIv2 <xml> document: {why}"),
            )
        })?;
        match fields.get("return_code").map(String::as_str) {
            Some("SUCCESS") => Ok(fields),
            code => Err(Error::new(
                ErrorCode::ReturnFail,
                format!(
                    "return_code is {} (return_msg {})",
                    code.map_or("missing".to_owned(), |c| crate::checks::printable(
                        c.as_bytes()
                    )),
                    fields.get("return_msg").map_or("missing".to_owned(), |m| {
                        crate::checks::printable(m.as_bytes())
                    })
                ),
            )),
        }
    }
}

impl fmt::Debug for V2Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V2Verifier")
            .field("key", &"<redacted>")
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}
