//! Replies to WeChat Pay, built by the core. Each function returns
//! `(status, content_type or None, body)`; `wechatpay_notify.Reply` wraps them.

use pyo3::prelude::*;
use wechatpay_notify::{ErrorCode, Reply};

type RawReply = (u16, Option<&'static str>, String);

fn raw(reply: Reply) -> RawReply {
    (reply.status, reply.content_type, reply.body)
}

/// APIv3 success: 204, no body.
#[pyfunction]
pub(crate) fn reply_success() -> RawReply {
    raw(Reply::success())
}

/// APIv3 failure for an error code: 401 for authenticity codes, else 500 (or `status`), with
/// the code's fixed text, never an error's message. An unknown code gives 500 with
/// `<code>: internal error`.
#[pyfunction]
#[pyo3(signature = (code, status=None))]
pub(crate) fn reply_failure(code: &str, status: Option<u16>) -> RawReply {
    let mut reply = match ErrorCode::from_name(code) {
        Some(code) => Reply::for_code(code),
        None => Reply::failure_message(500, "UNKNOWN: internal error"),
    };
    if let Some(status) = status {
        reply.status = status;
    }
    raw(reply)
}

/// APIv3 failure with a status and message of the caller's choice.
#[pyfunction]
pub(crate) fn reply_failure_message(status: u16, message: &str) -> RawReply {
    raw(Reply::failure_message(status, message))
}

/// APIv2 success: 200 with the `SUCCESS` XML.
#[pyfunction]
pub(crate) fn v2_reply_success() -> RawReply {
    raw(Reply::v2_success())
}

/// APIv2 failure: 200 with the `FAIL` XML carrying `message`.
#[pyfunction]
pub(crate) fn v2_reply_failure(message: &str) -> RawReply {
    raw(Reply::v2_failure(message))
}
