//! A string that never shows itself in `Debug` or `Display`.

use std::fmt;

/// A credential (API key, access token) that is redacted wherever it could be printed.
///
/// The only way to read it is [`Secret::expose`], so a token cannot reach a log line, an
/// error message or a `{:?}` by accident.
///
/// ```
/// use seamapi_core::Secret;
/// let s = Secret::new("seam_test_123");
/// assert_eq!(format!("{s:?}"), "Secret(\"***\")");
/// assert_eq!(s.to_string(), "***");
/// assert_eq!(s.expose(), "seam_test_123");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The credential itself. Call only where it is put on the wire or stored on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The credential with everything but its kind prefix hidden, e.g. `seam_at…`: safe to print.
    pub fn redacted(&self) -> String {
        format!("{}…", crate::auth::TokenKind::of(&self.0).prefix())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_keeps_only_the_kind_prefix() {
        assert_eq!(Secret::new("seam_at1_abcdef").redacted(), "seam_at…");
        assert_eq!(Secret::new("seam_test1234").redacted(), "seam_…");
        assert_eq!(Secret::new("eyJhbGciOi").redacted(), "ey…");
        assert_eq!(Secret::new("hunter2").redacted(), "…");
    }
}
