//! Reading the `Wechatpay-*` headers out of whatever header object a framework hands over.
//!
//! Accepted: a `dict` in any case; any mapping with `items()` (Flask/Werkzeug `Headers` and
//! `EnvironHeaders`, Django `HttpHeaders`, aiohttp and multidict, `email.message.Message`);
//! Starlette/FastAPI `Headers` (through its raw byte pairs); any iterable of `(name, value)`
//! pairs, including ASGI `scope["headers"]`; and CGI/WSGI-style names (`HTTP_WECHATPAY_SERIAL`,
//! as in Django `request.META` or a WSGI environ). Only the five `Wechatpay-*` headers are
//! read; other entries are skipped without looking at their values (a WSGI environ holds
//! non-string values). Names and values may be `str` or `bytes`.

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use wechatpay_notify::HEADER_NAMES as NAMES;

use crate::convert::header_text;

/// The headers the core reads, under their canonical names, in the order received.
pub(crate) type HeaderPairs = Vec<(&'static str, Vec<u8>)>;

/// The CGI prefix of request headers in a WSGI environ or Django `request.META`.
const CGI_PREFIX: &[u8] = b"HTTP_";

/// True when a name of `len` characters could be one of [`NAMES`], plain or CGI-style.
fn plausible_length(len: usize) -> bool {
    NAMES
        .iter()
        .any(|n| n.len() == len || n.len() + CGI_PREFIX.len() == len)
}

/// The canonical header a received name stands for, if it is one the core reads.
fn canonical(name: &[u8]) -> Option<&'static str> {
    if name.len() > CGI_PREFIX.len() && name[..CGI_PREFIX.len()].eq_ignore_ascii_case(CGI_PREFIX) {
        let rest = &name[CGI_PREFIX.len()..];
        if let Some(found) = NAMES.iter().copied().find(|n| {
            n.len() == rest.len()
                && n.bytes().zip(rest).all(|(want, &got)| {
                    if want == b'-' {
                        got == b'_'
                    } else {
                        want.eq_ignore_ascii_case(&got)
                    }
                })
        }) {
            return Some(found);
        }
    }
    NAMES
        .iter()
        .copied()
        .find(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

fn shape_error() -> PyErr {
    PyTypeError::new_err(
        "headers must be a mapping (dict, request.headers, request.META) or an iterable of \
         (name, value) pairs",
    )
}

/// Reads the relevant headers from `obj`.
pub(crate) fn extract(obj: &Bound<'_, PyAny>) -> PyResult<HeaderPairs> {
    let py = obj.py();
    let mut out = HeaderPairs::with_capacity(5);
    if let Ok(dict) = obj.cast::<PyDict>() {
        for (name, value) in dict.iter() {
            add(&mut out, &name, &value)?;
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(shape_error());
    }
    // Starlette / FastAPI `Headers`: the undecoded (bytes, bytes) pairs, no Python-level work.
    if let Ok(raw) = obj.getattr(intern!(py, "raw")) {
        if let Ok(list) = raw.cast::<PyList>() {
            for item in list.iter() {
                add_pair(&mut out, &item)?;
            }
            return Ok(out);
        }
    }
    let iterable = match obj.getattr(intern!(py, "items")) {
        Ok(items) if items.is_callable() => items.call0()?,
        _ => obj.clone(),
    };
    let iterator = iterable.try_iter().map_err(|_| shape_error())?;
    for item in iterator {
        add_pair(&mut out, &item?)?;
    }
    Ok(out)
}

fn add_pair(out: &mut HeaderPairs, item: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Ok(tuple) = item.cast::<PyTuple>() {
        if tuple.len() != 2 {
            return Err(shape_error());
        }
        return add(out, &tuple.get_item(0)?, &tuple.get_item(1)?);
    }
    if let Ok(list) = item.cast::<PyList>() {
        if list.len() != 2 {
            return Err(shape_error());
        }
        return add(out, &list.get_item(0)?, &list.get_item(1)?);
    }
    Err(shape_error())
}

fn add(out: &mut HeaderPairs, name: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let canonical_name = if let Ok(s) = name.cast::<PyString>() {
        if !plausible_length(s.len()?) {
            return Ok(());
        }
        canonical(s.to_cow().unwrap_or_default().as_bytes())
    } else if let Ok(b) = name.cast::<PyBytes>() {
        canonical(b.as_bytes())
    } else {
        return Err(PyTypeError::new_err(format!(
            "header names must be str or bytes, not {}",
            name.get_type().name()?
        )));
    };
    let Some(canonical_name) = canonical_name else {
        return Ok(());
    };
    let value = if let Ok(s) = value.cast::<PyString>() {
        header_text(s)?
    } else if let Ok(b) = value.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(a) = value.cast::<PyByteArray>() {
        a.to_vec()
    } else {
        return Err(PyTypeError::new_err(format!(
            "header {canonical_name} must be str or bytes, not {}",
            value.get_type().name()?
        )));
    };
    out.push((canonical_name, value));
    Ok(())
}
