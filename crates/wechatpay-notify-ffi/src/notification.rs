//! A verified, decrypted APIv3 notification and its fields.

use wechatpay_notify::Notification;

use crate::guard::{free_handle, guard_value};
use crate::strings::wpn_str;

/// A notification whose signature was verified and whose resource was decrypted.
///
/// Made by `wpn_verifier_parse()` / `wpn_verifier_parse_at()`, owned by the caller, freed with
/// `wpn_notification_free()`. Every `wpn_str` read from it borrows from it and is valid until
/// it is freed. It belongs to one caller: it is immutable, so reading it from several threads
/// is safe, but it must not be freed while any thread still reads it.
pub struct wpn_notification {
    pub(crate) inner: Notification,
}

impl wpn_notification {
    pub(crate) fn new(inner: Notification) -> Self {
        wpn_notification { inner }
    }
}

/// Reads one string field of a notification, `{NULL, 0}` for a NULL handle.
unsafe fn field(n: *const wpn_notification, get: fn(&Notification) -> &str) -> wpn_str {
    match n.as_ref() {
        Some(n) => guard_value(wpn_str::NONE, || wpn_str::of(get(&n.inner))),
        None => wpn_str::NONE,
    }
}

/// The notification `id`: unique per event; the key for idempotent handling (WeChat Pay
/// delivers the same id again when a reply is late or not 2xx). `{NULL, 0}` if NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_id(notification: *const wpn_notification) -> wpn_str {
    field(notification, Notification::id)
}

/// `create_time` as sent (RFC 3339, +08:00). `{NULL, 0}` if `notification` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_create_time(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::create_time)
}

/// `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`. `{NULL, 0}` if NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_event_type(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::event_type)
}

/// `resource_type`, normally `encrypt-resource`. `{NULL, 0}` if `notification` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_resource_type(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::resource_type)
}

/// `summary`, e.g. `支付成功` (UTF-8). `{NULL, 0}` if `notification` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_summary(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::summary)
}

/// `resource.original_type`, e.g. `transaction` or `refund`. `{NULL, 0}` if NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_original_type(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::original_type)
}

/// The `Wechatpay-Serial` of the key that verified this notification. `{NULL, 0}` if NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_serial(notification: *const wpn_notification) -> wpn_str {
    field(notification, Notification::serial)
}

/// The decrypted resource: a UTF-8 JSON document (e.g. the payment's `out_trade_no`,
/// `trade_state`, `amount`...). Sensitive: do not log it. `{NULL, 0}` if NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_plaintext(
    notification: *const wpn_notification,
) -> wpn_str {
    field(notification, Notification::plaintext)
}

/// The verified `Wechatpay-Timestamp`, Unix seconds; 0 if `notification` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_timestamp(notification: *const wpn_notification) -> i64 {
    notification.as_ref().map_or(0, |n| n.inner.timestamp())
}

/// Frees a notification. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_free(notification: *mut wpn_notification) {
    free_handle(notification)
}
