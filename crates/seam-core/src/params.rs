//! Parameter descriptions and the rules that check them.
//!
//! Every route lists its parameters as [`ParamSpec`]s. The same rules check a typed request
//! before this client sends it ([`ParamValue`]) and a raw JSON body where a server receives it
//! ([`validate_json`]), with the same zod-style messages Seam's API sends in
//! `validation_errors`.

use serde_json::{Map, Value};

use crate::error::ValidationErrors;

/// What values a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamKind {
    /// A UUID string (`8-4-4-4-12` hex digits).
    Uuid,
    /// A string of at least one character.
    NonEmptyString,
    /// Any string.
    String,
    /// An email address.
    Email,
    /// An ISO 8601 / RFC 3339 date-time string.
    DateTime,
    /// An integer greater than zero.
    PositiveInteger,
    /// An array of UUID strings.
    UuidArray,
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

/// One parameter of a route: its wire name, kind, requirement and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name on the wire, e.g. `acs_user_id`.
    pub name: &'static str,
    /// The values it takes.
    pub kind: ParamKind,
    /// Whether it must be present.
    pub requirement: Requirement,
    /// What it means.
    pub doc: &'static str,
}

/// Whether `s` is a UUID in its textual form (any version, either case).
///
/// ```
/// assert!(seam_core::params::is_uuid("d73f4706-67e3-419d-899e-ec957a75ee0c"));
/// assert!(!seam_core::params::is_uuid("d73f4706"));
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

impl ParamKind {
    /// Checks a string value; `Err` holds the zod-style message.
    pub fn check_str(self, value: &str) -> Result<(), &'static str> {
        let ok = match self {
            Self::Uuid | Self::UuidArray => is_uuid(value),
            Self::NonEmptyString => !value.is_empty(),
            Self::String => true,
            Self::Email => is_email(value),
            Self::DateTime => is_datetime(value),
            Self::PositiveInteger => return Err("Expected number, received string"),
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Self::Uuid | Self::UuidArray => "Invalid uuid",
                Self::NonEmptyString => "String must contain at least 1 character(s)",
                Self::Email => "Invalid email",
                _ => "Invalid datetime",
            })
        }
    }

    /// Checks an integer value.
    pub fn check_int(self, value: i64) -> Result<(), &'static str> {
        match self {
            Self::PositiveInteger if value <= 0 => Err("Number must be greater than 0"),
            Self::PositiveInteger => Ok(()),
            _ => Err("Expected string, received number"),
        }
    }
}

/// A typed parameter value that can check itself against its [`ParamSpec`].
pub trait ParamValue {
    /// Adds the messages about this value to `errors`.
    fn check(&self, spec: &ParamSpec, errors: &mut ValidationErrors);
}

impl ParamValue for String {
    fn check(&self, spec: &ParamSpec, errors: &mut ValidationErrors) {
        if self.is_empty() && spec.requirement != Requirement::Optional {
            errors.add(spec.name, "Required");
        } else if let Err(m) = spec.kind.check_str(self) {
            errors.add(spec.name, m);
        }
    }
}

impl ParamValue for u32 {
    fn check(&self, spec: &ParamSpec, errors: &mut ValidationErrors) {
        if let Err(m) = spec.kind.check_int(i64::from(*self)) {
            errors.add(spec.name, m);
        }
    }
}

impl ParamValue for Vec<String> {
    fn check(&self, spec: &ParamSpec, errors: &mut ValidationErrors) {
        for v in self {
            if let Err(m) = spec.kind.check_str(v) {
                errors.add(spec.name, m);
            }
        }
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn check(&self, spec: &ParamSpec, errors: &mut ValidationErrors) {
        match self {
            Some(v) => v.check(spec, errors),
            None if spec.requirement == Requirement::Required => errors.add(spec.name, "Required"),
            None => {}
        }
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

/// Checks a raw JSON body against a route's parameters, as a server does: missing required
/// parameters, wrong JSON types, and the kind rules, with zod's messages. Parameters not in
/// `specs` are ignored, as Seam's API ignores them.
///
/// ```
/// use seam_core::{params::validate_json, routes::AddAcsUser, Route};
/// let body = serde_json::json!({"acs_user_id": 7, "user_identity_id": "x"});
/// let errors = validate_json(AddAcsUser::PARAMS, body.as_object().unwrap());
/// assert_eq!(errors.messages("acs_user_id"), ["Expected string, received number"]);
/// assert_eq!(errors.messages("user_identity_id"), ["Invalid uuid"]);
/// ```
pub fn validate_json(specs: &[ParamSpec], body: &Map<String, Value>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let mut one_of_present = 0;
    let mut one_of_names = Vec::new();
    for spec in specs {
        let value = body.get(spec.name).filter(|v| !v.is_null());
        if spec.requirement == Requirement::OneOf {
            one_of_names.push(spec.name);
            one_of_present += usize::from(value.is_some());
        }
        let Some(value) = value else {
            if spec.requirement == Requirement::Required {
                errors.add(spec.name, "Required");
            }
            continue;
        };
        let result = match (spec.kind, value) {
            (ParamKind::PositiveInteger, Value::Number(n)) => match n.as_i64() {
                Some(i) => spec.kind.check_int(i),
                None => Err("Expected integer, received float"),
            },
            (ParamKind::PositiveInteger, other) => {
                errors.add(
                    spec.name,
                    format!("Expected number, received {}", json_type(other)),
                );
                continue;
            }
            (ParamKind::UuidArray, Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(s) => {
                            if let Err(m) = spec.kind.check_str(s) {
                                errors.add(spec.name, m);
                            }
                        }
                        other => errors.add(
                            spec.name,
                            format!("Expected string, received {}", json_type(other)),
                        ),
                    }
                }
                continue;
            }
            (ParamKind::UuidArray, other) => {
                errors.add(
                    spec.name,
                    format!("Expected array, received {}", json_type(other)),
                );
                continue;
            }
            (_, Value::String(s)) => spec.kind.check_str(s),
            (_, other) => {
                errors.add(
                    spec.name,
                    format!("Expected string, received {}", json_type(other)),
                );
                continue;
            }
        };
        if let Err(m) = result {
            errors.add(spec.name, m);
        }
    }
    if !one_of_names.is_empty() && one_of_present != 1 {
        errors.add_form(format!(
            "Exactly one of {} is required",
            one_of_names.join(", ")
        ));
    }
    errors
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
    fn email_rule() {
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
    }

    #[test]
    fn datetime_rule() {
        assert!(
            ParamKind::DateTime
                .check_str("2024-01-02T03:04:05Z")
                .is_ok()
        );
        assert_eq!(
            ParamKind::DateTime.check_str("yesterday"),
            Err("Invalid datetime")
        );
    }

    #[test]
    fn json_types_are_reported_as_zod_does() {
        let specs = [
            ParamSpec {
                name: "limit",
                kind: ParamKind::PositiveInteger,
                requirement: Requirement::Optional,
                doc: "",
            },
            ParamSpec {
                name: "ids",
                kind: ParamKind::UuidArray,
                requirement: Requirement::Optional,
                doc: "",
            },
            ParamSpec {
                name: "name",
                kind: ParamKind::NonEmptyString,
                requirement: Requirement::Required,
                doc: "",
            },
        ];
        let body = serde_json::json!({"limit": "5", "ids": [UUID, 3, "x"], "name": ""});
        let e = validate_json(&specs, body.as_object().unwrap());
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
        let e = validate_json(&specs, body.as_object().unwrap());
        assert_eq!(e.messages("limit"), ["Number must be greater than 0"]);
        assert_eq!(e.messages("ids"), ["Expected array, received string"]);
        assert_eq!(e.messages("name"), ["Required"]);
        let body = serde_json::json!({"limit": 1.5, "name": "n"});
        let e = validate_json(&specs, body.as_object().unwrap());
        assert_eq!(e.messages("limit"), ["Expected integer, received float"]);
    }

    #[test]
    fn one_of_needs_exactly_one() {
        let specs = [
            ParamSpec {
                name: "a",
                kind: ParamKind::String,
                requirement: Requirement::OneOf,
                doc: "",
            },
            ParamSpec {
                name: "b",
                kind: ParamKind::String,
                requirement: Requirement::OneOf,
                doc: "",
            },
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
