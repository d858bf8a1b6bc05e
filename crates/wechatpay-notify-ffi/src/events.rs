//! The event catalog at the C boundary: a notification's kind is in its envelope
//! (`wpn_envelope.kind`); `wpn_event_decode` checks a resource against a kind's model and can
//! give its fields as a tree of values (`docs/c-abi.md`, "Event field trees").

use wechatpay_notify::events::{check_event_into, ModelSink};
use wechatpay_notify::{Error, ErrorCode, Event, EventKind};
use zeroize::Zeroizing;

use crate::error::wpn_error;
use crate::guard::{guard, into_handle};
use crate::resource::wpn_buffer;
use crate::result::wpn_result;
use crate::strings::{bytes_arg, utf8_arg};
use crate::tree;

/// The form in which `wpn_event_decode` gives a model's fields.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wpn_fields_format {
    /// The value tree of `docs/c-abi.md` ("Event field trees"), written straight from the
    /// checked model: what the Go and Java bindings decode their typed models from.
    WPN_FIELDS_TREE = 0,
    /// Compact JSON holding exactly the model's fields under their exact names: for a C or C++
    /// program with a JSON library of its own, which then reads only what the core checked.
    WPN_FIELDS_JSON = 1,
}

/// Checks that a decrypted resource is of the catalog kind `kind` (`"transaction"`,
/// `"refund"`, ... as `docs/events.md` lists them) and decodes as that kind's model: the check
/// behind the typed accessors of every binding. `notification_kind`, `event_type` and
/// `plaintext` are the notification's, as `wpn_verifier_parse()` gave them in its
/// `wpn_envelope` (`kind`, `event_type`, `plaintext`): the notification's kind was decided
/// once, at parse, and is not decided again here; the plaintext is decoded once, as the model.
///
/// Errors: `WPN_UNEXPECTED_EVENT` when the notification is of another kind than `kind` (the
/// message names it; `"unknown"`, or any name that is not a catalog kind, is never the kind
/// asked for), `WPN_MALFORMED_RESOURCE` naming the field when a required field is missing or
/// has the wrong JSON type. On success, when `fields_out` is not NULL, `*fields_out` is a new
/// buffer holding the model's fields (only those the catalog knows) in `format`, a
/// `wpn_fields_format` value (`WPN_FIELDS_TREE` or `WPN_FIELDS_JSON`; another value is
/// `WPN_INVALID_ARGUMENT`), which the caller frees with `wpn_buffer_free()`.
#[no_mangle]
pub unsafe extern "C" fn wpn_event_decode(
    kind: *const u8,
    kind_len: usize,
    notification_kind: *const u8,
    notification_kind_len: usize,
    event_type: *const u8,
    event_type_len: usize,
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
        let actual = bytes_arg(
            notification_kind,
            notification_kind_len,
            "notification_kind",
        )?;
        let event_type = bytes_arg(event_type, event_type_len, "event_type")?;
        let plaintext = bytes_arg(plaintext, plaintext_len, "plaintext")?;
        let code = ErrorCode::MalformedResource;
        let event_type = utf8_arg(event_type, "event_type", code)?;
        let plaintext = utf8_arg(plaintext, "plaintext", code)?;
        // A name that is not a catalog kind is no kind in the catalog: never the one wanted.
        let actual = std::str::from_utf8(actual)
            .ok()
            .and_then(EventKind::from_name)
            .unwrap_or(EventKind::Unknown);
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
        let encode = Encode {
            format: (!fields_out.is_null()).then_some(format),
            capacity: plaintext.len() * 2 + 64,
        };
        let fields = check_event_into(wanted, actual, event_type, plaintext, encode)?;
        if let (Some(out), Some(bytes)) = (fields_out.as_mut(), fields) {
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

/// Encodes the decoded model into the buffer `wpn_event_decode` gives, when one was asked for,
/// in a buffer of `capacity` bytes: twice the plaintext, more than either form takes, so that
/// it never grows (a grown buffer would leave a copy of the fields behind, unwiped).
struct Encode {
    format: Option<wpn_fields_format>,
    capacity: usize,
}

impl ModelSink for Encode {
    type Output = Option<Zeroizing<Vec<u8>>>;

    fn take<T: Event>(self, model: &T) -> wechatpay_notify::Result<Self::Output> {
        let Some(format) = self.format else {
            return Ok(None);
        };
        let mut bytes = Zeroizing::new(Vec::with_capacity(self.capacity));
        let failed = match format {
            wpn_fields_format::WPN_FIELDS_TREE => {
                tree::write(model, &mut bytes).err().map(|e| e.to_string())
            }
            wpn_fields_format::WPN_FIELDS_JSON => serde_json::to_writer(&mut *bytes, model)
                .err()
                .map(|e| e.to_string()),
        };
        match failed {
            None => Ok(Some(bytes)),
            Some(why) => Err(Error::new(
                ErrorCode::MalformedResource,
                format!("the resource could not be re-encoded ({why})"),
            )),
        }
    }
}
