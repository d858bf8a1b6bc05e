//! # wechatpay-notify
//!
//! Verify, decrypt and explain WeChat Pay callbacks (回调通知).
//!
//! APIv3 callbacks are JSON with an RSA-SHA256 signature in the `Wechatpay-*` headers and an
//! AES-256-GCM encrypted `resource`. [`Verifier`] runs every check in a fixed order and
//! returns either a [`Notification`] or an [`Error`] with a stable [`ErrorCode`] and a message
//! that says what to do. APIv2 (XML) callbacks are handled by [`v2::V2Verifier`].
//!
//! ```no_run
//! # fn main() -> Result<(), wechatpay_notify::Error> {
//! use wechatpay_notify::{Reply, Verifier};
//! # let (apiv3_key, public_key_pem, headers, body) = ("", "", [("", "")], b"");
//! let verifier = Verifier::builder()
//!     .apiv3_key(apiv3_key)
//!     .public_key("PUB_KEY_ID_0114232134912410000000000000", public_key_pem)
//!     .build()?;
//! let reply = match verifier.parse(&headers, body) {
//!     Ok(notification) => {
//!         let payment = notification.transaction()?;
//!         // ... record payment.out_trade_no once per notification.id() ...
//!         Reply::success()
//!     }
//!     Err(error) => Reply::failure(&error),
//! };
//! # let _ = reply; Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
mod bytes;
pub mod certificates;
mod checks;
pub mod diagnose;
mod envelope;
mod error;
pub mod events;
mod headers;
mod identifier;
mod key_text;
mod keys;
pub mod models;
mod notification;
mod object_only;
mod reply;
mod reserialized;
mod resource;
mod rsa_key;
#[cfg(feature = "kit")]
pub mod testing;
pub mod v2;
mod verifier;

pub use bytes::{looks_like_json, looks_like_xml};
pub use certificates::{decrypt_certificates, DownloadedCertificate};
pub use checks::{signed_message, SIGNATURE_TYPE_RSA, SIGNTEST_PREFIX};
pub use error::{Error, ErrorCode, ErrorFamily, Result};
pub use headers::{
    Headers, PackedHeaders, PackedHeadersError, HEADER_NAMES, HEADER_NONCE, HEADER_SERIAL,
    HEADER_SIGNATURE, HEADER_SIGNATURE_TYPE, HEADER_TIMESTAMP,
};
pub use keys::{PlatformCertificate, PUBLIC_KEY_ID_PREFIX};
pub use models::{Event, EventKind};
pub use notification::Notification;
pub use reply::Reply;
pub use resource::{
    decrypt_resource, Apiv3Key, ALGORITHM_AES_GCM, APIV3_KEY_LEN, NONCE_LEN, TAG_LEN,
};
pub use rsa_key::{RsaPublicKey, MAX_RSA_BITS, MIN_RSA_BITS};
pub use verifier::{
    unix_now, Merchant, Verifier, VerifierBuilder, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_CLOCK_SKEW,
};

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The cryptographic backend of this build: `"ring"` (the default: ring's RSA, RustCrypto's
/// AES-256-GCM) or `"aws-lc"` (the cargo feature `aws-lc`: aws-lc-rs for both).
pub const BACKEND: &str = backend::NAME;

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn verifiers_are_send_and_sync() {
        assert_send_sync::<crate::Verifier>();
        assert_send_sync::<crate::v2::V2Verifier>();
        assert_send_sync::<crate::Notification>();
    }
}
