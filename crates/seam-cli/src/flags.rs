//! A parameter as a flag: what its value looks like on the command line, how the text is turned
//! into the JSON value sent, and the samples `--help` shows.
//!
//! | kind | flag |
//! | --- | --- |
//! | uuid, string, email, date-time, url | text, as given |
//! | integer | a whole number (`i64`) |
//! | number | a number; a whole number is sent as one (`10`, not `10.0`) |
//! | boolean | `true` or `false`, a value (`--is_managed false`) |
//! | enum | text; `--help` and completions list the values, and a value not in the list is refused before sending by the same rules as the server, with its message |
//! | array of any of those | the flag repeated, one value each (`--device_ids A --device_ids B`); values are never split on commas |
//! | any (a `oneOf` the server checks) | JSON text, or else the text as a string (`--device_type august_lock`) |
//! | array of any | the flag repeated, each value as for any |
//! | object, map, array of objects or arrays | JSON text (`--access_method '{"mode":"code"}'`) |

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use seamapi_core::params::{ParamKind, ParamSpec, Requirement};
use serde_json::{Map, Number, Value};

/// How a parameter is given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One value of a scalar kind.
    Scalar(ParamKind),
    /// The flag repeated, one scalar of this kind each.
    Repeated(ParamKind),
    /// JSON text.
    Json(ParamKind),
}

/// Whether a kind has one flag value of its own (not JSON).
fn is_scalar(kind: ParamKind) -> bool {
    matches!(
        kind,
        ParamKind::Uuid
            | ParamKind::String
            | ParamKind::Email
            | ParamKind::DateTime
            | ParamKind::Uri
            | ParamKind::Boolean
            | ParamKind::Integer
            | ParamKind::Number
            | ParamKind::Enum(_)
    )
}

/// The shape of a parameter of `kind`.
pub fn shape(kind: ParamKind) -> Shape {
    match kind {
        k if is_scalar(k) => Shape::Scalar(k),
        ParamKind::Array(item) if is_scalar(*item) || *item == ParamKind::Any => {
            Shape::Repeated(*item)
        }
        k => Shape::Json(k),
    }
}

/// What a value looks like, for `--help` (`<UUID>`, `<JSON>`, …).
pub fn value_name(kind: ParamKind) -> &'static str {
    match shape(kind) {
        Shape::Json(ParamKind::Any) | Shape::Repeated(ParamKind::Any) => "VALUE",
        Shape::Json(_) => "JSON",
        Shape::Scalar(k) | Shape::Repeated(k) => match k {
            ParamKind::Uuid => "UUID",
            ParamKind::Email => "EMAIL",
            ParamKind::DateTime => "RFC3339",
            ParamKind::Uri => "URL",
            ParamKind::Boolean => "true|false",
            ParamKind::Integer => "N",
            ParamKind::Number => "NUMBER",
            ParamKind::Enum(_) => "VALUE",
            _ => "TEXT",
        },
    }
}

/// Parses a number as JSON writes it: a whole number stays whole, anything else is a finite
/// float.
fn parse_number(text: &str) -> Result<Value, String> {
    if let Ok(n) = text.parse::<i64>() {
        return Ok(Value::from(n));
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| "expected a number".to_owned())
}

/// Turns one flag value of `kind` into JSON. Strings (enum values too) are taken as given:
/// core's rules check them later, with the server's messages.
pub fn parse(kind: ParamKind, text: &str) -> Result<Value, String> {
    match shape(kind) {
        Shape::Scalar(ParamKind::Boolean) | Shape::Repeated(ParamKind::Boolean) => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("expected true or false".to_owned()),
        },
        Shape::Scalar(ParamKind::Integer) | Shape::Repeated(ParamKind::Integer) => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "expected a whole number".to_owned()),
        Shape::Scalar(ParamKind::Number) | Shape::Repeated(ParamKind::Number) => parse_number(text),
        // A value of several shapes: JSON when it parses, else the text itself.
        Shape::Json(ParamKind::Any) | Shape::Repeated(ParamKind::Any) => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
        }
        Shape::Scalar(_) | Shape::Repeated(_) => Ok(Value::String(text.to_owned())),
        Shape::Json(_) => serde_json::from_str(text).map_err(|e| format!("expected JSON: {e}")),
    }
}

/// The value parser of a parameter's flag: its values as JSON, and the possible values of an
/// enum or a boolean for `--help` and completions (listed, not enforced here: an enum value
/// outside the list is refused by core's rules, as the server refuses it).
#[derive(Debug, Clone, Copy)]
pub struct ParamParser {
    name: &'static str,
    kind: ParamKind,
}

impl ParamParser {
    /// The parser of `spec`'s flag.
    pub fn new(spec: &ParamSpec) -> Self {
        Self {
            name: spec.name,
            kind: spec.kind,
        }
    }
}

impl TypedValueParser for ParamParser {
    type Value = Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Value, clap::Error> {
        let invalid = |why: String| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value for --{}: {why}\n", self.name),
            )
            .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| invalid("not valid UTF-8".to_owned()))?;
        parse(self.kind, text).map_err(|why| invalid(format!("{why} (given {text:?})")))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        match shape(self.kind) {
            Shape::Scalar(ParamKind::Enum(values)) | Shape::Repeated(ParamKind::Enum(values)) => {
                Some(Box::new(values.iter().map(|v| PossibleValue::new(*v))))
            }
            Shape::Scalar(ParamKind::Boolean) | Shape::Repeated(ParamKind::Boolean) => Some(
                Box::new(["true", "false"].into_iter().map(PossibleValue::new)),
            ),
            _ => None,
        }
    }
}

/// A UUID for examples of parameters the sandbox does not model.
pub const SAMPLE_UUID: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";

/// A sample whole number within `spec`'s limits (a whole number is a number too).
fn sample_number(spec: &ParamSpec) -> Value {
    let r = spec.rules;
    let mut n: i64 = 10;
    if let Some(max) = r.maximum {
        n = n.min(max);
    }
    if let Some(min) = r.minimum {
        n = n.max(min);
    }
    if let Some(min) = r.exclusive_minimum {
        n = n.max(min.saturating_add(1));
    }
    Value::from(n)
}

/// A generic sample value of `kind` (when no better one is known), as JSON.
pub fn sample_value(spec: &ParamSpec) -> Value {
    match spec.kind {
        ParamKind::Uuid => Value::String(SAMPLE_UUID.to_owned()),
        ParamKind::Email => Value::String("jane@example.com".to_owned()),
        ParamKind::DateTime => Value::String("2025-01-01T00:00:00Z".to_owned()),
        ParamKind::Uri => Value::String("https://example.com".to_owned()),
        ParamKind::Boolean => Value::Bool(true),
        ParamKind::Integer | ParamKind::Number => sample_number(spec),
        ParamKind::Enum(values) => {
            Value::String(values.first().copied().unwrap_or_default().to_owned())
        }
        ParamKind::String => {
            let min = spec.rules.min_length.unwrap_or(0) as usize;
            let mut s = String::from("example");
            while s.chars().count() < min {
                s.push('x');
            }
            if let Some(max) = spec.rules.max_length {
                s = s.chars().take(max as usize).collect();
            }
            Value::String(s)
        }
        ParamKind::Array(item) => {
            let inner = ParamSpec::new(spec.name, *item, Requirement::Required, "");
            Value::Array(vec![sample_value(&inner)])
        }
        ParamKind::Object(specs) => {
            // The required properties, and the first of a `OneOf` group.
            let mut object = Map::new();
            let mut one_of_done = false;
            for p in specs {
                let wanted = match p.requirement {
                    Requirement::Required => true,
                    Requirement::OneOf => !std::mem::replace(&mut one_of_done, true),
                    Requirement::Optional => false,
                };
                if wanted {
                    object.insert(p.name.to_owned(), sample_value(p));
                }
            }
            Value::Object(object)
        }
        ParamKind::Map(_) | ParamKind::Any => Value::Object(Map::new()),
        // `ParamKind` may grow: JSON's `null` never passes as a wrong sample silently.
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }
}

/// A value as text for a command line: strings as they are, JSON quoted for a POSIX shell.
pub fn as_flag_text(kind: ParamKind, value: &Value) -> String {
    match (shape(kind), value) {
        (Shape::Json(_), v) => format!("'{}'", v.to_string().replace('\'', r"'\''")),
        (_, Value::String(s)) => s.clone(),
        (_, v) => v.to_string(),
    }
}

/// An object's properties for `--help`: `mode (required), code`.
fn fields(specs: &[ParamSpec]) -> String {
    specs
        .iter()
        .map(|p| match p.requirement {
            Requirement::Required => format!("{} (required)", p.name),
            _ => p.name.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a parameter's help says about the form of its value, beyond its doc.
pub fn form_help(kind: ParamKind) -> Option<String> {
    match shape(kind) {
        Shape::Repeated(ParamKind::Any) => Some(
            "repeat the flag for each item; each is JSON, or text taken as a string".to_owned(),
        ),
        Shape::Repeated(_) => Some("repeat the flag for each item".to_owned()),
        Shape::Json(ParamKind::Object(specs)) => {
            Some(format!("a JSON object with {}", fields(specs)))
        }
        Shape::Json(ParamKind::Array(ParamKind::Object(specs))) => {
            Some(format!("a JSON array of objects with {}", fields(specs)))
        }
        Shape::Json(ParamKind::Map(_)) => Some("a JSON object".to_owned()),
        Shape::Json(ParamKind::Any) => Some("JSON, or text taken as a string".to_owned()),
        Shape::Json(ParamKind::Array(_)) => Some("a JSON array".to_owned()),
        Shape::Json(_) => Some("JSON".to_owned()),
        Shape::Scalar(_) => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn values_parse_by_kind() {
        assert_eq!(parse(ParamKind::Boolean, "false"), Ok(Value::Bool(false)));
        assert!(parse(ParamKind::Boolean, "no").is_err());
        assert_eq!(parse(ParamKind::Integer, "-3"), Ok(Value::from(-3)));
        assert!(parse(ParamKind::Integer, "1.5").is_err());
        assert_eq!(parse(ParamKind::Number, "10"), Ok(Value::from(10)));
        assert_eq!(parse(ParamKind::Number, "21.5"), Ok(Value::from(21.5)));
        assert!(parse(ParamKind::Number, "NaN").is_err());
        assert!(parse(ParamKind::Number, "inf").is_err());
        assert_eq!(
            parse(ParamKind::Enum(&["a", "b"]), "c"),
            Ok(Value::String("c".into())),
            "left to core's rules"
        );
        assert_eq!(
            parse(ParamKind::Uuid, "a,b"),
            Ok(Value::String("a,b".into()))
        );
        const OBJ: ParamKind = ParamKind::Object(&[]);
        assert_eq!(
            parse(OBJ, r#"{"mode":"code"}"#),
            Ok(serde_json::json!({"mode": "code"}))
        );
        assert!(parse(OBJ, "{").is_err());
        const IDS: ParamKind = ParamKind::Array(&ParamKind::Uuid);
        assert_eq!(shape(IDS), Shape::Repeated(ParamKind::Uuid));
        const OBJS: ParamKind = ParamKind::Array(&ParamKind::Object(&[]));
        assert_eq!(shape(OBJS), Shape::Json(OBJS));
        assert_eq!(parse(OBJS, "[]"), Ok(Value::Array(vec![])));
        assert_eq!(
            parse(ParamKind::Any, "august_lock"),
            Ok(Value::String("august_lock".into()))
        );
        assert_eq!(parse(ParamKind::Any, "{}"), Ok(serde_json::json!({})));
        const ANYS: ParamKind = ParamKind::Array(&ParamKind::Any);
        assert_eq!(shape(ANYS), Shape::Repeated(ParamKind::Any));
    }

    #[test]
    fn samples_keep_the_limits() {
        let spec = ParamSpec::new("n", ParamKind::Integer, Requirement::Required, "").with_rules(
            seamapi_core::params::Rules {
                minimum: Some(100),
                ..seamapi_core::params::Rules::NONE
            },
        );
        assert_eq!(sample_value(&spec), Value::from(100));
        let spec = ParamSpec::new("code", ParamKind::String, Requirement::Required, "").with_rules(
            seamapi_core::params::Rules {
                min_length: Some(9),
                max_length: Some(9),
                ..seamapi_core::params::Rules::NONE
            },
        );
        assert_eq!(sample_value(&spec).as_str().unwrap().len(), 9);
        assert_eq!(
            as_flag_text(ParamKind::Any, &serde_json::json!({"a": "it's"})),
            r#"'{"a":"it'\''s"}'"#
        );
    }
}
