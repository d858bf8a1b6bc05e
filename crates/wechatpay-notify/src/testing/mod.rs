//! A testing kit: callbacks signed and encrypted exactly as WeChat Pay sends them, with
//! **throwaway test keys**, so a merchant can test a notify handler without WeChat Pay
//! (`docs/testing.md`). This is the one implementation that acts as WeChat Pay in this
//! project: the CLI's `simulate` and `demo`, and the tests of every language, sign with it.
//!
//! ```
//! # fn main() -> Result<(), wechatpay_notify::Error> {
//! use wechatpay_notify::testing::{Failure, Kit};
//! use wechatpay_notify::{ErrorCode, EventKind};
//!
//! let kit = Kit::new()?; // a fresh RSA-2048 test key under a PUB_KEY_ID_, an APIv3 key
//! let verifier = kit.verifier()?; // what a handler configured for the kit would hold
//! let callback = kit.notification(EventKind::Transaction).set("amount.total", 500).build()?;
//! let n = verifier.parse(&callback.headers, &callback.body)?;
//! assert_eq!(n.transaction()?.amount.total, 500);
//!
//! let probe = kit.notification(EventKind::Transaction).failure(Failure::Probe).build()?;
//! let refused = verifier.parse(&probe.headers, &probe.body).unwrap_err();
//! assert_eq!(refused.code(), ErrorCode::SignatureProbe);
//! # Ok(()) }
//! ```
//!
//! The keys a kit makes are generated for it and exist only in memory: they are test keys,
//! never WeChat Pay's, and a verifier configured with them accepts only the kit's callbacks.

mod keys;
mod samples;
mod v2;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine as _;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::headers::{
    HEADER_NONCE, HEADER_SERIAL, HEADER_SIGNATURE, HEADER_SIGNATURE_TYPE, HEADER_TIMESTAMP,
};
use crate::models::EventKind;
use crate::resource::ALGORITHM_AES_GCM;
use crate::verifier::{unix_now, Verifier, VerifierBuilder};
use crate::{checks, SIGNATURE_TYPE_RSA, SIGNTEST_PREFIX};

pub use keys::TestKey;
pub use v2::{V2PaymentBuilder, V2RefundBuilder};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// How far `Failure::StaleTimestamp` and `Failure::FutureTimestamp` move the timestamp: past
/// the default `max_clock_skew` of 300 s.
pub const SKEW_FAILURE_SECS: i64 = 600;

/// Refuses a timestamp the kit's own verifier would refuse as `BAD_TIMESTAMP`: a
/// `Wechatpay-Timestamp` is Unix seconds, never negative.
fn timestamp_in_range(timestamp: i64) -> Result<()> {
    if timestamp < 0 {
        return Err(Error::new(
            ErrorCode::ConfigInvalid,
            format!(
                "the testing kit signs timestamps of 0 and later (Unix seconds), not {timestamp}: \
                 a verifier refuses a negative Wechatpay-Timestamp as BAD_TIMESTAMP"
            ),
        ));
    }
    Ok(())
}

/// A failure WeChat Pay, the network or a mistaken setup can produce, built into a callback on
/// purpose to see that a handler refuses it (the code it must be refused with is given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Failure {
    /// WeChat Pay's `WECHATPAY/SIGNTEST/` probe signature: `SIGNATURE_PROBE`.
    Probe,
    /// The body altered after it was signed: `SIGNATURE_MISMATCH`.
    TamperedBody,
    /// Signed `SKEW_FAILURE_SECS` in the past: `TIMESTAMP_SKEW`.
    StaleTimestamp,
    /// Signed `SKEW_FAILURE_SECS` in the future: `TIMESTAMP_SKEW`.
    FutureTimestamp,
    /// The resource encrypted with another APIv3 key than the kit's: `DECRYPT_FAILED`.
    OtherApiv3Key,
    /// Signed under a `Wechatpay-Serial` no verifier of the kit knows: `UNKNOWN_SERIAL`.
    UnknownSerial,
    /// An APIv2 XML body sent to an APIv3 notify_url: `WRONG_FORMAT`.
    XmlBody,
    /// The JSON body re-serialized (as a framework that parses and re-encodes it would) after
    /// it was signed: `SIGNATURE_MISMATCH`.
    Reserialized,
}

impl Failure {
    /// Every failure.
    pub const ALL: &'static [Failure] = &[
        Failure::Probe,
        Failure::TamperedBody,
        Failure::StaleTimestamp,
        Failure::FutureTimestamp,
        Failure::OtherApiv3Key,
        Failure::UnknownSerial,
        Failure::XmlBody,
        Failure::Reserialized,
    ];

    /// The failure's name, the same in every language: `"probe"`, `"tampered_body"`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Failure::Probe => "probe",
            Failure::TamperedBody => "tampered_body",
            Failure::StaleTimestamp => "stale_timestamp",
            Failure::FutureTimestamp => "future_timestamp",
            Failure::OtherApiv3Key => "other_apiv3_key",
            Failure::UnknownSerial => "unknown_serial",
            Failure::XmlBody => "xml_body",
            Failure::Reserialized => "reserialized",
        }
    }

    /// The failure of a name given by [`Failure::as_str`].
    pub fn from_name(name: &str) -> Option<Failure> {
        Failure::ALL.iter().copied().find(|f| f.as_str() == name)
    }

    /// The code a verifier configured for the kit refuses it with.
    pub const fn expected_code(self) -> ErrorCode {
        match self {
            Failure::Probe => ErrorCode::SignatureProbe,
            Failure::TamperedBody | Failure::Reserialized => ErrorCode::SignatureMismatch,
            Failure::StaleTimestamp | Failure::FutureTimestamp => ErrorCode::TimestampSkew,
            Failure::OtherApiv3Key => ErrorCode::DecryptFailed,
            Failure::UnknownSerial => ErrorCode::UnknownSerial,
            Failure::XmlBody => ErrorCode::WrongFormat,
        }
    }
}

/// One callback as WeChat Pay would POST it: its headers and its raw body.
#[derive(Clone, PartialEq, Eq)]
pub struct Callback {
    /// The request headers: the four `Wechatpay-*` signature headers,
    /// `Wechatpay-Signature-Type` and `Content-Type`.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte as it would arrive.
    pub body: Vec<u8>,
    /// The notification `id` in the body (for an APIv3 callback).
    pub id: String,
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("id", &self.id)
            .finish()
    }
}

/// A throwaway WeChat Pay: a platform key pair made for this kit (under a `PUB_KEY_ID_` id, or
/// a self-signed platform certificate with its serial and validity), an APIv3 key and an APIv2
/// key, all random test values that never leave memory.
pub struct Kit {
    key: Arc<TestKey>,
    apiv3_key: Zeroizing<String>,
    v2_key: Zeroizing<String>,
    /// The merchant id last given to [`Kit::merchant`]: the catalog callbacks name it.
    mchid: Mutex<Option<String>>,
}

impl fmt::Debug for Kit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kit")
            .field("key_id", &self.key.key_id())
            .field("certificate", &self.key.certificate_pem().is_some())
            .field("apiv3_key", &"<test key>")
            .field("v2_key", &"<test key>")
            .finish()
    }
}

impl Kit {
    /// A kit whose platform key is a WeChat Pay public key (微信支付公钥) under a fresh
    /// `PUB_KEY_ID_` id.
    pub fn new() -> Result<Kit> {
        Ok(Kit::with_key(TestKey::generate(false)?))
    }

    /// A kit whose platform key comes with a self-signed platform certificate (平台证书),
    /// valid from a day ago for five years, under its serial.
    pub fn with_certificate() -> Result<Kit> {
        Ok(Kit::with_key(TestKey::generate(true)?))
    }

    /// A kit around a key of the caller's (`TestKey::from_pem`), e.g. the CLI's
    /// `--platform-private-key`, with fresh APIv3 and APIv2 keys.
    pub fn with_key(key: TestKey) -> Kit {
        Kit {
            key: Arc::new(key),
            apiv3_key: Zeroizing::new(keys::random_key()),
            v2_key: Zeroizing::new(keys::random_key()),
            mchid: Mutex::new(None),
        }
    }

    /// Another merchant's kit served by the same platform key: the same `Wechatpay-Serial`, a
    /// fresh APIv3 key and APIv2 key (`docs/merchants.md`: merchants that share a key).
    pub fn sharing_key(&self) -> Kit {
        Kit {
            key: Arc::clone(&self.key),
            apiv3_key: Zeroizing::new(keys::random_key()),
            v2_key: Zeroizing::new(keys::random_key()),
            mchid: Mutex::new(None),
        }
    }

    /// The merchant `mchid` of a verifier for several merchants, configured with this kit's
    /// APIv3 key and platform key (add it with `VerifierBuilder::merchant`). From then on the
    /// kit's catalog callbacks are this merchant's: their resource's `mchid` (or `sp_mchid`,
    /// `combine_mchid`, whichever the kind's sample has) is `mchid`, as the verifier checks.
    pub fn merchant(&self, mchid: &str) -> crate::Merchant {
        self.set_mchid(mchid);
        let merchant = crate::Merchant::new(mchid, self.apiv3_key.as_bytes());
        match self.key.certificate_pem() {
            Some(pem) => merchant.platform_certificate(pem),
            None => merchant.public_key(self.key.key_id(), self.key.public_key_pem()),
        }
    }

    /// Makes the kit's catalog callbacks name merchant `mchid` from now on (their resource's
    /// `sp_mchid`, `combine_mchid` or `mchid`), as [`Kit::merchant`] does when it configures
    /// the kit as that merchant: for a verifier of several merchants configured another way.
    pub fn set_mchid(&self, mchid: &str) {
        *self.mchid.lock().unwrap_or_else(PoisonError::into_inner) = Some(mchid.to_owned());
    }

    /// The same kit with the APIv3 key of the caller's (32 bytes of text).
    pub fn with_apiv3_key(mut self, apiv3_key: &str) -> Result<Kit> {
        crate::resource::Apiv3Key::new(apiv3_key.as_bytes())?;
        self.apiv3_key = Zeroizing::new(apiv3_key.to_owned());
        Ok(self)
    }

    /// The same kit with the APIv2 key of the caller's (32 bytes of text).
    pub fn with_v2_key(mut self, v2_key: &str) -> Result<Kit> {
        crate::v2::V2Verifier::new(v2_key.as_bytes())?;
        self.v2_key = Zeroizing::new(v2_key.to_owned());
        Ok(self)
    }

    /// The platform key: its id or serial, public key and certificate.
    pub fn key(&self) -> &TestKey {
        &self.key
    }

    /// The `Wechatpay-Serial` the kit signs under: the `PUB_KEY_ID_` id, or the certificate's
    /// serial.
    pub fn key_id(&self) -> &str {
        self.key.key_id()
    }

    /// The test APIv3 key (APIv3密钥), 32 characters.
    pub fn apiv3_key(&self) -> &str {
        &self.apiv3_key
    }

    /// The test APIv2 key (API密钥), 32 characters.
    pub fn v2_key(&self) -> &str {
        &self.v2_key
    }

    /// A verifier builder configured to accept the kit's callbacks (add settings, then build).
    pub fn verifier_builder(&self) -> VerifierBuilder {
        let builder = Verifier::builder().apiv3_key(self.apiv3_key.as_bytes());
        match self.key.certificate_pem() {
            Some(pem) => builder.platform_certificate(pem),
            None => builder.public_key(self.key.key_id(), self.key.public_key_pem()),
        }
    }

    /// A verifier configured to accept the kit's callbacks.
    pub fn verifier(&self) -> Result<Verifier> {
        self.verifier_builder().build()
    }

    /// An APIv2 verifier with the kit's APIv2 key.
    pub fn v2_verifier(&self) -> Result<crate::v2::V2Verifier> {
        crate::v2::V2Verifier::new(self.v2_key.as_bytes())
    }

    /// A callback of a catalog kind, with that kind's realistic sample resource (override its
    /// fields with [`CallbackBuilder::set`]). `EventKind::Unknown` gives an empty resource under
    /// `event_type` `UNKNOWN.EVENT`.
    pub fn notification(&self, kind: EventKind) -> CallbackBuilder<'_> {
        let mut resource = samples::sample(kind)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| Value::Object(Map::new()));
        let mchid = self
            .mchid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let (Some(mchid), Value::Object(fields)) = (mchid, &mut resource) {
            if let Some(name) = checks::MERCHANT_FIELDS
                .into_iter()
                .find(|name| fields.contains_key(*name))
            {
                fields.insert(name.to_owned(), Value::String(mchid));
            }
        }
        let event_type = match kind {
            EventKind::Refund | EventKind::PartnerRefund => "REFUND.SUCCESS",
            EventKind::Unknown => "UNKNOWN.EVENT",
            other => other
                .event_types()
                .first()
                .copied()
                .unwrap_or("UNKNOWN.EVENT"),
        };
        CallbackBuilder {
            kit: self,
            event_type: event_type.to_owned(),
            original_type: kind.original_types().first().map(|t| (*t).to_owned()),
            summary: summary(kind).to_owned(),
            id: None,
            resource,
            timestamp: None,
            failure: None,
        }
    }

    /// A callback of any `event_type` with any resource (a JSON object or other value).
    pub fn custom(
        &self,
        event_type: &str,
        original_type: Option<&str>,
        resource: Value,
    ) -> CallbackBuilder<'_> {
        CallbackBuilder {
            kit: self,
            event_type: event_type.to_owned(),
            original_type: original_type.map(str::to_owned),
            summary: "通知".to_owned(),
            id: None,
            resource,
            timestamp: None,
            failure: None,
        }
    }

    /// An APIv2 payment result (XML, signed with the kit's APIv2 key).
    pub fn v2_payment(&self) -> V2PaymentBuilder<'_> {
        V2PaymentBuilder::new(&self.v2_key)
    }

    /// An APIv2 refund result (XML, `req_info` encrypted with the kit's APIv2 key).
    pub fn v2_refund(&self) -> V2RefundBuilder<'_> {
        V2RefundBuilder::new(&self.v2_key)
    }

    /// The headers WeChat Pay would send with `body`, signed at `timestamp` (Unix seconds): for
    /// a body of the caller's, such as an API response (`Verifier::verify_response`) or bytes
    /// a test makes one by one. `Wechatpay-Serial`, `-Signature`, `-Timestamp`, `-Nonce` and
    /// `-Signature-Type`.
    pub fn sign_body(&self, body: &[u8], timestamp: i64) -> Result<Vec<(String, String)>> {
        timestamp_in_range(timestamp)?;
        let timestamp = timestamp.to_string();
        let nonce = keys::random_token(32);
        let signature = self.sign(&timestamp, &nonce, body)?;
        Ok(vec![
            (HEADER_SERIAL.to_owned(), self.key_id().to_owned()),
            (HEADER_SIGNATURE.to_owned(), signature),
            (HEADER_TIMESTAMP.to_owned(), timestamp),
            (HEADER_NONCE.to_owned(), nonce),
            (
                HEADER_SIGNATURE_TYPE.to_owned(),
                SIGNATURE_TYPE_RSA.to_owned(),
            ),
        ])
    }

    /// Signs `timestamp\nnonce\nbody\n` as WeChat Pay does; base64.
    fn sign(&self, timestamp: &str, nonce: &str, body: &[u8]) -> Result<String> {
        self.key
            .sign(&checks::signed_message(
                timestamp.as_bytes(),
                nonce.as_bytes(),
                body,
            ))
            .map(|sig| B64.encode(sig))
    }
}

/// The envelope's `summary` of a kind.
fn summary(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Transaction | EventKind::PartnerTransaction | EventKind::CombineTransaction => {
            "支付成功"
        }
        EventKind::Refund | EventKind::PartnerRefund => "退款成功",
        EventKind::ProfitSharing => "分账",
        EventKind::TransferBill => "商家转账单据终态通知",
        EventKind::Complaint => "投诉单变更",
        _ => "通知",
    }
}

/// An APIv3 callback being built: a resource, an envelope, a time and perhaps a failure.
#[derive(Debug)]
pub struct CallbackBuilder<'k> {
    kit: &'k Kit,
    event_type: String,
    original_type: Option<String>,
    summary: String,
    id: Option<String>,
    resource: Value,
    timestamp: Option<i64>,
    failure: Option<Failure>,
}

impl CallbackBuilder<'_> {
    /// Sets a field of the resource by its dotted path (`out_trade_no`, `amount.total`,
    /// `promotion_detail.0.amount`), creating objects on the way.
    pub fn set(mut self, path: &str, value: impl Into<Value>) -> Self {
        set_path(&mut self.resource, path, Some(value.into()));
        self
    }

    /// Removes a field of the resource by its dotted path.
    pub fn remove(mut self, path: &str) -> Self {
        set_path(&mut self.resource, path, None);
        self
    }

    /// Merges a JSON object into the resource: objects merge key by key, anything else
    /// replaces what is there.
    pub fn merge(mut self, overrides: Value) -> Self {
        merge(&mut self.resource, overrides);
        self
    }

    /// Replaces the whole resource.
    pub fn resource(mut self, resource: Value) -> Self {
        self.resource = resource;
        self
    }

    /// The notification `id` (default: a fresh `EV-...`).
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }

    /// The envelope's `event_type`.
    pub fn event_type(mut self, event_type: &str) -> Self {
        self.event_type = event_type.to_owned();
        self
    }

    /// The envelope's `summary`.
    pub fn summary(mut self, summary: &str) -> Self {
        self.summary = summary.to_owned();
        self
    }

    /// The `Wechatpay-Timestamp`, Unix seconds (default: the system clock).
    pub fn timestamp(mut self, unix_secs: i64) -> Self {
        self.timestamp = Some(unix_secs);
        self
    }

    /// Builds the callback with this failure in it.
    pub fn failure(mut self, failure: Failure) -> Self {
        self.failure = Some(failure);
        self
    }

    /// Encrypts the resource, signs the body and gives the callback.
    pub fn build(self) -> Result<Callback> {
        let kit = self.kit;
        let failure = self.failure;
        let mut timestamp = self.timestamp.unwrap_or_else(unix_now);
        match failure {
            Some(Failure::StaleTimestamp) => {
                timestamp = timestamp.saturating_sub(SKEW_FAILURE_SECS)
            }
            Some(Failure::FutureTimestamp) => {
                timestamp = timestamp.saturating_add(SKEW_FAILURE_SECS)
            }
            _ => {}
        }
        timestamp_in_range(timestamp)?;
        let id = self
            .id
            .unwrap_or_else(|| format!("EV-{}", keys::random_digits(20)));
        let other_key;
        let apiv3_key = if failure == Some(Failure::OtherApiv3Key) {
            other_key = Zeroizing::new(keys::random_key());
            &other_key
        } else {
            &kit.apiv3_key
        };
        let associated_data = self.original_type.clone().unwrap_or_default();
        let plaintext = Zeroizing::new(self.resource.to_string());
        let (nonce, ciphertext) = seal(apiv3_key, associated_data.as_bytes(), &plaintext)?;
        let mut resource = Map::new();
        if let Some(original_type) = &self.original_type {
            resource.insert("original_type".into(), original_type.clone().into());
        }
        resource.insert("algorithm".into(), ALGORITHM_AES_GCM.into());
        resource.insert("ciphertext".into(), ciphertext.into());
        resource.insert("associated_data".into(), associated_data.into());
        resource.insert("nonce".into(), nonce.into());
        let envelope = serde_json::json!({
            "id": id,
            "create_time": keys::beijing_time(timestamp),
            "resource_type": "encrypt-resource",
            "event_type": self.event_type,
            "summary": self.summary,
            "resource": resource,
        });
        // Compact JSON with raw UTF-8, as WeChat Pay sends it.
        let mut body = if failure == Some(Failure::XmlBody) {
            kit.v2_payment().build()?
        } else {
            envelope.to_string().into_bytes()
        };
        let timestamp_text = timestamp.to_string();
        let nonce = keys::random_token(32);
        let mut signature = kit.sign(&timestamp_text, &nonce, &body)?;
        let mut serial = kit.key_id().to_owned();
        match failure {
            Some(Failure::Probe) => {
                signature = format!("{SIGNTEST_PREFIX}{}", &signature[..signature.len() / 2]);
            }
            Some(Failure::TamperedBody) => {
                // The first digit of create_time's year changed: still JSON with the same id,
                // no longer what was signed.
                let marker = b"\"create_time\":\"";
                if let Some(at) = body.windows(marker.len()).position(|w| w == marker) {
                    let digit = &mut body[at + marker.len()];
                    *digit = if *digit == b'1' { b'2' } else { b'1' };
                }
            }
            Some(Failure::Reserialized) => {
                body = serde_json::to_vec_pretty(&envelope).map_err(|_| keys::failed("JSON"))?;
            }
            Some(Failure::UnknownSerial) => {
                serial = format!("PUB_KEY_ID_{}", keys::random_digits(28));
            }
            _ => {}
        }
        let content_type = if failure == Some(Failure::XmlBody) {
            "text/xml"
        } else {
            "application/json"
        };
        let headers = vec![
            (HEADER_SERIAL.to_owned(), serial),
            (HEADER_SIGNATURE.to_owned(), signature),
            (HEADER_TIMESTAMP.to_owned(), timestamp_text),
            (HEADER_NONCE.to_owned(), nonce),
            (
                HEADER_SIGNATURE_TYPE.to_owned(),
                SIGNATURE_TYPE_RSA.to_owned(),
            ),
            ("Content-Type".to_owned(), content_type.to_owned()),
        ];
        Ok(Callback { headers, body, id })
    }
}

/// AES-256-GCM seal with a fresh 12-character nonce: (nonce, base64 ciphertext with its tag).
fn seal(apiv3_key: &str, aad: &[u8], plaintext: &str) -> Result<(String, String)> {
    let cipher = Aes256Gcm::new_from_slice(apiv3_key.as_bytes())
        .map_err(|_| Error::new(ErrorCode::ConfigInvalid, "the APIv3 key must be 32 bytes"))?;
    let nonce = keys::random_token(12);
    let sealed = cipher
        .encrypt(
            aes_gcm::Nonce::from_slice(nonce.as_bytes()),
            Payload {
                msg: plaintext.as_bytes(),
                aad,
            },
        )
        .map_err(|_| keys::failed("AES-256-GCM"))?;
    Ok((nonce, B64.encode(sealed)))
}

/// Sets (`Some`) or removes (`None`) the value at a dotted path, creating objects on the way.
fn set_path(root: &mut Value, path: &str, value: Option<Value>) {
    let steps: Vec<&str> = path.split('.').collect();
    let (last, parents) = match steps.split_last() {
        Some(split) => split,
        None => return,
    };
    let mut node = root;
    for step in parents {
        node = match node {
            Value::Array(items) => {
                match step.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(item) => item,
                    None => return,
                }
            }
            other => {
                if !other.is_object() {
                    *other = Value::Object(Map::new());
                }
                match other {
                    Value::Object(map) => map
                        .entry((*step).to_owned())
                        .or_insert_with(|| Value::Object(Map::new())),
                    _ => return,
                }
            }
        };
    }
    match (node, value) {
        (Value::Array(items), value) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                match value {
                    Some(v) => items[i] = v,
                    None => {
                        items.remove(i);
                    }
                }
            }
        }
        (node, Some(v)) => {
            if !node.is_object() {
                *node = Value::Object(Map::new());
            }
            if let Value::Object(map) = node {
                map.insert((*last).to_owned(), v);
            }
        }
        (Value::Object(map), None) => {
            map.remove(*last);
        }
        _ => {}
    }
}

/// Merges `overrides` into `target`: objects key by key, anything else replaces.
fn merge(target: &mut Value, overrides: Value) {
    match (target, overrides) {
        (Value::Object(into), Value::Object(from)) => {
            for (k, v) in from {
                merge(into.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_set_remove_and_merge() {
        let mut v = serde_json::json!({"a": {"b": 1}, "l": [{"x": 1}, {"x": 2}]});
        set_path(&mut v, "a.b", Some(2.into()));
        set_path(&mut v, "a.c.d", Some("e".into()));
        set_path(&mut v, "l.1.x", Some(3.into()));
        set_path(&mut v, "l.0", None);
        assert_eq!(
            v,
            serde_json::json!({"a": {"b": 2, "c": {"d": "e"}}, "l": [{"x": 3}]})
        );
        set_path(&mut v, "a", None);
        merge(&mut v, serde_json::json!({"l": [], "m": {"n": 1}}));
        assert_eq!(v, serde_json::json!({"l": [], "m": {"n": 1}}));
    }
}
