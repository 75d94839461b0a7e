//! The runtime types the generated resources use: [`Page`] and [`Pagination`] for lists,
//! [`Timestamp`], and the kept-unknown values that make decoding forward compatible.
//!
//! Seam adds fields, enum values and union kinds over time. Unknown fields are ignored, an
//! unknown enum value decodes as its enum's `Unknown(`[`UnknownValue`]`)` and an unknown kind of
//! a union as `Unknown(`[`UnknownKind`]`)`, keeping what was sent, so a new server never breaks
//! a deployed client. Neither can be built by a caller, so `Unknown` never stands in for a
//! value this client knows.

use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;

/// A date and time from the API, in RFC 3339.
pub type Timestamp = OffsetDateTime;

/// An enum value this version of the client does not know, kept as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Only generated code makes these, from a value that matched no known one.
    #[doc(hidden)]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A kind of a union (an event type, an action type, …) this version of the client does not
/// know: its tag and the whole object as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownKind {
    kind: String,
    raw: serde_json::Value,
}

impl UnknownKind {
    /// Only generated code makes these, from an object whose tag matched no known kind.
    #[doc(hidden)]
    pub fn new(kind: String, raw: serde_json::Value) -> Self {
        Self { kind, raw }
    }

    /// The tag, e.g. the `event_type` of an event.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The object as the server sent it.
    pub fn raw(&self) -> &serde_json::Value {
        &self.raw
    }
}

impl Serialize for UnknownKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

/// Where a list is: whether another page follows and the cursor that fetches it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// The cursor for the next page.
    #[serde(default)]
    pub next_page_cursor: Option<String>,
    /// The URL of the next page.
    #[serde(default)]
    pub next_page_url: Option<String>,
}

/// One page of a list: its items and where the list goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where the list goes on.
    pub pagination: Pagination,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_serialise_as_sent() {
        let v = UnknownValue::new("new_kind".into());
        assert_eq!(v.as_str(), "new_kind");
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"new_kind\"");
        let raw = serde_json::json!({"event_type": "x.y", "a": 1});
        let k = UnknownKind::new("x.y".into(), raw.clone());
        assert_eq!(k.kind(), "x.y");
        assert_eq!(serde_json::to_value(&k).unwrap(), raw);
    }
}
