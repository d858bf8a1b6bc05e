//! The one place where core errors become Python exceptions.
//!
//! The exception classes are defined in Python (`wechatpay_notify/_errors.py`) so they pickle,
//! document and subclass like any Python exception; they are looked up once and cached.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use wechatpay_notify::{Error, ErrorCode, ErrorFamily};

/// The exception class of each error family.
struct Classes {
    authenticity: Py<PyType>,
    decryption: Py<PyType>,
    format: Py<PyType>,
    config: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let module = py.import("wechatpay_notify._errors")?;
        let class = |name: &str| -> PyResult<Py<PyType>> {
            Ok(module.getattr(name)?.cast_into::<PyType>()?.unbind())
        };
        Ok(Classes {
            authenticity: class("SignatureError")?,
            decryption: class("DecryptionError")?,
            format: class("FormatError")?,
            config: class("ConfigError")?,
        })
    })
}

/// Converts a core error into the exception of its family, carrying `.code` and `.message`.
pub(crate) fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let classes = match classes(py) {
        Ok(classes) => classes,
        Err(import_failed) => return import_failed,
    };
    let class = match error.code().family() {
        ErrorFamily::Authenticity => &classes.authenticity,
        ErrorFamily::Decryption => &classes.decryption,
        ErrorFamily::Format => &classes.format,
        ErrorFamily::Config => &classes.config,
    };
    PyErr::from_type(
        class.bind(py).clone(),
        (error.code().as_str(), error.message().to_owned()),
    )
}

/// A `CONFIG_INVALID` error raised by the binding's own argument checks.
pub(crate) fn config_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, Error::new(ErrorCode::ConfigInvalid, message))
}

/// Extension for core results: `result.py_err(py)?`.
pub(crate) trait IntoPyResult<T> {
    /// Maps the core error with [`to_py_err`].
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}
