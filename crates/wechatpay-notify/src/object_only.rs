//! The models of the event catalog are JSON objects only.
//!
//! serde's derived `Deserialize` of a struct also reads a JSON array, field by field in
//! declaration order, so `"amount": [100, 100, "CNY", "CNY"]` would decode as an amount. A
//! WeChat Pay resource never does that, and the other readers of the same plaintext (Python's
//! dicts, the value tree) would not see an object there. Each generated model derives its
//! `Deserialize` as an inherent function (`#[serde(remote = "Self")]`), and [`object_models!`]
//! implements the traits around it, reading through [`ObjectOnly`]: a deserializer that asks
//! for a map where a struct is wanted, so that an array (or anything else) is refused as
//! `invalid type: sequence, expected struct ...` and becomes `MALFORMED_RESOURCE` naming the
//! field.

use serde::de::{Deserializer, Visitor};

/// A deserializer that reads a struct from a JSON object only; everything else goes to the
/// deserializer it wraps unchanged.
pub(crate) struct ObjectOnly<D>(pub(crate) D);

/// Forwards each listed `Deserializer` method to the wrapped deserializer.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    /// A struct is read from a map (a JSON object) and nothing else.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Implements `Deserialize` (through [`ObjectOnly`]) and `Serialize` for models whose derives
/// are inherent functions (`#[serde(remote = "Self")]`).
macro_rules! object_models {
    ($($model:ident),* $(,)?) => {
        $(
            impl<'de> serde::Deserialize<'de> for $model {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    $model::deserialize(crate::object_only::ObjectOnly(d))
                }
            }

            impl serde::Serialize for $model {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    $model::serialize(self, s)
                }
            }
        )*
    };
}
pub(crate) use object_models;
