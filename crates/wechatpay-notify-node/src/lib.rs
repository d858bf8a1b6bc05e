//! The Node.js addon behind the npm package `wechatpay-notify` (napi-rs).
//!
//! Every check, decryption, reply and test callback is the `wechatpay-notify` core's; this
//! crate converts JavaScript values to bytes, runs the core (on the calling thread for
//! `parse`, on libuv's thread pool for `parseAsync`), and converts results and errors back
//! ([`errors`]). The public JavaScript API, its documentation and its types are in
//! `bindings/node/` (`index.js`, `index.d.ts`); the declarations of this addon are generated
//! by napi-rs into `bindings/node/native.d.ts`.
#![warn(missing_docs)]
// napi-derive expands `#[napi]` items into code clippy flags in the caller's crate.
#![allow(clippy::needless_pass_by_value)]
// napi-rs registers the exported items only outside `cfg(test)`, where they look unused.
#![cfg_attr(test, allow(dead_code))]

// napi-derive writes a class's TypeScript name (`js_name`) only for the items it expands
// after the struct: each class's module comes before the modules that add methods to it or
// return it (the groups below are kept in this order).
mod diagnosis;
mod notification;
mod v2;
mod verifier;

mod certificates;
mod convert;
mod errors;
mod events;
mod headers;
mod kit;
mod replies;

use napi_derive::napi;
use wechatpay_notify::testing::Failure;
use wechatpay_notify::{ErrorCode, EventKind};

/// The values the package exports as constants (`index.js`), read once when it loads.
#[napi(object, object_from_js = false)]
pub struct Constants {
    /// Every error code, in the order of `docs/errors.md`.
    pub error_codes: Vec<&'static str>,
    /// The codes meaning the request is not proven to be WeChat Pay's (reply 401).
    pub authenticity_codes: Vec<&'static str>,
    /// The kinds of the event catalog, in catalog order (`Notification.kind` is one of these
    /// or `"unknown"`).
    pub kinds: Vec<&'static str>,
    /// Each failure the testing kit builds, in the core's order: `[name, the code it is
    /// refused with]`.
    pub failures: Vec<Vec<&'static str>>,
    /// The cryptographic backend compiled in: `"aws-lc"` or `"ring"`.
    pub backend: &'static str,
    /// The version of the core, which is the package's version.
    pub version: &'static str,
    /// The default largest APIv3 body, in bytes.
    pub default_max_body_size: u32,
    /// The default largest clock difference, in seconds.
    pub default_max_clock_skew: u32,
    /// The default largest APIv2 body, in bytes.
    pub default_v2_max_body_size: u32,
}

/// The package's constants.
#[napi]
pub fn constants() -> Constants {
    let codes = ErrorCode::ALL.iter();
    Constants {
        error_codes: codes.clone().map(|c| c.as_str()).collect(),
        authenticity_codes: codes
            .filter(|c| c.is_authenticity())
            .map(|c| c.as_str())
            .collect(),
        kinds: EventKind::ALL.iter().map(|k| k.as_str()).collect(),
        failures: Failure::ALL
            .iter()
            .map(|f| vec![f.as_str(), f.expected_code().as_str()])
            .collect(),
        backend: wechatpay_notify::BACKEND,
        version: wechatpay_notify::VERSION,
        default_max_body_size: convert::saturate(wechatpay_notify::DEFAULT_MAX_BODY_SIZE),
        default_max_clock_skew: convert::saturate(
            wechatpay_notify::DEFAULT_MAX_CLOCK_SKEW.as_secs(),
        ),
        default_v2_max_body_size: convert::saturate(wechatpay_notify::v2::DEFAULT_V2_MAX_BODY_SIZE),
    }
}
