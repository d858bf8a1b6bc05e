//! Decrypting the platform certificates returned by `GET /v3/certificates`.

use serde::Deserialize;

use crate::bytes::{first_non_whitespace, printable};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::PlatformCertificate;
use crate::resource::{Apiv3Key, ALGORITHM_AES_GCM};

/// Associated data WeChat Pay uses when encrypting platform certificates.
pub const CERTIFICATE_ASSOCIATED_DATA: &str = "certificate";

/// One platform certificate from a `GET /v3/certificates` response, decrypted and parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadedCertificate {
    /// Serial number (uppercase hex), checked equal to the certificate's own serial.
    pub serial_no: String,
    /// `effective_time` as sent (RFC 3339).
    pub effective_time: String,
    /// `expire_time` as sent (RFC 3339).
    pub expire_time: String,
    /// Start of validity read from the certificate, Unix seconds.
    pub not_before: i64,
    /// End of validity read from the certificate, Unix seconds.
    pub not_after: i64,
    /// The certificate, PEM, ready for [`crate::VerifierBuilder::platform_certificate`].
    pub pem: String,
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    serial_no: String,
    #[serde(default)]
    effective_time: String,
    #[serde(default)]
    expire_time: String,
    encrypt_certificate: Encrypted,
}

#[derive(Deserialize)]
struct Encrypted {
    #[serde(default)]
    algorithm: String,
    nonce: String,
    #[serde(default)]
    associated_data: Option<String>,
    ciphertext: String,
}

/// Decrypts every certificate of a `GET /v3/certificates` response body with the APIv3 key.
///
/// Verify the response's signature first ([`crate::Verifier::verify_response`]) when a
/// verifier is already configured. Errors: `CONFIG_INVALID` for a key that is not 32 bytes,
/// `MALFORMED_BODY` for a body of the wrong shape, `UNSUPPORTED_ALGORITHM`,
/// `MALFORMED_RESOURCE` and `DECRYPT_FAILED` as for notifications.
pub fn decrypt_certificates(
    apiv3_key: impl AsRef<[u8]>,
    body: impl AsRef<[u8]>,
) -> Result<Vec<DownloadedCertificate>> {
    decrypt_with(&Apiv3Key::new(apiv3_key)?, body.as_ref())
}

pub(crate) fn decrypt_with(key: &Apiv3Key, body: &[u8]) -> Result<Vec<DownloadedCertificate>> {
    if first_non_whitespace(body) != Some(b'{') {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            "certificate response is not a JSON object",
        ));
    }
    let response: Response = serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorCode::MalformedBody,
            format!(
                "certificate response is not {{\"data\":[...]}} JSON ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
    })?;
    response
        .data
        .into_iter()
        .map(|item| decrypt_item(key, item))
        .collect()
}

fn decrypt_item(key: &Apiv3Key, item: Item) -> Result<DownloadedCertificate> {
    let enc = &item.encrypt_certificate;
    if enc.algorithm != ALGORITHM_AES_GCM {
        return Err(Error::new(
            ErrorCode::UnsupportedAlgorithm,
            format!(
                "certificate {} is encrypted with an unsupported algorithm",
                printable(item.serial_no.as_bytes())
            ),
        ));
    }
    let aad = enc.associated_data.as_deref().unwrap_or_default();
    let plain = key.decrypt(
        enc.nonce.as_bytes(),
        aad.as_bytes(),
        enc.ciphertext.as_bytes(),
    )?;
    let pem = String::from_utf8(plain).map_err(|_| {
        Error::new(
            ErrorCode::MalformedResource,
            "decrypted certificate is not PEM text",
        )
    })?;
    let cert = PlatformCertificate::from_pem(&pem).map_err(|e| {
        Error::new(
            ErrorCode::MalformedResource,
            format!("decrypted certificate does not parse: {}", e.message()),
        )
    })?;
    if !cert.serial().eq_ignore_ascii_case(&item.serial_no) {
        return Err(Error::new(
            ErrorCode::MalformedResource,
            format!(
                "serial_no {} does not match the decrypted certificate's serial {}",
                printable(item.serial_no.as_bytes()),
                cert.serial()
            ),
        ));
    }
    Ok(DownloadedCertificate {
        serial_no: cert.serial().to_owned(),
        effective_time: item.effective_time,
        expire_time: item.expire_time,
        not_before: cert.not_before(),
        not_after: cert.not_after(),
        pem,
    })
}
