//! Validation of a typed request without building its JSON: a serde `Serializer` that checks
//! each top-level value against its [`ParamSpec`] as the request serialises itself. Scalars
//! (the ids, strings and numbers nearly every call has) are checked where they stand, with no
//! allocation; nested values are turned into JSON and checked by the same rules
//! ([`params::check_value`](crate::params)) that check a raw body, so the typed and the raw
//! views cannot disagree.

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

use crate::error::ValidationErrors;
use crate::params::{
    Collector, Number, ParamKind, ParamSpec, check_number, check_string, check_value, finish,
};

/// Checks a typed request against `specs` as [`validate_json`](crate::params::validate_json)
/// checks the same request as JSON.
pub fn validate_typed<T: Serialize + ?Sized>(specs: &[ParamSpec], request: &T) -> ValidationErrors {
    if specs.len() > 128 {
        return match serde_json::to_value(request) {
            Ok(Value::Object(map)) => crate::params::validate_json(specs, &map),
            _ => crate::params::validate_json(specs, &serde_json::Map::new()),
        };
    }
    let mut errors = ValidationErrors::new();
    let mut out = Collector {
        errors: &mut errors,
        count: 0,
    };
    let mut present = [false; 128];
    let outcome = request.serialize(Top {
        specs,
        out: &mut out,
        present: &mut present,
        _e: std::marker::PhantomData,
    });
    if let Err(e) = outcome {
        out.errors.add_form(crate::params::bounded_message(e.0));
    }
    finish(specs, |i, _| present.get(i).copied().unwrap_or(false), out);
    errors
}

/// A message about a request that cannot be serialised at all.
#[derive(Debug)]
pub struct Problem(String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Problem {}

impl ser::Error for Problem {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Problem(msg.to_string())
    }
}

/// The request itself: a struct or a map of parameters.
struct Top<'a, 'o, 'e> {
    specs: &'a [ParamSpec],
    out: &'a mut Collector<'o>,
    present: &'a mut [bool; 128],
    _e: std::marker::PhantomData<&'e ()>,
}

impl<'a, 'o> Top<'a, 'o, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Problem> {
        let Some(i) = self.specs.iter().position(|s| s.name == name) else {
            // Not a parameter the route knows: the server ignores it, so do we.
            return Ok(());
        };
        let spec = &self.specs[i];
        let given = match value.serialize(Leaf {
            spec,
            out: self.out,
        }) {
            Err(Problem(m)) if m == COMPOUND => Leaf {
                spec,
                out: self.out,
            }
            .json(value)?,
            other => other?,
        };
        if given && let Some(p) = self.present.get_mut(i) {
            *p = true;
        }
        Ok(())
    }
}

macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), Problem> {
            Err(Problem("the parameters must be a JSON object".to_owned()))
        }
    )*};
}

impl<'a, 'o, 'e> ser::Serializer for Top<'a, 'o, 'e> {
    type Ok = ();
    type Error = Problem;
    type SerializeSeq = Impossible<(), Problem>;
    type SerializeTuple = Impossible<(), Problem>;
    type SerializeTupleStruct = Impossible<(), Problem>;
    type SerializeTupleVariant = Impossible<(), Problem>;
    type SerializeMap = TopMap<'a, 'o, 'e>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Problem>;

    not_an_object! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]);
    }

    fn serialize_none(self) -> Result<(), Problem> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Problem> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Problem> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Problem> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Problem> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Problem> {
        // An externally tagged enum at the top: one parameter named by the variant.
        self.field(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Problem> {
        Ok(TopMap {
            top: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Problem> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Problem> {
        Err(Problem("the parameters must be a JSON object".to_owned()))
    }
}

impl ser::SerializeStruct for Top<'_, '_, '_> {
    type Ok = ();
    type Error = Problem;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Problem> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Problem> {
        Ok(())
    }
}

/// A map at the top (a struct with a `#[serde(flatten)]` field serialises as one).
struct TopMap<'a, 'o, 'e> {
    top: Top<'a, 'o, 'e>,
    key: Option<String>,
}

impl ser::SerializeMap for TopMap<'_, '_, '_> {
    type Ok = ();
    type Error = Problem;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Problem> {
        match serde_json::to_value(key) {
            Ok(Value::String(k)) => {
                self.key = Some(k);
                Ok(())
            }
            _ => Err(Problem("a parameter name must be a string".to_owned())),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Problem> {
        let key = self.key.take().unwrap_or_default();
        self.top.field(&key, value)
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), Problem> {
        // The common case: a string key, matched to its parameter without allocating.
        let mut name = KeyIndex {
            specs: self.top.specs,
            found: None,
        };
        if key.serialize(&mut name).is_ok()
            && let Some(i) = name.found
        {
            return self.top.field(self.top.specs[i].name, value);
        }
        ser::SerializeMap::serialize_key(self, key)?;
        ser::SerializeMap::serialize_value(self, value)
    }

    fn end(self) -> Result<(), Problem> {
        Ok(())
    }
}

/// Finds the parameter a string key names, without allocating.
struct KeyIndex<'a> {
    specs: &'a [ParamSpec],
    found: Option<usize>,
}

impl ser::Serializer for &mut KeyIndex<'_> {
    type Ok = ();
    type Error = Problem;
    type SerializeSeq = Impossible<(), Problem>;
    type SerializeTuple = Impossible<(), Problem>;
    type SerializeTupleStruct = Impossible<(), Problem>;
    type SerializeTupleVariant = Impossible<(), Problem>;
    type SerializeMap = Impossible<(), Problem>;
    type SerializeStruct = Impossible<(), Problem>;
    type SerializeStructVariant = Impossible<(), Problem>;

    not_an_object! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_bytes(&[u8]);
    }
    fn serialize_str(self, v: &str) -> Result<(), Problem> {
        self.found = self.specs.iter().position(|s| s.name == v);
        self.found.map(|_| ()).ok_or_else(|| Problem(String::new()))
    }
    fn serialize_none(self) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_unit(self) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Problem> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Problem> {
        Err(Problem(String::new()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Problem> {
        Err(Problem(String::new()))
    }
}

/// One parameter's value: scalars checked in place; anything nested turned into JSON and
/// checked by the raw rules. Answers whether the value was given (`null` and `None` are not).
struct Leaf<'a, 'o> {
    spec: &'a ParamSpec,
    out: &'a mut Collector<'o>,
}

impl Leaf<'_, '_> {
    fn string(self, s: &str) -> Result<bool, Problem> {
        let spec = self.spec;
        match spec.kind {
            ParamKind::Uuid
            | ParamKind::String
            | ParamKind::Email
            | ParamKind::DateTime
            | ParamKind::Uri
            | ParamKind::Enum(_) => {
                check_string(spec.name, "", spec.kind, &spec.rules, s, self.out)
            }
            ParamKind::Any => {}
            other => self.out.add(
                spec.name,
                format!("Expected {}, received string", other.json_type()),
            ),
        }
        Ok(true)
    }

    fn number(self, n: Number) -> Result<bool, Problem> {
        let spec = self.spec;
        match spec.kind {
            ParamKind::Integer | ParamKind::Number => {
                check_number(spec.name, "", spec.kind, &spec.rules, n, self.out)
            }
            ParamKind::Any => {}
            other => self.out.add(
                spec.name,
                format!("Expected {}, received number", other.json_type()),
            ),
        }
        Ok(true)
    }

    fn json<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, Problem> {
        let value = serde_json::to_value(value).map_err(|e| Problem(e.to_string()))?;
        if value.is_null() {
            return Ok(false);
        }
        let spec = self.spec;
        check_value(spec.name, "", spec.kind, &spec.rules, &value, self.out);
        Ok(true)
    }
}

/// A compound value is serialised again as JSON: `Leaf` only sees where it starts.
macro_rules! compound {
    ($($method:ident($($arg:ident: $ty:ty),*) -> $assoc:ident;)*) => {$(
        fn $method(self, $($arg: $ty),*) -> Result<Self::$assoc, Problem> {
            let _ = ($($arg,)*);
            Err(Problem(COMPOUND.to_owned()))
        }
    )*};
}

/// The marker error that sends a compound value down the JSON path.
const COMPOUND: &str = "\u{0}compound";

impl ser::Serializer for Leaf<'_, '_> {
    type Ok = bool;
    type Error = Problem;
    type SerializeSeq = Impossible<bool, Problem>;
    type SerializeTuple = Impossible<bool, Problem>;
    type SerializeTupleStruct = Impossible<bool, Problem>;
    type SerializeTupleVariant = Impossible<bool, Problem>;
    type SerializeMap = Impossible<bool, Problem>;
    type SerializeStruct = Impossible<bool, Problem>;
    type SerializeStructVariant = Impossible<bool, Problem>;

    fn serialize_bool(self, _: bool) -> Result<bool, Problem> {
        let spec = self.spec;
        if !matches!(spec.kind, ParamKind::Boolean | ParamKind::Any) {
            self.out.add(
                spec.name,
                format!("Expected {}, received boolean", spec.kind.json_type()),
            );
        }
        Ok(true)
    }
    fn serialize_i8(self, v: i8) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_u8(self, v: u8) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<bool, Problem> {
        self.number(Number::Int(i128::from(v)))
    }
    fn serialize_f32(self, v: f32) -> Result<bool, Problem> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<bool, Problem> {
        if !v.is_finite() {
            // serde_json writes it as null: not given.
            return Ok(false);
        }
        // JSON has no float type: a whole float is a whole number, as serde_json writes it
        // back (`5.0` reads as 5 on the server).
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            return self.number(Number::Int(v as i128));
        }
        self.number(Number::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<bool, Problem> {
        let mut buf = [0u8; 4];
        self.string(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Result<bool, Problem> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<bool, Problem> {
        self.json(v)
    }
    fn serialize_none(self) -> Result<bool, Problem> {
        Ok(false)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, Problem> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, Problem> {
        Ok(false)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, Problem> {
        Ok(false)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<bool, Problem> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<bool, Problem> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, Problem> {
        Err(Problem(COMPOUND.to_owned()))
    }
    compound! {
        serialize_seq(len: Option<usize>) -> SerializeSeq;
        serialize_tuple(len: usize) -> SerializeTuple;
        serialize_tuple_struct(name: &'static str, len: usize) -> SerializeTupleStruct;
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> SerializeTupleVariant;
        serialize_map(len: Option<usize>) -> SerializeMap;
        serialize_struct(name: &'static str, len: usize) -> SerializeStruct;
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize) -> SerializeStructVariant;
    }
}
