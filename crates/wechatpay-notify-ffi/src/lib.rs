//! C ABI for [`wechatpay_notify`]: the same verifier for C, C++, Go and Java.
//!
//! Everything here is an `extern "C"` function or a `#[repr(C)]` type whose name starts with
//! `wpn_`; `include/wechatpay_notify.h` is generated from this crate by cbindgen (see
//! `cbindgen.toml`, whose header text documents ownership, lifetimes and thread safety).
//!
//! Conventions, in the style of rustls-ffi:
//! - opaque handles, each released by its own `wpn_*_free` (which accepts NULL);
//! - fallible functions return a [`wpn_result`] and take an optional `wpn_error **error_out`;
//! - results are written to out-parameters; strings are returned as borrowed
//!   [`wpn_str`] (pointer, length) views into the handle they came from;
//! - no panic unwinds across the boundary ([`guard`]) and every pointer is checked for NULL.
#![allow(non_camel_case_types)]
// Every export is `unsafe extern "C"`; the safety contract is the same for all of them and is
// stated once, in the header's top comment: each pointer is NULL or valid for its length.
#![allow(clippy::missing_safety_doc)]

mod builder;
mod certificates;
mod diagnosis;
mod error;
mod events;
mod guard;
mod headers;
mod kit;
mod notification;
mod reply;
mod resource;
mod result;
mod strings;
mod tree;
mod v2;
mod verifier;

pub use builder::*;
pub use certificates::*;
pub use diagnosis::*;
pub use error::*;
pub use events::*;
pub use kit::*;
pub use notification::*;
pub use reply::*;
pub use resource::*;
pub use result::*;
pub use strings::{wpn_slice, wpn_str};
pub use v2::*;
pub use verifier::*;

use std::os::raw::c_char;

/// Length of an APIv3 key (APIv3密钥) in bytes.
pub const WPN_APIV3_KEY_LEN: usize = 32;
/// Length of an APIv2 key (API密钥) in bytes.
pub const WPN_V2_KEY_LEN: usize = 32;
/// Default `max_clock_skew` of a verifier, in seconds.
pub const WPN_DEFAULT_MAX_CLOCK_SKEW: u64 = 300;
/// Default `max_body_size` of a verifier, in bytes (1 MiB).
pub const WPN_DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;
/// Default `max_body_size` of an APIv2 verifier, in bytes (64 KiB).
pub const WPN_V2_DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024;

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version, e.g. `"0.2.0"`: a static, NUL-terminated string (never free it).
#[no_mangle]
pub extern "C" fn wpn_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The cryptographic backend the library was built with: `"aws-lc"` (aws-lc-rs, chosen with
/// the cargo feature `aws-lc`) or `"ring"` (ring and RustCrypto's aes-gcm). A static,
/// NUL-terminated string (never free it).
#[no_mangle]
pub extern "C" fn wpn_backend() -> *const c_char {
    static BACKEND: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
    BACKEND
        .get_or_init(|| std::ffi::CString::new(wechatpay_notify::BACKEND).unwrap_or_default())
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_core() {
        assert_eq!(&VERSION[..VERSION.len() - 1], wechatpay_notify::VERSION);
        assert_eq!(WPN_APIV3_KEY_LEN, wechatpay_notify::APIV3_KEY_LEN);
        assert_eq!(WPN_V2_KEY_LEN, wechatpay_notify::v2::V2_KEY_LEN);
        assert_eq!(
            WPN_DEFAULT_MAX_CLOCK_SKEW,
            wechatpay_notify::DEFAULT_MAX_CLOCK_SKEW.as_secs()
        );
        assert_eq!(
            WPN_DEFAULT_MAX_BODY_SIZE,
            wechatpay_notify::DEFAULT_MAX_BODY_SIZE
        );
        assert_eq!(
            WPN_V2_DEFAULT_MAX_BODY_SIZE,
            wechatpay_notify::v2::DEFAULT_V2_MAX_BODY_SIZE
        );
    }
}
