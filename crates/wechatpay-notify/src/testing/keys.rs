//! The kit's throwaway platform key: generated with RustCrypto's `rsa` (key generation, and
//! the self-signed certificate through `x509-cert`'s builder), signing with ring (the same
//! RSASSA-PKCS1-v1_5 SHA-256 WeChat Pay uses); and the random values of test callbacks.

use std::fmt;
use std::time::Duration;

use der::{Decode, Encode};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::keys::PUBLIC_KEY_ID_PREFIX;

/// Size of the keys the kit generates, as WeChat Pay's.
const KEY_BITS: usize = 2048;

/// An error of the kit itself (the system's random source or a crypto library refused).
pub(crate) fn failed(what: &str) -> Error {
    Error::new(
        ErrorCode::ConfigInvalid,
        format!("the testing kit could not make its test callback ({what} failed)"),
    )
}

fn fill(bytes: &mut [u8]) {
    // The system's random source does not fail on the platforms this library supports; a
    // test value is all that depends on it.
    let _ = SystemRandom::new().fill(bytes);
}

/// `n` random characters of `[0-9A-Za-z]`.
pub(crate) fn random_token(n: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; n];
    fill(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// `n` random decimal digits.
pub(crate) fn random_digits(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fill(&mut bytes);
    bytes.iter().map(|b| char::from(b'0' + b % 10)).collect()
}

/// A random 32-character test key (APIv3 or APIv2).
pub(crate) fn random_key() -> String {
    random_token(32)
}

/// Unix seconds as WeChat Pay writes times: RFC 3339 in Beijing time (+08:00).
pub(crate) fn beijing_time(unix_secs: i64) -> String {
    let secs = u64::try_from(unix_secs.saturating_add(8 * 3600)).unwrap_or(0);
    match der::DateTime::from_unix_duration(Duration::from_secs(secs)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minutes(),
            t.seconds()
        ),
        Err(_) => "1970-01-01T08:00:00+08:00".to_owned(),
    }
}

/// A platform key pair for tests: the private key that signs, its public key (PEM) under an
/// id or in a certificate. A **test key**: generated in memory, never WeChat Pay's.
pub struct TestKey {
    pair: RsaKeyPair,
    key_id: String,
    public_key_pem: String,
    certificate_pem: Option<String>,
}

impl fmt::Debug for TestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKey")
            .field("key_id", &self.key_id)
            .field("certificate", &self.certificate_pem.is_some())
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl TestKey {
    /// Generates an RSA-2048 test key, under a fresh `PUB_KEY_ID_` id, or (`certificate`) with
    /// a self-signed certificate valid from a day ago for five years, under its serial.
    pub fn generate(certificate: bool) -> Result<TestKey> {
        let mut rng = rand_core::OsRng;
        let private =
            rsa::RsaPrivateKey::new(&mut rng, KEY_BITS).map_err(|_| failed("key generation"))?;
        let pkcs8 = private.to_pkcs8_der().map_err(|_| failed("key encoding"))?;
        let public_key_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| failed("key encoding"))?;
        let (key_id, certificate_pem) = if certificate {
            let (serial, pem) = self_signed(private)?;
            (serial, Some(pem))
        } else {
            (format!("{PUBLIC_KEY_ID_PREFIX}{}", random_digits(28)), None)
        };
        let pair = RsaKeyPair::from_pkcs8(pkcs8.as_bytes()).map_err(|_| failed("key import"))?;
        Ok(TestKey {
            pair,
            key_id,
            public_key_pem,
            certificate_pem,
        })
    }

    /// A key of the caller's: a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE
    /// KEY`) PEM, signing under `key_id` (a `PUB_KEY_ID_` id or a certificate serial).
    /// `CONFIG_INVALID` for anything else.
    pub fn from_pem(private_key_pem: &[u8], key_id: &str) -> Result<TestKey> {
        let config = |m: String| Error::new(ErrorCode::ConfigInvalid, m);
        let (label, der) = der::pem::decode_vec(private_key_pem).map_err(|_| {
            config("not a PEM private key (-----BEGIN PRIVATE KEY----- ...)".to_owned())
        })?;
        let der = Zeroizing::new(der);
        let pair = match label {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            other => {
                return Err(config(format!(
                    "a {other} PEM, not an RSA private key (PKCS#8 PRIVATE KEY or PKCS#1 RSA \
                     PRIVATE KEY)"
                )))
            }
        }
        .map_err(|e| config(format!("the RSA private key was refused: {e}")))?;
        // ring gives the public key as a PKCS#1 RSAPublicKey.
        let public = {
            use rsa::pkcs1::DecodeRsaPublicKey;
            rsa::RsaPublicKey::from_pkcs1_der(pair.public().as_ref())
                .map_err(|_| failed("public key encoding"))?
        };
        let public_key_pem = public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| failed("public key encoding"))?;
        Ok(TestKey {
            pair,
            key_id: key_id.to_owned(),
            public_key_pem,
            certificate_pem: None,
        })
    }

    /// The `Wechatpay-Serial` the key signs under.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key, SubjectPublicKeyInfo PEM (the form of the 微信支付公钥 file).
    pub fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    /// The self-signed platform certificate (PEM), for a key made with a certificate.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let mut signature = vec![0u8; self.pair.public().modulus_len()];
        self.pair
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

/// A self-signed certificate of `private`'s public key: (serial as uppercase hex, PEM).
fn self_signed(private: rsa::RsaPrivateKey) -> Result<(String, String)> {
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let mut serial = [0u8; 20];
    fill(&mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x40; // positive, 20 significant bytes
    let serial_hex = hex::encode_upper(serial);
    let public_der = private
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| failed("key encoding"))?;
    let spki = SubjectPublicKeyInfoOwned::from_der(public_der.as_bytes())
        .map_err(|_| failed("key encoding"))?;
    let now = crate::verifier::unix_now();
    let from = u64::try_from(now - 86_400).unwrap_or(0);
    let validity = Validity {
        not_before: x509_cert::time::Time::try_from(
            std::time::UNIX_EPOCH + Duration::from_secs(from),
        )
        .map_err(|_| failed("certificate validity"))?,
        not_after: x509_cert::time::Time::try_from(
            std::time::UNIX_EPOCH + Duration::from_secs(from + 5 * 365 * 86_400),
        )
        .map_err(|_| failed("certificate validity"))?,
    };
    let subject = Name::from_str("CN=wechatpay-notify test platform certificate,O=Test key")
        .map_err(|_| failed("certificate name"))?;
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
    let builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::new(&serial).map_err(|_| failed("certificate serial"))?,
        validity,
        subject,
        spki,
        &signer,
    )
    .map_err(|_| failed("certificate"))?;
    let certificate = builder
        .build::<rsa::pkcs1v15::Signature>()
        .map_err(|_| failed("certificate signing"))?;
    let der = certificate
        .to_der()
        .map_err(|_| failed("certificate encoding"))?;
    let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &der)
        .map_err(|_| failed("certificate encoding"))?;
    Ok((serial_hex, pem))
}
