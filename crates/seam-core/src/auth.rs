//! Credentials and the rules that tell token kinds apart.

use std::fmt;

use crate::error::ConfigError;
use crate::secret::Secret;

/// The kind of a Seam token, recognised by its prefix as Seam's own SDKs do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// `seam_…` (but none of the prefixes below): a workspace API key.
    ApiKey,
    /// `seam_at…`: a personal access token; needs a workspace id.
    PersonalAccessToken,
    /// A JWT (`ey…`): a console session token; needs a workspace id.
    ConsoleSessionToken,
    /// `seam_cst…`: a client session token, for browsers only.
    ClientSessionToken,
    /// `seam_pk…`: a publishable key, for browsers only.
    PublishableKey,
    /// Anything else.
    Unknown,
}

impl TokenKind {
    /// Recognises the kind of `token` from its prefix.
    ///
    /// ```
    /// use seam_core::TokenKind;
    /// assert_eq!(TokenKind::of("seam_at1_x"), TokenKind::PersonalAccessToken);
    /// assert_eq!(TokenKind::of("seam_live_x"), TokenKind::ApiKey);
    /// ```
    pub fn of(token: &str) -> Self {
        if token.starts_with("seam_at") {
            Self::PersonalAccessToken
        } else if token.starts_with("seam_cst") {
            Self::ClientSessionToken
        } else if token.starts_with("seam_pk") {
            Self::PublishableKey
        } else if token.starts_with("seam_") {
            Self::ApiKey
        } else if token.starts_with("ey") {
            Self::ConsoleSessionToken
        } else {
            Self::Unknown
        }
    }

    /// The prefix that identifies this kind (empty for [`TokenKind::Unknown`]).
    pub fn prefix(self) -> &'static str {
        match self {
            Self::ApiKey => "seam_",
            Self::PersonalAccessToken => "seam_at",
            Self::ConsoleSessionToken => "ey",
            Self::ClientSessionToken => "seam_cst",
            Self::PublishableKey => "seam_pk",
            Self::Unknown => "",
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ApiKey => "an API key (seam_…)",
            Self::PersonalAccessToken => "a personal access token (seam_at…)",
            Self::ConsoleSessionToken => "a console session token (a JWT, ey…)",
            Self::ClientSessionToken => "a client session token (seam_cst…)",
            Self::PublishableKey => "a publishable key (seam_pk…)",
            Self::Unknown => "a token of no known kind",
        })
    }
}

/// How requests are authenticated. Build one with [`Credentials::api_key`],
/// [`Credentials::personal_access_token`] or [`Credentials::console_session_token`]; each checks
/// the token's kind, so a token of the wrong kind is refused before anything is sent.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A workspace API key.
    ApiKey(Secret),
    /// A personal access token, acting in one workspace.
    PersonalAccessToken {
        /// The token.
        token: Secret,
        /// The workspace it acts in (sent as `seam-workspace`).
        workspace_id: String,
    },
    /// A console session token, acting in one workspace.
    ConsoleSessionToken {
        /// The token.
        token: Secret,
        /// The workspace it acts in (sent as `seam-workspace`).
        workspace_id: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.debug_tuple("ApiKey").field(&"***").finish(),
            Self::PersonalAccessToken { workspace_id, .. } => f
                .debug_struct("PersonalAccessToken")
                .field("token", &"***")
                .field("workspace_id", workspace_id)
                .finish(),
            Self::ConsoleSessionToken { workspace_id, .. } => f
                .debug_struct("ConsoleSessionToken")
                .field("token", &"***")
                .field("workspace_id", workspace_id)
                .finish(),
        }
    }
}

impl Credentials {
    /// An API key. Refuses any other kind of token.
    ///
    /// ```
    /// use seam_core::{ConfigError, Credentials, TokenKind};
    /// assert!(Credentials::api_key("seam_test_key").is_ok());
    /// let err = Credentials::api_key("seam_at1_token").unwrap_err();
    /// assert!(matches!(err, ConfigError::WrongTokenKind { found: TokenKind::PersonalAccessToken, .. }));
    /// ```
    pub fn api_key(key: impl Into<String>) -> Result<Self, ConfigError> {
        let key = checked_token(key.into(), TokenKind::ApiKey, "api key")?;
        Ok(Self::ApiKey(key))
    }

    /// A personal access token and the workspace it acts in.
    pub fn personal_access_token(
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let token = checked_token(
            token.into(),
            TokenKind::PersonalAccessToken,
            "personal access token",
        )?;
        Ok(Self::PersonalAccessToken {
            token,
            workspace_id: checked_workspace(workspace_id.into())?,
        })
    }

    /// A console session token (a JWT) and the workspace it acts in.
    pub fn console_session_token(
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let token = checked_token(
            token.into(),
            TokenKind::ConsoleSessionToken,
            "console session token",
        )?;
        Ok(Self::ConsoleSessionToken {
            token,
            workspace_id: checked_workspace(workspace_id.into())?,
        })
    }

    /// Recognises the kind of `token` and builds the matching credentials; a personal access
    /// token or console session token needs `workspace_id`.
    pub fn from_token(
        token: impl Into<String>,
        workspace_id: Option<String>,
    ) -> Result<Self, ConfigError> {
        let token = token.into();
        match (TokenKind::of(&token), workspace_id) {
            (TokenKind::PersonalAccessToken, Some(ws)) => Self::personal_access_token(token, ws),
            (TokenKind::ConsoleSessionToken, Some(ws)) => Self::console_session_token(token, ws),
            (kind @ (TokenKind::PersonalAccessToken | TokenKind::ConsoleSessionToken), None) => {
                Err(ConfigError::MissingWorkspaceId { kind })
            }
            _ => Self::api_key(token),
        }
    }

    /// The token, for the `authorization` header.
    pub fn token(&self) -> &Secret {
        match self {
            Self::ApiKey(t)
            | Self::PersonalAccessToken { token: t, .. }
            | Self::ConsoleSessionToken { token: t, .. } => t,
        }
    }

    /// The workspace sent as `seam-workspace`, when the kind of token needs one.
    pub fn workspace_id(&self) -> Option<&str> {
        match self {
            Self::ApiKey(_) => None,
            Self::PersonalAccessToken { workspace_id, .. }
            | Self::ConsoleSessionToken { workspace_id, .. } => Some(workspace_id),
        }
    }

    /// The kind of token these credentials hold.
    pub fn kind(&self) -> TokenKind {
        match self {
            Self::ApiKey(_) => TokenKind::ApiKey,
            Self::PersonalAccessToken { .. } => TokenKind::PersonalAccessToken,
            Self::ConsoleSessionToken { .. } => TokenKind::ConsoleSessionToken,
        }
    }
}

/// A header value may hold only visible ASCII: anything else could split or forge headers.
fn is_header_safe(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic())
}

fn checked_token(
    token: String,
    expected: TokenKind,
    option: &'static str,
) -> Result<Secret, ConfigError> {
    if token.is_empty() {
        return Err(ConfigError::EmptyToken { option });
    }
    if !is_header_safe(&token) {
        return Err(ConfigError::UnsafeToken { option });
    }
    let found = TokenKind::of(&token);
    if found != expected {
        return Err(ConfigError::WrongTokenKind {
            option,
            expected,
            found,
        });
    }
    Ok(Secret::new(token))
}

fn checked_workspace(workspace_id: String) -> Result<String, ConfigError> {
    if is_header_safe(&workspace_id) {
        Ok(workspace_id)
    } else {
        Err(ConfigError::InvalidWorkspaceId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_is_recognised() {
        assert_eq!(TokenKind::of("seam_abc"), TokenKind::ApiKey);
        assert_eq!(
            TokenKind::of("seam_at1_abc"),
            TokenKind::PersonalAccessToken
        );
        assert_eq!(
            TokenKind::of("seam_cst1_abc"),
            TokenKind::ClientSessionToken
        );
        assert_eq!(TokenKind::of("seam_pk1_abc"), TokenKind::PublishableKey);
        assert_eq!(
            TokenKind::of("eyJhbGciOiJIUzI1NiJ9.e30.x"),
            TokenKind::ConsoleSessionToken
        );
        assert_eq!(TokenKind::of("sk_live_abc"), TokenKind::Unknown);
    }

    #[test]
    fn each_option_accepts_its_own_kind() {
        assert_eq!(
            Credentials::api_key("seam_k").unwrap().kind(),
            TokenKind::ApiKey
        );
        let pat = Credentials::personal_access_token("seam_at1", "ws").unwrap();
        assert_eq!(pat.workspace_id(), Some("ws"));
        let cst = Credentials::console_session_token("eyJx", "ws").unwrap();
        assert_eq!(cst.kind(), TokenKind::ConsoleSessionToken);
    }

    #[test]
    fn each_option_refuses_every_other_kind_and_says_which() {
        let tokens = [
            "seam_k",
            "seam_at1",
            "eyJx",
            "seam_cst1",
            "seam_pk1",
            "bogus",
        ];
        for token in tokens {
            let found = TokenKind::of(token);
            let api = Credentials::api_key(token);
            let pat = Credentials::personal_access_token(token, "ws");
            let console = Credentials::console_session_token(token, "ws");
            for (result, expected) in [
                (api, TokenKind::ApiKey),
                (pat, TokenKind::PersonalAccessToken),
                (console, TokenKind::ConsoleSessionToken),
            ] {
                if found == expected {
                    assert!(result.is_ok(), "{token} as {expected:?}");
                } else {
                    let err = result.unwrap_err();
                    assert_eq!(
                        err,
                        ConfigError::WrongTokenKind {
                            option: match expected {
                                TokenKind::ApiKey => "api key",
                                TokenKind::PersonalAccessToken => "personal access token",
                                _ => "console session token",
                            },
                            expected,
                            found
                        }
                    );
                    let text = err.to_string();
                    assert!(text.contains(&expected.to_string()), "{text}");
                    assert!(text.contains(&found.to_string()), "{text}");
                    assert!(!text.contains(token) || token.len() < 5, "{text}");
                }
            }
        }
    }

    #[test]
    fn tokens_with_control_or_invisible_characters_are_refused() {
        for bad in [
            "seam_k\r\nx-evil: 1",
            "seam_k ",
            "seam_\u{200b}k",
            "seam_k\t",
        ] {
            assert_eq!(
                Credentials::api_key(bad).unwrap_err(),
                ConfigError::UnsafeToken { option: "api key" }
            );
        }
        assert_eq!(
            Credentials::personal_access_token("seam_at1", "ws\nx").unwrap_err(),
            ConfigError::InvalidWorkspaceId
        );
        assert_eq!(
            Credentials::api_key("").unwrap_err(),
            ConfigError::EmptyToken { option: "api key" }
        );
    }

    #[test]
    fn from_token_needs_a_workspace_for_access_tokens() {
        assert_eq!(
            Credentials::from_token("seam_at1", None).unwrap_err(),
            ConfigError::MissingWorkspaceId {
                kind: TokenKind::PersonalAccessToken
            }
        );
        assert_eq!(
            Credentials::from_token("seam_k", None).unwrap().kind(),
            TokenKind::ApiKey
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let c = Credentials::personal_access_token("seam_at1_supersecret", "ws").unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("supersecret"), "{d}");
        assert!(d.contains("ws"));
    }
}

/// The kinds of credentials a route accepts, from the security schemes of Seam's API
/// document. A set of flags: combine with [`AuthSet::union`], test with
/// [`AuthSet::contains`].
///
/// ```
/// use seam_core::auth::AuthSet;
/// let workspace = AuthSet::API_KEY
///     .union(AuthSet::PERSONAL_ACCESS_TOKEN)
///     .union(AuthSet::CONSOLE_SESSION);
/// assert!(workspace.contains(AuthSet::API_KEY));
/// assert!(!workspace.contains(AuthSet::CLIENT_SESSION));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AuthSet(u16);

impl AuthSet {
    /// No credentials at all.
    pub const NONE: AuthSet = AuthSet(0);
    /// A workspace API key.
    pub const API_KEY: AuthSet = AuthSet(1);
    /// A personal access token acting in a workspace (`seam-workspace` header).
    pub const PERSONAL_ACCESS_TOKEN: AuthSet = AuthSet(1 << 1);
    /// A console session token acting in a workspace.
    pub const CONSOLE_SESSION: AuthSet = AuthSet(1 << 2);
    /// A personal access token without a workspace (workspace routes).
    pub const PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE: AuthSet = AuthSet(1 << 3);
    /// A console session token without a workspace (workspace routes).
    pub const CONSOLE_SESSION_WITHOUT_WORKSPACE: AuthSet = AuthSet(1 << 4);
    /// A client session token (`seam_cst…`).
    pub const CLIENT_SESSION: AuthSet = AuthSet(1 << 5);
    /// A publishable key (`seam_pk…`).
    pub const PUBLISHABLE_KEY: AuthSet = AuthSet(1 << 6);
    /// What almost every route accepts: an API key, or a personal access token or console
    /// session token acting in a workspace.
    pub const WORKSPACE: AuthSet = AuthSet(0b111);

    const NAMES: [(AuthSet, &'static str); 7] = [
        (Self::API_KEY, "an API key"),
        (
            Self::PERSONAL_ACCESS_TOKEN,
            "a personal access token with a workspace",
        ),
        (
            Self::CONSOLE_SESSION,
            "a console session token with a workspace",
        ),
        (
            Self::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE,
            "a personal access token without a workspace",
        ),
        (
            Self::CONSOLE_SESSION_WITHOUT_WORKSPACE,
            "a console session token without a workspace",
        ),
        (Self::CLIENT_SESSION, "a client session token"),
        (Self::PUBLISHABLE_KEY, "a publishable key"),
    ];

    /// Both sets.
    pub const fn union(self, other: AuthSet) -> AuthSet {
        AuthSet(self.0 | other.0)
    }

    /// Whether every kind of `other` is in this set.
    pub const fn contains(self, other: AuthSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in words (`an API key`, …).
    pub fn describe(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(k, _)| self.contains(*k))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl fmt::Debug for AuthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.describe()).finish()
    }
}
