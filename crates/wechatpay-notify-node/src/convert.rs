//! Converting JavaScript arguments: bytes (the raw body, keys), options and times.

use napi::bindgen_prelude::*;
use napi::{JsDate, JsValue, ValueType};
use zeroize::Zeroizing;

use crate::errors::{config_error, type_error};

/// A number that fits: `u32::MAX` for anything larger (a default that cannot be exceeded).
pub(crate) fn saturate<T: TryInto<u32>>(value: T) -> u32 {
    value.try_into().unwrap_or(u32::MAX)
}

/// The bytes of a `Buffer` or `Uint8Array` (any typed array view of bytes).
fn typed_bytes(value: &Unknown<'_>) -> Option<Vec<u8>> {
    if !value.is_typedarray().unwrap_or(false) {
        return None;
    }
    // SAFETY: `value` is a typed array (checked above); the slice is read at once, copied.
    let slice = unsafe { value.cast::<Uint8ArraySlice>() }.ok()?;
    Some(slice.to_vec())
}

/// The raw request body: a `Buffer` or `Uint8Array`. A string is refused, since a body that
/// was decoded and re-encoded (or parsed and re-serialized) no longer matches the signature.
pub(crate) fn body(env: &Env, value: &Unknown<'_>, what: &str) -> Result<Vec<u8>> {
    if let Some(bytes) = typed_bytes(value) {
        return Ok(bytes);
    }
    let message = if value.get_type()? == ValueType::String {
        format!(
            "{what} must be the raw request body as a Buffer or Uint8Array, not a string: \
             pass the bytes exactly as received (express.raw(), a Buffer content-type parser, \
             rawBody), since a decoded or re-serialized body fails the signature"
        )
    } else {
        format!("{what} must be a Buffer or Uint8Array")
    };
    Err(type_error(env, &message))
}

/// Bytes from a `Buffer`/`Uint8Array` or a string (its UTF-8), e.g. an APIv2 body or a
/// nonce.
pub(crate) fn bytes_or_text(env: &Env, value: &Unknown<'_>, what: &str) -> Result<Vec<u8>> {
    if let Some(bytes) = typed_bytes(value) {
        return Ok(bytes);
    }
    if value.get_type()? == ValueType::String {
        // SAFETY: the type was checked.
        let text = unsafe { value.cast::<String>() }?;
        return Ok(text.into_bytes());
    }
    Err(type_error(
        env,
        &format!("{what} must be a string, Buffer or Uint8Array"),
    ))
}

/// A key or certificate: a string or a `Buffer`, held in memory that is wiped on drop.
pub(crate) fn key_bytes(env: &Env, value: &Unknown<'_>, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    match value.get_type()? {
        ValueType::String => {
            // SAFETY: the type was checked.
            let text = unsafe { value.cast::<String>() }?;
            Ok(Zeroizing::new(text.into_bytes()))
        }
        _ => typed_bytes(value)
            .map(Zeroizing::new)
            .ok_or_else(|| config_error(env, format!("{what} must be a string or a Buffer"))),
    }
}

/// A property of an options object, `None` when absent, `undefined` or `null`.
pub(crate) fn property<'env>(object: &Object<'env>, name: &str) -> Result<Option<Unknown<'env>>> {
    let value: Unknown<'env> = object.get_named_property(name)?;
    Ok(match value.get_type()? {
        ValueType::Undefined | ValueType::Null => None,
        _ => Some(value),
    })
}

/// An options argument: `undefined`/`null` or an object.
pub(crate) fn options<'env>(
    env: &Env,
    value: Option<Unknown<'env>>,
    what: &str,
) -> Result<Option<Object<'env>>> {
    let Some(value) = value else { return Ok(None) };
    match value.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => Ok(Some(unsafe { value.cast::<Object>() }?)),
        _ => Err(type_error(env, &format!("{what} must be an object"))),
    }
}

/// A non-negative whole number option (seconds or bytes); `None` when absent.
pub(crate) fn count(env: &Env, object: &Object<'_>, name: &str, unit: &str) -> Result<Option<u64>> {
    let Some(value) = property(object, name)? else {
        return Ok(None);
    };
    let number = if value.get_type()? == ValueType::Number {
        // SAFETY: the type was checked.
        Some(unsafe { value.cast::<f64>() }?)
    } else {
        None
    };
    match number {
        Some(n)
            if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9.007_199_254_740_991e15 =>
        {
            // The range was checked: a whole number below 2^53 converts exactly.
            Ok(Some(n as u64))
        }
        _ => Err(config_error(
            env,
            format!("{name} must be a non-negative whole number of {unit}"),
        )),
    }
}

/// `options.now`: a `Date`, as Unix seconds; `None` for the clock.
pub(crate) fn now(env: &Env, options: Option<&Object<'_>>) -> Result<Option<i64>> {
    let Some(value) = options.map(|o| property(o, "now")).transpose()?.flatten() else {
        return Ok(None);
    };
    if value.is_date()? {
        // SAFETY: checked to be a Date.
        let date = unsafe { value.cast::<JsDate>() }?;
        let millis = date.value_of()?;
        if millis.is_finite() {
            // Whole seconds, as the Wechatpay-Timestamp header counts them.
            return Ok(Some((millis / 1000.0).floor() as i64));
        }
    }
    Err(type_error(env, "options.now must be a valid Date"))
}
