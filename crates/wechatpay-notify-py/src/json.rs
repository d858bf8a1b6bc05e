//! The decrypted resource as Python objects, with the JSON parsing done without the GIL.
//!
//! The plaintext is parsed into a [`Node`] tree while the GIL is released; building the
//! `dict` afterwards only allocates Python objects. The result equals `json.loads(plaintext)`:
//! keys keep document order (a repeated key keeps its first position and last value), and any
//! number that is not an exact 64-bit integer makes the parse give up, so that
//! `json.loads` itself converts the document and floats and big integers come out exactly as
//! Python reads them.
//!
//! The same tree is what the typed accessors read: `&Node` is a serde `Deserializer` (a walk
//! of the tree, reading it as `serde_json` reads the text), from which the core decides the
//! kind and decodes the model (`wechatpay_notify::events::kind_from`, `check_event_from`), so
//! the plaintext is parsed once for `.resource` and every typed access.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::de::value::{BorrowedStrDeserializer, Error, MapDeserializer, SeqDeserializer};
use serde::de::{
    self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor,
};

/// A JSON value whose numbers are all exact 64-bit integers.
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Str(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// Parses `text`; `None` when it holds a non-integer number (or is not JSON).
    pub(crate) fn parse(text: &str) -> Option<Node> {
        serde_json::from_str(text).ok()
    }

    /// Builds the Python value.
    pub(crate) fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Node::Null => py.None().into_bound(py),
            Node::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
            Node::Int(i) => i.into_pyobject(py)?.into_any(),
            Node::UInt(u) => u.into_pyobject(py)?.into_any(),
            Node::Str(s) => PyString::new(py, s).into_any(),
            Node::Array(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(item.to_python(py)?)?;
                }
                list.into_any()
            }
            Node::Object(members) => {
                let dict = PyDict::new(py);
                for (key, value) in members {
                    dict.set_item(PyString::new(py, key), value.to_python(py)?)?;
                }
                dict.into_any()
            }
        })
    }
}

/// `json.loads(text)`, for documents [`Node::parse`] leaves to Python.
pub(crate) fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import(pyo3::intern!(py, "json"))?
        .call_method1(pyo3::intern!(py, "loads"), (text,))
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value with integer numbers")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Err(E::custom("non-integer number: left to json.loads"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members: Vec<(String, Node)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(member) = map.next_entry::<String, Node>()? {
            // A repeated key is kept; the dict built from these pairs keeps its first position
            // and last value, exactly as json.loads does.
            members.push(member);
        }
        Ok(Node::Object(members))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

impl Node {
    /// What the value is, for serde's `invalid type` errors, worded as `serde_json` words it.
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Node::Null => Unexpected::Other("null"),
            Node::Bool(b) => Unexpected::Bool(*b),
            Node::Int(i) => Unexpected::Signed(*i),
            Node::UInt(u) => Unexpected::Unsigned(*u),
            Node::Str(s) => Unexpected::Str(s),
            Node::Array(_) => Unexpected::Seq,
            Node::Object(_) => Unexpected::Map,
        }
    }
}

/// The parsed plaintext read through serde, as `serde_json` reads its text, for the types of
/// the catalog's models (strings, integers, booleans, options, lists and structs; no enums):
/// what a value is decides the visitor's method (`deserialize_any`); `null` is `None` for an
/// option; a map (the core's models, through its `ObjectOnly`) is read from an object only; a
/// repeated key is given to the visitor each time, as in the text. Errors are serde's own
/// text, without a position.
impl<'de> Deserializer<'de> for &'de Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::UInt(u) => visitor.visit_u64(*u),
            Node::Str(s) => visitor.visit_borrowed_str(s),
            Node::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Node::Object(members) => visit_object(members, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Object(members) => visit_object(members, visitor),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A skipped value (a field the model does not know) is not walked.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct struct enum identifier
    }
}

/// Visits the members of an object as a map, each key a borrowed string.
fn visit_object<'de, V: Visitor<'de>>(
    members: &'de [(String, Node)],
    visitor: V,
) -> Result<V::Value, Error> {
    let mut map = MapDeserializer::new(
        members
            .iter()
            .map(|(key, value)| (BorrowedStrDeserializer::new(key), value)),
    );
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

/// A node as an element or a map value of another (`SeqDeserializer`, `MapDeserializer`).
impl<'de> IntoDeserializer<'de, Error> for &'de Node {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
