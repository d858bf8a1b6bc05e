//! Verifying APIv3 callbacks and API responses with a built verifier.

use wechatpay_notify::{PackedHeaders, Verifier};

use crate::certificates::wpn_certificates;
use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, guard_value, into_handle, out_arg};
use crate::headers;
use crate::notification::{wpn_envelope, wpn_notification};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_str, Empty};

/// An APIv3 verifier: the APIv3 key and WeChat Pay's public keys / platform certificates,
/// parsed once. Made by `wpn_verifier_builder_build()`, freed with `wpn_verifier_free()`.
///
/// Immutable and thread-safe: one verifier may be shared by any number of threads calling
/// any `wpn_verifier_*` function at the same time. Free it only when no call is using it.
/// To rotate keys, build a new verifier and free the old one.
pub struct wpn_verifier {
    pub(crate) inner: Verifier,
}

/// The arguments shared by every export that checks a request: the verifier, the headers
/// and the body, each checked (NULL, lengths) in that order.
pub(crate) struct Request<'a> {
    pub(crate) verifier: &'a Verifier,
    pub(crate) headers: PackedHeaders<'a>,
    pub(crate) body: &'a [u8],
}

impl Request<'_> {
    /// Reads and checks the C arguments; the first bad one is the error.
    #[allow(clippy::too_many_arguments)]
    pub(crate) unsafe fn read(
        verifier: *const wpn_verifier,
        headers: *const u8,
        headers_len: usize,
        header_lens: *const usize,
        header_count: usize,
        body: *const u8,
        body_len: usize,
    ) -> Result<Self, wpn_error> {
        Ok(Request {
            verifier: &arg(verifier, "verifier")?.inner,
            headers: headers::read(headers, headers_len, header_lens, header_count)?,
            body: bytes_arg(body, body_len, "body")?,
        })
    }
}

/// The value of a `now` argument that means "read the system clock" (`INT64_MIN`). Any other
/// value is the current time in Unix seconds (for tests, or a clock of the caller's own).
pub const WPN_SYSTEM_CLOCK: i64 = i64::MIN;

/// The time a `now` argument stands for.
pub(crate) fn resolve_now(now: i64) -> i64 {
    if now == WPN_SYSTEM_CLOCK {
        wechatpay_notify::unix_now()
    } else {
        now
    }
}

/// Verifies and decrypts an APIv3 callback: runs every check of `docs/protocol.md` (steps
/// 0-15) in order and stops at the first failure.
///
/// The request comes as the caller has it, in one call:
/// - `headers`/`headers_len`: the request's header names and values back to back (any
///   headers; at least the four `Wechatpay-*` ones), and `header_lens`: `2 * header_count`
///   lengths, each header's name length then its value length, which must add up to
///   `headers_len` (else `WPN_INVALID_ARGUMENT`). Names match ASCII case-insensitively and the
///   first of a repeated name counts. NULL pointers are allowed for zero lengths.
/// - `body`: the raw request body, byte for byte (NULL when `body_len` is 0).
/// - `now`: the current time in Unix seconds, or `WPN_SYSTEM_CLOCK`.
///
/// On success `*notification_out` is a new notification the caller frees with
/// `wpn_notification_free()`, and, when `envelope_out` is not NULL, `*envelope_out` holds its
/// envelope (as `wpn_notification_envelope()` gives it, borrowing from the notification). On
/// failure `*notification_out` is NULL, `*envelope_out` is empty, and the result names the
/// check that failed.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_parse(
    verifier: *const wpn_verifier,
    headers: *const u8,
    headers_len: usize,
    header_lens: *const usize,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    notification_out: *mut *mut wpn_notification,
    envelope_out: *mut wpn_envelope,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    if let Some(envelope) = envelope_out.as_mut() {
        *envelope = wpn_envelope::EMPTY;
    }
    guard(error_out, || {
        let out = out_arg(notification_out, "notification_out")?;
        let r = Request::read(
            verifier,
            headers,
            headers_len,
            header_lens,
            header_count,
            body,
            body_len,
        )?;
        let inner = r.verifier.parse_at(&r.headers, r.body, resolve_now(now))?;
        // The kind rule is the envelope's only work: done before the handle exists, so that
        // nothing after it can fail and leave it unowned.
        inner.kind();
        let handle = into_handle(wpn_notification::new(inner));
        if let Some(envelope) = envelope_out.as_mut() {
            *envelope = wpn_envelope::of(&(*handle).inner);
        }
        *out = handle;
        Ok(())
    })
}

/// Checks a callback's authenticity only (steps 0-10 of `docs/protocol.md`) at `now` (Unix
/// seconds, or `WPN_SYSTEM_CLOCK`); the headers and body as for `wpn_verifier_parse()`. The body is not parsed or decrypted. `WPN_OK` means it
/// was signed by a configured key.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify(
    verifier: *const wpn_verifier,
    headers: *const u8,
    headers_len: usize,
    header_lens: *const usize,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(
            verifier,
            headers,
            headers_len,
            header_lens,
            header_count,
            body,
            body_len,
        )?;
        Ok(r.verifier.verify_at(&r.headers, r.body, resolve_now(now))?)
    })
}

/// Verifies the signature of a WeChat Pay API response (the same `Wechatpay-*` headers and
/// scheme as callbacks) at `now` (Unix seconds, or `WPN_SYSTEM_CLOCK`); the headers as for
/// `wpn_verifier_parse()`. The body may be any bytes, including none.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_verify_response(
    verifier: *const wpn_verifier,
    headers: *const u8,
    headers_len: usize,
    header_lens: *const usize,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    now: i64,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let r = Request::read(
            verifier,
            headers,
            headers_len,
            header_lens,
            header_count,
            body,
            body_len,
        )?;
        Ok(r.verifier
            .verify_response_at(&r.headers, r.body, resolve_now(now))?)
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

/// Writes the id or certificate serial of configured key `index` (configuration order) to
/// `*id_out`, valid until the verifier is freed. Returns false, writing `{NULL, 0}`, if
/// `verifier` is NULL or `index` is out of range.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_key_id(
    verifier: *const wpn_verifier,
    index: usize,
    id_out: *mut wpn_str,
) -> bool {
    put(id_out, || {
        verifier
            .as_ref()
            .and_then(|v| v.inner.key_ids().nth(index))
            .map(wpn_str::of)
    })
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
