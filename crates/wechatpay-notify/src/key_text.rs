//! The text forms WeChat Pay keys come in: PEM blocks (with anything around them), or the
//! same DER as bare base64; and the SubjectPublicKeyInfo inside them. Used by
//! [`RsaPublicKey::from_pem`](crate::RsaPublicKey::from_pem) and the certificate loader.

use crate::bytes::decode_base64;
use der::{Decode, Encode};
use spki::ObjectIdentifier;
use x509_cert::Certificate;

use crate::error::{Error, Result};

/// `rsaEncryption` (RFC 8017), the algorithm of an RSA SubjectPublicKeyInfo.
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// A decoded key text: a PEM block with its label, or armour-less DER.
pub(crate) enum Decoded {
    Pem(String, Vec<u8>),
    Der(Vec<u8>),
}

/// Finds the first PEM block in `text` (ignoring anything around it, such as OpenSSL's
/// "Bag Attributes"), or decodes the whole text as armour-less base64.
pub(crate) fn decode_key_text(text: &[u8]) -> Result<Decoded> {
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
        let der = decode_base64(compact.as_bytes())
            .ok_or_else(|| Error::config("key text is neither PEM nor base64"))?;
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

pub(crate) fn wrong_label(label: &str) -> Error {
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

/// The PKCS#1 `RSAPublicKey` inside a DER SubjectPublicKeyInfo; any other algorithm is
/// `CONFIG_INVALID`.
pub(crate) fn rsa_pkcs1_of_spki(der: &[u8]) -> Result<Vec<u8>> {
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
    spki.subject_public_key
        .as_bytes()
        .map(<[u8]>::to_vec)
        .ok_or_else(|| Error::config("public key bit string has unused bits"))
}

/// What this library reads from an X.509 certificate.
pub(crate) struct CertificateParts {
    /// The serial number as uppercase hex, as `Wechatpay-Serial` writes it.
    pub(crate) serial: String,
    /// Start of validity, Unix seconds.
    pub(crate) not_before: i64,
    /// End of validity, Unix seconds.
    pub(crate) not_after: i64,
    /// The DER SubjectPublicKeyInfo.
    pub(crate) spki: Vec<u8>,
}

/// Parses a DER-encoded X.509 certificate.
pub(crate) fn parse_certificate(der: &[u8]) -> Result<CertificateParts> {
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
    Ok(CertificateParts {
        serial,
        not_before: i64::try_from(not_before).unwrap_or(i64::MAX),
        not_after: i64::try_from(not_after).unwrap_or(i64::MAX),
        spki,
    })
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
}
