//! `Kit` of `wechatpay-notify/testing`: the core's testing kit (`wechatpay_notify::testing`),
//! a throwaway WeChat Pay whose callbacks a handler under test accepts.
//!
//! Everything that signs or encrypts is the core's; this class converts JavaScript arguments
//! (the resource and overrides as JSON values, APIv2 fields as text) and gives back
//! `{ headers, body }`.

use std::collections::HashMap;

use napi::bindgen_prelude::*;
use napi::ValueType;
use napi_derive::napi;
use serde_json::Value;
use wechatpay_notify::testing::{Failure, Kit};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::EventKind;

use crate::convert::{options, property};
use crate::errors::{type_error, IntoJsResult};
use crate::v2::JsV2Verifier;
use crate::verifier::{configured, JsVerifier};

/// A callback as WeChat Pay would POST it.
#[napi(object, object_from_js = false)]
pub struct Callback {
    /// The `Wechatpay-*` headers and `Content-Type`, under their canonical names.
    pub headers: HashMap<String, String>,
    /// The raw body.
    pub body: Buffer,
}

/// The configuration of one merchant, for `Verifier.forMerchants`, made by `kit.merchant()`.
#[napi(object, object_from_js = false)]
pub struct KitMerchant {
    /// The merchant id.
    pub mchid: String,
    /// The kit's TEST APIv3 key.
    pub apiv3_key: String,
    /// The kit's TEST public key under its id (a public-key kit).
    pub public_keys: Option<HashMap<String, String>>,
    /// The kit's TEST platform certificate (a certificate kit).
    pub certificates: Option<Vec<String>>,
}

/// A throwaway WeChat Pay for tests: an RSA-2048 TEST key pair made for this kit (under a
/// `PUB_KEY_ID_` id, or with a self-signed TEST platform certificate), a TEST APIv3 key and a
/// TEST APIv2 key. None of them is WeChat Pay's; they exist only in this process.
#[napi(js_name = "Kit")]
pub struct JsKit {
    inner: Kit,
}

/// A kind of the catalog by name, or `"unknown"`.
fn kind_of(env: &Env, name: &str) -> Result<EventKind> {
    EventKind::from_name(name).ok_or_else(|| {
        let kinds: Vec<&str> = EventKind::ALL
            .iter()
            .map(|k| k.as_str())
            .chain(["unknown"])
            .collect();
        type_error(
            env,
            &format!("unknown kind {name:?}: one of {}", kinds.join(", ")),
        )
    })
}

/// How deeply a resource given to the kit may nest (the verifier refuses deeper JSON).
const MAX_DEPTH: usize = 128;

/// A JSON value given to the kit (a resource or overrides). Numbers keep their exact value:
/// whole numbers of 64 bits as integers, others as the double they are.
fn json(env: &Env, value: &Unknown<'_>, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(type_error(
            env,
            &format!("the resource nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    // SAFETY (each cast): the value's type was checked first.
    Ok(match value.get_type()? {
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(unsafe { value.cast::<bool>() }?),
        ValueType::String => Value::String(unsafe { value.cast::<String>() }?),
        ValueType::Number => {
            let n: f64 = unsafe { value.cast() }?;
            if n.fract() == 0.0 && n.abs() < 9.2e18 {
                // A whole number that fits: written without a fraction, as JSON.stringify does.
                Value::from(n as i64)
            } else {
                serde_json::Number::from_f64(n).map(Value::Number).ok_or_else(|| {
                    type_error(env, "the kit's resources hold finite numbers only (JSON has no NaN)")
                })?
            }
        }
        ValueType::Object if value.is_array()? => {
            let array = unsafe { value.cast::<Object>() }?;
            let items = (0..array.get_array_length()?)
                .map(|i| json(env, &array.get_element::<Unknown>(i)?, depth + 1))
                .collect::<Result<Vec<_>>>()?;
            Value::Array(items)
        }
        ValueType::Object => {
            let object = unsafe { value.cast::<Object>() }?;
            let names = object.get_property_names()?;
            let mut map = serde_json::Map::new();
            for i in 0..names.get_array_length()? {
                let name: String = names.get_element(i)?;
                let item: Unknown = object.get_named_property(&name)?;
                if item.get_type()? != ValueType::Undefined {
                    map.insert(name, json(env, &item, depth + 1)?);
                }
            }
            Value::Object(map)
        }
        other => {
            return Err(type_error(
                env,
                &format!("a resource holds JSON values (object, array, string, number, boolean, null), not {other}"),
            ))
        }
    })
}

/// A text option, if present.
fn text(env: &Env, object: &Object<'_>, name: &str) -> Result<Option<String>> {
    match property(object, name)? {
        None => Ok(None),
        Some(v) if v.get_type()? == ValueType::String => Ok(Some(unsafe { v.cast::<String>() }?)),
        Some(_) => Err(type_error(env, &format!("{name} must be a string"))),
    }
}

/// The APIv2 fields of an object: strings or whole numbers; `null` (or `undefined`) marks a
/// field to remove.
fn v2_fields(env: &Env, value: Option<Unknown<'_>>) -> Result<Vec<(String, Option<String>)>> {
    let Some(object) = options(env, value, "fields")? else {
        return Ok(Vec::new());
    };
    let names = object.get_property_names()?;
    let mut out = Vec::new();
    for i in 0..names.get_array_length()? {
        let name: String = names.get_element(i)?;
        let value: Unknown = object.get_named_property(&name)?;
        let value = match value.get_type()? {
            ValueType::Null | ValueType::Undefined => None,
            ValueType::String => Some(unsafe { value.cast::<String>() }?),
            ValueType::Number => {
                let n: f64 = unsafe { value.cast() }?;
                if n.fract() != 0.0 || !n.is_finite() {
                    return Err(type_error(
                        env,
                        &format!("field {name} must be a whole number"),
                    ));
                }
                Some(format!("{n:.0}"))
            }
            _ => {
                return Err(type_error(
                    env,
                    &format!("field {name} must be a string or a number"),
                ))
            }
        };
        out.push((name, value));
    }
    Ok(out)
}

#[napi]
impl JsKit {
    /// A kit with freshly generated TEST keys (~0.1 s); `{ certificate: true }` signs under a
    /// self-signed TEST platform certificate instead of a public-key id.
    #[napi(constructor, ts_args_type = "options?: { certificate?: boolean }")]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let certificate = match self::options(env, options, "options")? {
            Some(o) => match property(&o, "certificate")? {
                Some(v) if v.get_type()? == ValueType::Boolean => unsafe { v.cast::<bool>() }?,
                Some(_) => return Err(type_error(env, "options.certificate must be a boolean")),
                None => false,
            },
            None => false,
        };
        let inner = if certificate {
            Kit::with_certificate()
        } else {
            Kit::new()
        }
        .js_err(env)?;
        Ok(JsKit { inner })
    }

    /// The `Wechatpay-Serial` the kit signs under: a `PUB_KEY_ID_` id of a TEST public key, or
    /// the serial of the kit's self-signed TEST certificate.
    #[napi(getter)]
    pub fn key_id(&self) -> &str {
        self.inner.key_id()
    }

    /// The kit's TEST public key (SubjectPublicKeyInfo PEM, the form of a 微信支付公钥 file).
    #[napi(getter)]
    pub fn public_key_pem(&self) -> &str {
        self.inner.key().public_key_pem()
    }

    /// The kit's self-signed TEST platform certificate (PEM) for `{ certificate: true }`;
    /// `null` for a public-key kit.
    #[napi(getter, ts_return_type = "string | null")]
    pub fn certificate_pem(&self) -> Option<&str> {
        self.inner.key().certificate_pem()
    }

    /// The kit's TEST APIv3 key (32 random characters, made for this kit).
    #[napi(getter)]
    pub fn apiv3_key(&self) -> &str {
        self.inner.apiv3_key()
    }

    /// The kit's TEST APIv2 key (32 random characters, made for this kit).
    #[napi(getter)]
    pub fn v2_key(&self) -> &str {
        self.inner.v2_key()
    }

    /// The `Verifier` a handler accepting this kit's callbacks is configured with.
    #[napi(ts_args_type = "options?: VerifierLimits")]
    pub fn verifier(&self, env: &Env, options: Option<Unknown<'_>>) -> Result<JsVerifier> {
        let limits = self::options(env, options, "options")?;
        configured(env, self.inner.verifier_builder(), limits.as_ref())
    }

    /// This kit as merchant `mchid` of `Verifier.forMerchants`: its TEST APIv3 key and its
    /// public key (or certificate). The kit's callbacks name `mchid` from then on.
    #[napi]
    pub fn merchant(&self, mchid: String) -> KitMerchant {
        self.inner.set_mchid(&mchid);
        let key = self.inner.key();
        KitMerchant {
            apiv3_key: self.inner.apiv3_key().to_owned(),
            public_keys: key.certificate_pem().is_none().then(|| {
                HashMap::from([(key.key_id().to_owned(), key.public_key_pem().to_owned())])
            }),
            certificates: key.certificate_pem().map(|pem| vec![pem.to_owned()]),
            mchid,
        }
    }

    /// Another merchant's kit served by the same TEST platform key: the same `keyId` and
    /// public key (or certificate), a fresh TEST APIv3 key and APIv2 key.
    #[napi]
    pub fn sharing_key(&self) -> JsKit {
        JsKit {
            inner: self.inner.sharing_key(),
        }
    }

    /// The `V2Verifier` of the kit's APIv2 key.
    #[napi]
    pub fn v2_verifier(&self, env: &Env) -> Result<JsV2Verifier> {
        self.inner.v2_verifier().js_err(env).map(JsV2Verifier::from)
    }

    /// A callback of `kind` (default `"transaction"`) as WeChat Pay sends it, signed now and
    /// its resource encrypted with the kit's APIv3 key. `overrides` are merged into the
    /// kind's sample resource, nested objects key by key. `options`: `resource` (replaces the
    /// sample), `eventType`, `id`, `timestamp` (Unix seconds), `failure` (a name of
    /// `FAILURES`: the callback is then refused with that failure's code).
    #[napi(
        ts_args_type = "kind?: events.Kind, overrides?: Record<string, unknown>, options?: NotificationOptions"
    )]
    pub fn notification(
        &self,
        env: &Env,
        kind: Option<String>,
        overrides: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> Result<Callback> {
        let kind = kind_of(env, kind.as_deref().unwrap_or("transaction"))?;
        let mut builder = self.inner.notification(kind);
        let options = self::options(env, options, "options")?;
        // A resource given in the options replaces the sample; the overrides merge into
        // whichever it is.
        if let Some(resource) = options
            .as_ref()
            .map(|o| property(o, "resource"))
            .transpose()?
            .flatten()
        {
            builder = builder.resource(json(env, &resource, 0)?);
        }
        if let Some(overrides) = overrides
            .filter(|o| !matches!(o.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
        {
            match json(env, &overrides, 0)? {
                Value::Object(map) if map.is_empty() => {}
                overrides => builder = builder.merge(overrides),
            }
        }
        if let Some(o) = options {
            if let Some(event_type) = text(env, &o, "eventType")? {
                builder = builder.event_type(&event_type);
            }
            if let Some(id) = text(env, &o, "id")? {
                builder = builder.id(&id);
            }
            if let Some(t) = property(&o, "timestamp")? {
                let secs: f64 = if t.get_type()? == ValueType::Number {
                    unsafe { t.cast() }?
                } else {
                    f64::NAN
                };
                if !secs.is_finite() || secs.fract() != 0.0 {
                    return Err(type_error(env, "timestamp must be whole Unix seconds"));
                }
                builder = builder.timestamp(secs as i64);
            }
            if let Some(name) = text(env, &o, "failure")? {
                let failure = Failure::from_name(&name).ok_or_else(|| {
                    type_error(env, &format!("unknown failure {name:?}: see FAILURES"))
                })?;
                builder = builder.failure(failure);
            }
        }
        let callback = builder.build().js_err(env)?;
        Ok(Callback {
            headers: callback.headers.into_iter().collect(),
            body: callback.body.into(),
        })
    }

    /// A signed APIv2 payment result: `fields` set (or, `null`, removed) before signing;
    /// `options.signType` `"MD5"` (default) or `"HMAC-SHA256"`.
    #[napi(
        ts_args_type = "fields?: Record<string, string | number | null>, options?: { signType?: 'MD5' | 'HMAC-SHA256' }"
    )]
    pub fn v2_payment(
        &self,
        env: &Env,
        fields: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        let sign_type = match self::options(env, options, "options")? {
            Some(o) => text(env, &o, "signType")?,
            None => None,
        };
        let sign_type = match sign_type.as_deref() {
            None | Some("MD5") => SignType::Md5,
            Some("HMAC-SHA256") => SignType::HmacSha256,
            Some(other) => {
                return Err(type_error(
                    env,
                    &format!("signType must be \"MD5\" or \"HMAC-SHA256\", not {other:?}"),
                ))
            }
        };
        let mut builder = self.inner.v2_payment().sign_type(sign_type);
        for (name, value) in v2_fields(env, fields)? {
            builder = match value {
                Some(value) => builder.set(&name, &value),
                None => builder.remove(&name),
            };
        }
        Ok(builder.build().js_err(env)?.into())
    }

    /// An APIv2 refund result whose `req_info` (with `reqInfo` fields set) is encrypted with
    /// the kit's APIv2 key.
    #[napi(ts_args_type = "reqInfo?: Record<string, string | number>")]
    pub fn v2_refund(&self, env: &Env, req_info: Option<Unknown<'_>>) -> Result<Buffer> {
        let mut builder = self.inner.v2_refund();
        for (name, value) in v2_fields(env, req_info)? {
            let value = value.ok_or_else(|| {
                type_error(
                    env,
                    &format!("req_info field {name} must be a string or a number"),
                )
            })?;
            builder = builder.set_req_info(&name, &value);
        }
        Ok(builder.build().js_err(env)?.into())
    }
}
