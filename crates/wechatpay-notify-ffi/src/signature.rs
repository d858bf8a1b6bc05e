//! One RSA signature check with a WeChat Pay public key, outside any callback.

use wechatpay_notify::RsaPublicKey;

use crate::error::wpn_error;
use crate::guard::guard;
use crate::result::wpn_result;
use crate::strings::bytes_arg;

/// Verifies an RSASSA-PKCS1-v1_5 SHA-256 `signature` (raw bytes, not base64) over `message`
/// with a public key given as SubjectPublicKeyInfo PEM, PKCS#1 PEM or bare base64 (the forms
/// `wpn_verifier_builder_public_key()` accepts). The key is parsed on every call: to verify
/// callbacks, build a `wpn_verifier` instead.
///
/// Errors: `WPN_CONFIG_INVALID` for a key that does not parse or is under 2048 bits,
/// `WPN_MALFORMED_SIGNATURE` for a signature of the wrong length, `WPN_SIGNATURE_MISMATCH`.
#[no_mangle]
pub unsafe extern "C" fn wpn_verify_rsa_signature(
    public_key_pem: *const u8,
    public_key_pem_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        let pem = bytes_arg(public_key_pem, public_key_pem_len, "public_key_pem")?;
        let message = bytes_arg(message, message_len, "message")?;
        let signature = bytes_arg(signature, signature_len, "signature")?;
        Ok(RsaPublicKey::from_pem(pem)?.verify(message, signature)?)
    })
}
