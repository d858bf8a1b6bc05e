//! AES-256-GCM decryption of `resource` objects with the APIv3 key (AEAD_AES_256_GCM).

use std::fmt;

use crate::bytes::decode_base64;

use crate::backend::AeadKey;

use crate::error::{Error, ErrorCode, Result};

/// The only `resource.algorithm` this library decrypts.
pub const ALGORITHM_AES_GCM: &str = "AEAD_AES_256_GCM";

/// Length of the APIv3 key (APIv3密钥), in bytes.
pub const APIV3_KEY_LEN: usize = 32;
/// Length of `resource.nonce`, in bytes.
pub const NONCE_LEN: usize = 12;
/// Length of the GCM tag that ends every ciphertext.
pub const TAG_LEN: usize = 16;

/// The APIv3 key, ready to decrypt. The expanded AES key is wiped when this is dropped.
#[derive(Clone)]
pub struct Apiv3Key {
    cipher: AeadKey,
}

impl Apiv3Key {
    /// Builds the key from its 32 bytes (the 32 characters set in the merchant platform).
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self> {
        let key = key.as_ref();
        if key.len() != APIV3_KEY_LEN {
            let hint = if key.len() == 16 {
                " (16 bytes is an AES-128 key; the APIv3 key set in the merchant platform is 32 characters)"
            } else if key.trim_ascii().len() == APIV3_KEY_LEN {
                " (it has a leading or trailing newline or space, from a file or an environment variable?)"
            } else {
                ""
            };
            return Err(Error::config(format!(
                "APIv3 key must be exactly {APIV3_KEY_LEN} bytes, got {}{hint}",
                key.len()
            )));
        }
        let cipher =
            AeadKey::new(key).ok_or_else(|| Error::config("APIv3 key must be exactly 32 bytes"))?;
        Ok(Apiv3Key { cipher })
    }

    /// Decrypts a resource: `nonce` is the 12 raw bytes of `resource.nonce`,
    /// `associated_data` the bytes of `resource.associated_data` (empty if absent), and
    /// `ciphertext_b64` the standard base64 of ciphertext followed by the 16-byte tag.
    pub fn decrypt(
        &self,
        nonce: &[u8],
        associated_data: &[u8],
        ciphertext_b64: &[u8],
    ) -> Result<Vec<u8>> {
        let sealed = decode_sealed(nonce, ciphertext_b64)?;
        self.open(nonce, associated_data, sealed)
    }

    /// AES-256-GCM open of `sealed` (ciphertext then tag), checked by [`decode_sealed`].
    pub(crate) fn open(
        &self,
        nonce: &[u8],
        associated_data: &[u8],
        mut sealed: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let nonce: &[u8; NONCE_LEN] = match nonce.try_into() {
            Ok(nonce) if sealed.len() >= TAG_LEN => nonce,
            _ => {
                return Err(Error::new(
                    ErrorCode::MalformedResource,
                    "resource nonce or ciphertext has the wrong length",
                ))
            }
        };
        if self.cipher.open(nonce, associated_data, &mut sealed) {
            Ok(sealed)
        } else {
            Err(Error::new(
                ErrorCode::DecryptFailed,
                "AES-256-GCM authentication failed: the APIv3 key configured here is not the \
                 one set in the merchant platform (账户中心 > API安全 > APIv3密钥), or it was \
                 never set there; or the ciphertext, nonce or associated_data was altered",
            ))
        }
    }
}

/// Checks the nonce length and decodes the base64 ciphertext (at least one tag long).
pub(crate) fn decode_sealed(nonce: &[u8], ciphertext_b64: &[u8]) -> Result<Vec<u8>> {
    if nonce.len() != NONCE_LEN {
        return Err(Error::new(
            ErrorCode::MalformedResource,
            format!(
                "resource nonce is {} bytes; AEAD_AES_256_GCM uses a {NONCE_LEN}-byte nonce",
                nonce.len()
            ),
        ));
    }
    let sealed = decode_base64(ciphertext_b64).ok_or_else(|| {
        Error::new(
            ErrorCode::MalformedResource,
            "resource ciphertext is not standard base64",
        )
    })?;
    if sealed.len() < TAG_LEN {
        return Err(Error::new(
            ErrorCode::MalformedResource,
            format!(
                "resource ciphertext is {} bytes, shorter than the {TAG_LEN}-byte GCM tag",
                sealed.len()
            ),
        ));
    }
    Ok(sealed)
}

impl fmt::Debug for Apiv3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Apiv3Key(<redacted>)")
    }
}

/// Decrypts one AEAD_AES_256_GCM resource with the APIv3 key.
///
/// `apiv3_key` must be 32 bytes (`CONFIG_INVALID` otherwise); `nonce` 12 bytes and the
/// ciphertext base64 of at least 16 bytes (`MALFORMED_RESOURCE`); a wrong key or altered
/// input is `DECRYPT_FAILED`. Returns the plaintext bytes.
pub fn decrypt_resource(
    apiv3_key: impl AsRef<[u8]>,
    nonce: impl AsRef<[u8]>,
    associated_data: impl AsRef<[u8]>,
    ciphertext_b64: impl AsRef<[u8]>,
) -> Result<Vec<u8>> {
    Apiv3Key::new(apiv3_key)?.decrypt(
        nonce.as_ref(),
        associated_data.as_ref(),
        ciphertext_b64.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::Aead;
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
    use base64::Engine as _;

    const KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

    fn seal(plain: &[u8], aad: &[u8]) -> String {
        let c = Aes256Gcm::new_from_slice(KEY).unwrap();
        let ct = c
            .encrypt(
                Nonce::from_slice(b"nonce0123456"),
                aes_gcm::aead::Payload { msg: plain, aad },
            )
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(ct)
    }

    #[test]
    fn round_trip_and_failures() {
        let ct = seal(b"{\"a\":1}", b"transaction");
        let pt = decrypt_resource(KEY, "nonce0123456", "transaction", &ct).unwrap();
        assert_eq!(pt, b"{\"a\":1}");
        let e = decrypt_resource(KEY, "nonce0123456", "other", &ct).unwrap_err();
        assert_eq!(e.code(), ErrorCode::DecryptFailed);
        assert!(e.message().contains("APIv3"));
        let e = decrypt_resource(KEY, "nonce012345", "", &ct).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource);
        let e = decrypt_resource(KEY, "nonce0123456", "", "!!").unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource);
        let e = decrypt_resource(KEY, "nonce0123456", "", "AAAA").unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource);
        let e = decrypt_resource(&KEY[..16], "nonce0123456", "", &ct).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConfigInvalid);
        assert!(e.message().contains("AES-128"));
    }

    #[test]
    fn debug_is_redacted() {
        let k = Apiv3Key::new(KEY).unwrap();
        assert_eq!(format!("{k:?}"), "Apiv3Key(<redacted>)");
    }
}
