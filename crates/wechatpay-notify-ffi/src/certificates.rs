//! Platform certificates decrypted from a `GET /v3/certificates` response.

use wechatpay_notify::DownloadedCertificate;

use crate::error::wpn_error;
use crate::guard::{free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_str, Empty};

/// The certificates of one `GET /v3/certificates` response, decrypted and parsed.
///
/// Owned by the caller, freed with `wpn_certificates_free()`; every string read from it is
/// valid until then. Immutable: it may be read from any thread.
pub struct wpn_certificates {
    pub(crate) items: Vec<DownloadedCertificate>,
}

/// One downloaded certificate, as written by `wpn_certificates_get()`. Its strings borrow
/// from the `wpn_certificates` list.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wpn_certificate {
    /// Serial number, uppercase hex; checked equal to the certificate's own serial.
    /// `{NULL, 0}` when the index was out of range.
    pub serial_no: wpn_str,
    /// `effective_time` as sent (RFC 3339); may be empty.
    pub effective_time: wpn_str,
    /// `expire_time` as sent (RFC 3339); may be empty.
    pub expire_time: wpn_str,
    /// Start of validity read from the certificate, Unix seconds.
    pub not_before: i64,
    /// End of validity read from the certificate, Unix seconds.
    pub not_after: i64,
    /// The certificate as PEM, ready for `wpn_verifier_builder_platform_certificate()`.
    pub pem: wpn_str,
}

impl Empty for wpn_certificate {
    const EMPTY: wpn_certificate = wpn_certificate {
        serial_no: wpn_str::NONE,
        effective_time: wpn_str::NONE,
        expire_time: wpn_str::NONE,
        not_before: 0,
        not_after: 0,
        pem: wpn_str::NONE,
    };
}

/// Decrypts every certificate of a `GET /v3/certificates` response body with the APIv3 key
/// (`apiv3_key_len` must be 32: `WPN_CONFIG_INVALID` otherwise). A body of the wrong shape is
/// `WPN_MALFORMED_BODY`; then `WPN_UNSUPPORTED_ALGORITHM`, `WPN_MALFORMED_RESOURCE` and
/// `WPN_DECRYPT_FAILED` as for notifications. On success `*certificates_out` is a new list
/// the caller frees with `wpn_certificates_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_decrypt_certificates(
    apiv3_key: *const u8,
    apiv3_key_len: usize,
    body: *const u8,
    body_len: usize,
    certificates_out: *mut *mut wpn_certificates,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(certificates_out, "certificates_out")?;
        let key = bytes_arg(apiv3_key, apiv3_key_len, "apiv3_key")?;
        let body = bytes_arg(body, body_len, "body")?;
        let items = wechatpay_notify::decrypt_certificates(key, body)?;
        *out = into_handle(wpn_certificates { items });
        Ok(())
    })
}

/// The number of certificates in the list; 0 if `certificates` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_certificates_len(certificates: *const wpn_certificates) -> usize {
    certificates.as_ref().map_or(0, |c| c.items.len())
}

/// Writes certificate `index` to `*certificate_out`; its strings borrow from the list.
/// Returns false, writing an empty record, if `certificates` is NULL or `index` is out of
/// range.
#[no_mangle]
pub unsafe extern "C" fn wpn_certificates_get(
    certificates: *const wpn_certificates,
    index: usize,
    certificate_out: *mut wpn_certificate,
) -> bool {
    put(certificate_out, || {
        let c = certificates.as_ref()?.items.get(index)?;
        Some(wpn_certificate {
            serial_no: wpn_str::of(&c.serial_no),
            effective_time: wpn_str::of(&c.effective_time),
            expire_time: wpn_str::of(&c.expire_time),
            not_before: c.not_before,
            not_after: c.not_after,
            pem: wpn_str::of(&c.pem),
        })
    })
}

/// Frees a certificate list. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_certificates_free(certificates: *mut wpn_certificates) {
    free_handle(certificates)
}
