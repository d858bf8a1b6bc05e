//! `V2Verifier`: APIv2 (XML) payment and refund notifications.

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use wechatpay_notify::v2::{V2Kind, V2Verifier};

use crate::convert::{bytes_like, key_bytes, non_negative};
use crate::diagnosis::PyDiagnosis;
use crate::errors::{config_error, IntoPyResult};

/// Verifies APIv2 payment notifications and decrypts APIv2 refund notifications.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "V2Verifier")]
pub(crate) struct PyV2Verifier {
    inner: V2Verifier,
}

impl From<V2Verifier> for PyV2Verifier {
    fn from(inner: V2Verifier) -> Self {
        PyV2Verifier { inner }
    }
}

fn to_dict<'py>(
    py: Python<'py>,
    fields: &BTreeMap<String, String>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in fields {
        dict.set_item(name, value)?;
    }
    Ok(dict)
}

#[pymethods]
impl PyV2Verifier {
    #[new]
    #[pyo3(signature = (api_key, *, max_body_size = None))]
    #[pyo3(text_signature = "(api_key, *, max_body_size=65536)")]
    fn new(
        py: Python<'_>,
        api_key: &Bound<'_, PyAny>,
        max_body_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = V2Verifier::new(key_bytes(api_key, "api_key")?).py_err(py)?;
        if let Some(size) = max_body_size.filter(|s| !s.is_none()) {
            let bytes = non_negative(size, false)
                .and_then(|b| usize::try_from(b).ok())
                .ok_or_else(|| {
                    config_error(py, "max_body_size must be a non-negative number of bytes")
                })?;
            inner = inner.with_max_body_size(bytes);
        }
        Ok(PyV2Verifier { inner })
    }

    /// Verifies a payment result notification; returns every field received (`sign` too).
    fn parse_payment<'py>(
        &self,
        py: Python<'py>,
        xml: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let xml = bytes_like(xml, "xml")?;
        let xml = xml.as_slice();
        let inner = &self.inner;
        let fields = py.detach(|| inner.parse_payment(xml)).py_err(py)?;
        to_dict(py, &fields)
    }

    /// Decrypts a refund result notification: the outer fields, with `req_info` replaced by
    /// the dict of its decrypted fields.
    fn parse_refund<'py>(
        &self,
        py: Python<'py>,
        xml: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let xml = bytes_like(xml, "xml")?;
        let xml = xml.as_slice();
        let inner = &self.inner;
        let refund = py.detach(|| inner.parse_refund(xml)).py_err(py)?;
        let dict = to_dict(py, &refund.fields)?;
        dict.set_item("req_info", to_dict(py, &refund.req_info)?)?;
        Ok(dict)
    }

    /// Runs every check of `docs/apiv2.md` on a notification (a body with `req_info` is
    /// checked as a refund, anything else as a payment), continuing past failures; never
    /// raises for a refused notification.
    fn diagnose(&self, py: Python<'_>, xml: &Bound<'_, PyAny>) -> PyResult<PyDiagnosis> {
        let xml = bytes_like(xml, "xml")?;
        let xml = xml.as_slice();
        let inner = &self.inner;
        let d = py.detach(|| inner.diagnose(xml));
        let kind = match d.kind {
            V2Kind::Payment => "v2_payment",
            V2Kind::Refund => "v2_refund",
        };
        PyDiagnosis::new(py, kind, d.checks, d.verdict.err())
    }

    fn __repr__(&self) -> &'static str {
        "V2Verifier(api_key=<redacted>)"
    }
}
