//! The one place that calls a cryptographic library on the hot path: the RSA-SHA256 signature
//! check and the AES-256-GCM open.
//!
//! With the cargo feature `ring` (the default) RSA is ring's and AES-256-GCM is RustCrypto's
//! `aes-gcm`, which wipes its key schedule when dropped. With the feature `aws-lc`, both are
//! aws-lc-rs's: the RSA key is parsed once, when the verifier is built (ring parses it again on
//! every call), and the AES key schedule lives in memory that AWS-LC wipes when it frees it
//! (`OPENSSL_free`). When both features are on, aws-lc-rs is used; with neither, the crate does
//! not compile.
//!
//! [`crate::rsa_key`] and [`crate::resource`] check every input before it gets here, so both
//! backends see the same bytes and give the same yes-or-no for every signature and ciphertext
//! (the Wycheproof and vector suites run under both).

#[cfg(not(any(feature = "ring", feature = "aws-lc")))]
compile_error!(
    "wechatpay-notify needs a cryptographic backend: the feature `ring` (the default) or `aws-lc`"
);

#[cfg(all(feature = "ring", not(feature = "aws-lc")))]
mod chosen {
    use aes_gcm::aead::AeadInPlace;
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    use crate::resource::TAG_LEN;

    /// The name reported by [`crate::BACKEND`].
    pub const NAME: &str = "ring";

    /// ring keeps the key's bytes and parses them again on every verification.
    #[derive(Clone)]
    pub struct RsaKey(UnparsedPublicKey<Box<[u8]>>);

    impl RsaKey {
        /// Wraps a PKCS#1 `RSAPublicKey` already checked by the caller.
        pub fn new(pkcs1_der: &[u8]) -> Option<RsaKey> {
            Some(RsaKey(UnparsedPublicKey::new(
                &RSA_PKCS1_2048_8192_SHA256,
                pkcs1_der.into(),
            )))
        }

        /// True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
        pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
            self.0.verify(message, signature).is_ok()
        }

        /// The PKCS#1 bytes the key was built from.
        pub fn pkcs1_der(&self) -> &[u8] {
            self.0.as_ref()
        }
    }

    /// An AES-256-GCM key; `aes-gcm` wipes the key schedule on drop (feature `zeroize`). The
    /// schedule is boxed where it is built, so that it is never moved again: a move copies
    /// the unused part of its union too, and the wipe on drop covers only the part in use.
    #[derive(Clone)]
    pub struct AeadKey(Box<Aes256Gcm>);

    /// Overwrites the stack below the caller with zeros, where the next call's frame will be.
    #[inline(never)]
    fn scrub_stack() {
        let mut area = [0u8; 16 * 1024];
        zeroize::Zeroize::zeroize(&mut area[..]);
        std::hint::black_box(&area);
    }

    impl AeadKey {
        /// Expands a 32-byte key.
        pub fn new(key: &[u8]) -> Option<AeadKey> {
            // The cipher is built on the stack: an AES key schedule is a union of the hardware
            // and software forms, and the unused part is copied along with the rest, so stale
            // stack bytes (a moved-from key schedule of an earlier call) must not be there.
            scrub_stack();
            Aes256Gcm::new_from_slice(key)
                .ok()
                .map(|cipher| AeadKey(Box::new(cipher)))
        }

        /// Opens `sealed` (ciphertext then a 16-byte tag, at least a tag long) in place,
        /// leaving the plaintext; false if it does not authenticate.
        pub fn open(&self, nonce: &[u8; 12], aad: &[u8], sealed: &mut Vec<u8>) -> bool {
            let tag_start = sealed.len() - TAG_LEN;
            let tag = Tag::clone_from_slice(&sealed[tag_start..]);
            sealed.truncate(tag_start);
            self.0
                .decrypt_in_place_detached(Nonce::from_slice(nonce), aad, sealed, &tag)
                .is_ok()
        }
    }
}

#[cfg(feature = "aws-lc")]
mod chosen {
    use std::sync::Arc;

    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    /// The name reported by [`crate::BACKEND`].
    pub const NAME: &str = "aws-lc";

    /// aws-lc-rs parses the key once, here, and keeps the parsed `EVP_PKEY`.
    #[derive(Clone)]
    pub struct RsaKey(ParsedPublicKey);

    impl RsaKey {
        /// Parses a PKCS#1 `RSAPublicKey` already checked by the caller; `None` if aws-lc
        /// refuses it.
        pub fn new(pkcs1_der: &[u8]) -> Option<RsaKey> {
            ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1_der)
                .ok()
                .map(RsaKey)
        }

        /// True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
        pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
            self.0.verify_sig(message, signature).is_ok()
        }

        /// The PKCS#1 bytes the key was built from.
        pub fn pkcs1_der(&self) -> &[u8] {
            self.0.as_ref()
        }
    }

    /// An AES-256-GCM key, its schedule in an `EVP_AEAD_CTX` that AWS-LC wipes when freed;
    /// clones share it.
    #[derive(Clone)]
    pub struct AeadKey(Arc<LessSafeKey>);

    impl AeadKey {
        /// Expands a 32-byte key.
        pub fn new(key: &[u8]) -> Option<AeadKey> {
            let key = UnboundKey::new(&AES_256_GCM, key).ok()?;
            Some(AeadKey(Arc::new(LessSafeKey::new(key))))
        }

        /// Opens `sealed` (ciphertext then a 16-byte tag, at least a tag long) in place,
        /// leaving the plaintext; false if it does not authenticate.
        pub fn open(&self, nonce: &[u8; 12], aad: &[u8], sealed: &mut Vec<u8>) -> bool {
            let nonce = Nonce::assume_unique_for_key(*nonce);
            match self.0.open_in_place(nonce, Aad::from(aad), sealed) {
                Ok(plaintext) => {
                    let len = plaintext.len();
                    sealed.truncate(len);
                    true
                }
                Err(_) => false,
            }
        }
    }
}

pub(crate) use chosen::{AeadKey, RsaKey, NAME};
