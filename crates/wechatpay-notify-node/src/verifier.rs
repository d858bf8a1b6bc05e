//! `Verifier`: APIv3 callbacks, API responses and certificate downloads.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::{JsValue, ValueType};
use napi_derive::napi;
use wechatpay_notify::{Merchant, Notification, Verifier, VerifierBuilder};
use zeroize::Zeroizing;

use crate::certificates::DownloadedCertificate;
use crate::convert::{self, count, key_bytes, options, property};
use crate::diagnosis::Diagnosis;
use crate::errors::{config_error, to_js_error, type_error, IntoJsResult};
use crate::headers::{self, HeaderPairs};
use crate::notification::JsNotification;

/// Verifies and decrypts WeChat Pay APIv3 callbacks. Immutable and safe to share: build one
/// at start-up and reuse it for every request (and from `parseAsync`'s thread pool).
#[napi(js_name = "Verifier")]
pub struct JsVerifier {
    inner: Arc<Verifier>,
}

/// Applies `maxClockSkew` and `maxBodySize` of `limits` to `builder` and builds the verifier
/// (the constructor, `forMerchants` and the testing kit's `verifier()`).
pub(crate) fn configured(
    env: &Env,
    mut builder: VerifierBuilder,
    limits: Option<&Object<'_>>,
) -> Result<JsVerifier> {
    if let Some(limits) = limits {
        if let Some(secs) = count(env, limits, "maxClockSkew", "seconds")? {
            builder = builder.max_clock_skew(Duration::from_secs(secs));
        }
        if let Some(bytes) = count(env, limits, "maxBodySize", "bytes")? {
            let bytes = usize::try_from(bytes)
                .map_err(|_| config_error(env, "maxBodySize is too large"))?;
            builder = builder.max_body_size(bytes);
        }
    }
    let inner = builder.build().js_err(env)?;
    Ok(JsVerifier {
        inner: Arc::new(inner),
    })
}

/// `{ id: pem }`: the public keys (微信支付公钥) of a configuration.
fn public_keys(env: &Env, config: &Object<'_>) -> Result<Vec<(String, Zeroizing<Vec<u8>>)>> {
    let mut out = Vec::new();
    let Some(keys) = property(config, "publicKeys")? else {
        return Ok(out);
    };
    if keys.get_type()? != ValueType::Object || keys.is_array()? {
        return Err(config_error(
            env,
            "publicKeys must be an object { [publicKeyId]: pem }",
        ));
    }
    // SAFETY: the type was checked.
    let keys = unsafe { keys.cast::<Object>() }?;
    let ids = keys.get_property_names()?;
    for i in 0..ids.get_array_length()? {
        let id: String = ids.get_element(i)?;
        let pem: Unknown = keys.get_named_property(&id)?;
        out.push((id, key_bytes(env, &pem, "a public key")?));
    }
    Ok(out)
}

/// `certificates`: one PEM or an array of them (平台证书).
fn certificates(env: &Env, config: &Object<'_>) -> Result<Vec<Zeroizing<Vec<u8>>>> {
    let Some(certs) = property(config, "certificates")? else {
        return Ok(Vec::new());
    };
    if !certs.is_array()? {
        return Ok(vec![key_bytes(env, &certs, "a certificate")?]);
    }
    // SAFETY: checked to be an array.
    let certs = unsafe { certs.cast::<Object>() }?;
    (0..certs.get_array_length()?)
        .map(|i| key_bytes(env, &certs.get_element::<Unknown>(i)?, "a certificate"))
        .collect()
}

/// The APIv3 key of a configuration (required).
fn apiv3_key(env: &Env, config: &Object<'_>) -> Result<Zeroizing<Vec<u8>>> {
    let key = property(config, "apiv3Key")?
        .ok_or_else(|| config_error(env, "apiv3Key is required (the 32-character APIv3 key)"))?;
    key_bytes(env, &key, "apiv3Key")
}

/// The arguments of `parse` and its siblings, converted on the calling thread.
struct Request {
    headers: HeaderPairs,
    body: Vec<u8>,
    now: Option<i64>,
}

impl Request {
    fn read(
        env: &Env,
        headers: &Unknown<'_>,
        body: &Unknown<'_>,
        opts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let headers = headers::extract(env, headers)?;
        let body = convert::body(env, body, "body")?;
        let opts = options(env, opts, "options")?;
        let now = convert::now(env, opts.as_ref())?;
        Ok(Request { headers, body, now })
    }

    fn now(&self) -> i64 {
        self.now.unwrap_or_else(wechatpay_notify::unix_now)
    }
}

/// `parseAsync`'s work on libuv's thread pool: the request is owned (copied from the
/// caller's values), so the caller may reuse its buffers at once.
pub struct ParseTask {
    verifier: Arc<Verifier>,
    request: Request,
}

impl Task for ParseTask {
    type Output = std::result::Result<Notification, wechatpay_notify::Error>;
    type JsValue = JsNotification;

    fn compute(&mut self) -> Result<Self::Output> {
        let r = &self.request;
        Ok(self.verifier.parse_at(&r.headers, &r.body, r.now()))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<JsNotification> {
        output
            .map(JsNotification::new)
            .map_err(|e| to_js_error(&env, e))
    }
}

#[napi]
impl JsVerifier {
    /// A verifier for one merchant: its APIv3 key and WeChat Pay's public keys (微信支付公钥,
    /// `{ [publicKeyId]: pem }`) and/or platform certificates (平台证书). Throws `ConfigError`
    /// for a key that is not valid.
    #[napi(constructor, ts_args_type = "options: VerifierOptions")]
    pub fn new(env: &Env, options: Unknown<'_>) -> Result<Self> {
        let config = convert::options(env, Some(options), "options")?
            .ok_or_else(|| type_error(env, "new Verifier(options) needs an options object"))?;
        let mut builder = Verifier::builder().apiv3_key(apiv3_key(env, &config)?);
        for (id, pem) in public_keys(env, &config)? {
            builder = builder.public_key(id, pem);
        }
        for pem in certificates(env, &config)? {
            builder = builder.platform_certificate(pem);
        }
        configured(env, builder, Some(&config))
    }

    /// A verifier for several merchants behind one notify_url (`docs/merchants.md`): each
    /// callback is verified with the key its `Wechatpay-Serial` names and decrypted with the
    /// APIv3 key of that key's merchant; `Notification.mchid` says which.
    #[napi(
        factory,
        ts_args_type = "merchants: MerchantOptions[], options?: VerifierLimits"
    )]
    pub fn for_merchants(
        env: &Env,
        merchants: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Self> {
        if !merchants.is_array()? {
            return Err(type_error(env, "merchants must be an array"));
        }
        // SAFETY: checked to be an array.
        let merchants = unsafe { merchants.cast::<Object>() }?;
        let len = merchants.get_array_length()?;
        if len == 0 {
            return Err(config_error(
                env,
                "Verifier.forMerchants needs at least one merchant",
            ));
        }
        let mut builder = Verifier::builder();
        for i in 0..len {
            let item: Unknown = merchants.get_element(i)?;
            let config = convert::options(env, Some(item), "each merchant")?
                .ok_or_else(|| type_error(env, "each merchant must be an object"))?;
            let mchid = property(&config, "mchid")?
                .filter(|m| m.get_type().ok() == Some(ValueType::String))
                .ok_or_else(|| config_error(env, "each merchant needs its mchid (a string)"))?;
            // SAFETY: checked to be a string.
            let mchid = unsafe { mchid.cast::<String>() }?;
            let mut merchant = Merchant::new(mchid, apiv3_key(env, &config)?);
            for (id, pem) in public_keys(env, &config)? {
                merchant = merchant.public_key(id, pem);
            }
            for pem in certificates(env, &config)? {
                merchant = merchant.platform_certificate(pem);
            }
            builder = builder.merchant(merchant);
        }
        let limits = convert::options(env, options, "options")?;
        configured(env, builder, limits.as_ref())
    }

    /// Verifies and decrypts a callback (steps 0-15 of `docs/protocol.md`) on the calling
    /// thread. Throws a `NotificationError` subclass.
    #[napi(
        ts_args_type = "headers: HeadersInput, body: Uint8Array, options?: ParseOptions",
        ts_return_type = "Notification"
    )]
    pub fn parse(
        &self,
        env: &Env,
        headers: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<JsNotification> {
        let r = Request::read(env, &headers, &body, options)?;
        self.inner
            .parse_at(&r.headers, &r.body, r.now())
            .map(JsNotification::new)
            .js_err(env)
    }

    /// `parse` on libuv's thread pool: a promise of the notification, rejected with the same
    /// errors. Arguments of the wrong type throw at once.
    #[napi(
        ts_args_type = "headers: HeadersInput, body: Uint8Array, options?: ParseOptions",
        ts_return_type = "Promise<Notification>"
    )]
    pub fn parse_async(
        &self,
        env: &Env,
        headers: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<AsyncTask<ParseTask>> {
        let request = Request::read(env, &headers, &body, options)?;
        Ok(AsyncTask::new(ParseTask {
            verifier: Arc::clone(&self.inner),
            request,
        }))
    }

    /// Checks a callback's authenticity only (steps 0-10); the body is not decrypted.
    #[napi(ts_args_type = "headers: HeadersInput, body: Uint8Array, options?: ParseOptions")]
    pub fn verify(
        &self,
        env: &Env,
        headers: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<()> {
        let r = Request::read(env, &headers, &body, options)?;
        self.inner
            .verify_at(&r.headers, &r.body, r.now())
            .js_err(env)
    }

    /// Verifies the signature of a WeChat Pay API response (any body, including empty).
    #[napi(ts_args_type = "headers: HeadersInput, body: Uint8Array, options?: ParseOptions")]
    pub fn verify_response(
        &self,
        env: &Env,
        headers: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<()> {
        let r = Request::read(env, &headers, &body, options)?;
        self.inner
            .verify_response_at(&r.headers, &r.body, r.now())
            .js_err(env)
    }

    /// Runs every check of `docs/protocol.md` on a callback, continuing past failures, and
    /// returns them with the verdict `parse` gives (never throws for a refused callback).
    #[napi(ts_args_type = "headers: HeadersInput, body: Uint8Array, options?: ParseOptions")]
    pub fn diagnose(
        &self,
        env: &Env,
        headers: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Diagnosis> {
        let r = Request::read(env, &headers, &body, options)?;
        let d = self.inner.diagnose_at(&r.headers, &r.body, r.now());
        Ok(Diagnosis::new("v3", d.checks, d.verdict.err()).with_hints(&d.hints))
    }

    /// Decrypts a `GET /v3/certificates` response body with this verifier's APIv3 key.
    #[napi(ts_args_type = "body: Uint8Array | string")]
    pub fn decrypt_certificates(
        &self,
        env: &Env,
        body: Unknown<'_>,
    ) -> Result<Vec<DownloadedCertificate>> {
        let body = convert::bytes_or_text(env, &body, "body")?;
        let certs = self.inner.decrypt_certificates(&body).js_err(env)?;
        Ok(certs.into_iter().map(DownloadedCertificate::from).collect())
    }

    /// The merchant ids of a verifier for several merchants, in configuration order (empty
    /// for a single-merchant verifier).
    #[napi(getter)]
    pub fn mchids(&self) -> Vec<String> {
        self.inner.mchids().map(str::to_owned).collect()
    }

    /// The configured public-key ids and certificate serials, in configuration order.
    #[napi(getter)]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner.key_ids().map(str::to_owned).collect()
    }

    /// The largest accepted clock difference, in seconds.
    #[napi(getter)]
    pub fn max_clock_skew(&self) -> i64 {
        self.inner.max_clock_skew()
    }

    /// The largest accepted body, in bytes.
    #[napi(getter)]
    pub fn max_body_size(&self) -> f64 {
        self.inner.max_body_size() as f64
    }
}
