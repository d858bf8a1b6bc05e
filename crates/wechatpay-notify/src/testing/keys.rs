//! The kit's throwaway platform key and the random values of test callbacks.
//!
//! The key pair and the random source are the backend's, behind one interface (`KeyPair` and
//! `fill` in `keys/aws_lc.rs` and `keys/ring.rs`): with the feature `aws-lc`, aws-lc-rs
//! generates the key and signs; under ring, RustCrypto's `rsa` generates it (ring cannot) and
//! ring signs. Everything around the key is shared: the public key PEM, and the self-signed
//! certificate, built with `x509-cert` and signed by the key (RSASSA-PKCS1-v1_5 SHA-256, as
//! WeChat Pay signs).

use std::fmt;
use std::time::Duration;

use der::asn1::{AnyRef, BitString, BitStringRef};
use der::{Decode, Document, Encode};
use spki::{
    AlgorithmIdentifierRef, EncodePublicKey, ObjectIdentifier, SignatureAlgorithmIdentifier,
    SignatureBitStringEncoding, SubjectPublicKeyInfoRef,
};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::keys::PUBLIC_KEY_ID_PREFIX;

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(all(feature = "testing", not(feature = "aws-lc")))]
mod ring;

#[cfg(all(feature = "testing", not(feature = "aws-lc")))]
use self::ring::{fill, KeyPair};

#[cfg(not(any(feature = "testing", feature = "aws-lc")))]
compile_error!(
    "the testing kit needs a key generator: enable the feature `testing` (any backend) or \
     `aws-lc-testing` (aws-lc, no rsa)"
);
#[cfg(feature = "aws-lc")]
use aws_lc::{fill, KeyPair};

/// `sha256WithRSAEncryption` (RFC 4055), the certificate's signature algorithm.
const SHA256_WITH_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// An error of the kit itself (the system's random source or a crypto library refused).
pub(crate) fn failed(what: &str) -> Error {
    Error::new(
        ErrorCode::ConfigInvalid,
        format!("the testing kit could not make its test callback ({what} failed)"),
    )
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
    pair: KeyPair,
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
        let pair = KeyPair::generate()?;
        let spki = spki_der(&pair)?;
        let public_key_pem = pem("PUBLIC KEY", &spki)?;
        let (key_id, certificate_pem) = if certificate {
            let (serial, pem) = self_signed(&pair, spki)?;
            (serial, Some(pem))
        } else {
            (format!("{PUBLIC_KEY_ID_PREFIX}{}", random_digits(28)), None)
        };
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
            "PRIVATE KEY" => KeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => KeyPair::from_pkcs1(&der),
            other => {
                return Err(config(format!(
                    "a {other} PEM, not an RSA private key (PKCS#8 PRIVATE KEY or PKCS#1 RSA \
                     PRIVATE KEY)"
                )))
            }
        }
        .map_err(|e| config(format!("the RSA private key was refused: {e}")))?;
        let public_key_pem = pem("PUBLIC KEY", &spki_der(&pair)?)?;
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
        self.pair.sign(message)
    }
}

/// The SubjectPublicKeyInfo (DER) of `pair`'s public key: `rsaEncryption` around the PKCS#1
/// `RSAPublicKey` the backend gives.
fn spki_der(pair: &KeyPair) -> Result<Vec<u8>> {
    let encoding = |_| failed("public key encoding");
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: crate::key_text::RSA_ENCRYPTION,
            parameters: Some(AnyRef::NULL),
        },
        subject_public_key: BitStringRef::from_bytes(pair.public_key_pkcs1()).map_err(encoding)?,
    }
    .to_der()
    .map_err(encoding)
}

/// `der` as a PEM block with LF line endings.
fn pem(label: &str, der: &[u8]) -> Result<String> {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der)
        .map_err(|_| failed("PEM encoding"))
}

/// The kit's key as the certificate builder's signer: its public key, its signature algorithm
/// (`sha256WithRSAEncryption`) and its signatures, made by the backend.
struct CertificateSigner<'a> {
    pair: &'a KeyPair,
    spki: PublicKeyDer,
}

/// A SubjectPublicKeyInfo already encoded, as the builder's verifying key.
#[derive(Clone)]
struct PublicKeyDer(Vec<u8>);

impl EncodePublicKey for PublicKeyDer {
    fn to_public_key_der(&self) -> spki::Result<Document> {
        Ok(Document::from_der(&self.0)?)
    }
}

/// An RSA signature, as the certificate's signature BIT STRING.
struct CertificateSignature(Vec<u8>);

impl SignatureBitStringEncoding for CertificateSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for CertificateSigner<'_> {
    type VerifyingKey = PublicKeyDer;

    fn verifying_key(&self) -> PublicKeyDer {
        self.spki.clone()
    }
}

impl SignatureAlgorithmIdentifier for CertificateSigner<'_> {
    type Params = AnyRef<'static>;

    const SIGNATURE_ALGORITHM_IDENTIFIER: AlgorithmIdentifierRef<'static> =
        AlgorithmIdentifierRef {
            oid: SHA256_WITH_RSA_ENCRYPTION,
            parameters: Some(AnyRef::NULL),
        };
}

impl signature::Signer<CertificateSignature> for CertificateSigner<'_> {
    fn try_sign(
        &self,
        message: &[u8],
    ) -> std::result::Result<CertificateSignature, signature::Error> {
        self.pair
            .sign(message)
            .map(CertificateSignature)
            .map_err(|_| signature::Error::new())
    }
}

/// A self-signed certificate of `pair`'s public key (`spki`, DER): (serial as uppercase hex,
/// PEM).
fn self_signed(pair: &KeyPair, spki: Vec<u8>) -> Result<(String, String)> {
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
    let subject_key =
        SubjectPublicKeyInfoOwned::from_der(&spki).map_err(|_| failed("key encoding"))?;
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
    let signer = CertificateSigner {
        pair,
        spki: PublicKeyDer(spki),
    };
    let builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::new(&serial).map_err(|_| failed("certificate serial"))?,
        validity,
        subject,
        subject_key,
        &signer,
    )
    .map_err(|_| failed("certificate"))?;
    let certificate = builder
        .build::<CertificateSignature>()
        .map_err(|_| failed("certificate signing"))?;
    let der = certificate
        .to_der()
        .map_err(|_| failed("certificate encoding"))?;
    let pem = pem("CERTIFICATE", &der)?;
    Ok((serial_hex, pem))
}
