//! The event catalog at the C boundary: a notification's kind is in its envelope
//! (`wpn_envelope.kind`); `wpn_event_decode` checks a resource against a kind's model and can
//! give its fields as a tree of values (`docs/c-abi.md`, "Event field trees").

use wechatpay_notify::events::{check_event, kind_of};
use wechatpay_notify::{Error, ErrorCode, EventKind};
use zeroize::Zeroizing;

use crate::error::wpn_error;
use crate::guard::{guard, into_handle};
use crate::resource::wpn_buffer;
use crate::result::wpn_result;
use crate::strings::{bytes_arg, utf8_arg};

/// The form in which `wpn_event_decode` gives a model's fields.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_fields_format {
    /// The value tree of `docs/c-abi.md` ("Event field trees"): for a binding without a JSON
    /// reader (Java).
    WPN_FIELDS_TREE = 0,
    /// Compact JSON holding exactly the model's fields under their exact names: for a binding
    /// with a JSON decoder of its own (Go), which then reads only what the core checked.
    WPN_FIELDS_JSON = 1,
}

/// Checks that a decrypted resource is of the catalog kind `kind` (`"transaction"`,
/// `"refund"`, ... as `docs/events.md` lists them) and decodes as that kind's model: the check
/// behind the typed accessors of every binding. `event_type`, `original_type` and `plaintext`
/// are the notification's (`wpn_envelope`); its kind is decided from them as
/// `wpn_envelope.kind` is.
///
/// Errors: `WPN_UNEXPECTED_EVENT` when the notification is of another kind (the message names
/// it; an unknown `kind` name is never any notification's kind), `WPN_MALFORMED_RESOURCE`
/// naming the field when a required field is missing or has the wrong JSON type. On success,
/// when `fields_out` is not NULL, `*fields_out` is a new buffer holding the model's fields (only
/// those the catalog knows) in `format`, a `wpn_fields_format` value (`WPN_FIELDS_TREE` or
/// `WPN_FIELDS_JSON`; another value is `WPN_INVALID_ARGUMENT`), which the caller frees with
/// `wpn_buffer_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_event_decode(
    kind: *const u8,
    kind_len: usize,
    event_type: *const u8,
    event_type_len: usize,
    original_type: *const u8,
    original_type_len: usize,
    plaintext: *const u8,
    plaintext_len: usize,
    format: u32,
    fields_out: *mut *mut wpn_buffer,
    error_out: *mut *mut wpn_error,
) -> wpn_result {
    guard(error_out, || {
        if let Some(out) = fields_out.as_mut() {
            *out = std::ptr::null_mut();
        }
        let format = match format {
            0 => wpn_fields_format::WPN_FIELDS_TREE,
            1 => wpn_fields_format::WPN_FIELDS_JSON,
            _ => return Err(wpn_error::invalid_argument("format")),
        };
        let wanted = bytes_arg(kind, kind_len, "kind")?;
        let event_type = bytes_arg(event_type, event_type_len, "event_type")?;
        let original_type = bytes_arg(original_type, original_type_len, "original_type")?;
        let plaintext = bytes_arg(plaintext, plaintext_len, "plaintext")?;
        let code = ErrorCode::MalformedResource;
        let event_type = utf8_arg(event_type, "event_type", code)?;
        let original_type = utf8_arg(original_type, "original_type", code)?;
        let plaintext = utf8_arg(plaintext, "plaintext", code)?;
        let actual = kind_of(event_type, original_type, plaintext);
        let wanted = std::str::from_utf8(wanted)
            .ok()
            .and_then(EventKind::from_name)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::UnexpectedEvent,
                    format!(
                        "no catalog kind is called {}; the kinds are listed in docs/events.md",
                        printable(wanted)
                    ),
                )
            })?;
        let value = check_event(wanted, actual, event_type, plaintext, !fields_out.is_null())?;
        if let (Some(out), Some(value)) = (fields_out.as_mut(), value) {
            let mut bytes = Zeroizing::new(Vec::with_capacity(plaintext.len()));
            match format {
                wpn_fields_format::WPN_FIELDS_TREE => encode(&value, &mut bytes),
                wpn_fields_format::WPN_FIELDS_JSON => {
                    // Serializing a JSON value to memory cannot fail.
                    serde_json::to_writer(&mut *bytes, &value).unwrap_or_default()
                }
            }
            *out = into_handle(wpn_buffer::new(bytes));
        }
        Ok(())
    })
}

fn printable(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.len() <= 40 && s.chars().all(|c| c.is_ascii_graphic()) => format!("\"{s}\""),
        _ => format!("<{} bytes>", bytes.len()),
    }
}

/// Appends the value tree encoding of `value` (`docs/c-abi.md`, "Event field trees").
fn encode(value: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    match value {
        Value::Null => out.push(b'n'),
        Value::Bool(true) => out.push(b't'),
        Value::Bool(false) => out.push(b'f'),
        Value::Number(n) => match n.as_i64() {
            Some(i) => {
                out.push(b'i');
                out.extend_from_slice(&i.to_le_bytes());
            }
            None => {
                out.push(b'd');
                out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_le_bytes());
            }
        },
        Value::String(s) => {
            out.push(b's');
            out.extend_from_slice(&len(s.len()));
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            out.push(b'a');
            out.extend_from_slice(&len(items.len()));
            items.iter().for_each(|v| encode(v, out));
        }
        Value::Object(map) => {
            out.push(b'o');
            out.extend_from_slice(&len(map.len()));
            for (k, v) in map {
                out.extend_from_slice(&len(k.len()));
                out.extend_from_slice(k.as_bytes());
                encode(v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_trees() {
        let value = serde_json::json!({"a": [1, "x", true, null], "b": {"c": -2}});
        let mut out = Vec::new();
        encode(&value, &mut out);
        let mut want = vec![b'o', 2, 0, 0, 0, 1, 0, 0, 0, b'a', b'a', 4, 0, 0, 0, b'i'];
        want.extend_from_slice(&1i64.to_le_bytes());
        want.extend_from_slice(&[b's', 1, 0, 0, 0, b'x', b't', b'n']);
        want.extend_from_slice(&[1, 0, 0, 0, b'b', b'o', 1, 0, 0, 0, 1, 0, 0, 0, b'c', b'i']);
        want.extend_from_slice(&(-2i64).to_le_bytes());
        assert_eq!(out, want);
    }
}
