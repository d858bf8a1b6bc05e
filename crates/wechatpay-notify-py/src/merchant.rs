//! `Merchant`: one merchant of a verifier for several merchants behind one notify_url
//! (`docs/merchants.md`), and `Verifier.for_merchants`' reading of a list of them.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use wechatpay_notify::Merchant;

use crate::convert::key_bytes;
use crate::verifier::{certificate_list, public_key_pairs};

/// One merchant (商户) of a verifier for several merchants behind one notify_url: its merchant
/// id (mchid), its APIv3 key and the WeChat Pay keys its callbacks are signed with. Nothing is
/// parsed until ``Verifier.for_merchants`` builds the verifier (``ConfigError`` there).
#[pyclass(frozen, module = "wechatpay_notify._native", name = "Merchant")]
pub(crate) struct PyMerchant {
    inner: Merchant,
    public_keys: usize,
    certificates: usize,
}

impl PyMerchant {
    /// The core merchant (the kit's `merchant(mchid)`), with the number of keys it holds.
    pub(crate) fn new_core(inner: Merchant, public_keys: usize, certificates: usize) -> Self {
        PyMerchant {
            inner,
            public_keys,
            certificates,
        }
    }
}

#[pymethods]
impl PyMerchant {
    #[new]
    #[pyo3(signature = (mchid, apiv3_key, *, public_keys = None, certificates = None))]
    #[pyo3(text_signature = "(mchid, apiv3_key, *, public_keys=None, certificates=None)")]
    fn new(
        mchid: &Bound<'_, PyAny>,
        apiv3_key: &Bound<'_, PyAny>,
        public_keys: Option<&Bound<'_, PyAny>>,
        certificates: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mchid = mchid.cast::<PyString>().map_err(|_| {
            let name = mchid
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            PyTypeError::new_err(format!(
                "mchid must be str (the merchant id, e.g. \"1900000001\"), not {name}"
            ))
        })?;
        let mut merchant = Merchant::new(mchid.to_cow()?, key_bytes(apiv3_key, "apiv3_key")?);
        let (mut keys, mut certs) = (0, 0);
        if let Some(pairs) = public_keys.filter(|k| !k.is_none()) {
            for (id, pem) in public_key_pairs(pairs)? {
                merchant = merchant.public_key(id, pem);
                keys += 1;
            }
        }
        if let Some(list) = certificates.filter(|c| !c.is_none()) {
            for pem in certificate_list(list)? {
                merchant = merchant.platform_certificate(pem);
                certs += 1;
            }
        }
        Ok(PyMerchant::new_core(merchant, keys, certs))
    }

    /// The merchant id (mchid).
    #[getter]
    fn mchid(&self) -> &str {
        self.inner.mchid()
    }

    fn __repr__(&self) -> String {
        format!(
            "Merchant(mchid={:?}, public_keys={}, certificates={}, apiv3_key=<redacted>)",
            self.inner.mchid(),
            self.public_keys,
            self.certificates
        )
    }
}

/// The merchants of `Verifier.for_merchants`: an iterable of `Merchant` (not one alone).
pub(crate) fn merchant_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Merchant>> {
    let shape =
        || PyTypeError::new_err("merchants must be an iterable of wechatpay_notify.Merchant");
    if obj.is_instance_of::<PyMerchant>()
        || obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
    {
        return Err(shape());
    }
    let mut out = Vec::new();
    for item in obj.try_iter().map_err(|_| shape())? {
        let item = item?;
        let merchant = item.cast::<PyMerchant>().map_err(|_| {
            let name = item
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            PyTypeError::new_err(format!(
                "merchants must be an iterable of wechatpay_notify.Merchant, not of {name}"
            ))
        })?;
        out.push(merchant.get().inner.clone());
    }
    Ok(out)
}
