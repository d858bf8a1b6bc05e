//! `wechatpay_notify._native`: the PyO3 extension module behind the `wechatpay_notify` Python
//! package.
//!
//! Every check, decryption and reply lives in the `wechatpay-notify` core; this crate only
//! converts Python objects to bytes, runs the core with the GIL released, and converts the
//! results (and errors, in [`errors`]) back. The public Python API, its documentation and its
//! type stubs are in `python/wechatpay_notify/`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod certificates;
mod convert;
mod diagnosis;
mod errors;
mod events;
mod headers;
mod json;
mod kit;
mod merchant;
mod notification;
mod replies;
mod typed;
mod v2;
mod verifier;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use wechatpay_notify::ErrorCode;

/// The extension module. Its names are re-exported by `wechatpay_notify/__init__.py`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<verifier::PyVerifier>()?;
    m.add_class::<merchant::PyMerchant>()?;
    m.add_class::<notification::PyNotification>()?;
    m.add_class::<v2::PyV2Verifier>()?;
    m.add_class::<certificates::PyDownloadedCertificate>()?;
    m.add_class::<diagnosis::PyDiagnosis>()?;
    m.add_class::<diagnosis::PyCheck>()?;
    kit::register(m)?;
    m.add_function(wrap_pyfunction!(certificates::decrypt_resource, m)?)?;
    m.add_function(wrap_pyfunction!(certificates::decrypt_certificates, m)?)?;
    m.add_function(wrap_pyfunction!(replies::reply_success, m)?)?;
    m.add_function(wrap_pyfunction!(replies::reply_failure, m)?)?;
    m.add_function(wrap_pyfunction!(replies::reply_failure_message, m)?)?;
    m.add_function(wrap_pyfunction!(replies::v2_reply_success, m)?)?;
    m.add_function(wrap_pyfunction!(replies::v2_reply_failure, m)?)?;
    let codes = PyTuple::new(py, ErrorCode::ALL.iter().map(|c| c.as_str()))?;
    m.add("ERROR_CODES", codes)?;
    let authenticity = PyTuple::new(
        py,
        ErrorCode::ALL
            .iter()
            .filter(|c| c.is_authenticity())
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
    )?;
    m.add("AUTHENTICITY_CODES", authenticity)?;
    m.add(
        "DEFAULT_MAX_BODY_SIZE",
        wechatpay_notify::DEFAULT_MAX_BODY_SIZE,
    )?;
    m.add(
        "DEFAULT_MAX_CLOCK_SKEW",
        wechatpay_notify::DEFAULT_MAX_CLOCK_SKEW.as_secs(),
    )?;
    m.add(
        "DEFAULT_V2_MAX_BODY_SIZE",
        wechatpay_notify::v2::DEFAULT_V2_MAX_BODY_SIZE,
    )?;
    m.add("CORE_VERSION", wechatpay_notify::VERSION)?;
    m.add("BACKEND", wechatpay_notify::BACKEND)?;
    Ok(())
}
