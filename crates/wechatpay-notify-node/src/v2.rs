//! `V2Verifier`: APIv2 XML callbacks (payment results, and refund results with their
//! encrypted `req_info`).

use std::collections::BTreeMap;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use wechatpay_notify::v2::{V2Kind, V2Verifier};

use crate::convert::{bytes_or_text, count, key_bytes, options, property};
use crate::diagnosis::Diagnosis;
use crate::errors::{config_error, type_error, IntoJsResult};

/// Verifies APIv2 callbacks with the APIv2 key (API密钥). Immutable and safe to share.
#[napi(js_name = "V2Verifier")]
pub struct JsV2Verifier {
    inner: V2Verifier,
}

impl From<V2Verifier> for JsV2Verifier {
    fn from(inner: V2Verifier) -> Self {
        JsV2Verifier { inner }
    }
}

/// A refund result: its fields, and the decrypted `req_info` fields.
type RefundFields = BTreeMap<String, serde_json::Value>;

#[napi]
impl JsV2Verifier {
    /// A verifier of the APIv2 key `key` (32 characters); `maxBodySize` in bytes (default
    /// 64 KiB). Throws `ConfigError` for a key that is not valid.
    #[napi(
        constructor,
        ts_args_type = "options: { key: string | Uint8Array; maxBodySize?: number }"
    )]
    pub fn new(env: &Env, options: Unknown<'_>) -> Result<Self> {
        let config = self::options(env, Some(options), "options")?
            .ok_or_else(|| type_error(env, "new V2Verifier(options) needs an options object"))?;
        let key = property(&config, "key")?
            .ok_or_else(|| config_error(env, "key is required (the APIv2 key)"))?;
        let mut inner = V2Verifier::new(key_bytes(env, &key, "key")?).js_err(env)?;
        if let Some(bytes) = count(env, &config, "maxBodySize", "bytes")? {
            let bytes = usize::try_from(bytes)
                .map_err(|_| config_error(env, "maxBodySize is too large"))?;
            inner = inner.with_max_body_size(bytes);
        }
        Ok(JsV2Verifier { inner })
    }

    /// Verifies an APIv2 payment result (`sign` by MD5 or HMAC-SHA256) and returns its
    /// fields. Throws a `NotificationError` subclass.
    #[napi(ts_args_type = "xml: Uint8Array | string")]
    pub fn parse_payment(&self, env: &Env, xml: Unknown<'_>) -> Result<BTreeMap<String, String>> {
        let xml = bytes_or_text(env, &xml, "xml")?;
        self.inner.parse_payment(&xml).js_err(env)
    }

    /// Decrypts and checks an APIv2 refund result and returns its fields, with the decrypted
    /// `req_info` fields as an object under `req_info`.
    #[napi(
        ts_args_type = "xml: Uint8Array | string",
        ts_return_type = "Record<string, string> & { req_info: Record<string, string> }"
    )]
    pub fn parse_refund(&self, env: &Env, xml: Unknown<'_>) -> Result<RefundFields> {
        let xml = bytes_or_text(env, &xml, "xml")?;
        let refund = self.inner.parse_refund(&xml).js_err(env)?;
        let mut out: RefundFields = refund
            .fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let req_info = refund
            .req_info
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        out.insert("req_info".to_owned(), serde_json::Value::Object(req_info));
        Ok(out)
    }

    /// Runs every check of `docs/apiv2.md` on an APIv2 callback and returns them with the
    /// verdict (never throws for a refused callback).
    #[napi(ts_args_type = "xml: Uint8Array | string")]
    pub fn diagnose(&self, env: &Env, xml: Unknown<'_>) -> Result<Diagnosis> {
        let xml = bytes_or_text(env, &xml, "xml")?;
        let d = self.inner.diagnose(&xml);
        let kind = match d.kind {
            V2Kind::Payment => "v2_payment",
            V2Kind::Refund => "v2_refund",
        };
        Ok(Diagnosis::new(kind, d.checks, d.verdict.err()))
    }
}
