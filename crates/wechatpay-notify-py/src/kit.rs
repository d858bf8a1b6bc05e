//! `wechatpay_notify.testing.Kit`: the core's testing kit (`wechatpay_notify::testing`), a
//! throwaway WeChat Pay whose callbacks a handler under test accepts.
//!
//! Everything that signs or encrypts is the core's; this class converts Python arguments (the
//! resource as JSON values, APIv2 fields as text) and gives back `(headers, body)`. The
//! public methods with their Python signatures and documentation are in
//! `python/wechatpay_notify/testing.py`, which subclasses this class.

use std::cell::RefCell;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use wechatpay_notify::testing::{Failure, Kit};
use wechatpay_notify::v2::SignType;
use wechatpay_notify::EventKind;

use crate::errors::IntoPyResult;
use crate::merchant::PyMerchant;
use crate::v2::PyV2Verifier;
use crate::verifier::PyVerifier;

/// How deeply a resource given to the kit may nest (the verifier refuses deeper JSON).
const MAX_DEPTH: usize = 128;

thread_local! {
    /// The kit `sharing_key` hands to the `__new__` it calls next on this thread, so that the
    /// new kit is an instance of the caller's class (`wechatpay_notify.testing.Kit`, or a
    /// subclass of it): PyO3 fills a subclass instance only through `__new__`.
    static ADOPT: RefCell<Option<Kit>> = const { RefCell::new(None) };
}

/// A throwaway WeChat Pay for tests: an RSA-2048 test key pair made for this kit (under a
/// ``PUB_KEY_ID_`` id, or with a self-signed platform certificate), a test APIv3 key and a
/// test APIv2 key. None of them is WeChat Pay's; they exist only in this process.
#[pyclass(frozen, subclass, module = "wechatpay_notify._native", name = "Kit")]
pub(crate) struct PyKit {
    inner: Kit,
}

/// The Python value of a resource as JSON.
fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "the resource nests deeper than {MAX_DEPTH} levels"
        )));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err(
            "the kit's resources hold integers of at most 64 bits",
        ));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return Number::from_f64(f).map(Value::Number).ok_or_else(|| {
            PyValueError::new_err("the kit's resources hold finite floats only (JSON has no NaN)")
        });
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, value) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("the keys of a resource object must be str"))?;
            map.insert(key.to_cow()?.into_owned(), to_json(&value, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = obj
            .try_iter()?
            .map(|item| to_json(&item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "a resource holds JSON values (dict, list, tuple, str, int, float, bool, None), not {}",
        obj.get_type().name()?
    )))
}

/// A field of an APIv2 body: `str`, or an `int` written in decimal; `None` removes it.
fn v2_field(
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<(String, Option<String>)> {
    let name: String = name
        .extract()
        .map_err(|_| PyTypeError::new_err("APIv2 field names must be str"))?;
    if value.is_none() {
        return Ok((name, None));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok((name, Some(s.to_cow()?.into_owned())));
    }
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        return Ok((name, Some(value.str()?.to_cow()?.into_owned())));
    }
    Err(PyTypeError::new_err(format!(
        "APIv2 field {name} must be str or int, not {}",
        value.get_type().name()?
    )))
}

/// `timestamp=`: Unix seconds as `int`, or `None` for the system clock.
fn timestamp(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    match obj {
        None => Ok(None),
        Some(t) if t.is_none() => Ok(None),
        Some(t) if t.is_instance_of::<PyInt>() && !t.is_instance_of::<PyBool>() => t
            .extract::<i64>()
            .map(Some)
            .map_err(|_| PyValueError::new_err("timestamp is out of range")),
        Some(t) => Err(PyTypeError::new_err(format!(
            "timestamp must be Unix seconds (int) or None, not {}",
            t.get_type().name()?
        ))),
    }
}

fn kind_of(name: &str) -> PyResult<EventKind> {
    EventKind::from_name(name).ok_or_else(|| {
        let kinds: Vec<&str> = EventKind::ALL
            .iter()
            .map(|k| k.as_str())
            .chain(["unknown"])
            .collect();
        PyValueError::new_err(format!(
            "unknown kind {name:?}: one of {}",
            kinds.join(", ")
        ))
    })
}

#[pymethods]
impl PyKit {
    #[new]
    #[pyo3(signature = (*, certificate = false))]
    fn new(py: Python<'_>, certificate: bool) -> PyResult<Self> {
        if let Some(inner) = ADOPT.with(|slot| slot.borrow_mut().take()) {
            return Ok(PyKit { inner });
        }
        // RSA key generation takes a while (~0.1 s): without the GIL.
        let inner = py
            .detach(|| {
                if certificate {
                    Kit::with_certificate()
                } else {
                    Kit::new()
                }
            })
            .py_err(py)?;
        Ok(PyKit { inner })
    }

    /// The ``Wechatpay-Serial`` the kit signs under: a ``PUB_KEY_ID_`` id of a TEST public
    /// key, or the serial of the kit's self-signed TEST certificate.
    #[getter]
    fn key_id(&self) -> &str {
        self.inner.key_id()
    }

    /// The kit's TEST public key (SubjectPublicKeyInfo PEM, the form of a 微信支付公钥 file).
    /// Generated for this kit; never WeChat Pay's.
    #[getter]
    fn public_key_pem(&self) -> &str {
        self.inner.key().public_key_pem()
    }

    /// The kit's self-signed TEST platform certificate (PEM), for ``Kit(certificate=True)``;
    /// ``None`` for a public-key kit. Never WeChat Pay's.
    #[getter]
    fn certificate_pem(&self) -> Option<&str> {
        self.inner.key().certificate_pem()
    }

    /// The kit's TEST APIv3 key (32 random characters, made for this kit): configure the
    /// handler under test with it, never with a real merchant's key.
    #[getter]
    fn apiv3_key(&self) -> &str {
        self.inner.apiv3_key()
    }

    /// The kit's TEST APIv2 key (32 random characters, made for this kit).
    #[getter]
    fn v2_key(&self) -> &str {
        self.inner.v2_key()
    }

    /// The ``Verifier`` a handler accepting this kit's callbacks is configured with: the
    /// kit's APIv3 key and its public key (or certificate). ``max_clock_skew`` and
    /// ``max_body_size`` are those of ``Verifier``.
    #[pyo3(signature = (*, max_clock_skew = None, max_body_size = None))]
    #[pyo3(text_signature = "($self, *, max_clock_skew=300, max_body_size=1048576)")]
    fn verifier(
        &self,
        py: Python<'_>,
        max_clock_skew: Option<&Bound<'_, PyAny>>,
        max_body_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVerifier> {
        PyVerifier::configured(
            py,
            self.inner.verifier_builder(),
            max_clock_skew,
            max_body_size,
        )
    }

    /// The ``Merchant`` ``mchid`` of a verifier for several merchants
    /// (``Verifier.for_merchants``), configured with the kit's TEST APIv3 key and its public
    /// key (or certificate).
    fn merchant(&self, mchid: &str) -> PyMerchant {
        let certificate = usize::from(self.inner.key().certificate_pem().is_some());
        PyMerchant::new_core(self.inner.merchant(mchid), 1 - certificate, certificate)
    }

    /// Another merchant's kit served by the same TEST platform key: the same ``key_id`` and
    /// public key (or certificate), a fresh TEST APIv3 key and APIv2 key. Merchants that
    /// share a key (``docs/merchants.md``) are tested with it.
    fn sharing_key<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let shared = slf.get().inner.sharing_key();
        // `Kit.__new__(type(self))`: an instance of the caller's class, without running a
        // subclass's own `__new__` or `__init__`; `new` adopts `shared` before anything else.
        ADOPT.with(|slot| *slot.borrow_mut() = Some(shared));
        let made = py
            .get_type::<PyKit>()
            .call_method1(pyo3::intern!(py, "__new__"), (slf.get_type(),));
        ADOPT.with(|slot| slot.borrow_mut().take());
        made
    }

    /// The ``V2Verifier`` of the kit's APIv2 key.
    fn v2_verifier(&self, py: Python<'_>) -> PyResult<PyV2Verifier> {
        self.inner.v2_verifier().py_err(py).map(PyV2Verifier::from)
    }

    /// Builds an APIv3 callback: `(headers, body)`. The arguments of `testing.Kit.notification`,
    /// `overrides` as a dict, and `failure` by its name (`FAILURES`).
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (kind, resource, overrides, event_type, timestamp, id, failure))]
    fn _callback<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        resource: Option<&Bound<'py, PyAny>>,
        overrides: Option<&Bound<'py, PyDict>>,
        event_type: Option<&str>,
        timestamp: Option<&Bound<'py, PyAny>>,
        id: Option<&str>,
        failure: Option<&str>,
    ) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyBytes>)> {
        let kind = kind_of(kind)?;
        let resource = resource
            .filter(|r| !r.is_none())
            .map(|r| to_json(r, 0))
            .transpose()?;
        let overrides = overrides
            .filter(|o| !o.is_empty())
            .map(|o| to_json(o.as_any(), 0))
            .transpose()?;
        let timestamp = self::timestamp(timestamp)?;
        let failure = failure
            .map(|name| {
                Failure::from_name(name)
                    .ok_or_else(|| PyValueError::new_err(format!("unknown failure {name:?}")))
            })
            .transpose()?;
        let kit = &self.inner;
        let callback = py
            .detach(move || {
                let mut builder = kit.notification(kind);
                if let Some(resource) = resource {
                    builder = builder.resource(resource);
                }
                if let Some(overrides) = overrides {
                    builder = builder.merge(overrides);
                }
                if let Some(event_type) = event_type {
                    builder = builder.event_type(event_type);
                }
                if let Some(t) = timestamp {
                    builder = builder.timestamp(t);
                }
                if let Some(id) = id {
                    builder = builder.id(id);
                }
                if let Some(failure) = failure {
                    builder = builder.failure(failure);
                }
                builder.build()
            })
            .py_err(py)?;
        let headers = PyDict::new(py);
        for (name, value) in &callback.headers {
            headers.set_item(name, value)?;
        }
        Ok((headers, PyBytes::new(py, &callback.body)))
    }

    /// Builds a signed APIv2 payment result: `sign_type` `"MD5"` or `"HMAC-SHA256"`, `fields`
    /// set (or, `None`, removed) before signing.
    fn _v2_payment<'py>(
        &self,
        py: Python<'py>,
        sign_type: &str,
        fields: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let sign_type = match sign_type {
            "MD5" => SignType::Md5,
            "HMAC-SHA256" => SignType::HmacSha256,
            other => {
                return Err(PyValueError::new_err(format!(
                    "sign_type must be \"MD5\" or \"HMAC-SHA256\", not {other:?}"
                )))
            }
        };
        let fields = fields
            .iter()
            .map(|(k, v)| v2_field(&k, &v))
            .collect::<PyResult<Vec<_>>>()?;
        let mut builder = self.inner.v2_payment().sign_type(sign_type);
        for (name, value) in &fields {
            builder = match value {
                Some(value) => builder.set(name, value),
                None => builder.remove(name),
            };
        }
        let xml = builder.build().py_err(py)?;
        Ok(PyBytes::new(py, &xml))
    }

    /// Builds an APIv2 refund result whose `req_info` (with `req_info` fields set) is
    /// encrypted with the kit's APIv2 key.
    fn _v2_refund<'py>(
        &self,
        py: Python<'py>,
        req_info: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let mut builder = self.inner.v2_refund();
        for (name, value) in req_info.iter() {
            match v2_field(&name, &value)? {
                (name, Some(value)) => builder = builder.set_req_info(&name, &value),
                (name, None) => {
                    return Err(PyTypeError::new_err(format!(
                        "req_info field {name} must be str or int (fields cannot be removed)"
                    )))
                }
            }
        }
        let xml = builder.build().py_err(py)?;
        Ok(PyBytes::new(py, &xml))
    }

    fn __repr__(&self) -> String {
        format!(
            "Kit(key_id={:?}, certificate={}, test keys)",
            self.inner.key_id(),
            if self.inner.key().certificate_pem().is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// Adds the kit and `KIT_FAILURES` (each failure's name and the code it is refused with).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKit>()?;
    let failures = PyTuple::new(
        m.py(),
        Failure::ALL
            .iter()
            .map(|f| (f.as_str(), f.expected_code().as_str())),
    )?;
    m.add("KIT_FAILURES", failures)
}
