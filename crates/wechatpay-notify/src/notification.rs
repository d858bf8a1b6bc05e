//! A verified, decrypted APIv3 notification.

use std::fmt;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorCode, Result};
use crate::models::EventKind;

/// A notification whose signature was verified and whose resource was decrypted.
///
/// `Debug` shows the envelope but never the plaintext, so logging it is safe.
#[derive(Clone)]
pub struct Notification {
    pub(crate) id: String,
    pub(crate) create_time: String,
    pub(crate) event_type: String,
    pub(crate) resource_type: String,
    pub(crate) summary: String,
    pub(crate) original_type: String,
    pub(crate) serial: String,
    pub(crate) timestamp: i64,
    pub(crate) plaintext: String,
    /// The catalog kind, decided on first use (`Notification::kind`).
    pub(crate) kind: OnceLock<EventKind>,
    /// The merchant it was for, with a verifier of several merchants.
    pub(crate) mchid: Option<String>,
}

impl Notification {
    /// The notification id (`id`): unique per event, the key for idempotent handling
    /// (WeChat Pay delivers the same id again when a reply is late or not 2xx).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `create_time`, as sent (RFC 3339 with +08:00).
    pub fn create_time(&self) -> &str {
        &self.create_time
    }

    /// `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// `resource_type`, normally `encrypt-resource`.
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// `summary`, e.g. `支付成功`.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// `resource.original_type`, e.g. `transaction` or `refund`.
    pub fn original_type(&self) -> &str {
        &self.original_type
    }

    /// The key that verified this notification, as configured: the public-key id, or the
    /// certificate serial in uppercase hex (`Wechatpay-Serial` matched it case-insensitively).
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The merchant (mchid) the notification was for, decided by the key that verified it and
    /// the APIv3 key that decrypted it; `None` for a single-merchant verifier
    /// (`docs/merchants.md`).
    pub fn mchid(&self) -> Option<&str> {
        self.mchid.as_deref()
    }

    /// The verified `Wechatpay-Timestamp`, Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The decrypted resource, a UTF-8 JSON document.
    pub fn plaintext(&self) -> &str {
        &self.plaintext
    }

    /// Consumes the notification, returning the decrypted JSON.
    pub fn into_plaintext(self) -> String {
        self.plaintext
    }

    /// Deserializes the decrypted resource into any type of the caller's (the typed
    /// accessors of the event catalog, `transaction()` and the others, check the kind too).
    ///
    /// A mismatch is `MALFORMED_RESOURCE`; the message gives the position, never the data.
    pub fn resource<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(&self.plaintext).map_err(|e| {
            Error::new(
                ErrorCode::MalformedResource,
                format!(
                    "decrypted resource does not match the requested type ({:?} error at line {} \
                     column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
            )
        })
    }
}

/// Two notifications are equal when everything received and verified is equal (the kind is
/// derived from it).
impl PartialEq for Notification {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.create_time == other.create_time
            && self.event_type == other.event_type
            && self.resource_type == other.resource_type
            && self.summary == other.summary
            && self.original_type == other.original_type
            && self.serial == other.serial
            && self.timestamp == other.timestamp
            && self.plaintext == other.plaintext
            && self.mchid == other.mchid
    }
}

impl Eq for Notification {}

impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notification")
            .field("id", &self.id)
            .field("create_time", &self.create_time)
            .field("event_type", &self.event_type)
            .field("resource_type", &self.resource_type)
            .field("summary", &self.summary)
            .field("original_type", &self.original_type)
            .field("serial", &self.serial)
            .field("timestamp", &self.timestamp)
            .field("mchid", &self.mchid)
            .field(
                "plaintext",
                &format_args!("<{} bytes redacted>", self.plaintext.len()),
            )
            .finish()
    }
}
