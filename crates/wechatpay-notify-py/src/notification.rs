//! `Notification`: a verified, decrypted APIv3 notification.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use wechatpay_notify::events::check_event;
use wechatpay_notify::{EventKind, Notification};

use crate::errors::IntoPyResult;
use crate::json::{self, Node};

/// `wechatpay_notify.events._from_json`, looked up once.
static FROM_JSON: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A verified, decrypted notification. Immutable; `resource` is built on first access.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "Notification")]
pub(crate) struct PyNotification {
    inner: Notification,
    /// The plaintext parsed without the GIL, or `None` to let `json.loads` read it.
    parsed: Option<Node>,
    resource: PyOnceLock<Py<PyAny>>,
}

impl PyNotification {
    /// The typed resource of `kind` (the generated accessors in `events.rs` call it): the core
    /// checks the kind and the model, then `wechatpay_notify.events` builds the object.
    pub(crate) fn event(&self, py: Python<'_>, kind: EventKind) -> PyResult<Py<PyAny>> {
        let n = &self.inner;
        check_event(kind, n.kind(), n.event_type(), n.plaintext(), false).py_err(py)?;
        let from_json = FROM_JSON.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("wechatpay_notify.events")?
                .getattr("_from_json")?
                .unbind())
        })?;
        let resource = self.resource(py)?;
        from_json.call1(py, (kind.as_str(), resource))
    }

    /// Wraps a core notification; call without the GIL (this parses the plaintext).
    pub(crate) fn new(inner: Notification) -> Self {
        let parsed = Node::parse(inner.plaintext());
        PyNotification {
            inner,
            parsed,
            resource: PyOnceLock::new(),
        }
    }
}

#[pymethods]
impl PyNotification {
    /// The notification id: unique per event, the key for idempotent handling.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }

    /// `create_time`, as sent (RFC 3339, +08:00).
    #[getter]
    fn create_time(&self) -> &str {
        self.inner.create_time()
    }

    /// `event_type`, e.g. `TRANSACTION.SUCCESS` or `REFUND.SUCCESS`.
    #[getter]
    fn event_type(&self) -> &str {
        self.inner.event_type()
    }

    /// `resource_type`, normally `encrypt-resource`.
    #[getter]
    fn resource_type(&self) -> &str {
        self.inner.resource_type()
    }

    /// `summary`, e.g. `支付成功`.
    #[getter]
    fn summary(&self) -> &str {
        self.inner.summary()
    }

    /// `resource.original_type`, e.g. `transaction` or `refund`.
    #[getter]
    fn original_type(&self) -> &str {
        self.inner.original_type()
    }

    /// The `Wechatpay-Serial` (public-key id or certificate serial) that verified it.
    #[getter]
    fn serial(&self) -> &str {
        self.inner.serial()
    }

    /// The merchant (mchid) the notification was for, with a verifier of several merchants
    /// (`Verifier.for_merchants`); `None` for a single-merchant verifier.
    #[getter]
    fn mchid(&self) -> Option<&str> {
        self.inner.mchid()
    }

    /// The verified `Wechatpay-Timestamp`, Unix seconds.
    #[getter]
    fn timestamp(&self) -> i64 {
        self.inner.timestamp()
    }

    /// The decrypted resource: UTF-8 JSON text.
    #[getter]
    fn plaintext(&self) -> &str {
        self.inner.plaintext()
    }

    /// The decrypted resource as a dict, equal to `json.loads(plaintext)`; the same object is
    /// returned on every access.
    #[getter]
    fn resource(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value = self
            .resource
            .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                Ok(match &self.parsed {
                    Some(node) => node.to_python(py)?.unbind(),
                    None => json::loads(py, self.inner.plaintext())?.unbind(),
                })
            })?;
        Ok(value.clone_ref(py))
    }

    /// The catalog kind (`docs/events.md`): `"transaction"`, `"refund"`, ..., or `"unknown"`
    /// for a callback the catalog does not describe (not an error).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind().as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Notification(id={:?}, event_type={:?}, create_time={:?}, original_type={:?}, \
             serial={:?}{}, plaintext=<{} bytes>)",
            self.inner.id(),
            self.inner.event_type(),
            self.inner.create_time(),
            self.inner.original_type(),
            self.inner.serial(),
            self.inner
                .mchid()
                .map_or(String::new(), |m| format!(", mchid={m:?}")),
            self.inner.plaintext().len()
        )
    }
}
