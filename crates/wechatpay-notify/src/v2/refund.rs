//! APIv2 refund notifications: `req_info` is AES-256-ECB (PKCS#7) under the 32 ASCII bytes of
//! the lowercase hex MD5 of the APIv2 key.

use std::collections::BTreeMap;

use crate::bytes::decode_base64;
use ecb::cipher::block_padding::Pkcs7;
use ecb::cipher::{BlockDecryptMut, KeyInit};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};

/// A decrypted APIv2 refund notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V2Refund {
    /// The outer fields (`return_code`, `appid`, `mch_id`, `nonce_str`...), without `req_info`.
    pub fields: BTreeMap<String, String>,
    /// The decrypted `req_info` fields (`out_refund_no`, `refund_status`, `refund_fee`...).
    pub req_info: BTreeMap<String, String>,
}

/// The key that encrypts `req_info`: the 32 ASCII bytes of the lowercase hex MD5 of the APIv2
/// key (`docs/apiv2.md`). Wiped when dropped.
pub fn req_info_key(api_key: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut digest: [u8; 16] = Md5::digest(api_key).into();
    let mut key = Zeroizing::new([0u8; 32]);
    hex::encode_to_slice(digest, &mut key[..]).expect("MD5 hex is 32 bytes");
    zeroize::Zeroize::zeroize(&mut digest);
    key
}

fn failed(why: &str) -> Error {
    Error::new(
        ErrorCode::DecryptFailed,
        format!(
            "req_info could not be decrypted ({why}): the APIv2 key (API密钥) differs from the \
             merchant platform's, or req_info was altered"
        ),
    )
}

pub(crate) fn decrypt_req_info(key: &[u8; 32], req_info: &str) -> Result<BTreeMap<String, String>> {
    let compact: String = req_info
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let ciphertext = decode_base64(compact.as_bytes()).ok_or_else(|| failed("not base64"))?;
    let plain = ecb::Decryptor::<aes::Aes256>::new(key.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&ciphertext)
        .map_err(|_| failed("bad length or padding"))?;
    let plain = Zeroizing::new(plain);
    super::xml::parse_flat(&plain, "root")
        .map_err(|_| failed("plaintext is not a flat <root> document"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use ecb::cipher::BlockEncryptMut;

    #[test]
    fn round_trip() {
        let key = req_info_key(b"0123456789abcdef0123456789abcdef");
        assert!(key
            .iter()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let ct = ecb::Encryptor::<aes::Aes256>::new((&*key).into())
            .encrypt_padded_vec_mut::<Pkcs7>(
                b"<root><refund_status>SUCCESS</refund_status></root>",
            );
        let b64 = base64::engine::general_purpose::STANDARD.encode(ct);
        let m = decrypt_req_info(&key, &b64).unwrap();
        assert_eq!(m["refund_status"], "SUCCESS");
        let other = req_info_key(b"fedcba9876543210fedcba9876543210");
        assert_eq!(
            decrypt_req_info(&other, &b64).unwrap_err().code(),
            ErrorCode::DecryptFailed
        );
        assert_eq!(
            decrypt_req_info(&key, "%%").unwrap_err().code(),
            ErrorCode::DecryptFailed
        );
    }
}
