//! Decrypting one `resource` object, and the byte buffer that carries the result.

use zeroize::Zeroizing;

use crate::error::wpn_error;
use crate::guard::{free_handle, guard, into_handle, out_arg};
use crate::result::wpn_result;
use crate::strings::{bytes_arg, put, wpn_slice};

/// Bytes owned by the library (e.g. a decrypted resource). Read them with
/// `wpn_buffer_data()`; free with `wpn_buffer_free()`, which wipes them. Immutable.
pub struct wpn_buffer {
    bytes: Zeroizing<Vec<u8>>,
}

impl wpn_buffer {
    /// A buffer owning `bytes`, wiped when it is freed.
    pub(crate) fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        wpn_buffer { bytes }
    }
}

/// Decrypts one AEAD_AES_256_GCM `resource` with the APIv3 key.
///
/// `apiv3_key` must be 32 bytes (`WPN_CONFIG_INVALID` otherwise); `nonce` is the 12 bytes of
/// `resource.nonce`; `associated_data` the bytes of `resource.associated_data` (empty if
/// absent); `ciphertext_b64` the standard base64 of `resource.ciphertext`
/// (`WPN_MALFORMED_RESOURCE` for a wrong nonce length or bad base64). A wrong key or altered
/// input is `WPN_DECRYPT_FAILED`. On success `*plaintext_out` is a new buffer the caller frees
/// with `wpn_buffer_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_decrypt_resource(
    apiv3_key: *const u8,
    apiv3_key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    associated_data: *const u8,
    associated_data_len: usize,
    ciphertext_b64: *const u8,
    ciphertext_b64_len: usize,
    plaintext_out: *mut *mut wpn_buffer,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let out = out_arg(plaintext_out, "plaintext_out")?;
        let key = bytes_arg(apiv3_key, apiv3_key_len, "apiv3_key")?;
        let nonce = bytes_arg(nonce, nonce_len, "nonce")?;
        let aad = bytes_arg(associated_data, associated_data_len, "associated_data")?;
        let ciphertext = bytes_arg(ciphertext_b64, ciphertext_b64_len, "ciphertext_b64")?;
        let plain = wechatpay_notify::decrypt_resource(key, nonce, aad, ciphertext)?;
        *out = into_handle(wpn_buffer {
            bytes: Zeroizing::new(plain),
        });
        Ok(())
    })
}

/// Writes a view of a buffer's bytes to `*data_out`, valid until the buffer is freed. Returns
/// false, writing `{NULL, 0}`, if `buffer` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wpn_buffer_data(
    buffer: *const wpn_buffer,
    data_out: *mut wpn_slice,
) -> bool {
    put(data_out, || {
        buffer.as_ref().map(|b| wpn_slice::of(&b.bytes))
    })
}

/// Wipes and frees a buffer. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wpn_buffer_free(buffer: *mut wpn_buffer) {
    free_handle(buffer)
}
