//! Python argument conversion: bytes-like and text inputs, times and sizes.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyFloat, PyInt, PyMemoryView, PyString};
use zeroize::Zeroizing;

/// Bytes read from a Python argument: borrowed from an immutable `bytes` object (no copy), or
/// copied (from `bytearray`, `memoryview` or `str`) so no other thread can change them while
/// the GIL is released. A copy may hold a key or a body, so it is wiped when dropped.
pub(crate) enum Bytes<'py> {
    /// An immutable `bytes` object; its buffer stays valid and unchanged while it is held.
    Borrowed(Bound<'py, PyBytes>),
    /// A private copy, wiped on drop.
    Owned(Zeroizing<Vec<u8>>),
}

impl Bytes<'_> {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b.as_bytes(),
            Bytes::Owned(v) => v,
        }
    }
}

/// Reads `bytes`, `bytearray`, `memoryview` or `str` (encoded as UTF-8) for argument `what`.
pub(crate) fn bytes_like<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bytes<'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Bytes::Borrowed(b.clone()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Bytes::Owned(Zeroizing::new(utf8(s)?)));
    }
    if let Ok(a) = obj.cast::<PyByteArray>() {
        return Ok(Bytes::Owned(Zeroizing::new(a.to_vec())));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let copied = obj.py().get_type::<PyBytes>().call1((obj,))?;
        return Ok(Bytes::Borrowed(copied.cast_into::<PyBytes>()?));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be bytes, bytearray, memoryview or str, not {}",
        obj.get_type().name()?
    )))
}

/// A key or PEM argument: `str` (UTF-8) or bytes-like, copied into a buffer wiped on drop.
pub(crate) fn key_bytes(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Zeroizing<Vec<u8>>> {
    Ok(match bytes_like(obj, what)? {
        Bytes::Borrowed(b) => Zeroizing::new(b.as_bytes().to_vec()),
        Bytes::Owned(v) => v,
    })
}

/// The UTF-8 bytes of a `str`. Lone surrogates, which UTF-8 cannot carry, are passed through
/// as their 3-byte forms (`surrogatepass`), so they reach the core as invalid UTF-8 instead of
/// raising `UnicodeEncodeError`.
pub(crate) fn utf8(s: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    match s.to_cow() {
        Ok(text) => Ok(text.into_owned().into_bytes()),
        Err(_) => {
            let encoded = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
            Ok(encoded.cast_into::<PyBytes>()?.as_bytes().to_vec())
        }
    }
}

/// The bytes of a header value given as `str`: Latin-1 when every character fits (the WSGI
/// and ASGI convention, so the original bytes come back exactly), UTF-8 otherwise.
pub(crate) fn header_text(s: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    let text: Cow<'_, str> = match s.to_cow() {
        Ok(text) => text,
        Err(_) => return utf8(s),
    };
    if text.is_ascii() {
        return Ok(text.into_owned().into_bytes());
    }
    if text.chars().all(|c| u32::from(c) <= 0xFF) {
        // Every char is at most U+00FF, so the narrowing keeps it exactly (Latin-1).
        return Ok(text.chars().map(|c| u32::from(c) as u8).collect());
    }
    Ok(text.into_owned().into_bytes())
}

/// `now=`: `None` (the system clock), or Unix seconds as `int` or `float` (floored).
pub(crate) fn unix_time(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<i64>().map(Some);
    }
    if obj.is_instance_of::<PyFloat>() {
        let secs: f64 = obj.extract()?;
        if secs.is_finite() {
            // `as` saturates at the i64 range, which is what a far-off clock should do.
            return Ok(Some(secs.floor() as i64));
        }
    }
    Err(PyTypeError::new_err(format!(
        "now must be Unix seconds (int or float) or None, not {}",
        obj.get_type().name()?
    )))
}

/// A non-negative count (seconds or bytes) from an `int`, a finite non-negative `float`, or a
/// `datetime.timedelta` (anything with `total_seconds()`); `None` when it is negative or not a
/// number, for the caller to report.
pub(crate) fn non_negative(obj: &Bound<'_, PyAny>, allow_timedelta: bool) -> Option<u64> {
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<u64>().ok();
    }
    let seconds: f64 = if obj.is_instance_of::<PyFloat>() {
        obj.extract().ok()?
    } else if allow_timedelta {
        obj.call_method0("total_seconds").ok()?.extract().ok()?
    } else {
        return None;
    };
    if seconds.is_finite() && seconds >= 0.0 {
        Some(seconds.floor() as u64)
    } else {
        None
    }
}
