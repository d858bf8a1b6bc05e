//! Resource and certificate decryption functions.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use wechatpay_notify::DownloadedCertificate;

use crate::convert::bytes_like;
use crate::errors::IntoPyResult;

/// One platform certificate from a `GET /v3/certificates` response, decrypted and parsed.
#[pyclass(
    frozen,
    module = "wechatpay_notify._native",
    name = "DownloadedCertificate"
)]
pub(crate) struct PyDownloadedCertificate {
    inner: DownloadedCertificate,
}

impl From<DownloadedCertificate> for PyDownloadedCertificate {
    fn from(inner: DownloadedCertificate) -> Self {
        PyDownloadedCertificate { inner }
    }
}

#[pymethods]
impl PyDownloadedCertificate {
    /// Serial number, uppercase hex.
    #[getter]
    fn serial_no(&self) -> &str {
        &self.inner.serial_no
    }

    /// `effective_time` as sent (RFC 3339).
    #[getter]
    fn effective_time(&self) -> &str {
        &self.inner.effective_time
    }

    /// `expire_time` as sent (RFC 3339).
    #[getter]
    fn expire_time(&self) -> &str {
        &self.inner.expire_time
    }

    /// Start of validity read from the certificate, Unix seconds.
    #[getter]
    fn not_before(&self) -> i64 {
        self.inner.not_before
    }

    /// End of validity read from the certificate, Unix seconds.
    #[getter]
    fn not_after(&self) -> i64 {
        self.inner.not_after
    }

    /// The certificate as PEM, ready for `Verifier(certificates=[...])`.
    #[getter]
    fn pem(&self) -> &str {
        &self.inner.pem
    }

    fn __repr__(&self) -> String {
        format!(
            "DownloadedCertificate(serial_no={:?}, effective_time={:?}, expire_time={:?})",
            self.inner.serial_no, self.inner.effective_time, self.inner.expire_time
        )
    }
}

/// Decrypts one AEAD_AES_256_GCM resource with the APIv3 key; returns the plaintext bytes.
#[pyfunction]
pub(crate) fn decrypt_resource<'py>(
    py: Python<'py>,
    apiv3_key: &Bound<'py, PyAny>,
    nonce: &Bound<'py, PyAny>,
    associated_data: &Bound<'py, PyAny>,
    ciphertext: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let key = bytes_like(apiv3_key, "apiv3_key")?;
    let nonce = bytes_like(nonce, "nonce")?;
    let aad = bytes_like(associated_data, "associated_data")?;
    let ciphertext = bytes_like(ciphertext, "ciphertext")?;
    let (key, nonce, aad, ciphertext) = (
        key.as_slice(),
        nonce.as_slice(),
        aad.as_slice(),
        ciphertext.as_slice(),
    );
    let plain = py
        .detach(|| wechatpay_notify::decrypt_resource(key, nonce, aad, ciphertext))
        .py_err(py)?;
    Ok(PyBytes::new(py, &plain))
}

/// Decrypts every certificate of a `GET /v3/certificates` response body with the APIv3 key.
#[pyfunction]
pub(crate) fn decrypt_certificates(
    py: Python<'_>,
    apiv3_key: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<Vec<PyDownloadedCertificate>> {
    let key = bytes_like(apiv3_key, "apiv3_key")?;
    let body = bytes_like(body, "body")?;
    let (key, body) = (key.as_slice(), body.as_slice());
    let certs = py
        .detach(|| wechatpay_notify::decrypt_certificates(key, body))
        .py_err(py)?;
    Ok(certs
        .into_iter()
        .map(PyDownloadedCertificate::from)
        .collect())
}
