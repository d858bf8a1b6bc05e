//! Error handles: a result code and a log-safe message for every failure.

use std::any::Any;

use crate::guard::free_handle;
use crate::result::wpn_result;
use crate::strings::{put, wpn_str};

/// A failure: its code and a detailed, log-safe message (never a key or plaintext).
///
/// Returned through the `wpn_error **error_out` parameter of fallible functions. Owned by the
/// caller, who frees it with `wpn_error_free()`. Immutable: it may be read from any thread.
#[derive(Clone, Debug)]
pub struct wpn_error {
    pub(crate) code: wpn_result,
    pub(crate) message: String,
}

impl wpn_error {
    pub(crate) fn null_argument(name: &str) -> wpn_error {
        wpn_error {
            code: wpn_result::WPN_NULL_ARGUMENT,
            message: format!("argument `{name}` is NULL"),
        }
    }

    pub(crate) fn bad_length(name: &str) -> wpn_error {
        wpn_error {
            code: wpn_result::WPN_INVALID_ARGUMENT,
            message: format!("argument `{name}` has an impossible length"),
        }
    }

    pub(crate) fn invalid_argument(name: &str) -> wpn_error {
        wpn_error {
            code: wpn_result::WPN_INVALID_ARGUMENT,
            message: format!("argument `{name}` has a value the function does not define"),
        }
    }

    /// `WPN_INVALID_ARGUMENT` for an array pointer not aligned for its element type.
    pub(crate) fn misaligned(name: &str) -> wpn_error {
        wpn_error {
            code: wpn_result::WPN_INVALID_ARGUMENT,
            message: format!("argument `{name}` is not aligned for its element type"),
        }
    }

    /// `WPN_INVALID_ARGUMENT` for an argument that contradicts another one (`why` says how).
    pub(crate) fn mismatched(name: &str, why: &dyn std::fmt::Display) -> wpn_error {
        wpn_error {
            code: wpn_result::WPN_INVALID_ARGUMENT,
            message: format!("argument `{name}`: {why}"),
        }
    }

    pub(crate) fn panic(payload: &(dyn Any + Send)) -> wpn_error {
        let detail = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no detail");
        wpn_error {
            code: wpn_result::WPN_PANIC,
            message: format!("internal error caught at the C boundary (please report): {detail}"),
        }
    }
}

impl From<wechatpay_notify::Error> for wpn_error {
    fn from(e: wechatpay_notify::Error) -> Self {
        wpn_error {
            code: e.code().into(),
            message: e.message().to_owned(),
        }
    }
}

/// The code of an error (`WPN_NULL_ARGUMENT` if `error` is NULL); its stable name is
/// `wpn_error_code_name(wpn_error_code(error))`.
#[no_mangle]
pub unsafe extern "C" fn wpn_error_code(error: *const wpn_error) -> wpn_result {
    match error.as_ref() {
        Some(e) => e.code,
        None => wpn_result::WPN_NULL_ARGUMENT,
    }
}

/// Writes the detailed message of an error (what went wrong and what to do) to `*message_out`,
/// valid until the error is freed. Returns false, writing `{NULL, 0}`, if `error` is NULL
/// (nothing is written if `message_out` is NULL).
#[no_mangle]
pub unsafe extern "C" fn wpn_error_message(
    error: *const wpn_error,
    message_out: *mut wpn_str,
) -> bool {
    put(message_out, || {
        error.as_ref().map(|e| wpn_str::of(&e.message))
    })
}

/// Frees an error. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_error_free(error: *mut wpn_error) {
    free_handle(error)
}
