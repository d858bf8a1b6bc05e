//! Reading the `Wechatpay-*` headers out of whatever header object Node code holds.
//!
//! Accepted: `IncomingMessage.headers` and any plain object, in any case, values a string or
//! an array of strings; a WHATWG `Headers` or a `Map` (anything with `entries()`, read through
//! `Array.from`); an array of `[name, value]` pairs; and a flat `rawHeaders` array
//! (`[name, value, name, value, ...]`). Only the five headers the core reads are kept; other
//! entries are skipped without reading their values.

use napi::bindgen_prelude::*;
use napi::{JsValue, ValueType};
use wechatpay_notify::HEADER_NAMES as NAMES;

use crate::errors::type_error;

/// The headers the core reads, under their canonical names, in the order received.
pub(crate) type HeaderPairs = Vec<(&'static str, Vec<u8>)>;

const SHAPE: &str = "headers must be an object (req.headers), a Headers or Map, an array of \
                     [name, value] pairs or a flat rawHeaders array";

/// The canonical header a received name stands for, if it is one the core reads.
fn canonical(name: &str) -> Option<&'static str> {
    NAMES
        .iter()
        .copied()
        .find(|n| n.len() == name.len() && n.eq_ignore_ascii_case(name))
}

/// Reads the relevant headers from `value`.
pub(crate) fn extract(env: &Env, value: &Unknown<'_>) -> Result<HeaderPairs> {
    if value.get_type()? != ValueType::Object {
        return Err(type_error(env, SHAPE));
    }
    // SAFETY: the type was checked.
    let object = unsafe { value.cast::<Object>() }?;
    let mut out = HeaderPairs::with_capacity(5);
    if value.is_array()? {
        from_array(env, &object, &mut out)?;
        return Ok(out);
    }
    let entries: Unknown = object.get_named_property("entries")?;
    if entries.get_type()? == ValueType::Function {
        let array_from: Function<Unknown, Object> = env
            .get_global()?
            .get_named_property_unchecked::<Object>("Array")?
            .get_named_property("from")?;
        let array = array_from.call(*value)?;
        from_array(env, &array, &mut out)?;
        return Ok(out);
    }
    let names = object.get_property_names()?;
    for i in 0..names.get_array_length()? {
        let name: Unknown = names.get_element(i)?;
        if name.get_type()? != ValueType::String {
            continue;
        }
        // SAFETY: the type was checked.
        let name = unsafe { name.cast::<String>() }?;
        if let Some(canonical) = canonical(&name) {
            let value: Unknown = object.get_named_property(&name)?;
            add_values(env, canonical, &value, &mut out)?;
        }
    }
    Ok(out)
}

/// An array of `[name, value]` pairs, or a flat `[name, value, ...]` array.
fn from_array(env: &Env, array: &Object<'_>, out: &mut HeaderPairs) -> Result<()> {
    let len = array.get_array_length()?;
    if len == 0 {
        return Ok(());
    }
    let first: Unknown = array.get_element(0)?;
    if first.get_type()? == ValueType::String {
        if len % 2 != 0 {
            return Err(type_error(
                env,
                "a flat headers array needs a value for each name",
            ));
        }
        for i in (0..len).step_by(2) {
            pair(env, &array.get_element(i)?, &array.get_element(i + 1)?, out)?;
        }
        return Ok(());
    }
    for i in 0..len {
        let item: Unknown = array.get_element(i)?;
        if !item.is_array()? {
            return Err(type_error(env, SHAPE));
        }
        // SAFETY: checked to be an array.
        let item = unsafe { item.cast::<Object>() }?;
        if item.get_array_length()? != 2 {
            return Err(type_error(env, SHAPE));
        }
        pair(env, &item.get_element(0)?, &item.get_element(1)?, out)?;
    }
    Ok(())
}

fn pair(env: &Env, name: &Unknown<'_>, value: &Unknown<'_>, out: &mut HeaderPairs) -> Result<()> {
    if name.get_type()? != ValueType::String {
        return Err(type_error(env, "header names must be strings"));
    }
    // SAFETY: the type was checked.
    let name = unsafe { name.cast::<String>() }?;
    match canonical(&name) {
        Some(canonical) => add_values(env, canonical, value, out),
        None => Ok(()),
    }
}

/// A header's value: a string, or an array of strings (a repeated header); `undefined` is no
/// value.
fn add_values(
    env: &Env,
    name: &'static str,
    value: &Unknown<'_>,
    out: &mut HeaderPairs,
) -> Result<()> {
    match value.get_type()? {
        ValueType::Undefined => Ok(()),
        ValueType::String => {
            // SAFETY: the type was checked.
            out.push((name, unsafe { value.cast::<String>() }?.into_bytes()));
            Ok(())
        }
        ValueType::Object if value.is_array()? => {
            // SAFETY: checked to be an array.
            let values = unsafe { value.cast::<Object>() }?;
            for i in 0..values.get_array_length()? {
                let item: Unknown = values.get_element(i)?;
                if item.get_type()? != ValueType::String {
                    return Err(type_error(env, &format!("header {name} must be a string")));
                }
                // SAFETY: the type was checked.
                out.push((name, unsafe { item.cast::<String>() }?.into_bytes()));
            }
            Ok(())
        }
        _ => Err(type_error(
            env,
            &format!("header {name} must be a string or an array of strings"),
        )),
    }
}
