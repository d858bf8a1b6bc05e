//! Verifying APIv3 callbacks and API responses with a built verifier.

use wechatpay_notify::Verifier;

use crate::certificates::wpn_certificates;
use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, guard_value, into_handle, out_arg};
use crate::headers::{wpn_header, HeaderArray};
use crate::notification::wpn_notification;
use crate::result::wpn_result;
use crate::strings::{bytes_arg, wpn_str};

/// An APIv3 verifier: the APIv3 key and WeChat Pay's public keys / platform certificates,
/// parsed once. Made by `wpn_verifier_builder_build()`, freed with `wpn_verifier_free()`.
///
/// Immutable and thread-safe: one verifier may be shared by any number of threads calling
/// any `wpn_verifier_*` function at the same time. Free it only when no call is using it.
/// To rotate keys, build a new verifier and free the old one.
pub struct wpn_verifier {
    pub(crate) inner: Verifier,
}

/// The arguments shared by every export that checks a request: the verifier, the header
/// array and the body, each checked (NULL, lengths, UTF-8) in that order.
pub(crate) struct Request<'a> {
    pub(crate) verifier: &'a Verifier,
    pub(crate) headers: HeaderArray<'a>,
    pub(crate) body: &'a [u8],
}

impl Request<'_> {
    /// Reads and checks the C arguments; the first bad one is the error.
    pub(crate) unsafe fn read(
        verifier: *const wpn_verifier,
        headers: *const wpn_header,
        headers_len: usize,
        body: *const u8,
        body_len: usize,
    ) -> Result<Self, wpn_error> {
        Ok(Request {
            verifier: &arg(verifier, "verifier")?.inner,
            headers: HeaderArray::read(headers, headers_len)?,
            body: bytes_arg(body, body_len, "body")?,
        })
    }
}

/// Verifies and decrypts an APIv3 callback, using the system clock: runs every check of
/// DESIGN section 2 in order and stops at the first failure.
///
/// `headers` is an array of `headers_len` headers (at least the four `Wechatpay-*` ones;
/// NULL when `headers_len` is 0). `body` is the raw request body, byte for byte (NULL when
/// `body_len` is 0). On success `*notification_out` is a new notification the caller frees
/// with `wpn_notification_free()`; on failure it is NULL and the result names the check
/// that failed.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_parse(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    notification_out: *mut *mut wpn_notification,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(notification_out, "notification_out")?;
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        let inner = r.verifier.parse(&r.headers, r.body)?;
        *out = into_handle(wpn_notification::new(inner));
        Ok(())
    })
}

/// As `wpn_verifier_parse()`, at the time `now` (Unix seconds) instead of the system clock.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_parse_at(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    notification_out: *mut *mut wpn_notification,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(notification_out, "notification_out")?;
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        let inner = r.verifier.parse_at(&r.headers, r.body, now)?;
        *out = into_handle(wpn_notification::new(inner));
        Ok(())
    })
}

/// Checks a callback's authenticity only (DESIGN steps 0-10), using the system clock. The
/// body is not parsed or decrypted. `WPN_OK` means it was signed by a configured key.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        Ok(r.verifier.verify(&r.headers, r.body)?)
    })
}

/// As `wpn_verifier_verify()`, at the time `now` (Unix seconds).
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify_at(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        Ok(r.verifier.verify_at(&r.headers, r.body, now)?)
    })
}

/// Verifies the signature of a WeChat Pay API response (the same `Wechatpay-*` headers and
/// scheme as callbacks), using the system clock. The body may be any bytes, including none.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify_response(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        Ok(r.verifier.verify_response(&r.headers, r.body)?)
    })
}

/// As `wpn_verifier_verify_response()`, at the time `now` (Unix seconds).
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify_response_at(
    verifier: *const wpn_verifier,
    headers: *const wpn_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(verifier, headers, headers_len, body, body_len)?;
        Ok(r.verifier.verify_response_at(&r.headers, r.body, now)?)
    })
}

/// Decrypts a `GET /v3/certificates` response body with this verifier's APIv3 key (verify
/// the response first with `wpn_verifier_verify_response()`). On success
/// `*certificates_out` is a new list the caller frees with `wpn_certificates_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_decrypt_certificates(
    verifier: *const wpn_verifier,
    body: *const u8,
    body_len: usize,
    certificates_out: *mut *mut wpn_certificates,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(certificates_out, "certificates_out")?;
        let verifier = arg(verifier, "verifier")?;
        let body = bytes_arg(body, body_len, "body")?;
        let items = verifier.inner.decrypt_certificates(body)?;
        *out = into_handle(wpn_certificates { items });
        Ok(())
    })
}

/// The number of configured keys (public-key ids and certificate serials); 0 if `verifier`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_key_count(verifier: *const wpn_verifier) -> usize {
    match verifier.as_ref() {
        Some(v) => guard_value(0, || v.inner.key_ids().count()),
        None => 0,
    }
}

/// The id or certificate serial of configured key `index` (configuration order), valid
/// until the verifier is freed; `{NULL, 0}` if `verifier` is NULL or `index` is out of
/// range.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_key_id(
    verifier: *const wpn_verifier,
    index: usize,
) -> wpn_str {
    match verifier.as_ref() {
        Some(v) => guard_value(wpn_str::NONE, || {
            v.inner
                .key_ids()
                .nth(index)
                .map_or(wpn_str::NONE, wpn_str::of)
        }),
        None => wpn_str::NONE,
    }
}

/// The configured `max_clock_skew` in seconds; 0 if `verifier` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_max_clock_skew(verifier: *const wpn_verifier) -> i64 {
    verifier.as_ref().map_or(0, |v| v.inner.max_clock_skew())
}

/// The configured `max_body_size` in bytes; 0 if `verifier` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_max_body_size(verifier: *const wpn_verifier) -> usize {
    verifier.as_ref().map_or(0, |v| v.inner.max_body_size())
}

/// Frees a verifier. NULL is a no-op. No other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_free(verifier: *mut wpn_verifier) {
    free_handle(verifier)
}
