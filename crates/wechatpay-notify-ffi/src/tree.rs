//! The value tree of `docs/c-abi.md` ("Event field trees"), written straight from a typed model
//! with serde: no intermediate JSON value. Counts of arrays and objects are written as
//! placeholders and filled in when the container ends, so fields the model skips (an absent
//! optional field) are simply not counted.

use std::fmt;

use serde::ser::{self, Serialize};

/// Why a value has no tree form: only what the catalog's models contain (strings, integers,
/// booleans, options, sequences, structs and string-keyed maps) is encoded.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no value tree form for {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, Unsupported>;

/// Appends the tree of `value` to `out`.
pub(crate) fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result {
    value.serialize(Tree { out })
}

/// A length or count as the tree holds it: 4 bytes little-endian.
fn count(n: usize) -> Result<[u8; 4]> {
    u32::try_from(n)
        .map(u32::to_le_bytes)
        .map_err(|_| Unsupported("a length over 2^32".into()))
}

fn text(out: &mut Vec<u8>, s: &str) -> Result {
    out.extend_from_slice(&count(s.len())?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes one value.
struct Tree<'o> {
    out: &'o mut Vec<u8>,
}

/// An array or object being written: where its count goes, and how many it has so far.
struct Container<'o> {
    out: &'o mut Vec<u8>,
    at: usize,
    n: usize,
}

impl<'o> Container<'o> {
    fn open(out: &'o mut Vec<u8>, tag: u8) -> Container<'o> {
        out.push(tag);
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        Container { out, at, n: 0 }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.n += 1;
        value.serialize(Tree { out: self.out })
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        text(self.out, key)?;
        self.item(value)
    }

    fn close(self) -> Result {
        let n = count(self.n)?;
        self.out[self.at..self.at + 4].copy_from_slice(&n);
        Ok(())
    }
}

impl<'o> ser::Serializer for Tree<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Container<'o>;
    type SerializeTuple = Container<'o>;
    type SerializeTupleStruct = Container<'o>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = MapWriter<'o>;
    type SerializeStruct = Container<'o>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.push(if v { b't' } else { b'f' });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.out.push(b'i');
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result {
        match i64::try_from(v) {
            Ok(i) => self.serialize_i64(i),
            // As a JSON number beyond int64 reads: the nearest float.
            Err(_) => self.serialize_f64(v as f64),
        }
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.out.push(b'd');
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.out.push(b's');
        text(self.out, v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Unsupported("bytes".into()))
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.push(b'n');
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Container<'o>> {
        Ok(Container::open(self.out, b'a'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Container<'o>> {
        Ok(Container::open(self.out, b'a'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Container<'o>> {
        Ok(Container::open(self.out, b'a'))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapWriter<'o>> {
        Ok(MapWriter {
            object: Container::open(self.out, b'o'),
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Container<'o>> {
        Ok(Container::open(self.out, b'o'))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Unsupported(format!("the enum variant {name}::{variant}")))
    }
}

impl ser::SerializeSeq for Container<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeTuple for Container<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Container<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

impl ser::SerializeStruct for Container<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.member(key, value)
    }
    fn end(self) -> Result {
        self.close()
    }
}

/// An object from a map: its keys must be strings.
struct MapWriter<'o> {
    object: Container<'o>,
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        let key = key.serialize(KeyText)?;
        text(self.object.out, &key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.object.item(value)
    }
    fn end(self) -> Result {
        self.object.close()
    }
}

/// A map key, which must be a string.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<String, Unsupported>;
    type SerializeTuple = ser::Impossible<String, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<String, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<String, Unsupported>;
    type SerializeMap = ser::Impossible<String, Unsupported>;
    type SerializeStruct = ser::Impossible<String, Unsupported>;
    type SerializeStructVariant = ser::Impossible<String, Unsupported>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_bool(self, _: bool) -> Result<String> {
        Err(not_text())
    }
    fn serialize_i8(self, _: i8) -> Result<String> {
        Err(not_text())
    }
    fn serialize_i16(self, _: i16) -> Result<String> {
        Err(not_text())
    }
    fn serialize_i32(self, _: i32) -> Result<String> {
        Err(not_text())
    }
    fn serialize_i64(self, _: i64) -> Result<String> {
        Err(not_text())
    }
    fn serialize_u8(self, _: u8) -> Result<String> {
        Err(not_text())
    }
    fn serialize_u16(self, _: u16) -> Result<String> {
        Err(not_text())
    }
    fn serialize_u32(self, _: u32) -> Result<String> {
        Err(not_text())
    }
    fn serialize_u64(self, _: u64) -> Result<String> {
        Err(not_text())
    }
    fn serialize_f32(self, _: f32) -> Result<String> {
        Err(not_text())
    }
    fn serialize_f64(self, _: f64) -> Result<String> {
        Err(not_text())
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String> {
        Err(not_text())
    }
    fn serialize_none(self) -> Result<String> {
        Err(not_text())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String> {
        Err(not_text())
    }
    fn serialize_unit(self) -> Result<String> {
        Err(not_text())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String> {
        Err(not_text())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<String> {
        Ok(v.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String> {
        Err(not_text())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(not_text())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(not_text())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(not_text())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(not_text())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(not_text())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(not_text())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(not_text())
    }
}

fn not_text() -> Unsupported {
    Unsupported("a map key that is not a string".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_trees() {
        let value = serde_json::json!({"a": [1, "x", true, null], "b": {"c": -2}});
        let mut out = Vec::new();
        write(&value, &mut out).unwrap();
        let mut want = vec![b'o', 2, 0, 0, 0, 1, 0, 0, 0, b'a', b'a', 4, 0, 0, 0, b'i'];
        want.extend_from_slice(&1i64.to_le_bytes());
        want.extend_from_slice(&[b's', 1, 0, 0, 0, b'x', b't', b'n']);
        want.extend_from_slice(&[1, 0, 0, 0, b'b', b'o', 1, 0, 0, 0, 1, 0, 0, 0, b'c', b'i']);
        want.extend_from_slice(&(-2i64).to_le_bytes());
        assert_eq!(out, want);
    }

    #[test]
    fn skipped_fields_are_not_counted() {
        #[derive(serde::Serialize)]
        struct S {
            a: i64,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<String>,
            c: Vec<bool>,
        }
        let mut out = Vec::new();
        write(
            &S {
                a: 7,
                b: None,
                c: vec![false],
            },
            &mut out,
        )
        .unwrap();
        let mut want = vec![b'o', 2, 0, 0, 0, 1, 0, 0, 0, b'a', b'i'];
        want.extend_from_slice(&7i64.to_le_bytes());
        want.extend_from_slice(&[1, 0, 0, 0, b'c', b'a', 1, 0, 0, 0, b'f']);
        assert_eq!(out, want);
    }
}
