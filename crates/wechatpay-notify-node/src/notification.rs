//! `Notification`: a verified, decrypted APIv3 notification.

use std::sync::OnceLock;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use wechatpay_notify::events::{check_event_into, ModelSink};
use wechatpay_notify::{Event, EventKind, Notification};

use crate::errors::IntoJsResult;

/// A verified, decrypted notification. Immutable; made by `Verifier.parse` and `parseAsync`
/// only. `resource` and the typed accessors (`transaction()`, ...) build a new object on each
/// call: keep the result in a variable.
#[napi(js_name = "Notification")]
pub struct JsNotification {
    inner: Notification,
    /// The catalog kind, decided on first use.
    kind: OnceLock<EventKind>,
}

/// Converts the model the core checked into a JavaScript object (its JSON field names; absent
/// optional fields left out): written as JSON by serde and read by V8's `JSON.parse`, which
/// builds the object far faster than one N-API call per field would.
struct Build<'a>(&'a Env);

impl<'a> ModelSink for Build<'a> {
    type Output = Result<Unknown<'a>>;

    fn take<T: Event>(self, model: &T) -> wechatpay_notify::Result<Self::Output> {
        Ok(serde_json::to_string(model)
            .map_err(|e| Error::from_reason(e.to_string()))
            .and_then(|text| json_parse(self.0, &text)))
    }
}

/// `JSON.parse(text)`.
fn json_parse<'env>(env: &'env Env, text: &str) -> Result<Unknown<'env>> {
    let parse: Function<&str, Unknown<'env>> = env
        .get_global()?
        .get_named_property_unchecked::<Object>("JSON")?
        .get_named_property("parse")?;
    parse.call(text)
}

impl JsNotification {
    /// Wraps a core notification.
    pub(crate) fn new(inner: Notification) -> Self {
        JsNotification {
            inner,
            kind: OnceLock::new(),
        }
    }

    fn event_kind(&self) -> EventKind {
        *self.kind.get_or_init(|| self.inner.kind())
    }

    /// The typed resource of `wanted` (the generated accessors in `events.rs` call it): the
    /// core checks the kind and decodes the model, which becomes a plain object.
    pub(crate) fn event<'env>(&self, env: &'env Env, wanted: EventKind) -> Result<Unknown<'env>> {
        let n = &self.inner;
        check_event_into(
            wanted,
            self.event_kind(),
            n.event_type(),
            n.plaintext(),
            Build(env),
        )
        .js_err(env)?
    }
}

#[napi]
impl JsNotification {
    /// The notification id: unique per event, the key for idempotent handling.
    #[napi(getter)]
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// `create_time`, as sent (RFC 3339, +08:00).
    #[napi(getter)]
    pub fn create_time(&self) -> &str {
        self.inner.create_time()
    }

    /// `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`.
    #[napi(getter)]
    pub fn event_type(&self) -> &str {
        self.inner.event_type()
    }

    /// `resource_type`, normally `encrypt-resource`.
    #[napi(getter)]
    pub fn resource_type(&self) -> &str {
        self.inner.resource_type()
    }

    /// `summary`, e.g. `支付成功`.
    #[napi(getter)]
    pub fn summary(&self) -> &str {
        self.inner.summary()
    }

    /// `resource.original_type`, e.g. `transaction` or `refund`.
    #[napi(getter)]
    pub fn original_type(&self) -> &str {
        self.inner.original_type()
    }

    /// The `Wechatpay-Serial` (public-key id or certificate serial) that verified it.
    #[napi(getter)]
    pub fn serial(&self) -> &str {
        self.inner.serial()
    }

    /// The merchant (mchid) the notification was for, with a verifier of several merchants
    /// (`Verifier.forMerchants`); `null` for a single-merchant verifier.
    #[napi(getter, ts_return_type = "string | null")]
    pub fn mchid(&self) -> Option<&str> {
        self.inner.mchid()
    }

    /// The verified `Wechatpay-Timestamp`, Unix seconds.
    #[napi(getter)]
    pub fn timestamp(&self) -> i64 {
        self.inner.timestamp()
    }

    /// The catalog kind (`docs/events.md`): `"transaction"`, `"refund"`, ..., or `"unknown"`
    /// for a callback the catalog does not describe (not an error).
    #[napi(getter, ts_return_type = "events.Kind")]
    pub fn kind(&self) -> &'static str {
        self.event_kind().as_str()
    }

    /// The decrypted resource: UTF-8 JSON bytes, a new `Buffer` on each access.
    #[napi(getter)]
    pub fn plaintext(&self) -> Buffer {
        Buffer::from(self.inner.plaintext().as_bytes())
    }

    /// The decrypted resource as a plain object (`JSON.parse` of the plaintext), with WeChat
    /// Pay's field names; a new object on each access.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn resource<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        json_parse(env, self.inner.plaintext())
    }
}
