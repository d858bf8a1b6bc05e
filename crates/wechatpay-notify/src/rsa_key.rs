//! The RSA verification seam: one key type, built once per key, with `verify(msg, sig)`, and
//! every way to build it from the forms WeChat Pay hands out.
//!
//! Everything about the key (DER structure, size, exponent) is checked here once, when the
//! verifier is built; the hot path only calls [`RsaPublicKey::verify`], which hands the
//! signature to the backend in [`crate::backend`] (ring, or aws-lc-rs with the feature
//! `aws-lc`).

use std::fmt;

use der::Decode;

use crate::backend::RsaKey;
use crate::error::{Error, ErrorCode, Result};
use crate::key_text::{self, Decoded};

/// Smallest modulus this library accepts (WeChat Pay keys are 2048 bits).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest modulus this library accepts (ring's limit for PKCS#1 v1.5 SHA-256).
pub const MAX_RSA_BITS: usize = 8192;

/// An RSA public key, validated for RSASSA-PKCS1-v1_5 with SHA-256.
#[derive(Clone)]
pub struct RsaPublicKey {
    key: RsaKey,
    modulus_len: usize,
    bits: usize,
}

impl RsaPublicKey {
    /// True when both are the same key (the same PKCS#1 encoding).
    pub(crate) fn same_key(&self, other: &RsaPublicKey) -> bool {
        self.key.pkcs1_der() == other.key.pkcs1_der()
    }

    /// Parses a public key from any form WeChat Pay hands out: SubjectPublicKeyInfo PEM
    /// (`BEGIN PUBLIC KEY`, the 微信支付公钥 file), PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), an
    /// X.509 certificate PEM (its key is used), or the same DER as base64 without armour.
    pub fn from_pem(text: impl AsRef<[u8]>) -> Result<Self> {
        match key_text::decode_key_text(text.as_ref())? {
            Decoded::Pem(label, der) => match label.as_str() {
                "PUBLIC KEY" => RsaPublicKey::from_spki_der(&der),
                "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(&der),
                "CERTIFICATE" => {
                    RsaPublicKey::from_spki_der(&key_text::parse_certificate(&der)?.spki)
                }
                _ => Err(key_text::wrong_label(&label)),
            },
            Decoded::Der(der) => RsaPublicKey::from_spki_der(&der)
                .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
                .or_else(|_| RsaPublicKey::from_spki_der(&key_text::parse_certificate(&der)?.spki))
                .map_err(|_| {
                    Error::config(
                        "base64 text is neither a SubjectPublicKeyInfo, a PKCS#1 RSA public key \
                         nor an X.509 certificate",
                    )
                }),
        }
    }

    /// Parses a DER SubjectPublicKeyInfo holding an RSA key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        RsaPublicKey::from_pkcs1_der(&key_text::rsa_pkcs1_of_spki(der)?)
    }

    /// Builds a key from a DER `RSAPublicKey` (PKCS#1).
    ///
    /// Refuses keys under 2048 or over 8192 bits and exponents ring does not accept.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let parsed = pkcs1::RsaPublicKey::from_der(der).map_err(|e| {
            Error::config(format!("RSA public key (PKCS#1 DER) does not parse: {e}"))
        })?;
        let modulus = parsed.modulus.as_bytes();
        let bits = bit_length(modulus);
        if bits < MIN_RSA_BITS {
            return Err(Error::config(format!(
                "RSA key is {bits} bits; WeChat Pay keys are 2048 bits and at least {MIN_RSA_BITS} are required"
            )));
        }
        if bits > MAX_RSA_BITS {
            return Err(Error::config(format!(
                "RSA key is {bits} bits; at most {MAX_RSA_BITS} are supported"
            )));
        }
        let exponent = parsed.public_exponent.as_bytes();
        let exponent_value = if exponent.len() <= 5 {
            exponent
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        } else {
            u64::MAX
        };
        if exponent_value % 2 == 0 || !(3..(1u64 << 33)).contains(&exponent_value) {
            return Err(Error::config(
                "RSA public exponent must be odd, at least 3 and below 2^33",
            ));
        }
        let key = RsaKey::new(der).ok_or_else(|| {
            Error::config(format!(
                "RSA public key is refused by the {} backend",
                crate::BACKEND
            ))
        })?;
        Ok(RsaPublicKey {
            key,
            modulus_len: bits.div_ceil(8),
            bits,
        })
    }

    /// The modulus length in bytes: the exact length of every valid signature.
    pub fn modulus_len(&self) -> usize {
        self.modulus_len
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature over `message`.
    ///
    /// A signature whose length is not the modulus length is `MALFORMED_SIGNATURE`; any other
    /// failure is `SIGNATURE_MISMATCH`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        if signature.len() != self.modulus_len {
            return Err(Error::new(
                ErrorCode::MalformedSignature,
                format!(
                    "signature is {} bytes; a {}-bit key signs exactly {} bytes",
                    signature.len(),
                    self.bits,
                    self.modulus_len
                ),
            ));
        }
        if self.key.verify(message, signature) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::SignatureMismatch,
                "RSA-SHA256 signature does not match",
            ))
        }
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// Number of significant bits in a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    let bytes = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => return 0,
    };
    (bytes.len() - 1) * 8 + (8 - bytes[0].leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01, 0x00, 0x01]), 17);
    }

    #[test]
    fn private_key_is_named() {
        let pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = RsaPublicKey::from_pem(pem).unwrap_err();
        assert!(err.message().contains("apiclient_key.pem"), "{err}");
    }

    #[test]
    fn garbage_is_config_invalid() {
        for text in ["", "not base64 !!", "-----BEGIN PUBLIC KEY-----\nAAAA\n"] {
            let err = RsaPublicKey::from_pem(text).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::ConfigInvalid);
        }
        let err = RsaPublicKey::from_pem("-----BEGIN PUBLIC KEY-----\\nAAAA").unwrap_err();
        assert!(err.message().contains("literal"), "{err}");
    }
}
