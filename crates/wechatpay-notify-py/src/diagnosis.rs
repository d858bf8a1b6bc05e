//! `Diagnosis` and `Check`: every check of a callback and its outcome, as the core's
//! diagnosis reports it (`Verifier.diagnose`, `V2Verifier.diagnose`).

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use wechatpay_notify::diagnose::{Check, Hint};
use wechatpay_notify::Error;

use crate::errors::to_py_err;

/// One check: its step number (`docs/protocol.md` for APIv3, `docs/apiv2.md` for APIv2), what
/// it checks, and its outcome.
#[pyclass(frozen, get_all, module = "wechatpay_notify._native", name = "Check")]
pub(crate) struct PyCheck {
    /// The step number.
    step: u8,
    /// What the step checks, in a few words.
    name: &'static str,
    /// `"passed"`, `"failed"` or `"skipped"`.
    status: &'static str,
    /// The error code when the check failed, else `None`.
    code: Option<&'static str>,
    /// Why it failed (the error's message), why it was skipped, or `""` when it passed.
    message: String,
}

#[pymethods]
impl PyCheck {
    fn __repr__(&self) -> String {
        format!(
            "Check(step={}, name={:?}, status={:?}, code={:?})",
            self.step, self.name, self.status, self.code
        )
    }
}

impl From<Check> for PyCheck {
    fn from(check: Check) -> Self {
        let status = &check.status;
        PyCheck {
            step: check.step,
            name: check.name,
            status: status.as_str(),
            code: status.code().map(|c| c.as_str()),
            message: status.message().to_owned(),
        }
    }
}

/// Every check of one callback and the verdict: what `wechatpay-notify doctor` shows.
#[pyclass(frozen, module = "wechatpay_notify._native", name = "Diagnosis")]
pub(crate) struct PyDiagnosis {
    kind: &'static str,
    checks: Vec<Py<PyCheck>>,
    error: Option<Error>,
    hints: Vec<&'static str>,
}

impl PyDiagnosis {
    /// Converts a core diagnosis: its kind, checks and the verdict's error, if any.
    pub(crate) fn new(
        py: Python<'_>,
        kind: &'static str,
        checks: Vec<Check>,
        error: Option<Error>,
    ) -> PyResult<Self> {
        let checks = checks
            .into_iter()
            .map(|c| Py::new(py, PyCheck::from(c)))
            .collect::<PyResult<_>>()?;
        Ok(PyDiagnosis {
            kind,
            checks,
            error,
            hints: Vec::new(),
        })
    }

    /// The diagnosis with the core's signs of a re-serialized body (APIv3 only).
    pub(crate) fn with_hints(mut self, hints: &[Hint]) -> Self {
        self.hints = hints.iter().map(|h| h.as_str()).collect();
        self
    }
}

#[pymethods]
impl PyDiagnosis {
    /// What was checked: `"v3"`, `"v2_payment"` or `"v2_refund"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// The checks, in step order.
    #[getter]
    fn checks(&self, py: Python<'_>) -> Vec<Py<PyCheck>> {
        self.checks.iter().map(|c| c.clone_ref(py)).collect()
    }

    /// True when the callback would be accepted.
    #[getter]
    fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// The names of the signs that the body was re-serialized (`"line_breaks"`,
    /// `"unicode_escapes"`, ...; `docs/protocol.md`), found when step 10 (the signature) failed,
    /// in the order they first appear; step 10's message names them too. Empty otherwise, and
    /// always for APIv2.
    #[getter]
    fn hints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.hints)
    }

    /// The exception `parse` raises for this callback (a `NotificationError`), or `None`.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.error
            .clone()
            .map(|e| to_py_err(py, e).into_value(py).into_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "Diagnosis(kind={:?}, ok={}, code={:?})",
            self.kind,
            self.error.is_none(),
            self.error.as_ref().map(|e| e.code().as_str())
        )
    }
}
