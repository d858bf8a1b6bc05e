//! Replies to WeChat Pay, built by the core: `{ status, headers, body }`.

use std::collections::HashMap;

use napi::bindgen_prelude::*;
use napi::{JsValue, ValueType};
use napi_derive::napi;
use wechatpay_notify::{ErrorCode, Reply as CoreReply};

use crate::convert::{options, property};
use crate::errors::type_error;

/// An HTTP reply: send `status`, `headers` and `body` as they are.
#[napi(object, object_from_js = false)]
pub struct Reply {
    /// 204 for APIv3 success, 401 or 500 for failures, 200 for APIv2.
    pub status: u16,
    /// `{ 'Content-Type': ... }` when there is a body, else empty.
    pub headers: HashMap<&'static str, &'static str>,
    /// The body: empty, the `{"code":"FAIL","message":...}` JSON, or the APIv2 XML.
    pub body: String,
}

impl From<CoreReply> for Reply {
    fn from(reply: CoreReply) -> Self {
        Reply {
            status: reply.status,
            headers: reply
                .content_type
                .map(|t| HashMap::from([("Content-Type", t)]))
                .unwrap_or_default(),
            body: reply.body,
        }
    }
}

/// APIv3 success: 204 with no body. Answer it once the notification is recorded.
#[napi]
pub fn reply_success() -> Reply {
    CoreReply::success().into()
}

/// APIv3 failure, body `{"code":"FAIL","message":...}`. For an error with a code of the
/// package (`NotificationError`, `ConfigError`) the status is 401 when the request is not
/// proven authentic and 500 otherwise, and the message is `"CODE: <fixed text>"`: the same for
/// every error of that code, so the sender learns nothing about the configuration (log
/// `err.message` for the details). For any other error (your own processing failed and
/// WeChat Pay should retry) the status is 500 and the message a fixed `"internal error"`,
/// never the error's text; a string is sent as given. `options.status` overrides the status.
#[napi(ts_args_type = "errorOrMessage: unknown, options?: { status?: number }")]
pub fn reply_failure(
    env: &Env,
    error_or_message: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Reply> {
    let status = match self::options(env, options, "options")? {
        Some(o) => match property(&o, "status")? {
            Some(s) if s.get_type()? == ValueType::Number => {
                // SAFETY: the type was checked.
                let s = unsafe { s.cast::<u32>() }?;
                Some(
                    u16::try_from(s)
                        .ok()
                        .filter(|s| (100..=599).contains(s))
                        .ok_or_else(|| type_error(env, "options.status must be an HTTP status"))?,
                )
            }
            Some(_) => return Err(type_error(env, "options.status must be a number")),
            None => None,
        },
        None => None,
    };
    let mut reply = match error_or_message.get_type()? {
        ValueType::String => {
            // SAFETY: the type was checked.
            let text = unsafe { error_or_message.cast::<String>() }?;
            CoreReply::failure_message(500, &text)
        }
        _ => match code_of(&error_or_message)? {
            Some(code) => CoreReply::for_code(code),
            None => CoreReply::failure_message(500, "internal error"),
        },
    };
    if let Some(status) = status {
        reply.status = status;
    }
    Ok(reply.into())
}

/// The package's error code of an `Error`, if it carries one.
fn code_of(value: &Unknown<'_>) -> Result<Option<ErrorCode>> {
    if !value.is_error()? {
        return Ok(None);
    }
    // SAFETY: an Error is an object.
    let error = unsafe { value.cast::<Object>() }?;
    let Some(code) = property(&error, "code")? else {
        return Ok(None);
    };
    if code.get_type()? != ValueType::String {
        return Ok(None);
    }
    // SAFETY: the type was checked.
    let code = unsafe { code.cast::<String>() }?;
    Ok(ErrorCode::from_name(&code))
}

/// APIv2 success: 200 with the `SUCCESS` XML.
#[napi]
pub fn v2_reply_success() -> Reply {
    CoreReply::v2_success().into()
}

/// APIv2 failure: 200 with the `FAIL` XML carrying `message`.
#[napi]
pub fn v2_reply_failure(message: String) -> Reply {
    CoreReply::v2_failure(&message).into()
}
