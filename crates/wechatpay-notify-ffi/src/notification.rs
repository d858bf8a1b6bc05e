//! A verified, decrypted APIv3 notification and its fields.

use wechatpay_notify::Notification;

use crate::guard::free_handle;
use crate::strings::{put, wpn_str, Empty};

/// A notification whose signature was verified and whose resource was decrypted.
///
/// Made by `wpn_verifier_parse()`, owned by the caller, freed with
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

/// The envelope of a notification: every field WeChat Pay sends outside the encrypted
/// resource, the verified serial and timestamp, and the decrypted resource. Filled by
/// `wpn_verifier_parse()` (in the same call) or `wpn_notification_envelope()`; every string
/// borrows from the notification.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_envelope {
    /// The notification `id`: unique per event; the key for idempotent handling (WeChat Pay
    /// delivers the same id again when a reply is late or not 2xx).
    pub id: wpn_str,
    /// `create_time` as sent (RFC 3339, +08:00).
    pub create_time: wpn_str,
    /// `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`.
    pub event_type: wpn_str,
    /// `resource_type`, normally `encrypt-resource`.
    pub resource_type: wpn_str,
    /// `summary`, e.g. `支付成功` (UTF-8).
    pub summary: wpn_str,
    /// `resource.original_type`, e.g. `transaction` or `refund`.
    pub original_type: wpn_str,
    /// The `Wechatpay-Serial` of the key that verified this notification.
    pub serial: wpn_str,
    /// The decrypted resource: a UTF-8 JSON document (e.g. the payment's `out_trade_no`,
    /// `trade_state`, `amount`...). Sensitive: do not log it.
    pub plaintext: wpn_str,
    /// The catalog kind (`docs/events.md`): `"transaction"`, `"refund"`, ..., or `"unknown"`
    /// for a callback the catalog does not describe (not an error). A static string.
    pub kind: wpn_str,
    /// The merchant (mchid) the notification was for, with a verifier of several merchants
    /// (`docs/merchants.md`); `{NULL, 0}` for a single-merchant verifier.
    pub mchid: wpn_str,
    /// The verified `Wechatpay-Timestamp`, Unix seconds.
    pub timestamp: i64,
}

impl Empty for wpn_envelope {
    const EMPTY: Self = wpn_envelope {
        id: wpn_str::NONE,
        create_time: wpn_str::NONE,
        event_type: wpn_str::NONE,
        resource_type: wpn_str::NONE,
        summary: wpn_str::NONE,
        original_type: wpn_str::NONE,
        serial: wpn_str::NONE,
        plaintext: wpn_str::NONE,
        kind: wpn_str::NONE,
        mchid: wpn_str::NONE,
        timestamp: 0,
    };
}

impl wpn_envelope {
    pub(crate) fn of(n: &Notification) -> wpn_envelope {
        wpn_envelope {
            id: wpn_str::of(n.id()),
            create_time: wpn_str::of(n.create_time()),
            event_type: wpn_str::of(n.event_type()),
            resource_type: wpn_str::of(n.resource_type()),
            summary: wpn_str::of(n.summary()),
            original_type: wpn_str::of(n.original_type()),
            serial: wpn_str::of(n.serial()),
            plaintext: wpn_str::of(n.plaintext()),
            kind: wpn_str::of(n.kind().as_str()),
            mchid: n.mchid().map_or(wpn_str::NONE, wpn_str::of),
            timestamp: n.timestamp(),
        }
    }
}

/// Fills `*envelope_out` with every field of a notification in one call. Returns false (and
/// writes an envelope of `{NULL, 0}` strings) if `notification` is NULL; writes nothing if
/// `envelope_out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_envelope(
    notification: *const wpn_notification,
    envelope_out: *mut wpn_envelope,
) -> bool {
    put(envelope_out, || {
        notification.as_ref().map(|n| wpn_envelope::of(&n.inner))
    })
}

/// Frees a notification. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_notification_free(notification: *mut wpn_notification) {
    free_handle(notification)
}
