//! Decrypting resources and certificate downloads with an APIv3 key alone.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::convert::{bytes_or_text, key_bytes};
use crate::errors::IntoJsResult;

/// A platform certificate from `GET /v3/certificates`, decrypted and checked.
#[napi(object, object_from_js = false)]
pub struct DownloadedCertificate {
    /// The certificate's serial (the `Wechatpay-Serial` it signs under).
    pub serial_no: String,
    /// `effective_time`, as sent.
    pub effective_time: String,
    /// `expire_time`, as sent.
    pub expire_time: String,
    /// The certificate's notBefore, Unix seconds.
    pub not_before: i64,
    /// The certificate's notAfter, Unix seconds.
    pub not_after: i64,
    /// The certificate, PEM.
    pub pem: String,
}

impl From<wechatpay_notify::DownloadedCertificate> for DownloadedCertificate {
    fn from(c: wechatpay_notify::DownloadedCertificate) -> Self {
        DownloadedCertificate {
            serial_no: c.serial_no,
            effective_time: c.effective_time,
            expire_time: c.expire_time,
            not_before: c.not_before,
            not_after: c.not_after,
            pem: c.pem,
        }
    }
}

/// Decrypts one `AEAD_AES_256_GCM` resource with the APIv3 key (`ciphertext` in base64, as
/// sent); returns the plaintext.
#[napi(
    ts_args_type = "apiv3Key: string | Uint8Array, nonce: string | Uint8Array, associatedData: string | Uint8Array, ciphertext: string | Uint8Array"
)]
pub fn decrypt_resource(
    env: &Env,
    apiv3_key: Unknown<'_>,
    nonce: Unknown<'_>,
    associated_data: Unknown<'_>,
    ciphertext: Unknown<'_>,
) -> Result<Buffer> {
    let key = key_bytes(env, &apiv3_key, "apiv3Key")?;
    let nonce = bytes_or_text(env, &nonce, "nonce")?;
    let aad = bytes_or_text(env, &associated_data, "associatedData")?;
    let ciphertext = bytes_or_text(env, &ciphertext, "ciphertext")?;
    let plain = wechatpay_notify::decrypt_resource(&key, &nonce, &aad, &ciphertext).js_err(env)?;
    Ok(Buffer::from(plain.to_vec()))
}

/// Decrypts every certificate of a `GET /v3/certificates` response body with the APIv3 key.
#[napi(ts_args_type = "apiv3Key: string | Uint8Array, body: string | Uint8Array")]
pub fn decrypt_certificates(
    env: &Env,
    apiv3_key: Unknown<'_>,
    body: Unknown<'_>,
) -> Result<Vec<DownloadedCertificate>> {
    let key = key_bytes(env, &apiv3_key, "apiv3Key")?;
    let body = bytes_or_text(env, &body, "body")?;
    let certs = wechatpay_notify::decrypt_certificates(&key, &body).js_err(env)?;
    Ok(certs.into_iter().map(DownloadedCertificate::from).collect())
}
