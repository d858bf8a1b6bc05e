//! `RsaPublicKey`: the signature check on its own, for keys in any form WeChat Pay hands out.

use pyo3::prelude::*;
use wechatpay_notify::RsaPublicKey;

use crate::convert::{bytes_like, key_bytes};
use crate::errors::IntoPyResult;

/// A WeChat Pay RSA public key, parsed once: SubjectPublicKeyInfo PEM (the 微信支付公钥
/// file), PKCS#1 PEM, an X.509 certificate PEM, or the same base64 without armour.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "RsaPublicKey")]
pub(crate) struct PyRsaPublicKey {
    inner: RsaPublicKey,
}

#[pymethods]
impl PyRsaPublicKey {
    #[new]
    fn new(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pem = key_bytes(pem, "pem")?;
        let inner = RsaPublicKey::from_pem(pem).py_err(py)?;
        Ok(PyRsaPublicKey { inner })
    }

    /// The modulus size in bits.
    #[getter]
    fn bits(&self) -> usize {
        self.inner.bits()
    }

    /// The modulus (and so signature) length in bytes.
    #[getter]
    fn modulus_len(&self) -> usize {
        self.inner.modulus_len()
    }

    /// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature (raw bytes) over `message`.
    fn verify(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let message = bytes_like(message, "message")?;
        let signature = bytes_like(signature, "signature")?;
        let (message, signature) = (message.as_slice(), signature.as_slice());
        let inner = &self.inner;
        py.detach(|| inner.verify(message, signature)).py_err(py)
    }

    fn __repr__(&self) -> String {
        format!("RsaPublicKey(bits={})", self.inner.bits())
    }
}
