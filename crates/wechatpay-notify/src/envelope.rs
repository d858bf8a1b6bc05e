//! The notification envelope (step 11 of `docs/protocol.md`), read from the body in one pass:
//! the top-level strings borrowed where they have no escapes, and of `resource` only the fields
//! this library uses, each kept as "absent", "a string" or "not a string" so that step 13 can
//! name a field of the wrong type. Everything else is skipped without being copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// The notification envelope, as WeChat Pay sends it.
#[derive(Deserialize)]
pub(crate) struct Envelope<'a> {
    #[serde(default, borrow)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) create_time: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) event_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) resource_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) summary: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) resource: Option<Resource<'a>>,
}

/// The fields of `resource` that the checks read. Only a JSON object is a resource.
#[derive(Default)]
pub(crate) struct Resource<'a> {
    pub(crate) algorithm: Field<'a>,
    pub(crate) ciphertext: Field<'a>,
    pub(crate) associated_data: Field<'a>,
    pub(crate) nonce: Field<'a>,
    pub(crate) original_type: Field<'a>,
}

/// One field of `resource`.
#[derive(Default)]
pub(crate) enum Field<'a> {
    /// Absent, or `null`.
    #[default]
    Absent,
    /// A string.
    Text(Cow<'a, str>),
    /// A number, boolean, array or object.
    NotText,
}

impl<'a> Field<'a> {
    /// `Some(None)` when absent, `Some(Some(text))` for a string, `None` when not a string.
    pub(crate) fn text(&self) -> Option<Option<&str>> {
        match self {
            Field::Absent => Some(None),
            Field::Text(text) => Some(Some(text)),
            Field::NotText => None,
        }
    }

    /// The string, if it is one.
    pub(crate) fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            Field::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::NotText)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Field::NotText)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Field::NotText)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Field::NotText)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::NotText)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::NotText)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Resource<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ResourceVisitor)
    }
}

/// Which field a key of `resource` names.
enum Key {
    Algorithm,
    Ciphertext,
    AssociatedData,
    Nonce,
    OriginalType,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "algorithm" => Key::Algorithm,
            "ciphertext" => Key::Ciphertext,
            "associated_data" => Key::AssociatedData,
            "nonce" => Key::Nonce,
            "original_type" => Key::OriginalType,
            _ => Key::Other,
        })
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }

    /// A repeated key keeps its last value, as a JSON object read into a map would.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut resource = Resource::default();
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Algorithm => &mut resource.algorithm,
                Key::Ciphertext => &mut resource.ciphertext,
                Key::AssociatedData => &mut resource.associated_data,
                Key::Nonce => &mut resource.nonce,
                Key::OriginalType => &mut resource.original_type,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value()?;
        }
        Ok(resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(json: &str) -> serde_json::Result<Envelope<'_>> {
        serde_json::from_str(json)
    }

    #[test]
    fn resource_fields_are_told_apart() {
        let e = envelope(
            r#"{"id":"x","resource":{"algorithm":"A","nonce":null,"ciphertext":7,
                "associated_data":{"a":[1]},"original_type":"t\u0041","other":[{}]}}"#,
        )
        .unwrap();
        let r = e.resource.unwrap();
        assert_eq!(r.algorithm.text(), Some(Some("A")));
        assert_eq!(r.nonce.text(), Some(None));
        assert_eq!(r.ciphertext.text(), None);
        assert_eq!(r.associated_data.text(), None);
        assert_eq!(r.original_type.text(), Some(Some("tA")));
        assert!(matches!(
            envelope(r#"{"id":"x","resource":{}}"#).unwrap().resource,
            Some(Resource {
                algorithm: Field::Absent,
                ..
            })
        ));
    }

    #[test]
    fn only_an_object_is_a_resource() {
        assert!(envelope(r#"{"resource":["AEAD_AES_256_GCM","c","a","n"]}"#).is_err());
        assert!(envelope(r#"{"resource":"x"}"#).is_err());
        assert!(envelope(r#"{"resource":null}"#).unwrap().resource.is_none());
    }

    #[test]
    fn last_repeated_key_wins() {
        let e = envelope(r#"{"resource":{"nonce":"a","nonce":"b"}}"#).unwrap();
        assert_eq!(e.resource.unwrap().nonce.text(), Some(Some("b")));
    }
}
