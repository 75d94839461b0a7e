//! What the generated code is written with: the open enum macro and the union decoding
//! helpers. Hand-written, small, and the same for every generated type.

/// A string enum that keeps values it does not know in `Unknown(`[`UnknownValue`]`)`:
/// `as_str`, `Display`, and serde as the wire string.
///
/// [`UnknownValue`]: seamapi_core::UnknownValue
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        ///
        /// A value this version of the client does not know decodes as `Unknown`, keeping the
        /// text; it cannot be built by hand.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the client does not know, as the server sent it.
            Unknown(seamapi_core::UnknownValue),
        }

        impl $name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Unknown(v) => v.as_str(),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(match &*s {
                    $($text => Self::$variant,)*
                    _ => Self::Unknown(seamapi_core::UnknownValue::new(s.into_owned())),
                })
            }
        }
    };
}
pub(crate) use open_enum;

/// Reads a union's object and its tag, for the generated `Deserialize` of a union.
pub fn tagged<'de, D: serde::Deserializer<'de>>(
    d: D,
    tag: &'static str,
) -> Result<(String, serde_json::Value), D::Error> {
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
    let kind = match value.get(tag) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(D::Error::custom(format!(
                "`{tag}` must be a string, not {other}"
            )));
        }
        None => return Err(D::Error::missing_field(tag)),
    };
    Ok((kind, value))
}

/// Decodes a known kind of a union: its body must be right (a known kind with a bad body is
/// an error, never silently unknown).
pub fn variant<'de, T: serde::de::DeserializeOwned, D: serde::Deserializer<'de>>(
    value: serde_json::Value,
) -> Result<T, D::Error> {
    use serde::de::Error as _;
    serde_json::from_value(value).map_err(D::Error::custom)
}
