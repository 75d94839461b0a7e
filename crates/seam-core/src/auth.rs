//! Credentials and the rules that tell token kinds apart.

use std::fmt;

use http::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::codec::WORKSPACE_HEADER;
use crate::error::{ConfigError, Error};
use crate::secret::Secret;

/// The request header that repeats a client session token beside `authorization`, as Seam's
/// JavaScript SDK (`@seamapi/http`) sends it and Seam's API document names it.
pub const CLIENT_SESSION_TOKEN_HEADER: &str = "client-session-token";
/// The request header that carries a publishable key (instead of `authorization`), as Seam's
/// JavaScript SDK sends it.
pub const PUBLISHABLE_KEY_HEADER: &str = "seam-publishable-key";

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
    /// use seamapi_core::TokenKind;
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
/// [`Credentials::personal_access_token`], [`Credentials::console_session_token`], their
/// workspace-less forms [`Credentials::personal_access_token_without_workspace`] and
/// [`Credentials::console_session_token_without_workspace`], [`Credentials::client_session_token`]
/// or [`Credentials::publishable_key`]; each checks the token's kind, so a token of the wrong
/// kind is refused before anything is sent.
///
/// Which routes accept which credentials is [`RouteInfo::auth`](crate::RouteInfo::auth);
/// [`check_route_auth`] compares the two. `Debug` never shows the token.
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
    /// A personal access token acting in no workspace (no `seam-workspace` header): for the
    /// routes about workspaces themselves (`workspaces/create`, `workspaces/list`), as Seam's
    /// SDKs' `SeamHttpWithoutWorkspace`.
    PersonalAccessTokenWithoutWorkspace(Secret),
    /// A console session token acting in no workspace (no `seam-workspace` header): for the
    /// routes about workspaces themselves.
    ConsoleSessionTokenWithoutWorkspace(Secret),
    /// A client session token (`seam_cst…`), limited to the resources of one client session.
    /// Sent as `authorization: Bearer …` and in the `client-session-token` header.
    ClientSessionToken(Secret),
    /// A publishable key (`seam_pk…`), for the browser flows that get or create a client
    /// session (`client_sessions/get_or_create`). Sent in the `seam-publishable-key` header,
    /// with no `authorization` header.
    PublishableKey(Secret),
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
            Self::PersonalAccessTokenWithoutWorkspace(_) => f
                .debug_tuple("PersonalAccessTokenWithoutWorkspace")
                .field(&"***")
                .finish(),
            Self::ConsoleSessionTokenWithoutWorkspace(_) => f
                .debug_tuple("ConsoleSessionTokenWithoutWorkspace")
                .field(&"***")
                .finish(),
            Self::ClientSessionToken(_) => {
                f.debug_tuple("ClientSessionToken").field(&"***").finish()
            }
            Self::PublishableKey(_) => f.debug_tuple("PublishableKey").field(&"***").finish(),
        }
    }
}

impl Credentials {
    /// An API key. Refuses any other kind of token.
    ///
    /// ```
    /// use seamapi_core::{ConfigError, Credentials, TokenKind};
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

    /// A personal access token acting in no workspace, for the routes about workspaces
    /// themselves (`workspaces/create`, `workspaces/list`). No `seam-workspace` header is
    /// sent. Refuses any other kind of token.
    ///
    /// ```
    /// use seamapi_core::{AuthSet, Credentials};
    /// let c = Credentials::personal_access_token_without_workspace("seam_at1_token")?;
    /// assert_eq!(c.workspace_id(), None);
    /// assert_eq!(c.auth_kind(), AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE);
    /// # Ok::<(), seamapi_core::ConfigError>(())
    /// ```
    pub fn personal_access_token_without_workspace(
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let token = checked_token(
            token.into(),
            TokenKind::PersonalAccessToken,
            "personal access token",
        )?;
        Ok(Self::PersonalAccessTokenWithoutWorkspace(token))
    }

    /// A console session token (a JWT) acting in no workspace, for the routes about
    /// workspaces themselves. No `seam-workspace` header is sent. Refuses any other kind of
    /// token.
    pub fn console_session_token_without_workspace(
        token: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let token = checked_token(
            token.into(),
            TokenKind::ConsoleSessionToken,
            "console session token",
        )?;
        Ok(Self::ConsoleSessionTokenWithoutWorkspace(token))
    }

    /// A client session token (`seam_cst…`). Refuses any other kind of token.
    ///
    /// ```
    /// use seamapi_core::{ConfigError, Credentials};
    /// assert!(Credentials::client_session_token("seam_cst1_token").is_ok());
    /// assert!(matches!(
    ///     Credentials::client_session_token("seam_live_key"),
    ///     Err(ConfigError::WrongTokenKind { .. })
    /// ));
    /// ```
    pub fn client_session_token(token: impl Into<String>) -> Result<Self, ConfigError> {
        let token = checked_token(
            token.into(),
            TokenKind::ClientSessionToken,
            "client session token",
        )?;
        Ok(Self::ClientSessionToken(token))
    }

    /// A publishable key (`seam_pk…`), accepted only by the routes that get or create a
    /// client session. Refuses any other kind of token.
    pub fn publishable_key(key: impl Into<String>) -> Result<Self, ConfigError> {
        let key = checked_token(key.into(), TokenKind::PublishableKey, "publishable key")?;
        Ok(Self::PublishableKey(key))
    }

    /// Recognises the kind of `token` and builds the matching credentials; a personal access
    /// token or console session token needs `workspace_id`. Client session tokens and
    /// publishable keys are refused (as an API key of the wrong kind): use their own
    /// constructors.
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

    /// The token, for the `authorization` header (or `seam-publishable-key` for a publishable
    /// key).
    pub fn token(&self) -> &Secret {
        match self {
            Self::ApiKey(t)
            | Self::PersonalAccessToken { token: t, .. }
            | Self::ConsoleSessionToken { token: t, .. }
            | Self::PersonalAccessTokenWithoutWorkspace(t)
            | Self::ConsoleSessionTokenWithoutWorkspace(t)
            | Self::ClientSessionToken(t)
            | Self::PublishableKey(t) => t,
        }
    }

    /// The workspace sent as `seam-workspace`: only for a personal access token or console
    /// session token acting in a workspace, `None` for every other kind.
    pub fn workspace_id(&self) -> Option<&str> {
        match self {
            Self::PersonalAccessToken { workspace_id, .. }
            | Self::ConsoleSessionToken { workspace_id, .. } => Some(workspace_id),
            Self::ApiKey(_)
            | Self::PersonalAccessTokenWithoutWorkspace(_)
            | Self::ConsoleSessionTokenWithoutWorkspace(_)
            | Self::ClientSessionToken(_)
            | Self::PublishableKey(_) => None,
        }
    }

    /// The kind of token these credentials hold (a personal access token is
    /// [`TokenKind::PersonalAccessToken`] with or without a workspace).
    pub fn kind(&self) -> TokenKind {
        match self {
            Self::ApiKey(_) => TokenKind::ApiKey,
            Self::PersonalAccessToken { .. } | Self::PersonalAccessTokenWithoutWorkspace(_) => {
                TokenKind::PersonalAccessToken
            }
            Self::ConsoleSessionToken { .. } | Self::ConsoleSessionTokenWithoutWorkspace(_) => {
                TokenKind::ConsoleSessionToken
            }
            Self::ClientSessionToken(_) => TokenKind::ClientSessionToken,
            Self::PublishableKey(_) => TokenKind::PublishableKey,
        }
    }

    /// Which one flag of [`AuthSet`] these credentials are, to compare with what a route
    /// accepts ([`RouteInfo::auth`](crate::RouteInfo::auth)).
    ///
    /// ```
    /// use seamapi_core::{AuthSet, Credentials};
    /// let pat = Credentials::personal_access_token("seam_at1_token", "ws_1")?;
    /// assert_eq!(pat.auth_kind(), AuthSet::PERSONAL_ACCESS_TOKEN);
    /// assert!(AuthSet::WORKSPACE.contains(pat.auth_kind()));
    /// # Ok::<(), seamapi_core::ConfigError>(())
    /// ```
    pub fn auth_kind(&self) -> AuthSet {
        match self {
            Self::ApiKey(_) => AuthSet::API_KEY,
            Self::PersonalAccessToken { .. } => AuthSet::PERSONAL_ACCESS_TOKEN,
            Self::ConsoleSessionToken { .. } => AuthSet::CONSOLE_SESSION,
            Self::PersonalAccessTokenWithoutWorkspace(_) => {
                AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE
            }
            Self::ConsoleSessionTokenWithoutWorkspace(_) => {
                AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE
            }
            Self::ClientSessionToken(_) => AuthSet::CLIENT_SESSION,
            Self::PublishableKey(_) => AuthSet::PUBLISHABLE_KEY,
        }
    }

    /// The headers that authenticate a request, as Seam's JavaScript SDK sends them:
    ///
    /// | credentials | headers |
    /// | --- | --- |
    /// | API key | `authorization: Bearer <key>` |
    /// | personal access token / console session token in a workspace | `authorization: Bearer <token>`, `seam-workspace: <id>` |
    /// | the same without a workspace | `authorization: Bearer <token>` |
    /// | client session token | `authorization: Bearer <token>`, `client-session-token: <token>` |
    /// | publishable key | `seam-publishable-key: <key>` |
    ///
    /// Every header holding a token is marked sensitive. The tokens were checked to be visible
    /// ASCII when the credentials were made, so no header is ever left out in practice.
    ///
    /// ```
    /// use seamapi_core::Credentials;
    /// let headers = Credentials::client_session_token("seam_cst1_token")?.auth_headers();
    /// assert_eq!(headers["authorization"], "Bearer seam_cst1_token");
    /// assert_eq!(headers["client-session-token"], "seam_cst1_token");
    /// assert!(headers["client-session-token"].is_sensitive());
    /// # Ok::<(), seamapi_core::ConfigError>(())
    /// ```
    pub fn auth_headers(&self) -> HeaderMap {
        fn sensitive(value: &str) -> Option<HeaderValue> {
            let mut value = HeaderValue::from_str(value).ok()?;
            value.set_sensitive(true);
            Some(value)
        }
        let mut headers = HeaderMap::with_capacity(2);
        let token = self.token().expose();
        if let Self::PublishableKey(_) = self {
            if let Some(v) = sensitive(token) {
                headers.insert(HeaderName::from_static(PUBLISHABLE_KEY_HEADER), v);
            }
            return headers;
        }
        if let Some(v) = sensitive(&format!("Bearer {token}")) {
            headers.insert(AUTHORIZATION, v);
        }
        if let Self::ClientSessionToken(_) = self
            && let Some(v) = sensitive(token)
        {
            headers.insert(HeaderName::from_static(CLIENT_SESSION_TOKEN_HEADER), v);
        }
        if let Some(ws) = self.workspace_id()
            && let Ok(v) = HeaderValue::from_str(ws)
        {
            headers.insert(HeaderName::from_static(WORKSPACE_HEADER), v);
        }
        headers
    }
}

/// Refuses, before anything is sent, a call to `route_name` (`namespace.method`, as
/// [`RouteInfo::name`](crate::RouteInfo::name)) with credentials that are not in `accepted`
/// (its [`RouteInfo::auth`](crate::RouteInfo::auth)). The error,
/// [`ConfigError::CredentialsNotAccepted`], names the route, what it accepts and what was
/// configured, never the token. An empty `accepted` (a route whose API document names no
/// security scheme) refuses nothing.
///
/// ```
/// use seamapi_core::{AuthSet, Credentials, check_route_auth};
/// let api_key = Credentials::api_key("seam_test_key")?;
/// assert!(check_route_auth(&api_key, "devices.list", AuthSet::WORKSPACE).is_ok());
/// let err = check_route_auth(&api_key, "workspaces.create", AuthSet::WITHOUT_WORKSPACE).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "workspaces.create cannot be called with an API key; it accepts a personal access token \
///      without a workspace or a console session token without a workspace"
/// );
/// assert!(err.is_local());
/// # Ok::<(), seamapi_core::ConfigError>(())
/// ```
pub fn check_route_auth(
    credentials: &Credentials,
    route_name: &str,
    accepted: AuthSet,
) -> Result<(), Error> {
    check_auth_kind(route_name, accepted, credentials.auth_kind()).map_err(Error::Config)
}

/// The rule behind [`check_route_auth`], on the kind of credentials alone: what a server that
/// has told a token's kind from its prefix and headers applies too (the fake does). An empty
/// `accepted` refuses nothing.
pub fn check_auth_kind(
    route_name: &str,
    accepted: AuthSet,
    configured: AuthSet,
) -> Result<(), ConfigError> {
    if accepted.is_empty() || accepted.contains(configured) {
        Ok(())
    } else {
        Err(ConfigError::CredentialsNotAccepted {
            route: route_name.to_owned(),
            accepted,
            configured,
        })
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
            let pat_alone = Credentials::personal_access_token_without_workspace(token);
            let console_alone = Credentials::console_session_token_without_workspace(token);
            let client = Credentials::client_session_token(token);
            let publishable = Credentials::publishable_key(token);
            for (result, expected) in [
                (api, TokenKind::ApiKey),
                (pat, TokenKind::PersonalAccessToken),
                (console, TokenKind::ConsoleSessionToken),
                (pat_alone, TokenKind::PersonalAccessToken),
                (console_alone, TokenKind::ConsoleSessionToken),
                (client, TokenKind::ClientSessionToken),
                (publishable, TokenKind::PublishableKey),
            ] {
                if found == expected {
                    assert_eq!(result.unwrap().kind(), expected, "{token}");
                } else {
                    let err = result.unwrap_err();
                    assert_eq!(
                        err,
                        ConfigError::WrongTokenKind {
                            option: match expected {
                                TokenKind::ApiKey => "api key",
                                TokenKind::PersonalAccessToken => "personal access token",
                                TokenKind::ClientSessionToken => "client session token",
                                TokenKind::PublishableKey => "publishable key",
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

    /// One set of credentials of every kind, with the flag each must be.
    fn every_kind() -> [(Credentials, AuthSet); 7] {
        [
            (
                Credentials::api_key("seam_test_supersecret").unwrap(),
                AuthSet::API_KEY,
            ),
            (
                Credentials::personal_access_token("seam_at1_supersecret", "ws_1").unwrap(),
                AuthSet::PERSONAL_ACCESS_TOKEN,
            ),
            (
                Credentials::console_session_token("eyJsupersecret", "ws_1").unwrap(),
                AuthSet::CONSOLE_SESSION,
            ),
            (
                Credentials::personal_access_token_without_workspace("seam_at1_supersecret")
                    .unwrap(),
                AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE,
            ),
            (
                Credentials::console_session_token_without_workspace("eyJsupersecret").unwrap(),
                AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE,
            ),
            (
                Credentials::client_session_token("seam_cst1_supersecret").unwrap(),
                AuthSet::CLIENT_SESSION,
            ),
            (
                Credentials::publishable_key("seam_pk1_supersecret").unwrap(),
                AuthSet::PUBLISHABLE_KEY,
            ),
        ]
    }

    #[test]
    fn every_kind_is_exactly_one_flag_of_the_auth_set() {
        let all = every_kind();
        let mut seen = AuthSet::NONE;
        for (credentials, flag) in &all {
            assert_eq!(credentials.auth_kind(), *flag, "{credentials:?}");
            assert_eq!(flag.describe().len(), 1, "{flag:?}");
            assert!(!seen.contains(*flag), "{flag:?} twice");
            seen = seen.union(*flag);
        }
        assert_eq!(seen.describe().len(), 7);
        assert_eq!(
            AuthSet::WORKSPACE,
            AuthSet::API_KEY
                .union(AuthSet::PERSONAL_ACCESS_TOKEN)
                .union(AuthSet::CONSOLE_SESSION)
        );
        assert_eq!(
            AuthSet::WITHOUT_WORKSPACE,
            AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE
                .union(AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE)
        );
    }

    #[test]
    fn only_tokens_acting_in_a_workspace_carry_one() {
        for (credentials, flag) in every_kind() {
            let expected = if AuthSet::PERSONAL_ACCESS_TOKEN
                .union(AuthSet::CONSOLE_SESSION)
                .contains(flag)
            {
                Some("ws_1")
            } else {
                None
            };
            assert_eq!(credentials.workspace_id(), expected, "{credentials:?}");
            assert!(
                credentials.token().expose().ends_with("supersecret"),
                "{credentials:?}"
            );
        }
    }

    #[test]
    fn debug_of_every_kind_is_redacted() {
        for (credentials, _) in every_kind() {
            let d = format!("{credentials:?} {credentials:#?}");
            assert!(!d.contains("supersecret"), "{d}");
            assert!(d.contains("***"), "{d}");
        }
        assert_eq!(
            format!(
                "{:?}",
                Credentials::client_session_token("seam_cst1_x").unwrap()
            ),
            "ClientSessionToken(\"***\")"
        );
        assert_eq!(
            format!(
                "{:?}",
                Credentials::personal_access_token_without_workspace("seam_at1_x").unwrap()
            ),
            "PersonalAccessTokenWithoutWorkspace(\"***\")"
        );
    }

    /// The headers a request carries for `credentials`, as the encoder prepares them, without
    /// the ones every request has; each with whether it is marked sensitive.
    fn auth_headers_sent(credentials: &Credentials) -> Vec<(String, String, bool)> {
        let config = crate::Config::builder()
            .credentials(credentials.clone())
            .build()
            .unwrap();
        let request = crate::Encoder::new(&config)
            .encode_raw(&crate::RawRequest::new(
                crate::HttpMethod::Post,
                "/devices/list",
            ))
            .unwrap();
        let common = [
            "content-type",
            "seam-sdk-name",
            "seam-sdk-version",
            "user-agent",
        ];
        for name in common {
            assert!(request.headers().contains_key(name), "{name}");
        }
        let mut headers: Vec<(String, String, bool)> = request
            .headers()
            .iter()
            .filter(|(name, _)| !common.contains(&name.as_str()))
            .map(|(name, value)| {
                (
                    name.to_string(),
                    value.to_str().unwrap().to_owned(),
                    value.is_sensitive(),
                )
            })
            .collect();
        headers.sort();
        // The credentials' own headers are exactly those the encoder adds.
        assert_eq!(credentials.auth_headers().len(), headers.len());
        headers
    }

    #[test]
    fn each_kind_sends_the_headers_of_seams_sdk() {
        let h = |name: &str, value: &str, sensitive: bool| {
            (name.to_owned(), value.to_owned(), sensitive)
        };
        let expected = [
            vec![h("authorization", "Bearer seam_test_supersecret", true)],
            vec![
                h("authorization", "Bearer seam_at1_supersecret", true),
                h("seam-workspace", "ws_1", false),
            ],
            vec![
                h("authorization", "Bearer eyJsupersecret", true),
                h("seam-workspace", "ws_1", false),
            ],
            vec![h("authorization", "Bearer seam_at1_supersecret", true)],
            vec![h("authorization", "Bearer eyJsupersecret", true)],
            vec![
                h("authorization", "Bearer seam_cst1_supersecret", true),
                h("client-session-token", "seam_cst1_supersecret", true),
            ],
            vec![h("seam-publishable-key", "seam_pk1_supersecret", true)],
        ];
        for ((credentials, _), expected) in every_kind().iter().zip(expected) {
            assert_eq!(auth_headers_sent(credentials), expected, "{credentials:?}");
        }
    }

    #[test]
    fn a_route_accepts_the_kinds_in_its_set_and_nothing_else() {
        let sets = [
            AuthSet::WORKSPACE,
            AuthSet::WORKSPACE.union(AuthSet::CLIENT_SESSION),
            AuthSet::WORKSPACE.union(AuthSet::PUBLISHABLE_KEY),
            AuthSet::WITHOUT_WORKSPACE,
            AuthSet::WORKSPACE
                .union(AuthSet::WITHOUT_WORKSPACE)
                .union(AuthSet::CLIENT_SESSION),
        ];
        for accepted in sets {
            for (credentials, flag) in every_kind() {
                let result = check_route_auth(&credentials, "things.do", accepted);
                if accepted.contains(flag) {
                    assert!(result.is_ok(), "{credentials:?} on {accepted:?}");
                    continue;
                }
                let err = result.unwrap_err();
                assert!(err.is_local(), "{err:?}");
                assert_eq!(err.status(), None);
                assert_eq!(
                    err.config_error(),
                    Some(&ConfigError::CredentialsNotAccepted {
                        route: "things.do".into(),
                        accepted,
                        configured: flag,
                    })
                );
                let text = format!("{err} {err:?}");
                assert!(!text.contains("supersecret"), "{text}");
                assert!(
                    text.starts_with("things.do cannot be called with "),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_the_route_what_it_accepts_and_what_was_configured() {
        let [api_key, pat, _, _, _, client_session, publishable] = every_kind().map(|(c, _)| c);
        let refuse = |c: &Credentials, route: &str, accepted: AuthSet| {
            check_route_auth(c, route, accepted)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            refuse(&api_key, "workspaces.create", AuthSet::WITHOUT_WORKSPACE),
            "workspaces.create cannot be called with an API key; it accepts a personal access \
             token without a workspace or a console session token without a workspace"
        );
        // `workspaces/create` as Seam's API document has it.
        assert_eq!(
            refuse(
                &pat,
                "workspaces.create",
                AuthSet::CONSOLE_SESSION.union(AuthSet::WITHOUT_WORKSPACE)
            ),
            "workspaces.create cannot be called with a personal access token with a workspace; \
             it accepts a console session token with a workspace, a personal access token \
             without a workspace or a console session token without a workspace"
        );
        assert_eq!(
            refuse(&client_session, "devices.delete", AuthSet::WORKSPACE),
            "devices.delete cannot be called with a client session token; it accepts an API \
             key, a personal access token with a workspace or a console session token with a \
             workspace"
        );
        assert_eq!(
            refuse(
                &publishable,
                "devices.list",
                AuthSet::WORKSPACE.union(AuthSet::CLIENT_SESSION)
            ),
            "devices.list cannot be called with a publishable key; it accepts an API key, a \
             personal access token with a workspace, a console session token with a workspace \
             or a client session token"
        );
    }

    #[test]
    fn a_route_without_security_schemes_refuses_nothing() {
        for (credentials, _) in every_kind() {
            assert!(check_route_auth(&credentials, "health.get", AuthSet::NONE).is_ok());
        }
    }

    #[test]
    fn auth_sets_read_as_a_list_of_words() {
        assert_eq!(AuthSet::NONE.to_string(), "no credentials");
        assert_eq!(
            AuthSet::CLIENT_SESSION.to_string(),
            "a client session token"
        );
        assert_eq!(
            AuthSet::API_KEY.union(AuthSet::PUBLISHABLE_KEY).to_string(),
            "an API key or a publishable key"
        );
        assert_eq!(
            AuthSet::WORKSPACE.to_string(),
            "an API key, a personal access token with a workspace or a console session token \
             with a workspace"
        );
    }
}

/// The kinds of credentials a route accepts, from the security schemes of Seam's API
/// document. A set of flags: combine with [`AuthSet::union`], test with
/// [`AuthSet::contains`].
///
/// ```
/// use seamapi_core::auth::AuthSet;
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
    /// What a client without a workspace holds: a personal access token or console session
    /// token acting in no workspace.
    pub const WITHOUT_WORKSPACE: AuthSet = AuthSet(0b11000);

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

/// The kinds in words, joined with commas and a final `or`: `an API key, a personal access
/// token with a workspace or a console session token with a workspace`; `no credentials` for
/// the empty set.
///
/// ```
/// use seamapi_core::AuthSet;
/// assert_eq!(AuthSet::API_KEY.to_string(), "an API key");
/// assert_eq!(
///     AuthSet::WITHOUT_WORKSPACE.to_string(),
///     "a personal access token without a workspace or a console session token without a workspace"
/// );
/// assert_eq!(AuthSet::NONE.to_string(), "no credentials");
/// ```
impl fmt::Display for AuthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.describe();
        match names.split_last() {
            None => f.write_str("no credentials"),
            Some((last, [])) => f.write_str(last),
            Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
        }
    }
}
