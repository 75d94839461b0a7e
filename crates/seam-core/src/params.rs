//! Parameter descriptions and the rules that check them.
//!
//! Every route lists its parameters as [`ParamSpec`]s, generated from Seam's OpenAPI document.
//! The same rules check a request before this client sends it (the typed request is turned
//! into JSON and checked, so typed and raw requests cannot disagree) and a raw JSON body where
//! a server receives it ([`validate_json`]), with the zod-style messages Seam's API sends in
//! `validation_errors`.

use serde_json::{Map, Value};

use crate::error::ValidationErrors;

/// How many messages one validation collects before it stops: a hostile body of a million bad
/// array items gets a bounded answer, not a million messages.
pub const MAX_VALIDATION_MESSAGES: usize = 50;

/// The longest message (in bytes) one validation keeps: a message that quotes the request (an
/// enum value, a map key in a path) is cut there and ends with `…`, so with
/// [`MAX_VALIDATION_MESSAGES`] the `validation_errors` of any request stay a few tens of
/// kilobytes, whatever the body held.
pub const MAX_VALIDATION_MESSAGE_BYTES: usize = 256;

/// `message` cut to at most [`MAX_VALIDATION_MESSAGE_BYTES`] (at a character boundary, `…`
/// included).
///
/// ```
/// use seamapi_core::params::{MAX_VALIDATION_MESSAGE_BYTES, bounded_message};
/// assert_eq!(bounded_message("Invalid uuid".to_owned()), "Invalid uuid");
/// let long = bounded_message(format!("received '{}'", "é".repeat(10_000)));
/// assert!(long.len() <= MAX_VALIDATION_MESSAGE_BYTES && long.ends_with('…'));
/// ```
pub fn bounded_message(mut message: String) -> String {
    if message.len() <= MAX_VALIDATION_MESSAGE_BYTES {
        return message;
    }
    let mut end = MAX_VALIDATION_MESSAGE_BYTES - '…'.len_utf8();
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    message.truncate(end);
    message.push('…');
    message
}

/// What values a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamKind {
    /// A UUID string (`8-4-4-4-12` hex digits).
    Uuid,
    /// A string.
    String,
    /// An email address.
    Email,
    /// An ISO 8601 / RFC 3339 date-time string.
    DateTime,
    /// An absolute URL.
    Uri,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An array of values of one kind.
    Array(&'static ParamKind),
    /// An object with these properties.
    Object(&'static [ParamSpec]),
    /// An object whose values all have one kind (`additionalProperties`).
    Map(&'static ParamKind),
    /// Any JSON value (a `oneOf` of several shapes that the server checks).
    Any,
}

/// Whether a parameter must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Must be present.
    Required,
    /// May be absent.
    Optional,
    /// Exactly one of the route's `OneOf` parameters must be present.
    OneOf,
}

/// The limits a value must keep, from the schema's `minLength`, `minimum`, `minItems`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// Fewest characters of a string.
    pub min_length: Option<u32>,
    /// Most characters of a string.
    pub max_length: Option<u32>,
    /// Smallest number allowed.
    pub minimum: Option<i64>,
    /// The number must be greater than this.
    pub exclusive_minimum: Option<i64>,
    /// Largest number allowed.
    pub maximum: Option<i64>,
    /// Fewest items of an array.
    pub min_items: Option<u32>,
    /// Most items of an array.
    pub max_items: Option<u32>,
}

impl Rules {
    /// No limits.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        minimum: None,
        exclusive_minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };
}

/// One parameter of a route: its wire name, kind, requirement, limits and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name on the wire, e.g. `acs_user_id`.
    pub name: &'static str,
    /// The values it takes.
    pub kind: ParamKind,
    /// Whether it must be present.
    pub requirement: Requirement,
    /// The limits its value keeps.
    pub rules: Rules,
    /// What it means.
    pub doc: &'static str,
}

impl ParamSpec {
    /// A parameter with no limits beyond its kind.
    pub const fn new(
        name: &'static str,
        kind: ParamKind,
        requirement: Requirement,
        doc: &'static str,
    ) -> Self {
        Self {
            name,
            kind,
            requirement,
            rules: Rules::NONE,
            doc,
        }
    }

    /// The same parameter with `rules`.
    pub const fn with_rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }
}

/// Whether `s` is a UUID in its textual form (any version, either case).
///
/// ```
/// assert!(seamapi_core::params::is_uuid("d73f4706-67e3-419d-899e-ec957a75ee0c"));
/// assert!(!seamapi_core::params::is_uuid("d73f4706"));
/// ```
pub fn is_uuid(s: &str) -> bool {
    // 8-4-4-4-12 hex digits. Checked group by group, which the compiler unrolls: this runs
    // on every id of every call.
    let Ok(b) = <&[u8; 36]>::try_from(s.as_bytes()) else {
        return false;
    };
    let hex = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_hexdigit);
    b[8] == b'-'
        && b[13] == b'-'
        && b[18] == b'-'
        && b[23] == b'-'
        && hex(0..8)
        && hex(9..13)
        && hex(14..18)
        && hex(19..23)
        && hex(24..36)
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.contains('.')
                && !s.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

fn is_datetime(s: &str) -> bool {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

fn is_uri(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// The JSON type of `v` as zod names it in its messages (`"string"`, `"number"`, …).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl ParamKind {
    /// The JSON type this kind takes, as zod names it.
    pub fn json_type(self) -> &'static str {
        match self {
            Self::Uuid
            | Self::String
            | Self::Email
            | Self::DateTime
            | Self::Uri
            | Self::Enum(_) => "string",
            Self::Boolean => "boolean",
            Self::Integer | Self::Number => "number",
            Self::Array(_) => "array",
            Self::Object(_) | Self::Map(_) => "object",
            Self::Any => "any",
        }
    }

    /// Checks a string value of a string kind; `Err` holds the zod-style message.
    pub fn check_str(self, value: &str) -> Result<(), String> {
        let ok = match self {
            Self::Uuid => is_uuid(value),
            Self::String | Self::Any => true,
            Self::Email => is_email(value),
            Self::DateTime => is_datetime(value),
            Self::Uri => is_uri(value),
            Self::Enum(values) => values.contains(&value),
            other => return Err(format!("Expected {}, received string", other.json_type())),
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            Self::Uuid => "Invalid uuid".to_owned(),
            Self::Email => "Invalid email".to_owned(),
            Self::Uri => "Invalid url".to_owned(),
            Self::Enum(values) => format!(
                "Invalid enum value. Expected {}, received '{value}'",
                values
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            _ => "Invalid datetime".to_owned(),
        })
    }
}

/// Collects messages up to [`MAX_VALIDATION_MESSAGES`].
pub(crate) struct Collector<'a> {
    pub(crate) errors: &'a mut ValidationErrors,
    pub(crate) count: usize,
}

impl Collector<'_> {
    pub(crate) fn add(&mut self, param: &str, message: impl Into<String>) {
        self.count += 1;
        if self.count <= MAX_VALIDATION_MESSAGES {
            self.errors.add(param, bounded_message(message.into()));
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.count > MAX_VALIDATION_MESSAGES
    }
}

/// A number as it came: whole numbers apart from floats, for zod's "Expected integer".
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    Int(i128),
    Float(f64),
}

fn at_path(path: &str, m: String) -> String {
    if path.is_empty() {
        m
    } else {
        format!("{path}: {m}")
    }
}

/// The rules of a number: integer-ness and the limits.
pub(crate) fn check_number(
    param: &str,
    path: &str,
    kind: ParamKind,
    rules: &Rules,
    number: Number,
    out: &mut Collector<'_>,
) {
    let v = match number {
        Number::Int(i) => i as f64,
        Number::Float(_) if kind == ParamKind::Integer => {
            out.add(
                param,
                at_path(path, "Expected integer, received float".to_owned()),
            );
            return;
        }
        Number::Float(f) => f,
    };
    if let Some(min) = rules.minimum
        && v < min as f64
    {
        out.add(
            param,
            at_path(
                path,
                format!("Number must be greater than or equal to {min}"),
            ),
        );
    }
    if let Some(min) = rules.exclusive_minimum
        && v <= min as f64
    {
        out.add(
            param,
            at_path(path, format!("Number must be greater than {min}")),
        );
    }
    if let Some(max) = rules.maximum
        && v > max as f64
    {
        out.add(
            param,
            at_path(path, format!("Number must be less than or equal to {max}")),
        );
    }
}

/// The rules of a string of a string kind: length limits, then the kind's format.
pub(crate) fn check_string(
    param: &str,
    path: &str,
    kind: ParamKind,
    rules: &Rules,
    s: &str,
    out: &mut Collector<'_>,
) {
    if rules.min_length.is_some() || rules.max_length.is_some() {
        let chars = s.chars().count();
        if let Some(min) = rules.min_length
            && chars < min as usize
        {
            out.add(
                param,
                at_path(
                    path,
                    format!("String must contain at least {min} character(s)"),
                ),
            );
            return;
        }
        if let Some(max) = rules.max_length
            && chars > max as usize
        {
            out.add(
                param,
                at_path(
                    path,
                    format!("String must contain at most {max} character(s)"),
                ),
            );
            return;
        }
    }
    if let Err(m) = kind.check_str(s) {
        out.add(param, at_path(path, m));
    }
}

/// Checks one value of `kind` with `rules`; messages go under `param` (the top-level
/// parameter), prefixed with the path inside it for nested values (`mode: Invalid enum …`).
pub(crate) fn check_value(
    param: &str,
    path: &str,
    kind: ParamKind,
    rules: &Rules,
    value: &Value,
    out: &mut Collector<'_>,
) {
    if out.full() {
        return;
    }
    let at = |m: String| {
        if path.is_empty() {
            m
        } else {
            format!("{path}: {m}")
        }
    };
    match (kind, value) {
        (ParamKind::Any, _) => {}
        (ParamKind::Boolean, Value::Bool(_)) => {}
        (ParamKind::Integer | ParamKind::Number, Value::Number(n)) => {
            let number = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Number::Int(i128::from(i)),
                (None, Some(u)) => Number::Int(i128::from(u)),
                _ => Number::Float(n.as_f64().unwrap_or_default()),
            };
            check_number(param, path, kind, rules, number, out);
        }
        (
            ParamKind::Uuid
            | ParamKind::String
            | ParamKind::Email
            | ParamKind::DateTime
            | ParamKind::Uri
            | ParamKind::Enum(_),
            Value::String(s),
        ) => check_string(param, path, kind, rules, s, out),
        (ParamKind::Array(item), Value::Array(items)) => {
            if let Some(min) = rules.min_items
                && items.len() < min as usize
            {
                out.add(
                    param,
                    at(format!("Array must contain at least {min} element(s)")),
                );
            }
            if let Some(max) = rules.max_items
                && items.len() > max as usize
            {
                out.add(
                    param,
                    at(format!("Array must contain at most {max} element(s)")),
                );
            }
            for v in items {
                if out.full() {
                    return;
                }
                check_value(param, path, *item, &Rules::NONE, v, out);
            }
        }
        (ParamKind::Object(specs), Value::Object(map)) => {
            check_object(param, path, specs, map, out);
        }
        (ParamKind::Map(item), Value::Object(map)) => {
            for (k, v) in map {
                if out.full() {
                    return;
                }
                let inner = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_value(param, &inner, *item, &Rules::NONE, v, out);
            }
        }
        (kind, other) => out.add(
            param,
            at(format!(
                "Expected {}, received {}",
                kind.json_type(),
                json_type(other)
            )),
        ),
    }
}

/// The properties of a nested object.
fn check_object(
    param: &str,
    path: &str,
    specs: &[ParamSpec],
    map: &Map<String, Value>,
    out: &mut Collector<'_>,
) {
    for spec in specs {
        let inner = if path.is_empty() {
            spec.name.to_owned()
        } else {
            format!("{path}.{}", spec.name)
        };
        match map.get(spec.name).filter(|v| !v.is_null()) {
            None if spec.requirement == Requirement::Required => {
                out.add(param, format!("{inner}: Required"));
            }
            None => {}
            Some(v) => check_value(param, &inner, spec.kind, &spec.rules, v, out),
        }
    }
}

/// Checks a raw JSON body against a route's parameters, as a server does: missing required
/// parameters, wrong JSON types, the kind rules and the limits, with zod's messages, at most
/// [`MAX_VALIDATION_MESSAGES`] of them. Parameters not in `specs` are ignored, as Seam's API
/// ignores them; `null` counts as not given.
///
/// ```
/// use seamapi_core::{params::validate_json, Route};
/// use seamapi_core::params::{ParamKind, ParamSpec, Requirement};
/// const PARAMS: &[ParamSpec] = &[
///     ParamSpec::new("acs_user_id", ParamKind::Uuid, Requirement::Required, ""),
///     ParamSpec::new("user_identity_id", ParamKind::Uuid, Requirement::Optional, ""),
/// ];
/// let body = serde_json::json!({"acs_user_id": 7, "user_identity_id": "x"});
/// let errors = validate_json(PARAMS, body.as_object().unwrap());
/// assert_eq!(errors.messages("acs_user_id"), ["Expected string, received number"]);
/// assert_eq!(errors.messages("user_identity_id"), ["Invalid uuid"]);
/// ```
pub fn validate_json(specs: &[ParamSpec], body: &Map<String, Value>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let mut out = Collector {
        errors: &mut errors,
        count: 0,
    };
    for spec in specs {
        if let Some(value) = body.get(spec.name).filter(|v| !v.is_null()) {
            check_value(spec.name, "", spec.kind, &spec.rules, value, &mut out);
        }
    }
    finish(
        specs,
        |_, name| body.get(name).is_some_and(|v| !v.is_null()),
        out,
    );
    errors
}

/// The checks on a whole request once its values are checked: each missing required
/// parameter, the one-of group, and the note that validation stopped early.
pub(crate) fn finish(
    specs: &[ParamSpec],
    present: impl Fn(usize, &str) -> bool,
    mut out: Collector<'_>,
) {
    let (mut one_of_total, mut one_of_present) = (0, 0);
    for (i, spec) in specs.iter().enumerate() {
        let given = present(i, spec.name);
        match spec.requirement {
            Requirement::OneOf => {
                one_of_total += 1;
                one_of_present += usize::from(given);
            }
            Requirement::Required if !given => out.add(spec.name, "Required"),
            _ => {}
        }
    }
    let errors = out.errors;
    if out.count > MAX_VALIDATION_MESSAGES {
        errors.add_form(format!(
            "validation stopped after {MAX_VALIDATION_MESSAGES} messages: fix these and send again to see the rest"
        ));
    }
    if one_of_total > 0 && one_of_present != 1 {
        let names: Vec<&str> = specs
            .iter()
            .filter(|s| s.requirement == Requirement::OneOf)
            .map(|s| s.name)
            .collect();
        errors.add_form(format!("Exactly one of {} is required", names.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";

    #[test]
    fn uuid_rule() {
        assert!(is_uuid(UUID));
        assert!(is_uuid(&UUID.to_uppercase()));
        for bad in [
            "",
            "d73f4706",
            &UUID[1..],
            "d73f4706x67e3-419d-899e-ec957a75ee0c",
            "g73f4706-67e3-419d-899e-ec957a75ee0c",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
        // Every position is checked: a wrong byte anywhere is refused.
        for i in 0..UUID.len() {
            let dash = matches!(i, 8 | 13 | 18 | 23);
            for wrong in if dash { ["a", "0"] } else { ["g", "-"] } {
                let bad = format!("{}{wrong}{}", &UUID[..i], &UUID[i + 1..]);
                assert!(!is_uuid(&bad), "{bad}");
            }
        }
        assert!(!is_uuid(&format!("{UUID}0")));
        assert!(!is_uuid("d73f4706-67e3-419d-899e-ec957a75ee0\u{e9}"));
    }

    #[test]
    fn email_and_uri_rules() {
        assert!(is_email("jane@example.com"));
        for bad in [
            "jane",
            "@example.com",
            "jane@example",
            "jane@.com",
            "ja ne@example.com",
            "a@b@c.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(is_uri("https://example.com/x?y=1"));
        for bad in ["example.com", "://x", "https://", "https://a b"] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn datetime_rule() {
        assert!(
            ParamKind::DateTime
                .check_str("2024-01-02T03:04:05Z")
                .is_ok()
        );
        assert_eq!(
            ParamKind::DateTime.check_str("yesterday").unwrap_err(),
            "Invalid datetime"
        );
    }

    const MODES: &[&str] = &["heat", "cool"];
    const INNER: &[ParamSpec] = &[
        ParamSpec::new("mode", ParamKind::Enum(MODES), Requirement::Required, ""),
        ParamSpec::new("on", ParamKind::Boolean, Requirement::Optional, ""),
    ];
    const SPECS: &[ParamSpec] = &[
        ParamSpec::new("limit", ParamKind::Integer, Requirement::Optional, "").with_rules(Rules {
            exclusive_minimum: Some(0),
            ..Rules::NONE
        }),
        ParamSpec::new(
            "ids",
            ParamKind::Array(&ParamKind::Uuid),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new("name", ParamKind::String, Requirement::Required, "").with_rules(Rules {
            min_length: Some(1),
            ..Rules::NONE
        }),
        ParamSpec::new(
            "settings",
            ParamKind::Object(INNER),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new(
            "metadata",
            ParamKind::Map(&ParamKind::String),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new("temp", ParamKind::Number, Requirement::Optional, "").with_rules(Rules {
            minimum: Some(-10),
            maximum: Some(40),
            ..Rules::NONE
        }),
    ];

    #[test]
    fn json_types_are_reported_as_zod_does() {
        let body = serde_json::json!({"limit": "5", "ids": [UUID, 3, "x"], "name": ""});
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(e.messages("limit"), ["Expected number, received string"]);
        assert_eq!(
            e.messages("ids"),
            ["Expected string, received number", "Invalid uuid"]
        );
        assert_eq!(
            e.messages("name"),
            ["String must contain at least 1 character(s)"]
        );
        let body = serde_json::json!({"limit": 0, "ids": "x", "name": null});
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(e.messages("limit"), ["Number must be greater than 0"]);
        assert_eq!(e.messages("ids"), ["Expected array, received string"]);
        assert_eq!(e.messages("name"), ["Required"]);
        let body = serde_json::json!({"limit": 1.5, "name": "n", "temp": 41});
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(e.messages("limit"), ["Expected integer, received float"]);
        assert_eq!(
            e.messages("temp"),
            ["Number must be less than or equal to 40"]
        );
    }

    #[test]
    fn nested_objects_maps_and_enums_are_checked() {
        let body = serde_json::json!({
            "name": "n",
            "settings": {"mode": "dry", "on": "yes"},
            "metadata": {"a": "b", "c": 1},
        });
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(
            e.messages("settings"),
            [
                "mode: Invalid enum value. Expected 'heat' | 'cool', received 'dry'",
                "on: Expected boolean, received string"
            ]
        );
        assert_eq!(
            e.messages("metadata"),
            ["c: Expected string, received number"]
        );
        let body = serde_json::json!({"name": "n", "settings": {}});
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(e.messages("settings"), ["mode: Required"]);
        let body = serde_json::json!({"name": "n", "settings": {"mode": "heat", "on": true}});
        assert!(validate_json(SPECS, body.as_object().unwrap()).is_empty());
    }

    #[test]
    fn a_huge_bad_body_gets_a_bounded_answer() {
        let ids: Vec<Value> = (0..100_000).map(|_| Value::from(0)).collect();
        let body = serde_json::json!({"name": "n", "ids": ids});
        let e = validate_json(SPECS, body.as_object().unwrap());
        assert_eq!(e.messages("ids").len(), MAX_VALIDATION_MESSAGES);
        assert_eq!(
            e.form,
            ["validation stopped after 50 messages: fix these and send again to see the rest"]
        );
    }

    #[test]
    fn messages_that_quote_the_request_are_cut() {
        // A 100 KB enum value, and 60 map entries whose 10 KB keys are in each message's path.
        let metadata: Map<String, Value> = (0..60)
            .map(|i| (format!("{i}{}", "k".repeat(10_000)), Value::from(1)))
            .collect();
        let body = serde_json::json!({
            "name": "n",
            "settings": {"mode": "x".repeat(100_000)},
            "metadata": metadata,
        });
        let e = validate_json(SPECS, body.as_object().unwrap());
        let all: Vec<&String> = e
            .form
            .iter()
            .chain(e.fields.values().flat_map(|f| &f.errors))
            .collect();
        assert_eq!(all.len(), MAX_VALIDATION_MESSAGES + 1);
        assert!(
            all.iter().all(|m| m.len() <= MAX_VALIDATION_MESSAGE_BYTES),
            "{all:?}"
        );
        assert!(e.messages("settings")[0].starts_with("mode: Invalid enum value"));
        assert!(e.messages("settings")[0].ends_with('…'));
        // The whole answer, summary included, stays small.
        let answer = serde_json::to_vec(&e).unwrap().len() + e.summary().len();
        assert!(answer < 40_000, "{answer} bytes");
    }

    #[test]
    fn one_of_needs_exactly_one() {
        let specs = [
            ParamSpec::new("a", ParamKind::String, Requirement::OneOf, ""),
            ParamSpec::new("b", ParamKind::String, Requirement::OneOf, ""),
        ];
        for (body, ok) in [
            (serde_json::json!({}), false),
            (serde_json::json!({"a": "x"}), true),
            (serde_json::json!({"b": "x"}), true),
            (serde_json::json!({"a": "x", "b": "y"}), false),
        ] {
            let e = validate_json(&specs, body.as_object().unwrap());
            assert_eq!(e.is_empty(), ok, "{body}");
            if !ok {
                assert_eq!(e.form, ["Exactly one of a, b is required"]);
            }
        }
    }
}
