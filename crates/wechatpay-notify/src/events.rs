//! Typed, checked dispatch of a notification's resource (`docs/events.md`): which catalog kind
//! a notification is, and its resource decoded as that kind's model.
//!
//! The kinds and models are generated into [`crate::models`]; this module holds the rules.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
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
    let candidates: Vec<_> = [first, second].into_iter().chain(candidates).collect();
    let names: Vec<&str> = candidates
        .iter()
        .flat_map(|k| k.requires_fields.iter().copied())
        .collect();
    let Some(present) = present_keys(plaintext, &names) else {
        return EventKind::Unknown;
    };
    let has = |field: &str| names.iter().zip(&present).any(|(n, p)| *p && *n == field);
    let mut best: Option<(usize, EventKind)> = None;
    let mut tied = false;
    for k in candidates {
        if !k.requires_fields.iter().all(|f| has(f)) {
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

/// Which of `names` are top-level keys of the JSON object `plaintext` (one flag per name), read
/// in one pass that copies nothing; `None` when `plaintext` is not a JSON object.
fn present_keys(plaintext: &str, names: &[&str]) -> Option<Vec<bool>> {
    struct Keys<'n>(&'n [&'n str]);
    struct Key<'n>(&'n [&'n str]);

    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = Vec<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Vec<bool>, A::Error> {
            let mut present = vec![false; self.0.len()];
            while let Some(index) = map.next_key_seed(Key(self.0))? {
                map.next_value::<IgnoredAny>()?;
                for (flag, _) in present
                    .iter_mut()
                    .zip(self.0)
                    .filter(|(_, n)| Some(**n) == index)
                {
                    *flag = true;
                }
            }
            Ok(present)
        }
    }

    impl<'de, 'n> DeserializeSeed<'de> for Key<'n> {
        type Value = Option<&'n str>;
        fn deserialize<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'n> Visitor<'_> for Key<'n> {
        type Value = Option<&'n str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<Self::Value, E> {
            Ok(self.0.iter().copied().find(|n| *n == key))
        }
    }

    let mut de = serde_json::Deserializer::from_str(plaintext);
    let present = de.deserialize_map(Keys(names)).ok()?;
    de.end().ok()?;
    Some(present)
}

/// Decodes `plaintext` as the model `T`. A required field that is missing, or a field of the
/// wrong JSON type, is `MALFORMED_RESOURCE` naming the field by its path (never its value).
pub fn decode_model<T: Event>(plaintext: &str) -> Result<T> {
    // The plain decode first: tracking the path costs more than the decode itself, and is only
    // needed to name the field of a resource that does not decode.
    serde_json::from_str(plaintext).or_else(|_| {
        let mut de = serde_json::Deserializer::from_str(plaintext);
        serde_path_to_error::deserialize(&mut de).map_err(|e| malformed::<T>(e))
    })
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

/// What [`check_event_into`] does with a resource that decoded as its kind's model: a binding
/// encodes it in its own form (the C ABI's value tree, for one) straight from the typed model.
pub trait ModelSink {
    /// What the sink gives for the model.
    type Output;
    /// Takes the decoded model.
    fn take<T: Event>(self, model: &T) -> Result<Self::Output>;
}

/// Checks that a resource is of kind `wanted` and decodes as its model: the check behind every
/// typed accessor, for bindings that hold the envelope's fields rather than a [`Notification`]
/// (the C ABI's `wpn_event_decode`). `actual` is the notification's kind ([`kind_of`]). On
/// success the model goes to `sink`, whose output is returned.
pub fn check_event_into<S: ModelSink>(
    wanted: EventKind,
    actual: EventKind,
    event_type: &str,
    plaintext: &str,
    sink: S,
) -> Result<S::Output> {
    if actual != wanted || wanted == EventKind::Unknown {
        return Err(unexpected(event_type, actual, wanted));
    }
    struct Check<'a, S> {
        plaintext: &'a str,
        sink: S,
    }
    impl<S: ModelSink> ModelVisitor for Check<'_, S> {
        type Output = Result<S::Output>;
        fn visit<T: Event>(self) -> Self::Output {
            let model: T = decode_model(self.plaintext)?;
            self.sink.take(&model)
        }
    }
    wanted
        .visit(Check { plaintext, sink })
        .unwrap_or_else(|| Err(unexpected(event_type, actual, wanted)))
}

/// [`check_event_into`] giving the model re-encoded as a JSON value with only the fields the
/// catalog knows when `encode` is set, and nothing otherwise.
pub fn check_event(
    wanted: EventKind,
    actual: EventKind,
    event_type: &str,
    plaintext: &str,
    encode: bool,
) -> Result<Option<serde_json::Value>> {
    struct ToValue(bool);
    impl ModelSink for ToValue {
        type Output = Option<serde_json::Value>;
        fn take<T: Event>(self, model: &T) -> Result<Self::Output> {
            if self.0 {
                to_value(model).map(Some)
            } else {
                Ok(None)
            }
        }
    }
    check_event_into(wanted, actual, event_type, plaintext, ToValue(encode))
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
