//! APIv2 (XML) notifications: payment results signed with the APIv2 key, and refund results
//! whose `req_info` is encrypted with it.

mod diagnose;
mod refund;
mod sign;
mod xml;

use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroizing;

use crate::bytes::{looks_like_json, printable};
use crate::error::{Error, ErrorCode, Result};

pub use diagnose::{V2Diagnosis, V2Kind, V2Notification, V2_REFUND_STEP_NAMES, V2_STEP_NAMES};
pub use refund::{req_info_key, V2Refund};
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
            refund_key: refund::req_info_key(key),
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
    /// The checks of `docs/apiv2.md`, in order, stopping at the first failure: size
    /// (`BODY_TOO_LARGE`), format (JSON is `WRONG_FORMAT`), flat XML (`MALFORMED_BODY`),
    /// `return_code` (`RETURN_FAIL`), `sign` present (`MISSING_FIELD`), `sign_type`
    /// (`UNSUPPORTED_SIGNATURE_TYPE`) or sign length (`MALFORMED_SIGNATURE`), then the sign
    /// itself (`SIGNATURE_MISMATCH`).
    pub fn parse_payment(&self, xml: &[u8]) -> Result<BTreeMap<String, String>> {
        let fields = self.read(xml)?;
        return_code(&fields)?;
        let received = sign_field(&fields)?;
        let sign_type = sign_type(&fields, received)?;
        self.sign_matches(&fields, received, sign_type)?;
        Ok(fields)
    }

    /// Decrypts a refund result notification: the outer fields, and `req_info` decrypted.
    ///
    /// The checks of `docs/apiv2.md`, in order: size, format, flat XML and `return_code` as
    /// for payments, then `req_info` present (`MISSING_FIELD`) and decrypted
    /// (`DECRYPT_FAILED`).
    pub fn parse_refund(&self, xml: &[u8]) -> Result<V2Refund> {
        let mut fields = self.read(xml)?;
        return_code(&fields)?;
        let req_info = req_info_field(&fields)?;
        let req_info = refund::decrypt_req_info(&self.refund_key, req_info)?;
        fields.remove("req_info");
        Ok(V2Refund { fields, req_info })
    }

    /// Runs every APIv2 check of `docs/apiv2.md` on a notification, continuing past failures
    /// wherever later checks still have their inputs, as `wechatpay-notify doctor` shows it.
    /// A body with a `req_info` field is checked as a refund, anything else as a payment; the
    /// verdict is exactly what [`V2Verifier::parse_payment`] or [`V2Verifier::parse_refund`]
    /// returns for it.
    pub fn diagnose(&self, xml: &[u8]) -> V2Diagnosis {
        diagnose::run(self, xml)
    }

    /// Steps 0-2: size, format and the flat XML document.
    fn read(&self, xml: &[u8]) -> Result<BTreeMap<String, String>> {
        self.size(xml)?;
        format(xml)?;
        flat_xml(xml)
    }

    /// Step 0.
    fn size(&self, xml: &[u8]) -> Result<()> {
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
        Ok(())
    }

    /// Payment step 6.
    fn sign_matches(
        &self,
        fields: &BTreeMap<String, String>,
        received: &str,
        sign_type: SignType,
    ) -> Result<()> {
        let expected = compute_sign(fields, &self.key, sign_type);
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
        Ok(())
    }
}

/// Step 1: JSON is an APIv3 notification.
fn format(xml: &[u8]) -> Result<()> {
    if looks_like_json(xml) {
        return Err(Error::new(
            ErrorCode::WrongFormat,
            "body is JSON: this is an APIv3 notification reaching an APIv2 handler; verify it \
             with the APIv3 verifier",
        ));
    }
    Ok(())
}

/// Step 2.
fn flat_xml(xml: &[u8]) -> Result<BTreeMap<String, String>> {
    xml::parse_flat(xml, "xml").map_err(|why| {
        Error::new(
            ErrorCode::MalformedBody,
            format!("body is not a flat APIv2 <xml> document: {why}"),
        )
    })
}

/// Step 3.
fn return_code(fields: &BTreeMap<String, String>) -> Result<()> {
    match fields.get("return_code").map(String::as_str) {
        Some("SUCCESS") => Ok(()),
        code => Err(Error::new(
            ErrorCode::ReturnFail,
            format!(
                "return_code is {} (return_msg {})",
                code.map_or("missing".to_owned(), |c| printable(c.as_bytes())),
                fields
                    .get("return_msg")
                    .map_or("missing".to_owned(), |m| printable(m.as_bytes()))
            ),
        )),
    }
}

/// Payment step 4.
fn sign_field(fields: &BTreeMap<String, String>) -> Result<&str> {
    match fields.get("sign") {
        Some(sign) if !sign.is_empty() => Ok(sign),
        _ => Err(Error::new(
            ErrorCode::MissingField,
            "payment notification has no sign field",
        )),
    }
}

/// Payment step 5: the algorithm from `sign_type`, or from the sign's length without it.
fn sign_type(fields: &BTreeMap<String, String>, received: &str) -> Result<SignType> {
    match fields.get("sign_type").map(String::as_str) {
        Some("MD5") => Ok(SignType::Md5),
        Some("HMAC-SHA256") => Ok(SignType::HmacSha256),
        Some(other) => Err(Error::new(
            ErrorCode::UnsupportedSignatureType,
            format!(
                "sign_type {} is not supported; APIv2 uses MD5 or HMAC-SHA256",
                printable(other.as_bytes())
            ),
        )),
        None => match received.len() {
            64 => Ok(SignType::HmacSha256),
            32 => Ok(SignType::Md5),
            n => Err(Error::new(
                ErrorCode::MalformedSignature,
                format!("sign is {n} characters: neither MD5 (32) nor HMAC-SHA256 (64) hex"),
            )),
        },
    }
}

/// Refund step 4.
fn req_info_field(fields: &BTreeMap<String, String>) -> Result<&str> {
    match fields.get("req_info") {
        Some(info) if !info.is_empty() => Ok(info),
        _ => Err(Error::new(
            ErrorCode::MissingField,
            "refund notification has no req_info field",
        )),
    }
}

/// Reads a flat XML document whose root element is `root` (APIv2 notifications use `xml`,
/// a decrypted `req_info` uses `root`, replies to WeChat Pay use `xml`) into its fields, with
/// the bounds and refusals of `docs/apiv2.md`: no DTD, no entities beyond the predefined ones,
/// bounded size, depth and field count. Values are strings; CDATA and text are both read.
pub fn parse_xml_fields(xml: &[u8], root: &str) -> Result<BTreeMap<String, String>> {
    xml::parse_flat(xml, root).map_err(|why| {
        Error::new(
            ErrorCode::MalformedBody,
            format!("body is not a flat <{root}> document: {why}"),
        )
    })
}

impl fmt::Debug for V2Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V2Verifier")
            .field("key", &"<redacted>")
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}
