//! The typed resource (`n.transaction()`, ...) built straight from the model the core checked:
//! a serde serializer that writes each model struct as an instance of the dataclass of the same
//! name in `wechatpay_notify.events`, lists as tuples, absent optional fields as `None`. No
//! intermediate dict and no second walk of the resource.
//!
//! An instance is made as the generated `__init__` would make it (the same `__dict__`; equal,
//! hashable and frozen), without paying one `object.__setattr__` per field.

use std::fmt;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyModule, PyString, PyTuple};
use serde::ser::{self, Serialize};

/// `wechatpay_notify.events`, `object.__new__`, `object.__setattr__` and the module's
/// `_RENAMED` (the JSON names whose attribute differs, a Python keyword), looked up once.
struct Targets {
    events: Py<PyModule>,
    new: Py<PyAny>,
    setattr: Py<PyAny>,
    renamed: Py<PyDict>,
}

static TARGETS: PyOnceLock<Targets> = PyOnceLock::new();

fn targets(py: Python<'_>) -> PyResult<&Targets> {
    TARGETS.get_or_try_init(py, || {
        let events = py.import("wechatpay_notify.events")?;
        let object = py.import("builtins")?.getattr("object")?;
        Ok(Targets {
            renamed: events.getattr("_RENAMED")?.cast_into::<PyDict>()?.unbind(),
            events: events.unbind(),
            new: object.getattr("__new__")?.unbind(),
            setattr: object.getattr("__setattr__")?.unbind(),
        })
    })
}

/// The typed resource of a checked model.
pub(crate) fn build<T: Serialize>(py: Python<'_>, model: &T) -> PyResult<Py<PyAny>> {
    let targets = targets(py)?;
    model
        .serialize(ToPython { py, targets })
        .map(Bound::unbind)
        .map_err(|e| e.0)
}

/// A Python error raised while building, carried through serde.
#[derive(Debug)]
pub(crate) struct Failed(PyErr);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Failed(pyo3::exceptions::PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Failed {
    fn from(e: PyErr) -> Self {
        Failed(e)
    }
}

type Result<'py, T = Bound<'py, PyAny>> = std::result::Result<T, Failed>;

/// Writes one value as a Python object.
#[derive(Clone, Copy)]
struct ToPython<'a, 'py> {
    py: Python<'py>,
    targets: &'a Targets,
}

impl<'a, 'py> ToPython<'a, 'py> {
    fn value<T: Serialize + ?Sized>(self, value: &T) -> Result<'py> {
        value.serialize(self)
    }

    fn unsupported(what: &str) -> Failed {
        ser::Error::custom(format!("the typed resource has no Python form for {what}"))
    }
}

impl<'a, 'py> ser::Serializer for ToPython<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    type SerializeSeq = Items<'a, 'py>;
    type SerializeTuple = Items<'a, 'py>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, Failed>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, Failed>;
    type SerializeMap = Entries<'a, 'py>;
    type SerializeStruct = Instance<'a, 'py>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, Failed>;

    fn serialize_bool(self, v: bool) -> Result<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Result<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> Result<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> Result<'py> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<'py> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> Result<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<'py> {
        Err(Self::unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<'py> {
        self.value(value)
    }
    fn serialize_unit(self) -> Result<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<'py> {
        self.value(value)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<'py> {
        Err(Self::unsupported("an enum variant"))
    }
    fn serialize_seq(self, len: Option<usize>) -> std::result::Result<Items<'a, 'py>, Failed> {
        Ok(Items {
            to: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> std::result::Result<Items<'a, 'py>, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, Failed> {
        Err(Self::unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, Failed> {
        Err(Self::unsupported("an enum variant"))
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Entries<'a, 'py>, Failed> {
        Ok(Entries {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> std::result::Result<Instance<'a, 'py>, Failed> {
        let class = self.targets.events.bind(self.py).getattr(name)?;
        Ok(Instance {
            to: self,
            class,
            fields: PyDict::new(self.py),
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, Failed> {
        Err(Self::unsupported("an enum variant"))
    }
}

/// A list of the model: a tuple, as the dataclasses declare it.
struct Items<'a, 'py> {
    to: ToPython<'a, 'py>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'a, 'py> ser::SerializeSeq for Items<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<'py, ()> {
        self.items.push(self.to.value(value)?);
        Ok(())
    }
    fn end(self) -> Result<'py> {
        Ok(PyTuple::new(self.to.py, self.items)?.into_any())
    }
}

impl<'a, 'py> ser::SerializeTuple for Items<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<'py, ()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<'py> {
        ser::SerializeSeq::end(self)
    }
}

/// A string-keyed map of the model: a dict.
struct Entries<'a, 'py> {
    to: ToPython<'a, 'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'a, 'py> ser::SerializeMap for Entries<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<'py, ()> {
        self.key = Some(self.to.value(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<'py, ()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Failed as ser::Error>::custom("a map value without its key"))?;
        self.dict.set_item(key, self.to.value(value)?)?;
        Ok(())
    }
    fn end(self) -> Result<'py> {
        Ok(self.dict.into_any())
    }
}

/// A model struct: an instance of the dataclass of the same name.
struct Instance<'a, 'py> {
    to: ToPython<'a, 'py>,
    class: Bound<'py, PyAny>,
    fields: Bound<'py, PyDict>,
}

impl<'py> Instance<'_, 'py> {
    /// The attribute of a JSON field name (a Python keyword gets a trailing `_`).
    fn attribute(&self, key: &'static str) -> PyResult<Bound<'py, PyAny>> {
        let py = self.to.py;
        let renamed = self.to.targets.renamed.bind(py);
        if !renamed.is_empty() {
            if let Some(attr) = renamed.get_item(key)? {
                return Ok(attr);
            }
        }
        Ok(PyString::intern(py, key).into_any())
    }
}

impl<'a, 'py> ser::SerializeStruct for Instance<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<'py, ()> {
        let value = self.to.value(value)?;
        self.fields.set_item(self.attribute(key)?, value)?;
        Ok(())
    }
    fn skip_field(&mut self, key: &'static str) -> Result<'py, ()> {
        // An absent optional field is None, as the dataclass's default.
        self.fields
            .set_item(self.attribute(key)?, self.to.py.None())?;
        Ok(())
    }
    fn end(self) -> Result<'py> {
        let py = self.to.py;
        let targets = self.to.targets;
        let instance = targets.new.bind(py).call1((&self.class,))?;
        targets
            .setattr
            .bind(py)
            .call1((&instance, pyo3::intern!(py, "__dict__"), self.fields))?;
        Ok(instance)
    }
}
