//! `Verifier`: APIv3 callbacks, API responses and certificate downloads.

use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use wechatpay_notify::{Verifier, VerifierBuilder};
use zeroize::Zeroizing;

use crate::certificates::PyDownloadedCertificate;
use crate::convert::{bytes_like, key_bytes, non_negative, unix_time};
use crate::diagnosis::PyDiagnosis;
use crate::errors::{config_error, IntoPyResult};
use crate::headers;
use crate::merchant::merchant_list;
use crate::notification::PyNotification;

/// Verifies and decrypts WeChat Pay APIv3 callbacks. Immutable and safe to share between
/// threads; build one at start-up and reuse it.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "Verifier")]
pub(crate) struct PyVerifier {
    inner: Verifier,
}

impl PyVerifier {
    /// Applies `max_clock_skew=` and `max_body_size=` to `builder` and builds the verifier
    /// (`Verifier(...)` and `testing.Kit.verifier(...)`).
    pub(crate) fn configured(
        py: Python<'_>,
        mut builder: VerifierBuilder,
        max_clock_skew: Option<&Bound<'_, PyAny>>,
        max_body_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if let Some(skew) = max_clock_skew.filter(|s| !s.is_none()) {
            let secs = non_negative(skew, true).ok_or_else(|| {
                config_error(
                    py,
                    "max_clock_skew must be a non-negative number of seconds or a timedelta",
                )
            })?;
            builder = builder.max_clock_skew(Duration::from_secs(secs));
        }
        if let Some(size) = max_body_size.filter(|s| !s.is_none()) {
            let bytes = non_negative(size, false)
                .and_then(|b| usize::try_from(b).ok())
                .ok_or_else(|| {
                    config_error(py, "max_body_size must be a non-negative number of bytes")
                })?;
            builder = builder.max_body_size(bytes);
        }
        // Key parsing is the only CPU work here; it is quick, so the GIL is kept.
        let inner = builder.build().py_err(py)?;
        Ok(PyVerifier { inner })
    }

    /// Converts the arguments, then runs `check` on them with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        check: impl Send + FnOnce(&Verifier, &headers::HeaderPairs, &[u8], i64) -> T,
    ) -> PyResult<T> {
        let pairs = headers::extract(headers)?;
        let body = bytes_like(body, "body")?;
        let now = unix_time(now)?;
        let body = body.as_slice();
        let inner = &self.inner;
        Ok(py.detach(move || {
            let now = now.unwrap_or_else(wechatpay_notify::unix_now);
            check(inner, &pairs, body, now)
        }))
    }
}

/// Iterates `(id, pem)` pairs from a mapping or an iterable of pairs.
pub(crate) fn public_key_pairs(
    obj: &Bound<'_, PyAny>,
) -> PyResult<Vec<(String, Zeroizing<Vec<u8>>)>> {
    let py = obj.py();
    let iterable = if let Ok(dict) = obj.cast::<PyDict>() {
        dict.items().into_any()
    } else {
        match obj.getattr(intern!(py, "items")) {
            Ok(items) if items.is_callable() => items.call0()?,
            _ => obj.clone(),
        }
    };
    let shape = || {
        PyTypeError::new_err(
            "public_keys must be a mapping {public_key_id: pem} or an iterable of (id, pem) pairs",
        )
    };
    let mut out = Vec::new();
    for item in iterable.try_iter().map_err(|_| shape())? {
        let item = item?;
        let tuple = item.cast::<PyTuple>().map_err(|_| shape())?;
        if tuple.len() != 2 {
            return Err(shape());
        }
        let id = tuple.get_item(0)?;
        let id: String = id
            .extract()
            .map_err(|_| PyTypeError::new_err("public key ids must be str"))?;
        out.push((id, key_bytes(&tuple.get_item(1)?, "a public key")?));
    }
    Ok(out)
}

/// One PEM (`str` or bytes) or an iterable of them.
pub(crate) fn certificate_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Zeroizing<Vec<u8>>>> {
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
    {
        return Ok(vec![key_bytes(obj, "a certificate")?]);
    }
    let iterator = if let Ok(list) = obj.cast::<PyList>() {
        list.as_any().try_iter()?
    } else {
        obj.try_iter().map_err(|_| {
            PyTypeError::new_err("certificates must be a PEM (str or bytes) or an iterable of them")
        })?
    };
    iterator
        .map(|item| key_bytes(&item?, "a certificate"))
        .collect()
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (
        apiv3_key,
        *,
        public_keys = None,
        certificates = None,
        max_clock_skew = None,
        max_body_size = None,
    ))]
    #[pyo3(
        text_signature = "(apiv3_key, *, public_keys=None, certificates=None, max_clock_skew=300, max_body_size=1048576)"
    )]
    fn new(
        py: Python<'_>,
        apiv3_key: &Bound<'_, PyAny>,
        public_keys: Option<&Bound<'_, PyAny>>,
        certificates: Option<&Bound<'_, PyAny>>,
        max_clock_skew: Option<&Bound<'_, PyAny>>,
        max_body_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut builder = Verifier::builder().apiv3_key(key_bytes(apiv3_key, "apiv3_key")?);
        if let Some(keys) = public_keys.filter(|k| !k.is_none()) {
            for (id, pem) in public_key_pairs(keys)? {
                builder = builder.public_key(id, pem);
            }
        }
        if let Some(certs) = certificates.filter(|c| !c.is_none()) {
            for pem in certificate_list(certs)? {
                builder = builder.platform_certificate(pem);
            }
        }
        PyVerifier::configured(py, builder, max_clock_skew, max_body_size)
    }

    /// A verifier for several merchants behind one notify_url (`docs/merchants.md`): each
    /// callback is verified with the key its `Wechatpay-Serial` names and decrypted with the
    /// APIv3 key of that key's merchant; `Notification.mchid` says which.
    #[staticmethod]
    #[pyo3(signature = (merchants, *, max_clock_skew = None, max_body_size = None))]
    #[pyo3(text_signature = "(merchants, *, max_clock_skew=300, max_body_size=1048576)")]
    fn for_merchants(
        py: Python<'_>,
        merchants: &Bound<'_, PyAny>,
        max_clock_skew: Option<&Bound<'_, PyAny>>,
        max_body_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let merchants = merchant_list(merchants)?;
        if merchants.is_empty() {
            return Err(config_error(
                py,
                "Verifier.for_merchants needs at least one Merchant",
            ));
        }
        let builder = merchants
            .into_iter()
            .fold(Verifier::builder(), VerifierBuilder::merchant);
        PyVerifier::configured(py, builder, max_clock_skew, max_body_size)
    }

    /// Verifies and decrypts a callback (steps 0-15 of `docs/protocol.md`).
    #[pyo3(signature = (headers, body, *, now = None))]
    fn parse(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNotification> {
        self.run(py, headers, body, now, |v, h, b, t| {
            v.parse_at(h, b, t).map(PyNotification::new)
        })?
        .py_err(py)
    }

    /// Checks a callback's authenticity only (steps 0-10); the body is not parsed.
    #[pyo3(signature = (headers, body, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.run(py, headers, body, now, |v, h, b, t| v.verify_at(h, b, t))?
            .py_err(py)
    }

    /// Verifies the signature of a WeChat Pay API response (any body, including empty).
    #[pyo3(signature = (headers, body, *, now = None))]
    fn verify_response(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.run(py, headers, body, now, |v, h, b, t| {
            v.verify_response_at(h, b, t)
        })?
        .py_err(py)
    }

    /// Runs every check of `docs/protocol.md` on a callback, continuing past failures, and
    /// returns them with the verdict `parse` gives (never raises for a refused callback).
    #[pyo3(signature = (headers, body, *, now = None))]
    fn diagnose(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDiagnosis> {
        let d = self.run(py, headers, body, now, |v, h, b, t| v.diagnose_at(h, b, t))?;
        Ok(PyDiagnosis::new(py, "v3", d.checks, d.verdict.err())?.with_hints(&d.hints))
    }

    /// Decrypts a `GET /v3/certificates` response body with this verifier's APIv3 key.
    fn decrypt_certificates(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyDownloadedCertificate>> {
        let body = bytes_like(body, "body")?;
        let body = body.as_slice();
        let inner = &self.inner;
        let certs = py.detach(|| inner.decrypt_certificates(body)).py_err(py)?;
        Ok(certs
            .into_iter()
            .map(PyDownloadedCertificate::from)
            .collect())
    }

    /// The merchant ids of a verifier for several merchants, in configuration order (empty
    /// for a single-merchant verifier).
    #[getter]
    fn mchids(&self) -> Vec<String> {
        self.inner.mchids().map(str::to_owned).collect()
    }

    /// The configured public-key ids and certificate serials, in configuration order.
    #[getter]
    fn key_ids(&self) -> Vec<String> {
        self.inner.key_ids().map(str::to_owned).collect()
    }

    /// The largest accepted clock difference, in seconds.
    #[getter]
    fn max_clock_skew(&self) -> i64 {
        self.inner.max_clock_skew()
    }

    /// The largest accepted body, in bytes.
    #[getter]
    fn max_body_size(&self) -> usize {
        self.inner.max_body_size()
    }

    fn __repr__(&self) -> String {
        let mchids: Vec<&str> = self.inner.mchids().collect();
        format!(
            "Verifier({}key_ids={:?}, max_clock_skew={}, max_body_size={})",
            if mchids.is_empty() {
                String::new()
            } else {
                format!("mchids={mchids:?}, ")
            },
            self.inner.key_ids().collect::<Vec<_>>(),
            self.inner.max_clock_skew(),
            self.inner.max_body_size()
        )
    }
}
