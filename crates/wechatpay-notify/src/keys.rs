//! Loading WeChat Pay platform keys: X.509 certificates, 微信支付公钥 (SPKI), PKCS#1, bare base64.
//!
//! Everything is parsed and checked once here, at configuration time.

use std::fmt;

use base64::Engine as _;
use der::{Decode, Encode};
use spki::ObjectIdentifier;
use x509_cert::Certificate;

use crate::error::{Error, Result};
use crate::rsa_key::RsaPublicKey;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// A WeChat Pay platform certificate (平台证书): its serial, validity and RSA key.
#[derive(Clone)]
pub struct PlatformCertificate {
    serial: String,
    not_before: i64,
    not_after: i64,
    key: RsaPublicKey,
}

impl PlatformCertificate {
    /// Parses a certificate from PEM (`BEGIN CERTIFICATE`) or from base64 DER without armour.
    pub fn from_pem(text: impl AsRef<[u8]>) -> Result<Self> {
        match decode_key_text(text.as_ref())? {
            Decoded::Pem(label, der) if label == "CERTIFICATE" => Self::from_der(&der),
            Decoded::Pem(label, _) if label.contains("PUBLIC KEY") => Err(Error::config(
                "this is a public key, not a certificate: configure it as a public key with the \
                 PUB_KEY_ID_ shown next to it in the merchant platform",
            )),
            Decoded::Pem(label, _) => Err(wrong_label(&label)),
            Decoded::Der(der) => Self::from_der(&der),
        }
    }

    /// Parses a DER-encoded X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let cert = Certificate::from_der(der)
            .map_err(|e| Error::config(format!("certificate does not parse as X.509 DER: {e}")))?;
        let tbs = &cert.tbs_certificate;
        let serial = serial_hex(tbs.serial_number.as_bytes());
        let not_before = tbs.validity.not_before.to_unix_duration().as_secs();
        let not_after = tbs.validity.not_after.to_unix_duration().as_secs();
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| Error::config(format!("certificate public key does not encode: {e}")))?;
        let key = key_from_spki_der(&spki)
            .map_err(|e| Error::config(format!("certificate {serial}: {}", e.message())))?;
        Ok(PlatformCertificate {
            serial,
            not_before: i64::try_from(not_before).unwrap_or(i64::MAX),
            not_after: i64::try_from(not_after).unwrap_or(i64::MAX),
            key,
        })
    }

    /// The serial number as uppercase hex, as WeChat Pay writes it in `Wechatpay-Serial`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Start of validity, Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// End of validity, Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// True when `now` (Unix seconds) is inside the validity period, ends included.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// The certificate's RSA public key.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.key
    }

    pub(crate) fn into_key(self) -> RsaPublicKey {
        self.key
    }
}

impl fmt::Debug for PlatformCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformCertificate")
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("bits", &self.key.bits())
            .finish()
    }
}

impl RsaPublicKey {
    /// Parses a public key from any form WeChat Pay hands out: SubjectPublicKeyInfo PEM
    /// (`BEGIN PUBLIC KEY`, the 微信支付公钥 file), PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), an
    /// X.509 certificate PEM (its key is used), or the same DER as base64 without armour.
    pub fn from_pem(text: impl AsRef<[u8]>) -> Result<Self> {
        match decode_key_text(text.as_ref())? {
            Decoded::Pem(label, der) => match label.as_str() {
                "PUBLIC KEY" => key_from_spki_der(&der),
                "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(&der),
                "CERTIFICATE" => Ok(PlatformCertificate::from_der(&der)?.into_key()),
                _ => Err(wrong_label(&label)),
            },
            Decoded::Der(der) => key_from_spki_der(&der)
                .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
                .or_else(|_| PlatformCertificate::from_der(&der).map(|c| c.into_key()))
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
        key_from_spki_der(der)
    }
}

fn key_from_spki_der(der: &[u8]) -> Result<RsaPublicKey> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| {
        Error::config(format!(
            "public key does not parse as SubjectPublicKeyInfo: {e}"
        ))
    })?;
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Err(Error::config(format!(
            "public key algorithm is {}, not RSA; WeChat Pay signs callbacks with RSA-2048",
            spki.algorithm.oid
        )));
    }
    let pkcs1 = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::config("public key bit string has unused bits"))?;
    RsaPublicKey::from_pkcs1_der(pkcs1)
}

enum Decoded {
    Pem(String, Vec<u8>),
    Der(Vec<u8>),
}

/// Finds the first PEM block in `text` (ignoring anything around it, such as OpenSSL's
/// "Bag Attributes"), or decodes the whole text as armour-less base64.
fn decode_key_text(text: &[u8]) -> Result<Decoded> {
    let text = std::str::from_utf8(text)
        .map_err(|_| Error::config("key text is not UTF-8 (is this a binary DER file?)"))?;
    if text.contains("\\n") && !text.contains('\n') {
        return Err(Error::config(
            "key text contains literal \\n sequences instead of line breaks; unescape it first",
        ));
    }
    let Some(start) = text.find("-----BEGIN ") else {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if compact.is_empty() {
            return Err(Error::config("key text is empty"));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| Error::config("key text is neither PEM nor base64"))?;
        return Ok(Decoded::Der(der));
    };
    let block = &text[start..];
    let end = block
        .find("-----END ")
        .and_then(|i| block[i + 9..].find("-----").map(|j| i + 9 + j + 5))
        .ok_or_else(|| Error::config("PEM block has no END line"))?;
    let (label, der) = der::pem::decode_vec(&block.as_bytes()[..end])
        .map_err(|e| Error::config(format!("PEM does not decode: {e}")))?;
    Ok(Decoded::Pem(label.to_owned(), der))
}

fn wrong_label(label: &str) -> Error {
    if label.contains("PRIVATE KEY") {
        Error::config(format!(
            "this is a private key ({label}), probably apiclient_key.pem; callbacks are verified \
             with WeChat Pay's public key or platform certificate, never with your own key"
        ))
    } else {
        Error::config(format!(
            "unexpected PEM block \"{label}\"; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE"
        ))
    }
}

/// Uppercase hex of an unsigned big-endian serial number, without leading zero bytes.
fn serial_hex(bytes: &[u8]) -> String {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let hex = hex::encode_upper(&bytes[start..]);
    if hex.is_empty() {
        "00".to_owned()
    } else {
        hex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_strips_sign_byte() {
        assert_eq!(serial_hex(&[0x00, 0xD7, 0xCE]), "D7CE");
        assert_eq!(serial_hex(&[0x00]), "00");
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
