//! The kit's key under aws-lc: generated, held and used by aws-lc-rs. The same interface as
//! `ring.rs`.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair as _, RsaKeyPair, RSA_PKCS1_SHA256};

use super::failed;
use crate::error::Result;

/// Size of the keys the kit generates, as WeChat Pay's.
const KEY_SIZE: KeySize = KeySize::Rsa2048;

/// Fills `bytes` from the system's random source. It does not fail on the platforms this
/// library supports; a test value is all that depends on it.
pub(super) fn fill(bytes: &mut [u8]) {
    let _ = aws_lc_rs::rand::fill(bytes);
}

/// An RSA private key that signs.
pub(super) struct KeyPair(RsaKeyPair);

impl KeyPair {
    /// A fresh RSA-2048 key.
    pub(super) fn generate() -> Result<KeyPair> {
        RsaKeyPair::generate(KEY_SIZE)
            .map(KeyPair)
            .map_err(|_| failed("key generation"))
    }

    /// A PKCS#8 `PrivateKeyInfo` (DER); the reason when it is refused.
    pub(super) fn from_pkcs8(der: &[u8]) -> std::result::Result<KeyPair, String> {
        RsaKeyPair::from_pkcs8(der)
            .map(KeyPair)
            .map_err(|e| e.to_string())
    }

    /// A PKCS#1 `RSAPrivateKey` (DER); the reason when it is refused.
    pub(super) fn from_pkcs1(der: &[u8]) -> std::result::Result<KeyPair, String> {
        RsaKeyPair::from_der(der)
            .map(KeyPair)
            .map_err(|e| e.to_string())
    }

    /// The public key, a PKCS#1 `RSAPublicKey` (DER).
    pub(super) fn public_key_pkcs1(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub(super) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let mut signature = vec![0u8; self.0.public_modulus_len()];
        // aws-lc-rs takes a random source for ring's signature, and ignores it.
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| failed("RSA signing"))?;
        Ok(signature)
    }
}
