//! Typed, checked dispatch of a notification's resource (`docs/events.md`): which catalog kind
//! a notification is, and its resource decoded as that kind's model.
//!
//! The kinds and models are generated into [`crate::models`]; this module holds the rules.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};
use crate::models::{Event, EventKind, ModelVisitor, KINDS};
use crate::notification::Notification;

/// The kind of a callback: the catalog kinds whose `event_type` and `original_type` match the
/// envelope (a kind that documents no `original_type` matches on `event_type` alone). One
/// candidate is the kind; among several, those whose distinguishing fields are all top-level
/// keys of the plaintext remain, the one with the most such fields winning (a tie decides
/// nothing). Anything else is [`EventKind::Unknown`], which is not an error.
pub fn kind_of(event_type: &str, original_type: &str, plaintext: &str) -> EventKind {
    let mut candidates = KINDS.iter().filter(|k| {
        k.event_types.contains(&event_type)
            && (k.original_types.is_empty() || k.original_types.contains(&original_type))
    });
    let Some(first) = candidates.next() else {
        return EventKind::Unknown;
    };
    let Some(second) = candidates.next() else {
        return first.kind;
    };
    // Several kinds share this envelope: the plaintext's top-level keys decide.
    let Ok(keys) = serde_json::from_str::<HashMap<Cow<'_, str>, IgnoredAny>>(plaintext) else {
        return EventKind::Unknown;
    };
    let mut best: Option<(usize, EventKind)> = None;
    let mut tied = false;
    for k in [first, second].into_iter().chain(candidates) {
        if !k.requires_fields.iter().all(|f| keys.contains_key(*f)) {
            continue;
        }
        let n = k.requires_fields.len();
        match best {
            Some((m, _)) if m > n => {}
            Some((m, _)) if m == n => tied = true,
            _ => {
                best = Some((n, k.kind));
                tied = false;
            }
        }
    }
    match best {
        Some((_, kind)) if !tied => kind,
        _ => EventKind::Unknown,
    }
}

/// Decodes `plaintext` as the model `T`. A required field that is missing, or a field of the
/// wrong JSON type, is `MALFORMED_RESOURCE` naming the field by its path (never its value).
pub fn decode_model<T: Event>(plaintext: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(plaintext);
    serde_path_to_error::deserialize(&mut de).map_err(|e| malformed::<T>(e))
}

fn malformed<T: Event>(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let text = inner.to_string();
    let what = T::KIND.as_str();
    let message = if let Some(field) = between(&text, "missing field `", "`") {
        let full = if path == "." {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        format!("the {what} resource lacks the required field `{full}`")
    } else if inner.classify() == serde_json::error::Category::Data {
        // serde's text quotes the offending value ("invalid type: string \"...\""): only the
        // expected type is kept.
        let expected = between(&text, "expected ", " at line")
            .filter(|x| !x.contains('"') && !x.contains('\''))
            .unwrap_or("another type");
        format!(
            "the {what} resource's field `{path}` has the wrong JSON type (expected {expected})"
        )
    } else {
        format!(
            "the {what} resource is not valid JSON ({:?} error at line {} column {})",
            inner.classify(),
            inner.line(),
            inner.column()
        )
    };
    Error::new(ErrorCode::MalformedResource, message)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// `UNEXPECTED_EVENT`: the notification is `actual`, not `wanted`.
fn unexpected(event_type: &str, actual: EventKind, wanted: EventKind) -> Error {
    let what = match actual {
        EventKind::Unknown => "notification of a kind not in the catalog".to_owned(),
        kind => format!("{} notification", kind.as_str()),
    };
    Error::new(
        ErrorCode::UnexpectedEvent,
        format!(
            "this is a {} {what}, not a {}; dispatch on its kind first",
            crate::bytes::printable(event_type.as_bytes()),
            wanted.as_str()
        ),
    )
}

/// Checks that a resource is of kind `wanted` and decodes as its model: the check behind every
/// typed accessor, for bindings that hold the envelope's fields rather than a [`Notification`]
/// (the C ABI's `wpn_event_decode`). Gives the model re-encoded as JSON with only the fields
/// the catalog knows when `encode` is set.
pub fn check_event(
    wanted: EventKind,
    actual: EventKind,
    event_type: &str,
    plaintext: &str,
    encode: bool,
) -> Result<Option<serde_json::Value>> {
    if actual != wanted || wanted == EventKind::Unknown {
        return Err(unexpected(event_type, actual, wanted));
    }
    struct Check<'a> {
        plaintext: &'a str,
        encode: bool,
    }
    impl ModelVisitor for Check<'_> {
        type Output = Result<Option<serde_json::Value>>;
        fn visit<T: Event>(self) -> Self::Output {
            let model: T = decode_model(self.plaintext)?;
            if !self.encode {
                return Ok(None);
            }
            to_value(&model).map(Some)
        }
    }
    wanted
        .visit(Check { plaintext, encode })
        .unwrap_or_else(|| Err(unexpected(event_type, actual, wanted)))
}

fn to_value<T: Serialize>(model: &T) -> Result<serde_json::Value> {
    serde_json::to_value(model).map_err(|e| {
        Error::new(
            ErrorCode::MalformedResource,
            format!("the resource could not be re-encoded ({:?})", e.classify()),
        )
    })
}

impl Notification {
    /// The catalog kind of this notification (`docs/events.md`); `EventKind::Unknown` for a
    /// callback the catalog does not describe, which is not an error.
    pub fn kind(&self) -> EventKind {
        *self
            .kind
            .get_or_init(|| kind_of(&self.event_type, &self.original_type, &self.plaintext))
    }

    /// The resource as the model `T` of one catalog kind: `UNEXPECTED_EVENT` when the
    /// notification is of another kind, `MALFORMED_RESOURCE` naming the field when a required
    /// field is missing or of the wrong JSON type. The per-kind accessors
    /// ([`Notification::transaction`], ...) call it.
    pub fn event<T: Event>(&self) -> Result<T> {
        let kind = self.kind();
        if kind != T::KIND {
            return Err(unexpected(&self.event_type, kind, T::KIND));
        }
        decode_model(&self.plaintext)
    }
}
