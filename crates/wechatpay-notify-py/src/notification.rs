//! `Notification`: a verified, decrypted APIv3 notification.

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use wechatpay_notify::events::{check_event_from, check_event_into, kind_from, ModelSink};
use wechatpay_notify::{Event, EventKind, Notification};

use crate::errors::IntoPyResult;
use crate::json::{self, Node};
use crate::typed;

// The plaintext is parsed once, into `parsed`, when the notification is made (without the
// GIL). Everything else reads that tree: `resource` is built from it, and a typed accessor
// decides the kind and decodes the kind's model from it in the core, then builds the typed
// resource straight from that model (`typed.rs`). Only a plaintext the tree does not hold (a
// float, or an integer beyond 64 bits: `parsed` is `None`) is read again from the text: by
// `json.loads` for `resource`, and by the core for the kind and the model.

/// A verified, decrypted notification. Immutable; `resource` and the typed resource
/// (`transaction()`, ...) are built on first access, both from the one parse of the plaintext.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "Notification")]
pub(crate) struct PyNotification {
    inner: Notification,
    /// The plaintext parsed without the GIL, or `None` to let `json.loads` read it.
    parsed: Option<Node>,
    /// The catalog kind, decided on first use.
    kind: OnceLock<EventKind>,
    resource: PyOnceLock<Py<PyAny>>,
    /// The typed resource (of the notification's own kind), built by the first typed access
    /// that succeeds.
    event: PyOnceLock<Py<PyAny>>,
}

/// Builds the typed resource from the model the core decoded.
struct Build<'py>(Python<'py>);

impl ModelSink for Build<'_> {
    type Output = PyResult<Py<PyAny>>;

    fn take<T: Event>(self, model: &T) -> wechatpay_notify::Result<Self::Output> {
        Ok(typed::build(self.0, model))
    }
}

impl PyNotification {
    /// The typed resource of `wanted` (the generated accessors in `events.rs` call it): the
    /// core checks the kind and decodes the model from the parsed tree, and the
    /// `wechatpay_notify.events` dataclasses are built from that model, once; later calls
    /// return the same object.
    pub(crate) fn event(&self, py: Python<'_>, wanted: EventKind) -> PyResult<Py<PyAny>> {
        let actual = self.event_kind();
        if wanted == actual {
            if let Some(typed) = self.event.get(py) {
                return Ok(typed.clone_ref(py));
            }
        }
        let n = &self.inner;
        let typed = match &self.parsed {
            Some(node) => check_event_from(wanted, actual, n.event_type(), node, Build(py)),
            None => check_event_into(wanted, actual, n.event_type(), n.plaintext(), Build(py)),
        }
        .py_err(py)??;
        Ok(self.event.get_or_init(py, || typed).clone_ref(py))
    }

    /// The catalog kind, decided from the parsed tree (from the text when there is none).
    fn event_kind(&self) -> EventKind {
        *self.kind.get_or_init(|| {
            let n = &self.inner;
            match &self.parsed {
                Some(node) => kind_from(n.event_type(), n.original_type(), node),
                None => n.kind(),
            }
        })
    }

    /// Wraps a core notification; call without the GIL (this parses the plaintext).
    pub(crate) fn new(inner: Notification) -> Self {
        let parsed = Node::parse(inner.plaintext());
        PyNotification {
            inner,
            parsed,
            kind: OnceLock::new(),
            resource: PyOnceLock::new(),
            event: PyOnceLock::new(),
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
        self.event_kind().as_str()
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
