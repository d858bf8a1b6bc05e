//! Typed, checked dispatch of a notification's resource (`docs/events.md`): which catalog kind
//! a notification is, and its resource decoded as that kind's model.
//!
//! The kinds and models are generated into [`crate::models`]; this module holds the rules.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::models::{Event, EventKind, ModelVisitor, KINDS};
use crate::notification::Notification;

/// The kind of a callback: the catalog kinds whose `event_type` and `original_type` match the
/// envelope (a kind that documents no `original_type` matches on `event_type` alone). One
/// candidate is the kind; among several, those whose distinguishing fields are all top-level
/// keys of the plaintext remain, the one with the most such fields winning (a tie decides
/// nothing). Anything else is [`EventKind::Unknown`], which is not an error.
pub fn kind_of(event_type: &str, original_type: &str, plaintext: &str) -> EventKind {
    kind_by(event_type, original_type, |names| {
        top_level_fields(plaintext, names)
    })
}

/// [`kind_of`] for a resource a binding has already parsed: the top-level fields are read from
/// `resource`, a serde `Deserializer` of the decrypted JSON (the binding's own tree of it),
/// instead of from the text, and only when several kinds share the envelope. For the tree of a
/// plaintext, the kind is the one [`kind_of`] decides from that plaintext.
pub fn kind_from<'de, D: Deserializer<'de>>(
    event_type: &str,
    original_type: &str,
    resource: D,
) -> EventKind {
    kind_by(event_type, original_type, |names| {
        top_level_fields_from(resource, names)
    })
}

/// The rule of [`kind_of`], reading the top-level fields it needs through `fields` (`None`:
/// the resource is not a JSON object).
fn kind_by(
    event_type: &str,
    original_type: &str,
    fields: impl FnOnce(&[&str]) -> Option<Vec<TopField>>,
) -> EventKind {
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
    let Some(fields) = fields(&names) else {
        return EventKind::Unknown;
    };
    // A field that is null is absent (docs/events.md).
    let has = |field: &str| {
        names
            .iter()
            .zip(&fields)
            .any(|(n, f)| *f != TopField::Absent && *n == field)
    };
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

/// A top-level field of a JSON object, as the kind rule and the merchant check read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TopField {
    /// Absent, or `null`, which `docs/events.md` reads as absent.
    Absent,
    /// A string.
    Text(String),
    /// Any other value.
    Other,
}

impl<'de> Deserialize<'de> for TopField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = TopField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<TopField, E> {
                Ok(TopField::Text(v.to_owned()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<TopField, E> {
                Ok(TopField::Absent)
            }
            fn visit_none<E: serde::de::Error>(self) -> std::result::Result<TopField, E> {
                Ok(TopField::Absent)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<TopField, E> {
                Ok(TopField::Other)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<TopField, E> {
                Ok(TopField::Other)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<TopField, E> {
                Ok(TopField::Other)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<TopField, E> {
                Ok(TopField::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<TopField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TopField::Other)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<TopField, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TopField::Other)
            }
        }
        d.deserialize_any(Any)
    }
}

/// The top-level fields `names` of the JSON object `plaintext` (one per name, the last of a
/// repeated key winning), read in one pass that copies only their string values; `None`
/// when `plaintext` is not a JSON object.
pub(crate) fn top_level_fields(plaintext: &str, names: &[&str]) -> Option<Vec<TopField>> {
    let mut de = serde_json::Deserializer::from_str(plaintext);
    let fields = top_level_fields_from(&mut de, names)?;
    de.end().ok()?;
    Some(fields)
}

/// [`top_level_fields`] read from any deserializer of the JSON value; `None` when it is not an
/// object.
fn top_level_fields_from<'de, D: Deserializer<'de>>(
    resource: D,
    names: &[&str],
) -> Option<Vec<TopField>> {
    struct Fields<'n>(&'n [&'n str]);
    struct Key<'n>(&'n [&'n str]);

    impl<'de> Visitor<'de> for Fields<'_> {
        type Value = Vec<TopField>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Vec<TopField>, A::Error> {
            let mut fields = vec![TopField::Absent; self.0.len()];
            while let Some(name) = map.next_key_seed(Key(self.0))? {
                let Some(name) = name else {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                };
                let value: TopField = map.next_value()?;
                for (slot, _) in fields.iter_mut().zip(self.0).filter(|(_, n)| **n == name) {
                    *slot = value.clone();
                }
            }
            Ok(fields)
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

    resource.deserialize_map(Fields(names)).ok()
}

/// Decodes `plaintext` as the model `T`. A required field that is missing, or a field of the
/// wrong JSON type, is `MALFORMED_RESOURCE` naming the field by its path (never its value).
pub fn decode_model<T: Event>(plaintext: &str) -> Result<T> {
    // The plain decode first: tracking the path costs more than the decode itself, and is only
    // needed to name the field of a resource that does not decode.
    serde_json::from_str(plaintext).or_else(|_| {
        let mut de = serde_json::Deserializer::from_str(plaintext);
        serde_path_to_error::deserialize(&mut de).map_err(|e| malformed_json::<T>(e))
    })
}

/// [`decode_model`] for a resource a binding has already parsed: the model is read from
/// `resource`, a serde `Deserializer` of the decrypted JSON (the binding's own tree of it),
/// so the text is not parsed again. Errors are those of [`decode_model`], with the same
/// message for the same document: a field that is missing or of the wrong JSON type is
/// `MALFORMED_RESOURCE` naming the field by its path (never its value).
///
/// `resource` must read the tree as `serde_json` reads the text (a struct from an object, an
/// option's `null` as `None`, a repeated key given to the visitor each time); it is cloned
/// once, read a second time only to name the field of a resource that does not decode, so a
/// deserializer over a borrowed tree (a reference) is the intended kind.
pub fn decode_model_from<'de, T: Event, D: Deserializer<'de> + Clone>(resource: D) -> Result<T> {
    T::deserialize(resource.clone()).or_else(|_| {
        serde_path_to_error::deserialize(resource).map_err(|e| {
            let path = e.path().to_string();
            malformed::<T>(&path, &e.into_inner().to_string())
        })
    })
}

/// `MALFORMED_RESOURCE` for a plaintext that does not decode as `T`: a missing field or a field
/// of the wrong type as [`malformed`] words it (the message without serde_json's position),
/// anything else (not JSON at all) by its category and position.
fn malformed_json<T: Event>(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.classify() != serde_json::error::Category::Data {
        return Error::new(
            ErrorCode::MalformedResource,
            format!(
                "the {} resource is not valid JSON ({:?} error at line {} column {})",
                T::KIND.as_str(),
                inner.classify(),
                inner.line(),
                inner.column()
            ),
        );
    }
    // serde_json appends " at line N column M" to the message of the visitor's error.
    let text = inner.to_string();
    let text = match text.rsplit_once(" at line ") {
        Some((body, _)) if inner.line() != 0 => body,
        _ => &text,
    };
    malformed::<T>(&path, text)
}

/// `MALFORMED_RESOURCE` for a resource that does not decode as `T`: serde's error `text` (its
/// message as the visitor gave it, without a position) at the field `path`.
fn malformed<T: Event>(path: &str, text: &str) -> Error {
    let what = T::KIND.as_str();
    // serde's text starts with "missing field `NAME`" (a name of the model's, never a value)
    // for a missing field; any other text may quote a value of the plaintext.
    let missing = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field);
    let message = if let Some(field) = missing {
        let full = if path == "." {
            field.to_owned()
        } else {
            format!("{}.{field}", field_path(path))
        };
        format!("the {what} resource lacks the required field `{full}`")
    } else {
        format!(
            "the {what} resource's field `{}` has the wrong JSON type (expected {})",
            field_path(path),
            expected_type(text)
        )
    };
    Error::new(ErrorCode::MalformedResource, message)
}

/// The type serde expected, read from the end of its message (`invalid type: string "…",
/// expected u64`, the position serde_json adds already removed). The value serde quotes comes
/// before the last `, expected `, so nothing read here comes from the plaintext; a struct is
/// "a JSON object", and anything that is not a plain type description is "another type".
fn expected_type(text: &str) -> &str {
    match text.rsplit_once(", expected ").map(|(_, e)| e) {
        Some(e) if e.starts_with("struct ") => "a JSON object",
        Some(e)
            if !e.is_empty()
                && e.len() <= 40
                && e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'_') =>
        {
            e
        }
        _ => "another type",
    }
}

/// A field path for a message: the catalog's field names and indexes (`amount.total`,
/// `sub_orders[0].mchid`), any other character replaced by `?`.
fn field_path(path: &str) -> String {
    path.chars()
        .take(200)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']') {
                c
            } else {
                '?'
            }
        })
        .collect()
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
    check(wanted, actual, event_type, Text(plaintext), sink)
}

/// [`check_event_into`] for a resource a binding has already parsed: the model is decoded from
/// `resource`, a serde `Deserializer` of the decrypted JSON ([`decode_model_from`]), so the
/// text is not parsed again; `actual` is then best decided from the same tree
/// ([`kind_from`]). The errors and their messages are those of [`check_event_into`].
pub fn check_event_from<'de, D: Deserializer<'de> + Clone, S: ModelSink>(
    wanted: EventKind,
    actual: EventKind,
    event_type: &str,
    resource: D,
    sink: S,
) -> Result<S::Output> {
    check(wanted, actual, event_type, Tree(resource), sink)
}

/// Where [`check`] decodes a model from.
trait Source {
    /// Decodes the model `T`.
    fn decode<T: Event>(self) -> Result<T>;
}

/// The plaintext ([`decode_model`]).
struct Text<'a>(&'a str);

impl Source for Text<'_> {
    fn decode<T: Event>(self) -> Result<T> {
        decode_model(self.0)
    }
}

/// A deserializer of the parsed plaintext ([`decode_model_from`]).
struct Tree<D>(D);

impl<'de, D: Deserializer<'de> + Clone> Source for Tree<D> {
    fn decode<T: Event>(self) -> Result<T> {
        decode_model_from(self.0)
    }
}

/// [`check_event_into`] and [`check_event_from`].
fn check<R: Source, S: ModelSink>(
    wanted: EventKind,
    actual: EventKind,
    event_type: &str,
    resource: R,
    sink: S,
) -> Result<S::Output> {
    if actual != wanted || wanted == EventKind::Unknown {
        return Err(unexpected(event_type, actual, wanted));
    }
    struct Check<R, S> {
        resource: R,
        sink: S,
    }
    impl<R: Source, S: ModelSink> ModelVisitor for Check<R, S> {
        type Output = Result<S::Output>;
        fn visit<T: Event>(self) -> Self::Output {
            let model: T = self.resource.decode()?;
            self.sink.take(&model)
        }
    }
    wanted
        .visit(Check { resource, sink })
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
