//! APIv2 (XML) notifications: signed payment results and encrypted refund results.

use std::collections::BTreeMap;

use wechatpay_notify::v2::V2Verifier;

use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_str, Empty};

/// An APIv2 verifier: the APIv2 key (API密钥). Made by `wpn_v2_verifier_new()`, freed with
/// `wpn_v2_verifier_free()` (which wipes the key). Immutable and thread-safe: it may be shared
/// by any number of threads at once.
pub struct wpn_v2_verifier {
    pub(crate) inner: V2Verifier,
}

/// The fields of an APIv2 notification: name/value pairs sorted by name (byte order), values
/// as strings. Owned by the caller when returned by `wpn_v2_verifier_parse_payment()` (free
/// with `wpn_v2_fields_free()`); **borrowed** when returned by `wpn_v2_refund_fields()` or
/// `wpn_v2_refund_req_info()`. Every string read from it is valid until its owner is freed.
/// Immutable.
pub struct wpn_v2_fields {
    pairs: Vec<(String, String)>,
}

impl wpn_v2_fields {
    fn new(map: BTreeMap<String, String>) -> Self {
        wpn_v2_fields {
            pairs: map.into_iter().collect(),
        }
    }
}

/// A decrypted APIv2 refund notification: its outer fields, and `req_info` decrypted. Owned
/// by the caller, freed with `wpn_v2_refund_free()`. Immutable.
pub struct wpn_v2_refund {
    fields: wpn_v2_fields,
    req_info: wpn_v2_fields,
}

/// One field, as written by `wpn_v2_fields_get()`; both strings borrow from the fields.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_field {
    /// The field name, e.g. `out_trade_no`.
    pub name: wpn_str,
    /// The field value (may be empty).
    pub value: wpn_str,
}

impl Empty for wpn_field {
    const EMPTY: Self = wpn_field {
        name: wpn_str::NONE,
        value: wpn_str::NONE,
    };
}

/// Builds an APIv2 verifier from the APIv2 key (`key_len` must be 32, else
/// `WPN_CONFIG_INVALID`), accepting bodies up to `max_body_size` bytes (0 means
/// `WPN_V2_DEFAULT_MAX_BODY_SIZE`). On success `*verifier_out` is a new verifier the caller
/// frees with `wpn_v2_verifier_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_verifier_new(
    key: *const u8,
    key_len: usize,
    max_body_size: usize,
    verifier_out: *mut *mut wpn_v2_verifier,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(verifier_out, "verifier_out")?;
        let key = bytes_arg(key, key_len, "key")?;
        let mut inner = V2Verifier::new(key)?;
        if max_body_size != 0 {
            inner = inner.with_max_body_size(max_body_size);
        }
        *out = into_handle(wpn_v2_verifier { inner });
        Ok(())
    })
}

/// Verifies an APIv2 payment result notification (the raw XML body) and returns all its
/// fields, `sign` included. Errors, in order: `WPN_BODY_TOO_LARGE`, `WPN_WRONG_FORMAT` (JSON),
/// `WPN_MALFORMED_BODY`, `WPN_RETURN_FAIL`, `WPN_MISSING_FIELD` (no `sign`),
/// `WPN_UNSUPPORTED_SIGNATURE_TYPE`, `WPN_MALFORMED_SIGNATURE`, `WPN_SIGNATURE_MISMATCH`. On
/// success `*fields_out` is new fields the caller frees with `wpn_v2_fields_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_verifier_parse_payment(
    verifier: *const wpn_v2_verifier,
    xml: *const u8,
    xml_len: usize,
    fields_out: *mut *mut wpn_v2_fields,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(fields_out, "fields_out")?;
        let verifier = arg(verifier, "verifier")?;
        let xml = bytes_arg(xml, xml_len, "xml")?;
        *out = into_handle(wpn_v2_fields::new(verifier.inner.parse_payment(xml)?));
        Ok(())
    })
}

/// Decrypts an APIv2 refund result notification (the raw XML body): its outer fields and its
/// `req_info`, decrypted with the MD5 of the APIv2 key (`WPN_DECRYPT_FAILED` when that fails).
/// On success `*refund_out` is a new refund the caller frees with `wpn_v2_refund_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_verifier_parse_refund(
    verifier: *const wpn_v2_verifier,
    xml: *const u8,
    xml_len: usize,
    refund_out: *mut *mut wpn_v2_refund,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(refund_out, "refund_out")?;
        let verifier = arg(verifier, "verifier")?;
        let xml = bytes_arg(xml, xml_len, "xml")?;
        let refund = verifier.inner.parse_refund(xml)?;
        *out = into_handle(wpn_v2_refund {
            fields: wpn_v2_fields::new(refund.fields),
            req_info: wpn_v2_fields::new(refund.req_info),
        });
        Ok(())
    })
}

/// Frees an APIv2 verifier, wiping its key. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_verifier_free(verifier: *mut wpn_v2_verifier) {
    free_handle(verifier)
}

/// The number of fields; 0 if `fields` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_fields_len(fields: *const wpn_v2_fields) -> usize {
    fields.as_ref().map_or(0, |f| f.pairs.len())
}

/// Writes field `index` (fields are sorted by name) to `*field_out`; its strings borrow from
/// the fields. Returns false, writing `{NULL, 0}` strings, if `fields` is NULL or `index` is
/// out of range.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_fields_get(
    fields: *const wpn_v2_fields,
    index: usize,
    field_out: *mut wpn_field,
) -> bool {
    put(field_out, || {
        let (name, value) = fields.as_ref()?.pairs.get(index)?;
        Some(wpn_field {
            name: wpn_str::of(name),
            value: wpn_str::of(value),
        })
    })
}

/// Writes the value of the field called `name` (`name_len` bytes, exact match) to
/// `*value_out`. Returns false, writing `{NULL, 0}`, if there is no such field or an argument
/// is NULL. An empty value is a non-NULL empty string.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_fields_find(
    fields: *const wpn_v2_fields,
    name: *const u8,
    name_len: usize,
    value_out: *mut wpn_str,
) -> bool {
    put(value_out, || {
        let f = fields.as_ref()?;
        let name = bytes_arg(name, name_len, "name").ok()?;
        let i = f
            .pairs
            .binary_search_by(|(k, _)| k.as_bytes().cmp(name))
            .ok()?;
        Some(wpn_str::of(&f.pairs[i].1))
    })
}

/// Frees fields returned by `wpn_v2_verifier_parse_payment()`. NULL is a no-op. Never pass
/// the borrowed fields of a refund.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_fields_free(fields: *mut wpn_v2_fields) {
    free_handle(fields)
}

/// The outer fields of a refund notification (`return_code`, `appid`, `mch_id`, ...; without
/// `req_info`). **Borrowed**: valid until the refund is freed; do not free. NULL if `refund`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_refund_fields(
    refund: *const wpn_v2_refund,
) -> *const wpn_v2_fields {
    refund.as_ref().map_or(std::ptr::null(), |r| &r.fields)
}

/// The decrypted `req_info` fields (`out_refund_no`, `refund_status`, `refund_fee`, ...).
/// **Borrowed**: valid until the refund is freed; do not free. NULL if `refund` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_refund_req_info(
    refund: *const wpn_v2_refund,
) -> *const wpn_v2_fields {
    refund.as_ref().map_or(std::ptr::null(), |r| &r.req_info)
}

/// Frees a refund notification and the fields it holds. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_v2_refund_free(refund: *mut wpn_v2_refund) {
    free_handle(refund)
}
