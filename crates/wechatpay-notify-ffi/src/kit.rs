//! The testing kit at the C boundary (`docs/testing.md`): signed test callbacks with throwaway
//! test keys, for the tests of a C program and for the Go and Java kits.

use serde_json::Value;
use wechatpay_notify::testing::{Callback, Failure, Kit};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::{Error, ErrorCode, EventKind};
use zeroize::Zeroizing;

use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, into_handle, out_arg};
use crate::resource::wpn_buffer;
use crate::result::wpn_result;
use crate::strings::{put, wpn_slice, wpn_str, Empty};
use crate::v2::wpn_field;
use crate::verifier::{resolve_now, wpn_verifier, WPN_SYSTEM_CLOCK};

/// A throwaway WeChat Pay: an RSA-2048 **test** key (under a `PUB_KEY_ID_` id, or with a
/// self-signed platform certificate), a test APIv3 key and a test APIv2 key, generated for it.
/// Made by `wpn_kit_new()`, freed with `wpn_kit_free()` (which wipes the keys). Immutable and
/// thread-safe.
pub struct wpn_kit {
    inner: Kit,
}

/// What a kit is: the values a handler under test is configured with. Filled by
/// `wpn_kit_describe()`; the strings borrow from the kit.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_kit_info {
    /// The `Wechatpay-Serial` the kit signs under: a `PUB_KEY_ID_` id or a certificate serial.
    pub key_id: wpn_str,
    /// The test public key, SubjectPublicKeyInfo PEM.
    pub public_key_pem: wpn_str,
    /// The self-signed test platform certificate (PEM); `{NULL, 0}` for a public-key kit.
    pub certificate_pem: wpn_str,
    /// The test APIv3 key, 32 characters.
    pub apiv3_key: wpn_str,
    /// The test APIv2 key, 32 characters.
    pub v2_key: wpn_str,
}

impl Empty for wpn_kit_info {
    const EMPTY: Self = wpn_kit_info {
        key_id: wpn_str::NONE,
        public_key_pem: wpn_str::NONE,
        certificate_pem: wpn_str::NONE,
        apiv3_key: wpn_str::NONE,
        v2_key: wpn_str::NONE,
    };
}

/// What to build with `wpn_kit_notification()`. Every string is optional: `{NULL, 0}` keeps
/// the default.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_kit_request {
    /// A kind of the event catalog (`docs/events.md`), whose sample resource is the default;
    /// `{NULL, 0}` for a custom callback (give `event_type` and `resource_json`).
    pub kind: wpn_str,
    /// The envelope's `event_type` (default: the kind's first documented one).
    pub event_type: wpn_str,
    /// `resource.original_type` of a custom callback (a kind has its own).
    pub original_type: wpn_str,
    /// JSON that replaces the whole resource.
    pub resource_json: wpn_str,
    /// A JSON object merged into the resource (objects key by key), e.g.
    /// `{"amount":{"total":500}}`.
    pub merge_json: wpn_str,
    /// The notification `id` (default: a fresh `EV-...`).
    pub id: wpn_str,
    /// The `Wechatpay-Timestamp`, Unix seconds, or `WPN_SYSTEM_CLOCK`.
    pub timestamp: i64,
    /// A failure to build in, by name (`docs/testing.md`): `"probe"`, `"tampered_body"`,
    /// `"stale_timestamp"`, `"future_timestamp"`, `"other_apiv3_key"`, `"unknown_serial"`,
    /// `"xml_body"`, `"reserialized"`; `{NULL, 0}` for none.
    pub failure: wpn_str,
}

/// A test callback: headers and body as WeChat Pay would POST them. Made by
/// `wpn_kit_notification()`, freed with `wpn_callback_free()`.
pub struct wpn_callback {
    headers: Vec<wpn_field>,
    inner: Callback,
}

/// The contents of a test callback, filled by `wpn_callback_contents()`; everything borrows
/// from the callback.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_callback_parts {
    /// The request headers (`Wechatpay-*`, `Content-Type`): `headers_len` name/value pairs.
    pub headers: *const wpn_field,
    /// The number of headers.
    pub headers_len: usize,
    /// The raw body.
    pub body: wpn_slice,
    /// The notification `id` in the body.
    pub id: wpn_str,
}

impl Empty for wpn_callback_parts {
    const EMPTY: Self = wpn_callback_parts {
        headers: std::ptr::null(),
        headers_len: 0,
        body: wpn_slice::NONE,
        id: wpn_str::NONE,
    };
}

/// An optional string argument: `None` for `{NULL, 0}`.
unsafe fn opt_str<'a>(s: &wpn_str, what: &'static str) -> Result<Option<&'a str>, wpn_error> {
    // {NULL, 0} is absent; NULL with a length is WPN_NULL_ARGUMENT, as for every input.
    if s.data.is_null() && s.len == 0 {
        return Ok(None);
    }
    let bytes = crate::strings::bytes_arg(s.data.cast(), s.len, what)?;
    Ok(Some(crate::strings::utf8_arg(
        bytes,
        what,
        ErrorCode::ConfigInvalid,
    )?))
}

fn json_arg(text: &str, what: &str) -> Result<Value, wpn_error> {
    serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorCode::ConfigInvalid,
            format!(
                "{what} is not JSON ({:?} error at column {})",
                e.classify(),
                e.column()
            ),
        )
        .into()
    })
}

/// Makes a kit with a fresh RSA-2048 test key, under a `PUB_KEY_ID_` id, or, when
/// `certificate` is true, with a self-signed platform certificate valid from a day ago for
/// five years. On success `*kit_out` is a new kit the caller frees with `wpn_kit_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_new(
    certificate: bool,
    kit_out: *mut *mut wpn_kit,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(kit_out, "kit_out")?;
        let inner = if certificate {
            Kit::with_certificate()?
        } else {
            Kit::new()?
        };
        *out = into_handle(wpn_kit { inner });
        Ok(())
    })
}

/// Fills `*info_out` with the kit's key id, public key, certificate and test keys. Returns
/// false (writing `{NULL, 0}` strings) if `kit` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_describe(
    kit: *const wpn_kit,
    info_out: *mut wpn_kit_info,
) -> bool {
    put(info_out, || {
        kit.as_ref().map(|k| {
            let kit = &k.inner;
            wpn_kit_info {
                key_id: wpn_str::of(kit.key_id()),
                public_key_pem: wpn_str::of(kit.key().public_key_pem()),
                certificate_pem: kit
                    .key()
                    .certificate_pem()
                    .map_or(wpn_str::NONE, wpn_str::of),
                apiv3_key: wpn_str::of(kit.apiv3_key()),
                v2_key: wpn_str::of(kit.v2_key()),
            }
        })
    })
}

/// Makes the kit's catalog callbacks name merchant `mchid` (UTF-8, `mchid_len` bytes) from now
/// on: their resource's `sp_mchid`, `combine_mchid` or `mchid`, whichever the kind's sample has.
/// Call it when configuring the kit as one merchant of a verifier for several
/// (`wpn_verifier_builder_merchant`), which checks that the resource names its merchant
/// (`docs/merchants.md`). `WPN_CONFIG_INVALID` for an mchid that is not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_set_mchid(
    kit: *const wpn_kit,
    mchid: *const u8,
    mchid_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let kit = arg(kit, "kit")?;
        let mchid = crate::strings::utf8_arg(
            crate::strings::bytes_arg(mchid, mchid_len, "mchid")?,
            "mchid",
            ErrorCode::ConfigInvalid,
        )?;
        kit.inner.set_mchid(mchid);
        Ok(())
    })
}

/// A new verifier configured to accept the kit's callbacks (as a handler configured with the
/// kit's keys would be). The caller frees it with `wpn_verifier_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_verifier(
    kit: *const wpn_kit,
    verifier_out: *mut *mut wpn_verifier,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(verifier_out, "verifier_out")?;
        let kit = arg(kit, "kit")?;
        *out = into_handle(wpn_verifier {
            inner: kit.inner.verifier()?,
        });
        Ok(())
    })
}

/// Builds a test callback signed and encrypted as WeChat Pay does (`request` says what; see
/// `wpn_kit_request`). `WPN_CONFIG_INVALID` for an unknown kind or failure name, or JSON that
/// does not parse. On success `*callback_out` is a new callback the caller frees with
/// `wpn_callback_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_notification(
    kit: *const wpn_kit,
    request: *const wpn_kit_request,
    callback_out: *mut *mut wpn_callback,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(callback_out, "callback_out")?;
        let kit = &arg(kit, "kit")?.inner;
        let r = arg(request, "request")?;
        let config = |m: String| -> wpn_error { Error::new(ErrorCode::ConfigInvalid, m).into() };
        // Every field is read, whichever are used: a bad one is refused in any request.
        let event_type = opt_str(&r.event_type, "event_type")?;
        let original_type = opt_str(&r.original_type, "original_type")?;
        let mut builder = match opt_str(&r.kind, "kind")? {
            Some(name) => {
                let kind = EventKind::from_name(name)
                    .ok_or_else(|| config(format!("no catalog kind is called {name:?}")))?;
                kit.notification(kind)
            }
            None => {
                let event_type = event_type
                    .ok_or_else(|| config("a custom callback needs an event_type".into()))?;
                kit.custom(event_type, original_type, Value::Object(Default::default()))
            }
        };
        if let Some(event_type) = event_type {
            builder = builder.event_type(event_type);
        }
        if let Some(text) = opt_str(&r.resource_json, "resource_json")? {
            builder = builder.resource(json_arg(text, "resource_json")?);
        }
        if let Some(text) = opt_str(&r.merge_json, "merge_json")? {
            builder = builder.merge(json_arg(text, "merge_json")?);
        }
        if let Some(id) = opt_str(&r.id, "id")? {
            builder = builder.id(id);
        }
        if r.timestamp != WPN_SYSTEM_CLOCK {
            builder = builder.timestamp(resolve_now(r.timestamp));
        }
        if let Some(name) = opt_str(&r.failure, "failure")? {
            let failure = Failure::from_name(name)
                .ok_or_else(|| config(format!("no kit failure is called {name:?}")))?;
            builder = builder.failure(failure);
        }
        let inner = builder.build()?;
        let headers = inner
            .headers
            .iter()
            .map(|(name, value)| wpn_field {
                name: wpn_str::of(name),
                value: wpn_str::of(value),
            })
            .collect();
        *out = into_handle(wpn_callback { headers, inner });
        Ok(())
    })
}

/// Fills `*parts_out` with the callback's headers, body and id. Returns false (writing NULLs)
/// if `callback` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_callback_contents(
    callback: *const wpn_callback,
    parts_out: *mut wpn_callback_parts,
) -> bool {
    put(parts_out, || {
        callback.as_ref().map(|c| wpn_callback_parts {
            headers: c.headers.as_ptr(),
            headers_len: c.headers.len(),
            body: wpn_slice::of(&c.inner.body),
            id: wpn_str::of(&c.inner.id),
        })
    })
}

/// Frees a test callback. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_callback_free(callback: *mut wpn_callback) {
    free_handle(callback)
}

/// An APIv2 test callback as XML: a payment result signed with the kit's APIv2 key (MD5, or
/// HMAC-SHA256 when `hmac_sha256`), or with `refund` a refund result whose `req_info` is
/// encrypted with it. `fields_json` (optional, `{NULL, 0}`) is a JSON object of strings set
/// into the payment's fields, or into the refund's `req_info`. On success `*xml_out` is a new
/// buffer the caller frees with `wpn_buffer_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_v2_callback(
    kit: *const wpn_kit,
    refund: bool,
    hmac_sha256: bool,
    fields_json: wpn_str,
    xml_out: *mut *mut wpn_buffer,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(xml_out, "xml_out")?;
        let kit = &arg(kit, "kit")?.inner;
        let fields: Vec<(String, String)> = match opt_str(&fields_json, "fields_json")? {
            None => Vec::new(),
            Some(text) => match json_arg(text, "fields_json")? {
                Value::Object(map) => map
                    .into_iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => Ok((k, s)),
                        other => Ok((k, other.to_string())),
                    })
                    .collect::<Result<_, wpn_error>>()?,
                _ => {
                    return Err(Error::new(
                        ErrorCode::ConfigInvalid,
                        "fields_json must be a JSON object",
                    )
                    .into())
                }
            },
        };
        let xml = if refund {
            let mut b = kit.v2_refund();
            for (k, v) in &fields {
                b = b.set_req_info(k, v);
            }
            b.build()?
        } else {
            let mut b = kit.v2_payment();
            if hmac_sha256 {
                b = b.sign_type(SignType::HmacSha256);
            }
            for (k, v) in &fields {
                b = b.set(k, v);
            }
            b.build()?
        };
        *out = into_handle(wpn_buffer::new(Zeroizing::new(xml)));
        Ok(())
    })
}

/// Frees a kit, wiping its keys. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_kit_free(kit: *mut wpn_kit) {
    free_handle(kit)
}
