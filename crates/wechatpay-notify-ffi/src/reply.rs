//! What to answer WeChat Pay: HTTP status, content type and body.

use wechatpay_notify::{Error, Reply};

use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, wpn_str};

/// An HTTP reply to a callback. Owned by the caller, freed with `wpn_reply_free()`; its strings
/// are valid until then. Immutable.
///
/// APIv3: success is 204 with no body; an authenticity failure (DESIGN steps 2-10) is 401 and
/// anything else 500, each with `{"code":"FAIL","message":"..."}`. APIv2: always 200 with the
/// `SUCCESS` or `FAIL` XML. WeChat Pay retries any non-2xx (or slower than 5 s) reply up to 15
/// times over about a day, so handle each notification id once.
pub struct wpn_reply {
    inner: Reply,
}

/// Stores a new reply in a checked out-parameter.
fn put(out: &mut *mut wpn_reply, reply: Reply) -> Result<(), wpn_error> {
    *out = into_handle(wpn_reply { inner: reply });
    Ok(())
}

/// Lossy UTF-8 text for a message given as bytes.
unsafe fn message_arg(message: *const u8, message_len: usize) -> Result<String, wpn_error> {
    Ok(String::from_utf8_lossy(bytes_arg(message, message_len, "message")?).into_owned())
}

/// The APIv3 success reply: 204, no body. `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_success(
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        put(out_arg(reply_out, "reply_out")?, Reply::success())
    })
}

/// The APIv3 failure reply for an error: 401 for authenticity failures, 500 otherwise, body
/// `{"code":"FAIL","message":"<CODE>: <message>"}`. `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_for_error(
    error: *const wpn_error,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        let error = arg(error, "error")?;
        put(out, reply_for(error.code as u32, &error.message))
    })
}

/// The APIv3 reply for a result code and message (for bindings that keep only the code and
/// message of an error): `WPN_OK` gives the success reply; a core error code gives what
/// `wpn_reply_for_error()` gives; `WPN_NULL_ARGUMENT`, `WPN_PANIC` or an unknown value gives
/// 500. `message` need not be UTF-8 (invalid bytes become U+FFFD). `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_for_result(
    code: u32,
    message: *const u8,
    message_len: usize,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        let message = message_arg(message, message_len)?;
        put(out, reply_for(code, &message))
    })
}

fn reply_for(code: u32, message: &str) -> Reply {
    match wpn_result::from_raw(code) {
        Some(wpn_result::WPN_OK) => Reply::success(),
        Some(c) => match c.core() {
            Some(core) => Reply::failure(&Error::new(core, message)),
            None => Reply::failure_message(500, &format!("{}: {message}", c.name())),
        },
        None => Reply::failure_message(500, &format!("UNKNOWN: {message}")),
    }
}

/// An APIv3 failure reply with a status and message of the caller's choice (e.g. 500 when the
/// business logic failed and WeChat Pay should retry). `message` need not be UTF-8 (invalid
/// bytes become U+FFFD). `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_failure_message(
    status: u16,
    message: *const u8,
    message_len: usize,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        let message = message_arg(message, message_len)?;
        put(out, Reply::failure_message(status, &message))
    })
}

/// The APIv2 success reply: 200 with the `SUCCESS` XML. `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_v2_success(
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        put(out_arg(reply_out, "reply_out")?, Reply::v2_success())
    })
}

/// The APIv2 failure reply: 200 with the `FAIL` XML carrying `message` (lossy UTF-8).
/// `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_v2_failure(
    message: *const u8,
    message_len: usize,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        let message = message_arg(message, message_len)?;
        put(out, Reply::v2_failure(&message))
    })
}

/// The HTTP status of a reply; 0 if `reply` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_status(reply: *const wpn_reply) -> u16 {
    reply.as_ref().map_or(0, |r| r.inner.status)
}

/// The `Content-Type` of a reply's body; `{NULL, 0}` when there is no body (204) or `reply`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_content_type(reply: *const wpn_reply) -> wpn_str {
    match reply.as_ref().and_then(|r| r.inner.content_type) {
        Some(t) => wpn_str::of(t),
        None => wpn_str::NONE,
    }
}

/// The body of a reply (empty for 204), valid until the reply is freed; `{NULL, 0}` if
/// `reply` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_body(reply: *const wpn_reply) -> wpn_str {
    match reply.as_ref() {
        Some(r) => wpn_str::of(&r.inner.body),
        None => wpn_str::NONE,
    }
}

/// Frees a reply. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_free(reply: *mut wpn_reply) {
    free_handle(reply)
}
