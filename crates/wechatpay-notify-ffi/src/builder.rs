//! Configuring an APIv3 verifier step by step.

use std::time::Duration;

use wechatpay_notify::{ErrorCode, Merchant, Verifier};
use zeroize::Zeroizing;

use crate::error::wpn_error;
use crate::guard::{arg, arg_mut, free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, utf8_arg};
use crate::verifier::wpn_verifier;

/// The configuration of a `wpn_verifier`, filled in by the `wpn_verifier_builder_*`
/// functions. Nothing is checked until `wpn_verifier_builder_build()`, except that a
/// public-key id must be UTF-8.
///
/// Owned by the caller, freed with `wpn_verifier_builder_free()`. Building does not consume
/// it: it may be built again, changed and rebuilt, then freed. Not thread-safe: use it from
/// one thread at a time. The copy of the APIv3 key it holds is wiped when it is freed.
#[derive(Default)]
pub struct wpn_verifier_builder {
    apiv3_key: Option<Zeroizing<Vec<u8>>>,
    public_keys: Vec<(String, Vec<u8>)>,
    certificates: Vec<Vec<u8>>,
    /// The merchants of a verifier for several merchants; keys added after a merchant are
    /// that merchant's.
    merchants: Vec<Merchant>,
    max_clock_skew: Option<u64>,
    max_body_size: Option<usize>,
}

/// Starts a verifier configuration: no keys, default limits (`WPN_DEFAULT_MAX_CLOCK_SKEW`,
/// `WPN_DEFAULT_MAX_BODY_SIZE`). On success `*builder_out` is a new builder the caller frees
/// with `wpn_verifier_builder_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_new(
    builder_out: *mut *mut wpn_verifier_builder,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(builder_out, "builder_out")?;
        *out = into_handle(wpn_verifier_builder::default());
        Ok(())
    })
}

/// Sets the APIv3 key (APIv3密钥): `key_len` bytes, which must be 32 (checked at build). The
/// bytes are copied; a second call replaces the first.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_apiv3_key(
    builder: *mut wpn_verifier_builder,
    key: *const u8,
    key_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let builder = arg_mut(builder, "builder")?;
        let key = bytes_arg(key, key_len, "key")?;
        builder.apiv3_key = Some(Zeroizing::new(key.to_vec()));
        Ok(())
    })
}

/// Adds a WeChat Pay public key (微信支付公钥) under its id (`PUB_KEY_ID_...`, UTF-8). `pem`
/// is SubjectPublicKeyInfo PEM, PKCS#1 PEM or bare base64; it is parsed at build. Both
/// buffers are copied. An id that is not UTF-8 is `WPN_CONFIG_INVALID` at once.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_public_key(
    builder: *mut wpn_verifier_builder,
    id: *const u8,
    id_len: usize,
    pem: *const u8,
    pem_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let builder = arg_mut(builder, "builder")?;
        let id = bytes_arg(id, id_len, "id")?;
        let pem = bytes_arg(pem, pem_len, "pem")?;
        let id = utf8_arg(id, "public key id", ErrorCode::ConfigInvalid)?;
        match builder.merchants.pop() {
            Some(m) => builder.merchants.push(m.public_key(id, pem)),
            None => builder.public_keys.push((id.to_owned(), pem.to_vec())),
        }
        Ok(())
    })
}

/// Adds a WeChat Pay platform certificate (平台证书), PEM or bare base64 DER; its serial and
/// validity are read from it at build. The buffer is copied.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_platform_certificate(
    builder: *mut wpn_verifier_builder,
    pem: *const u8,
    pem_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let builder = arg_mut(builder, "builder")?;
        let pem = bytes_arg(pem, pem_len, "pem")?;
        match builder.merchants.pop() {
            Some(m) => builder.merchants.push(m.platform_certificate(pem)),
            None => builder.certificates.push(pem.to_vec()),
        }
        Ok(())
    })
}

/// Adds a merchant to a verifier for several merchants behind one notify_url
/// (`docs/merchants.md`): its merchant id (`mchid`, UTF-8) and APIv3 key. The public keys and
/// certificates added after it, until the next merchant, are this merchant's. A verifier has
/// either merchants or one merchant's `wpn_verifier_builder_apiv3_key()` and keys
/// (`WPN_CONFIG_INVALID` at build otherwise). A notification then names its merchant
/// (`wpn_envelope.mchid`).
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_merchant(
    builder: *mut wpn_verifier_builder,
    mchid: *const u8,
    mchid_len: usize,
    apiv3_key: *const u8,
    apiv3_key_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let builder = arg_mut(builder, "builder")?;
        let mchid = bytes_arg(mchid, mchid_len, "mchid")?;
        let key = bytes_arg(apiv3_key, apiv3_key_len, "apiv3_key")?;
        let mchid = utf8_arg(mchid, "mchid", ErrorCode::ConfigInvalid)?;
        builder.merchants.push(Merchant::new(mchid, key));
        Ok(())
    })
}

/// Sets the largest accepted difference between `Wechatpay-Timestamp` and now, in seconds
/// (default 300).
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_max_clock_skew(
    builder: *mut wpn_verifier_builder,
    seconds: u64,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        arg_mut(builder, "builder")?.max_clock_skew = Some(seconds);
        Ok(())
    })
}

/// Sets the largest accepted body, in bytes (default 1 MiB).
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_max_body_size(
    builder: *mut wpn_verifier_builder,
    bytes: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        arg_mut(builder, "builder")?.max_body_size = Some(bytes);
        Ok(())
    })
}

/// Parses every key and builds a verifier. Any configuration problem (APIv3 key not 32
/// bytes, PEM that does not parse, a key that is not RSA-2048 or larger, no key at all, a
/// serial configured twice) is `WPN_CONFIG_INVALID` with a message saying which.
///
/// On success `*verifier_out` is a new verifier the caller frees with `wpn_verifier_free()`.
/// The builder is not consumed and must still be freed.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_build(
    builder: *const wpn_verifier_builder,
    verifier_out: *mut *mut wpn_verifier,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(verifier_out, "verifier_out")?;
        let config = arg(builder, "builder")?;
        let mut b = Verifier::builder();
        if let Some(key) = &config.apiv3_key {
            b = b.apiv3_key(key.as_slice());
        }
        for (id, pem) in &config.public_keys {
            b = b.public_key(id.as_str(), pem);
        }
        for pem in &config.certificates {
            b = b.platform_certificate(pem);
        }
        for merchant in &config.merchants {
            b = b.merchant(merchant.clone());
        }
        if let Some(seconds) = config.max_clock_skew {
            b = b.max_clock_skew(Duration::from_secs(seconds));
        }
        if let Some(bytes) = config.max_body_size {
            b = b.max_body_size(bytes);
        }
        *out = into_handle(wpn_verifier { inner: b.build()? });
        Ok(())
    })
}

/// Frees a builder, wiping its copy of the APIv3 key. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_verifier_builder_free(builder: *mut wpn_verifier_builder) {
    free_handle(builder)
}
