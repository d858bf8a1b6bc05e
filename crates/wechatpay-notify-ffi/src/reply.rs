//! What to answer WeChat Pay: HTTP status, content type and body.

use wechatpay_notify::Reply;

use crate::error::wpn_error;
use crate::guard::{arg, free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_str, Empty};

/// An HTTP reply to a callback. Owned by the caller, freed with `wpn_reply_free()`; its strings
/// are valid until then. Immutable.
///
/// APIv3: success is 204 with no body; an authenticity failure (steps 2-10 of `docs/protocol.md`) is 401 and
/// anything else 500, each with `{"code":"FAIL","message":"..."}`. APIv2: always 200 with the
/// `SUCCESS` or `FAIL` XML. WeChat Pay retries any non-2xx (or slower than 5 s) reply up to 15
/// times over about a day, so handle each notification id once (`docs/replies.md`).
pub struct wpn_reply {
    inner: Reply,
}

/// Stores a new reply in a checked out-parameter.
fn store(out: &mut *mut wpn_reply, reply: Reply) -> Result<(), wpn_error> {
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
        store(out_arg(reply_out, "reply_out")?, Reply::success())
    })
}

/// The APIv3 failure reply for an error: 401 for authenticity failures, 500 otherwise, body
/// `{"code":"FAIL","message":"<CODE>: <fixed text>"}`: the text depends on the code only
/// (`docs/replies.md`), never on the error's message, which is for the merchant's logs.
/// `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_for_error(
    error: *const wpn_error,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        let error = arg(error, "error")?;
        store(out, reply_for(error.code as u32))
    })
}

/// The APIv3 reply for a result code (for bindings that keep only the code of an error):
/// `WPN_OK` gives the success reply; a core error code gives what `wpn_reply_for_error()`
/// gives; `WPN_NULL_ARGUMENT`, `WPN_PANIC`, `WPN_INVALID_ARGUMENT` or an unknown value gives
/// 500 with `<NAME>: internal error` (`UNKNOWN` for an unknown value). The reply carries the
/// code's fixed text only: a reply does not describe the request or the configuration.
/// `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_for_result(
    code: u32,
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(reply_out, "reply_out")?;
        store(out, reply_for(code))
    })
}

/// The reply for a result code: the core's for its codes, a fixed 500 for the others.
fn reply_for(code: u32) -> Reply {
    match wpn_result::from_raw(code) {
        Some(wpn_result::WPN_OK) => Reply::success(),
        Some(c) => match c.core() {
            Some(core) => Reply::for_code(core),
            None => Reply::failure_message(500, &format!("{}: internal error", c.name())),
        },
        None => Reply::failure_message(500, "UNKNOWN: internal error"),
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
        store(out, Reply::failure_message(status, &message))
    })
}

/// The APIv2 success reply: 200 with the `SUCCESS` XML. `*reply_out` is a new reply.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_v2_success(
    reply_out: *mut *mut wpn_reply,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        store(out_arg(reply_out, "reply_out")?, Reply::v2_success())
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
        store(out, Reply::v2_failure(&message))
    })
}

/// What to send for a reply, filled by `wpn_reply_response()`; its strings borrow from the
/// reply.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_http_response {
    /// The HTTP status: 204, 401 or 500 (APIv3), or 200 (APIv2).
    pub status: u16,
    /// The `Content-Type` of the body; `{NULL, 0}` when there is no body (204).
    pub content_type: wpn_str,
    /// The body (empty for 204).
    pub body: wpn_str,
}

impl Empty for wpn_http_response {
    const EMPTY: Self = wpn_http_response {
        status: 0,
        content_type: wpn_str::NONE,
        body: wpn_str::NONE,
    };
}

/// Fills `*response_out` with the status, content type and body of a reply, valid until the
/// reply is freed. Returns false (and writes status 0 with `{NULL, 0}` strings) if `reply` is
/// NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_response(
    reply: *const wpn_reply,
    response_out: *mut wpn_http_response,
) -> bool {
    put(response_out, || {
        reply.as_ref().map(|r| wpn_http_response {
            status: r.inner.status,
            content_type: r.inner.content_type.map_or(wpn_str::NONE, wpn_str::of),
            body: wpn_str::of(&r.inner.body),
        })
    })
}

/// Frees a reply. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_reply_free(reply: *mut wpn_reply) {
    free_handle(reply)
}
