//! Query strings back into JSON, typed by a route's parameters.
//!
//! Seam's JavaScript SDK sends the parameters of a `GET` or `DELETE` in the query string, by
//! the rules of `@seamapi/url-search-params-serializer` (in Rust:
//! [`seamapi_core::codec::query_string`]): arrays repeat their name (`ids=a&ids=b`; an empty
//! array is `ids=`), nested objects flatten to dotted names (`a.b=1`), `null` is an empty value
//! (`name=`), empty strings are left out, everything is form-encoded (`+` for a space) and
//! `_strict=true` is appended. [`parse`] undoes that, so a server sees the JSON the caller
//! meant: a value is typed by the [`ParamSpec`] it names (integers and numbers as JSON
//! numbers, `true` / `false` as booleans for boolean parameters, strings otherwise), a
//! repeated name or one ending in `[]` (the spelling of other clients, also accepted) makes an
//! array, and a dotted name a nested object.
//!
//! Text that is not of the parameter's type stays a string (`limit=abc` is `"abc"`), so that
//! validation names the parameter and its type, as for a JSON body.

use seamapi_core::params::{ParamKind, ParamSpec};
use serde_json::{Map, Number, Value};

/// The parameter `_strict=true` that Seam's SDKs append; it is not a parameter of any route
/// and is dropped.
pub const STRICT: &str = "_strict";

/// The parameters of `query` (without its `?`) as a JSON object, typed by `specs`.
///
/// - `name=` is `null` (the serializer's spelling of `null`), except for an array parameter,
///   where it is the empty array;
/// - a name of no parameter keeps its value as a string, or an array of strings when it is
///   repeated or ends in `[]` (for a parameter that is not an array, the last value wins);
/// - a name that is both a value and the prefix of a dotted name (`a=1&a.b=2`) keeps what came
///   last; nothing panics, whatever the input.
///
/// ```
/// use seamapi_core::params::{ParamKind, ParamSpec, Requirement};
/// const SPECS: &[ParamSpec] = &[
///     ParamSpec::new("limit", ParamKind::Integer, Requirement::Optional, ""),
///     ParamSpec::new("ids", ParamKind::Array(&ParamKind::Uuid), Requirement::Optional, ""),
/// ];
/// let object = seamapi_fake::query::parse("ids=a&ids=b&limit=10&_strict=true", SPECS);
/// assert_eq!(
///     serde_json::Value::Object(object),
///     serde_json::json!({"ids": ["a", "b"], "limit": 10})
/// );
/// ```
pub fn parse(query: &str, specs: &[ParamSpec]) -> Map<String, Value> {
    let mut object = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (form_decode(name), form_decode(value));
        if name == STRICT && !specs.iter().any(|s| s.name == STRICT) {
            continue;
        }
        let (name, brackets) = match name.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (name.as_str(), false),
        };
        if name.is_empty() {
            continue;
        }
        let path: Vec<&str> = name.split('.').collect();
        insert(
            &mut object,
            Some(Properties::Specs(specs)),
            &path,
            value,
            brackets,
        );
    }
    object
}

/// What a name inside an object may hold: the properties of an object parameter, or the one
/// kind of the values of a map.
#[derive(Clone, Copy)]
enum Properties<'a> {
    Specs(&'a [ParamSpec]),
    Map(ParamKind),
}

impl Properties<'_> {
    fn kind_of(self, name: &str) -> Option<ParamKind> {
        match self {
            Self::Specs(specs) => specs.iter().find(|s| s.name == name).map(|s| s.kind),
            Self::Map(kind) => Some(kind),
        }
    }
}

/// Puts `value` at `path` (a dotted name, split) in `object`, typed by `properties`.
fn insert(
    object: &mut Map<String, Value>,
    properties: Option<Properties<'_>>,
    path: &[&str],
    value: String,
    brackets: bool,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let kind = properties.and_then(|p| p.kind_of(first));
    if !rest.is_empty() {
        let inner = match kind {
            Some(ParamKind::Object(specs)) => Some(Properties::Specs(specs)),
            Some(ParamKind::Map(item)) => Some(Properties::Map(*item)),
            _ => None,
        };
        let slot = object
            .entry((*first).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(nested) = slot {
            insert(nested, inner, rest, value, brackets);
        }
        return;
    }
    let name = (*first).to_owned();
    match kind {
        Some(ParamKind::Array(item)) => push(object, name, Some(*item), value),
        _ if brackets => push(object, name, kind, value),
        _ => {
            let typed = if value.is_empty() {
                Value::Null
            } else {
                typed(kind, value)
            };
            // A name of no parameter given twice is an array, as a server reading a form
            // would see it; for a parameter, the last value wins.
            match object.get_mut(&name) {
                Some(Value::Array(items)) if kind.is_none() => items.push(typed),
                Some(previous) if kind.is_none() && !previous.is_object() => {
                    let first = previous.take();
                    *previous = Value::Array(vec![first, typed]);
                }
                _ => {
                    object.insert(name, typed);
                }
            }
        }
    }
}

/// Adds `value` to the array `name` (made if missing or not an array); an empty value only
/// makes sure the array exists (`ids=` is the empty array).
fn push(object: &mut Map<String, Value>, name: String, item: Option<ParamKind>, value: String) {
    let slot = object
        .entry(name)
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        let previous = slot.take();
        *slot = Value::Array(if previous.is_null() {
            Vec::new()
        } else {
            vec![previous]
        });
    }
    if value.is_empty() {
        return;
    }
    if let Value::Array(items) = slot {
        items.push(typed(item, value));
    }
}

/// `text` as a value of `kind`: a JSON number for a number parameter (an integer when it
/// reads as one), a boolean for `true` / `false` of a boolean parameter, a string otherwise.
fn typed(kind: Option<ParamKind>, text: String) -> Value {
    match kind {
        Some(ParamKind::Integer | ParamKind::Number) => {
            number(&text).unwrap_or(Value::String(text))
        }
        Some(ParamKind::Boolean) => match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        },
        _ => Value::String(text),
    }
}

/// A number as JavaScript's `String(n)` writes it (`10`, `-2.5`, `1e+21`), or a bigger
/// integer written in full.
fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(Value::from(u));
    }
    // Only what a number looks like: Rust would also read `inf`, `NaN` and `infinity`.
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f = text.parse::<f64>().ok()?;
    Number::from_f64(f).map(Value::Number)
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is; bytes that are not UTF-8 become U+FFFD.
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use seamapi_core::params::Requirement;
    use serde_json::json;

    const MODES: &[&str] = &["heat", "cool"];
    const INNER: &[ParamSpec] = &[
        ParamSpec::new("mode", ParamKind::Enum(MODES), Requirement::Optional, ""),
        ParamSpec::new("on", ParamKind::Boolean, Requirement::Optional, ""),
        ParamSpec::new("level", ParamKind::Integer, Requirement::Optional, ""),
    ];
    const SPECS: &[ParamSpec] = &[
        ParamSpec::new("limit", ParamKind::Integer, Requirement::Optional, ""),
        ParamSpec::new("temp", ParamKind::Number, Requirement::Optional, ""),
        ParamSpec::new("on", ParamKind::Boolean, Requirement::Optional, ""),
        ParamSpec::new(
            "ids",
            ParamKind::Array(&ParamKind::Uuid),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new(
            "levels",
            ParamKind::Array(&ParamKind::Integer),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new("name", ParamKind::String, Requirement::Optional, ""),
        ParamSpec::new(
            "settings",
            ParamKind::Object(INNER),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new(
            "metadata",
            ParamKind::Map(&ParamKind::Number),
            Requirement::Optional,
            "",
        ),
    ];

    fn parsed(query: &str) -> Value {
        Value::Object(parse(query, SPECS))
    }

    #[test]
    fn values_are_typed_by_their_parameter() {
        assert_eq!(
            parsed("limit=10&temp=21.5&on=true&name=a+b%2Bc&levels=1&levels=-2&_strict=true"),
            json!({"limit": 10, "temp": 21.5, "on": true, "name": "a b+c", "levels": [1, -2]})
        );
        assert_eq!(
            parsed("temp=1e%2B21&limit=18446744073709551615&on=false"),
            json!({"temp": 1e21, "limit": u64::MAX, "on": false})
        );
        // Text of the wrong type stays text, for validation to name.
        assert_eq!(
            parsed("limit=abc&temp=NaN&on=yes&limit2=7"),
            json!({"limit": "abc", "temp": "NaN", "on": "yes", "limit2": "7"})
        );
        assert_eq!(parsed("limit=1.5"), json!({"limit": 1.5}));
    }

    #[test]
    fn arrays_repeat_their_name_or_end_in_brackets() {
        assert_eq!(
            parsed("ids=a&ids%5B%5D=b&ids[]=c"),
            json!({"ids": ["a", "b", "c"]})
        );
        assert_eq!(parsed("ids=a"), json!({"ids": ["a"]}));
        assert_eq!(parsed("ids="), json!({"ids": []}));
        // Names of no parameter: repeated or with brackets, an array of strings.
        assert_eq!(
            parsed("x=1&x=2&y[]=3&z=4"),
            json!({"x": ["1", "2"], "y": ["3"], "z": "4"})
        );
    }

    #[test]
    fn dotted_names_are_nested_objects() {
        assert_eq!(
            parsed(
                "settings.mode=heat&settings.on=false&settings.level=3&metadata.a=1.5&metadata.b=2"
            ),
            json!({
                "settings": {"mode": "heat", "on": false, "level": 3},
                "metadata": {"a": 1.5, "b": 2},
            })
        );
        assert_eq!(
            parsed("unknown.a.b=1"),
            json!({"unknown": {"a": {"b": "1"}}})
        );
    }

    #[test]
    fn empty_values_are_null_and_strict_is_dropped() {
        assert_eq!(
            parsed("name=&limit=&_strict=true&_strict=false"),
            json!({"name": null, "limit": null})
        );
        assert_eq!(parsed(""), json!({}));
        assert_eq!(parsed("&&=&=x&[]=y"), json!({}));
    }

    #[test]
    fn conflicting_shapes_never_panic() {
        assert_eq!(
            parsed("settings=1&settings.on=true"),
            json!({"settings": {"on": true}})
        );
        assert_eq!(
            parsed("settings.on=true&settings=1"),
            json!({"settings": "1"})
        );
        assert_eq!(parsed("limit=1&limit[]=2"), json!({"limit": [1, 2]}));
        assert_eq!(parsed("x.y=1&x=2"), json!({"x": "2"}));
        assert_eq!(
            parsed("a..b=1&.=2&c.=3"),
            json!({"a": {"": {"b": "1"}}, "": {"": "2"}, "c": {"": "3"}})
        );
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(form_decode("%e2%9c%93"), "✓");
        assert_eq!(form_decode("%"), "%");
        assert_eq!(form_decode("%4"), "%4");
        assert_eq!(form_decode("%41"), "A");
        assert_eq!(form_decode("%ff"), "\u{fffd}");
    }
}
