//! The individual checks of `docs/protocol.md` (steps 0-15), one function each, shared by
//! [`Verifier::parse_at`](crate::Verifier::parse_at) and the diagnosis.

use std::borrow::Cow;

use crate::bytes::decode_base64;

use crate::bytes::{first_non_whitespace, looks_like_xml, printable};
use crate::envelope::{Envelope, Field, Resource};
use crate::error::{Error, ErrorCode, Result};
use crate::events::TopField;
use crate::headers::{
    Headers, HEADER_NONCE, HEADER_SERIAL, HEADER_SIGNATURE, HEADER_SIGNATURE_TYPE, HEADER_TIMESTAMP,
};
use crate::keys::ConfiguredKey;
use crate::notification::Notification;
use crate::resource::{decode_sealed, Apiv3Key, ALGORITHM_AES_GCM};
use crate::rsa_key::RsaPublicKey;

/// The only `Wechatpay-Signature-Type` this library verifies.
pub const SIGNATURE_TYPE_RSA: &str = "WECHATPAY2-SHA256-RSA2048";
/// Prefix of WeChat Pay's signature probes.
pub const SIGNTEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// Step 0.
pub(crate) fn body_size(body: &[u8], max: usize) -> Result<()> {
    if body.len() > max {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "body is {} bytes, over the limit of {max}; WeChat Pay notifications are about 1 KB",
                body.len()
            ),
        ));
    }
    Ok(())
}

/// Step 1.
pub(crate) fn not_xml(body: &[u8]) -> Result<()> {
    if looks_like_xml(body) {
        return Err(Error::new(
            ErrorCode::WrongFormat,
            "body is XML: this is an APIv2 notification (or a refund made by hand in the merchant \
             platform, which is always sent as APIv2 XML) reaching an APIv3 handler; handle it \
             with the APIv2 verifier and the APIv2 key",
        ));
    }
    Ok(())
}

/// The four signed headers, trimmed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SignedHeaders<'a> {
    pub(crate) serial: &'a [u8],
    pub(crate) signature: &'a [u8],
    pub(crate) timestamp: &'a [u8],
    pub(crate) nonce: &'a [u8],
}

pub(crate) fn header<'h, H: Headers + ?Sized>(headers: &'h H, name: &str) -> Option<&'h [u8]> {
    headers
        .header(name)
        .map(<[u8]>::trim_ascii)
        .filter(|v| !v.is_empty())
}

impl<'a> SignedHeaders<'a> {
    /// Step 2.
    pub(crate) fn read<H: Headers + ?Sized>(headers: &'a H) -> Result<Self> {
        let mut missing = Vec::new();
        let mut get = |name: &'static str| {
            let value = header(headers, name);
            if value.is_none() {
                missing.push(name);
            }
            value.unwrap_or_default()
        };
        let signed = SignedHeaders {
            serial: get(HEADER_SERIAL),
            signature: get(HEADER_SIGNATURE),
            timestamp: get(HEADER_TIMESTAMP),
            nonce: get(HEADER_NONCE),
        };
        if missing.is_empty() {
            Ok(signed)
        } else {
            Err(Error::new(
                ErrorCode::MissingHeader,
                format!(
                    "missing or empty header(s): {}; a proxy or framework may have dropped them \
                     (pass every request header through)",
                    missing.join(", ")
                ),
            ))
        }
    }
}

/// Step 3.
pub(crate) fn signature_type<H: Headers + ?Sized>(headers: &H) -> Result<()> {
    match header(headers, HEADER_SIGNATURE_TYPE) {
        None => Ok(()),
        Some(t) if t == SIGNATURE_TYPE_RSA.as_bytes() => Ok(()),
        Some(t) => Err(Error::new(
            ErrorCode::UnsupportedSignatureType,
            format!(
                "Wechatpay-Signature-Type is {}; only {SIGNATURE_TYPE_RSA} is supported",
                printable(t)
            ),
        )),
    }
}

/// Step 4.
pub(crate) fn timestamp(value: &[u8]) -> Result<i64> {
    let parsed = if value.len() <= 19 && value.iter().all(u8::is_ascii_digit) {
        std::str::from_utf8(value)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Error::new(
            ErrorCode::BadTimestamp,
            format!(
                "Wechatpay-Timestamp {} is not a decimal number of seconds",
                printable(value)
            ),
        )
    })
}

/// Step 5.
pub(crate) fn clock_skew(timestamp: i64, now: i64, max: i64) -> Result<()> {
    let diff = i128::from(now) - i128::from(timestamp);
    if diff.abs() > i128::from(max) {
        let direction = if diff > 0 { "behind" } else { "ahead of" };
        return Err(Error::new(
            ErrorCode::TimestampSkew,
            format!(
                "Wechatpay-Timestamp is {timestamp} and this server's clock is {now} (Unix \
                 seconds): the request is {} s {direction} this server, over the allowed {max} s; \
                 a replayed request, or this server's clock is wrong (check NTP)",
                diff.unsigned_abs()
            ),
        ));
    }
    Ok(())
}

/// Step 6.
pub(crate) fn not_probe(signature: &[u8]) -> Result<()> {
    if signature.starts_with(SIGNTEST_PREFIX.as_bytes()) {
        return Err(Error::new(
            ErrorCode::SignatureProbe,
            "signature is a WECHATPAY/SIGNTEST/ probe: WeChat Pay is checking that this endpoint \
             verifies signatures; it must be rejected (answer 4xx/5xx), as it is here",
        ));
    }
    Ok(())
}

/// Step 8.
pub(crate) fn key_validity(key: &ConfiguredKey, now: i64) -> Result<()> {
    match key.validity() {
        Some((not_before, not_after)) if now < not_before || now > not_after => Err(Error::new(
            ErrorCode::KeyExpired,
            format!(
                "platform certificate {} is valid from {not_before} to {not_after} (Unix seconds) \
                 but now is {now}: download the current platform certificates \
                 (GET /v3/certificates) or switch to the 微信支付公钥",
                key.id
            ),
        )),
        _ => Ok(()),
    }
}

/// Step 9.
pub(crate) fn decode_signature(value: &[u8], key: &RsaPublicKey) -> Result<Vec<u8>> {
    // Padded standard base64 of n bytes is exactly 4 * ceil(n / 3) characters.
    let expected_chars = key.modulus_len().div_ceil(3) * 4;
    if value.len() != expected_chars {
        return Err(Error::new(
            ErrorCode::MalformedSignature,
            format!(
                "Wechatpay-Signature is {} characters; the base64 of a {}-bit signature is {expected_chars}",
                value.len(),
                key.bits()
            ),
        ));
    }
    let signature = decode_base64(value).ok_or_else(|| {
        Error::new(
            ErrorCode::MalformedSignature,
            "Wechatpay-Signature is not standard base64",
        )
    })?;
    if signature.len() != key.modulus_len() {
        return Err(Error::new(
            ErrorCode::MalformedSignature,
            format!(
                "Wechatpay-Signature decodes to {} bytes; the {}-bit key signs exactly {} bytes",
                signature.len(),
                key.bits(),
                key.modulus_len()
            ),
        ));
    }
    Ok(signature)
}

/// Step 10: RSASSA-PKCS1-v1_5 SHA-256 over `timestamp\nnonce\nbody\n`.
pub(crate) fn rsa_signature(
    key: &RsaPublicKey,
    signed: &SignedHeaders<'_>,
    body: &[u8],
    signature: &[u8],
) -> Result<()> {
    let message = signed_message(signed.timestamp, signed.nonce, body);
    key.verify(&message, signature).map_err(|_| {
        Error::new(
            ErrorCode::SignatureMismatch,
            "signature does not match timestamp, nonce and body: verify the raw body bytes as \
             received (not a re-serialized JSON object), and check the request was not altered",
        )
    })
}

/// The message WeChat Pay signs: `timestamp\nnonce\nbody\n`.
pub fn signed_message(timestamp: &[u8], nonce: &[u8], body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    for part in [timestamp, nonce, body] {
        message.extend_from_slice(part);
        message.push(b'\n');
    }
    message
}

fn json_error(code: ErrorCode, what: &str, e: &serde_json::Error) -> Error {
    Error::new(
        code,
        format!(
            "{what} ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    )
}

/// Deepest JSON nesting accepted in a notification body (real ones are 2 deep).
pub const MAX_JSON_DEPTH: usize = 32;

/// True when no array or object in `json` is nested deeper than `max`. serde_json skips
/// unknown fields without a depth limit, so the bound is checked here, in one linear pass
/// that only tracks brackets outside strings (the JSON itself is validated by serde_json).
pub(crate) fn json_depth_within(json: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        i += 1;
        match b {
            // Skip a string in one search per escape: strings are most of a notification.
            b'"' => loop {
                let Some(rest) = json.get(i..) else {
                    return true;
                };
                match memchr::memchr2(b'"', b'\\', rest) {
                    None => return true,
                    Some(j) if rest[j] == b'\\' => i += j + 2,
                    Some(j) => {
                        i += j + 1;
                        break;
                    }
                }
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Step 11.
pub(crate) fn parse_envelope(body: &[u8]) -> Result<Envelope<'_>> {
    if first_non_whitespace(body) != Some(b'{') {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            "body is not a JSON object",
        ));
    }
    if !json_depth_within(body, MAX_JSON_DEPTH) {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            format!("body nests JSON deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    let envelope: Envelope<'_> = serde_json::from_slice(body).map_err(|e| {
        json_error(
            ErrorCode::MalformedBody,
            "body is not a WeChat Pay notification in UTF-8 JSON",
            &e,
        )
    })?;
    if envelope.resource.is_none() {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            "body has no resource object",
        ));
    }
    Ok(envelope)
}

impl<'a> Envelope<'a> {
    /// The checked envelope's resource (`parse_envelope` refuses an envelope without one).
    fn fields(&self) -> &Resource<'a> {
        const NONE: &Resource<'static> = &Resource {
            algorithm: Field::Absent,
            ciphertext: Field::Absent,
            associated_data: Field::Absent,
            nonce: Field::Absent,
            original_type: Field::Absent,
        };
        self.resource.as_ref().unwrap_or(NONE)
    }

    pub(crate) fn into_notification(
        self,
        serial: String,
        timestamp: i64,
        plaintext: String,
        mchid: Option<String>,
    ) -> Notification {
        let text = |v: Option<Cow<'_, str>>| v.map(Cow::into_owned).unwrap_or_default();
        let original_type = text(self.resource.and_then(|r| r.original_type.into_text()));
        Notification {
            id: text(self.id),
            create_time: text(self.create_time),
            event_type: text(self.event_type),
            resource_type: text(self.resource_type),
            summary: text(self.summary),
            original_type,
            serial,
            timestamp,
            plaintext,
            kind: std::sync::OnceLock::new(),
            mchid,
        }
    }
}

/// The inputs of one AES-256-GCM open, read from `resource`.
pub(crate) struct ResourceFields<'e> {
    pub(crate) nonce: &'e str,
    pub(crate) associated_data: &'e str,
    pub(crate) ciphertext: &'e str,
}

/// Step 12.
pub(crate) fn algorithm(envelope: &Envelope<'_>) -> Result<()> {
    match envelope.fields().algorithm.text().flatten() {
        Some(ALGORITHM_AES_GCM) => Ok(()),
        other => Err(Error::new(
            ErrorCode::UnsupportedAlgorithm,
            format!(
                "resource.algorithm is {}; only {ALGORITHM_AES_GCM} is supported",
                other.map_or("missing".to_owned(), |a| printable(a.as_bytes()))
            ),
        )),
    }
}

/// Step 13, first half: the string fields of `resource`.
pub(crate) fn resource_fields<'e>(envelope: &'e Envelope<'_>) -> Result<ResourceFields<'e>> {
    let field = |name: &str, value: &'e Field<'_>| -> Result<Option<&'e str>> {
        value.text().ok_or_else(|| {
            Error::new(
                ErrorCode::MalformedResource,
                format!("resource.{name} is not a string"),
            )
        })
    };
    let required = |name: &str, value: &'e Field<'_>| -> Result<&'e str> {
        field(name, value)?.ok_or_else(|| {
            Error::new(
                ErrorCode::MalformedResource,
                format!("resource.{name} is missing"),
            )
        })
    };
    let r = envelope.fields();
    Ok(ResourceFields {
        nonce: required("nonce", &r.nonce)?,
        ciphertext: required("ciphertext", &r.ciphertext)?,
        associated_data: field("associated_data", &r.associated_data)?.unwrap_or_default(),
    })
}

/// Steps 12-15.
/// `open` runs step 14 with the candidate APIv3 keys (`Verifier::open_for`) and gives the
/// plaintext and its merchant.
pub(crate) fn decrypt_envelope(
    envelope: &Envelope<'_>,
    open: impl FnOnce(&dyn Fn(&Apiv3Key) -> Result<Vec<u8>>) -> Result<(Vec<u8>, Option<String>)>,
) -> Result<(String, Option<String>)> {
    algorithm(envelope)?;
    let fields = resource_fields(envelope)?;
    let sealed = decode_sealed(fields.nonce.as_bytes(), fields.ciphertext.as_bytes())?;
    let (plaintext, merchant) = open(&|key: &Apiv3Key| {
        key.open(
            fields.nonce.as_bytes(),
            fields.associated_data.as_bytes(),
            sealed.clone(),
        )
    })?;
    let text = plaintext_json(plaintext)?;
    resource_merchant(&text, merchant.as_deref())?;
    Ok((text, merchant))
}

/// Step 15.
pub(crate) fn plaintext_json(plaintext: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(plaintext).map_err(|_| {
        Error::new(
            ErrorCode::MalformedResource,
            "decrypted resource is not UTF-8",
        )
    })?;
    if !json_depth_within(text.as_bytes(), MAX_JSON_DEPTH) {
        return Err(Error::new(
            ErrorCode::MalformedResource,
            format!("decrypted resource nests JSON deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(|e| {
        json_error(
            ErrorCode::MalformedResource,
            "decrypted resource is not JSON",
            &e,
        )
    })?;
    Ok(text)
}

/// The fields of a resource that name the merchant it is for, in the order they are read:
/// a 服务商's (`sp_mchid`), a combined order's (`combine_mchid`), a direct merchant's
/// (`mchid`).
pub(crate) const MERCHANT_FIELDS: [&str; 3] = ["sp_mchid", "combine_mchid", "mchid"];

/// Step 15, for a verifier of several merchants: the first of [`MERCHANT_FIELDS`] that the
/// resource carries (a string; null is absent) names the merchant whose APIv3 key opened it.
/// A resource that names none, or a single-merchant verifier (`merchant` is `None`), passes.
/// The message names the field and the configured merchant, never the resource's value.
pub(crate) fn resource_merchant(plaintext: &str, merchant: Option<&str>) -> Result<()> {
    let Some(merchant) = merchant else {
        return Ok(());
    };
    let Some(fields) = crate::events::top_level_fields(plaintext, &MERCHANT_FIELDS) else {
        return Ok(());
    };
    for (name, field) in MERCHANT_FIELDS.iter().zip(fields) {
        match field {
            TopField::Absent => continue,
            TopField::Text(value) if value == merchant => return Ok(()),
            TopField::Text(_) => {
                return Err(Error::new(
                    ErrorCode::MalformedResource,
                    format!(
                        "the resource's `{name}` names another merchant than {merchant}, whose \
                         APIv3 key decrypted it: that merchant's APIv3 key is configured under \
                         {merchant}; configure each merchant's keys under its own mchid"
                    ),
                ))
            }
            TopField::Other => {
                return Err(Error::new(
                    ErrorCode::MalformedResource,
                    format!("the resource's field `{name}` is not a string"),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth() {
        assert!(json_depth_within(br#"{"a":{"b":[1]}}"#, 3));
        assert!(!json_depth_within(br#"{"a":{"b":[1]}}"#, 2));
        assert!(json_depth_within(br#"{"a":"[[[[\"[["}"#, 1));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(!json_depth_within(deep.as_bytes(), MAX_JSON_DEPTH));
    }
}
