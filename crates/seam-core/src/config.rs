//! Client configuration: credentials, endpoint, timeouts and retries, from explicit options
//! and the environment.

use std::convert::Infallible;
use std::time::Duration;

use crate::action::ActionWait;
use crate::auth::{AuthSet, Credentials};
use crate::error::ConfigError;
use crate::network::{Proxies, ProxyEnvironment, ProxyOption};
use crate::retry::RetryPolicy;

/// Seam's API, used when no endpoint is given.
pub const DEFAULT_ENDPOINT: &str = "https://connect.getseam.com";
/// How long one attempt may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A validated base URL: `http(s)://host[:port][/path]`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: String,
    secure: bool,
    loopback: bool,
}

impl Endpoint {
    /// Parses `url`. Plain `http` is accepted only for loopback hosts unless
    /// `allow_insecure_http` is set.
    ///
    /// ```
    /// # use seamapi_core as seamapi; // as the clients re-export it
    /// use seamapi::Endpoint;
    /// assert!(Endpoint::parse("https://connect.getseam.com", false).is_ok());
    /// assert!(Endpoint::parse("http://127.0.0.1:8080", false).is_ok());
    /// assert!(Endpoint::parse("http://example.com", false).is_err());
    /// assert!(Endpoint::parse("http://example.com", true).is_ok());
    /// ```
    pub fn parse(url: &str, allow_insecure_http: bool) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidEndpoint {
            endpoint: redact_userinfo(url),
            reason,
        };
        let uri: http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
        let secure = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            Some(_) => return Err(invalid("the scheme must be http or https")),
            None => {
                return Err(invalid(
                    "expected an absolute URL such as https://connect.getseam.com",
                ));
            }
        };
        let host = uri.host().ok_or_else(|| invalid("no host"))?;
        if uri.query().is_some() || url.contains('#') {
            return Err(invalid("a query or fragment is not allowed"));
        }
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            return Err(invalid("credentials in the URL are not allowed"));
        }
        let loopback = is_loopback_host(host);
        if !secure && !loopback && !allow_insecure_http {
            return Err(ConfigError::InsecureEndpoint {
                endpoint: redact_userinfo(url),
            });
        }
        Ok(Self {
            base: url.trim_end_matches('/').to_owned(),
            secure,
            loopback,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// Whether it uses https.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Whether its host is a loopback address.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }
}

/// `url` with any `user:password@` before its host replaced by `***@`, and its query and
/// fragment by `?***` / `#***`: a refused endpoint is echoed in the error, but credentials
/// written into it (`?token=…`, `#access_token=…`) must not be.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let mut out = match url[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    };
    if let Some(cut) = out.find(['?', '#']) {
        let mark = &out[cut..=cut];
        out = format!("{}{mark}***", &out[..cut]);
    }
    out
}

/// Whether `host` (as in a URL, IPv6 in brackets or not) is `localhost` or a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A complete, validated configuration. Build one with [`Config::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    /// How requests are authenticated.
    pub credentials: Credentials,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// When and how failed attempts are retried.
    pub retry: RetryPolicy,
    /// Whether plain http to a non-loopback host was allowed.
    pub allow_insecure_http: bool,
    /// How calls that start an action (an unlock, a thermostat mode) wait for it to finish.
    pub action_wait: ActionWait,
    /// The proxies requests go through (from the environment unless set).
    pub proxies: Proxies,
    /// Root certificates (PEM) trusted on top of the built-in ones.
    pub root_certificates_pem: Vec<Vec<u8>>,
}

impl Config {
    /// A builder with nothing set.
    pub fn builder() -> ConfigBuilder {
        Builder::default()
    }
}

#[derive(Clone, Default)]
enum CredentialOption {
    #[default]
    None,
    ApiKey(String),
    PersonalAccessToken(String, String),
    ConsoleSessionToken(String, String),
    PersonalAccessTokenWithoutWorkspace(String),
    ConsoleSessionTokenWithoutWorkspace(String),
    ClientSessionToken(String),
    PublishableKey(String),
    Ready(Credentials),
}

/// Makes something from a finished [`Config`] and the transport given to its [`Builder`], if
/// any: what [`Builder::build`] ends with.
///
/// A bare [`Config`] is one ([`ConfigBuilder`]); the clients of the `seam` and `seamapi-blocking`
/// crates are the others (their `SeamBuilder` is this crate's [`Builder`]), so every client
/// option is written, checked and documented once, on [`Builder`].
pub trait BuildClient: Sized {
    /// What [`Builder::transport`] takes. The clients take anything that implements
    /// `seamapi_transport::Transport`; a bare [`Config`] takes none ([`Infallible`], which has no
    /// values).
    type Transport;
    /// What [`Builder::build`] fails with: a [`ConfigError`], or the client's own error.
    type Error: From<ConfigError>;
    /// Makes `Self` from a validated configuration and the transport given to the builder.
    fn build_client(
        config: Config,
        transport: Option<Self::Transport>,
    ) -> Result<Self, Self::Error>;
}

impl BuildClient for Config {
    type Transport = Infallible;
    type Error = ConfigError;

    fn build_client(config: Config, transport: Option<Infallible>) -> Result<Self, ConfigError> {
        match transport {
            Some(never) => match never {},
            None => Ok(config),
        }
    }
}

/// The options of a bare [`Config`]: [`Builder`] without a client or a transport.
pub type ConfigBuilder = Builder<Config>;

/// Collects the options of a client (or of a bare [`Config`]): credentials, endpoint,
/// timeouts, retries, action waits, proxies, trusted roots and transport. Explicit options
/// beat the environment, which is read only when asked for with [`Builder::from_env`] or
/// [`Builder::environment`]. [`Builder::build`] checks them all and makes `C`: a
/// [`Config`] from [`Config::builder`], a client from the facades' `Seam::builder()`.
///
/// ```
/// # use seamapi_core as seamapi; // as the clients re-export it
/// use std::time::Duration;
/// let config = seamapi::Config::builder()
///     .api_key("seam_test_key")
///     .endpoint("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(config.endpoint.as_str(), "http://127.0.0.1:8080");
/// # Ok::<(), seamapi::ConfigError>(())
/// ```
///
/// A client without a workspace (for `workspaces/create` and `workspaces/list`, as Seam's
/// SDKs' `SeamHttpWithoutWorkspace`) is configured with
/// [`Builder::personal_access_token_without_workspace`] or
/// [`Builder::console_session_token_without_workspace`], or from the environment with
/// [`Builder::without_workspace`].
#[must_use]
pub struct Builder<C: BuildClient> {
    credentials: CredentialOption,
    endpoint: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    action_wait: ActionWait,
    allow_insecure_http: bool,
    without_workspace: bool,
    env: Option<Environment>,
    proxy: ProxyOption,
    root_certificates_pem: Vec<Vec<u8>>,
    transport: Option<C::Transport>,
}

impl<C: BuildClient> Default for Builder<C> {
    fn default() -> Self {
        Self {
            credentials: CredentialOption::default(),
            endpoint: None,
            timeout: None,
            retry: None,
            action_wait: ActionWait::default(),
            allow_insecure_http: false,
            without_workspace: false,
            env: None,
            proxy: ProxyOption::default(),
            root_certificates_pem: Vec::new(),
            transport: None,
        }
    }
}

impl<C: BuildClient> Clone for Builder<C>
where
    C::Transport: Clone,
{
    fn clone(&self) -> Self {
        Self {
            credentials: self.credentials.clone(),
            endpoint: self.endpoint.clone(),
            timeout: self.timeout,
            retry: self.retry.clone(),
            action_wait: self.action_wait,
            allow_insecure_http: self.allow_insecure_http,
            without_workspace: self.without_workspace,
            env: self.env.clone(),
            proxy: self.proxy.clone(),
            root_certificates_pem: self.root_certificates_pem.clone(),
            transport: self.transport.clone(),
        }
    }
}

impl<C: BuildClient> std::fmt::Debug for Builder<C>
where
    C::Transport: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("action_wait", &self.action_wait)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("without_workspace", &self.without_workspace)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// The environment variables the configuration reads, captured once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `SEAM_API_KEY`.
    pub api_key: Option<String>,
    /// `SEAM_PERSONAL_ACCESS_TOKEN`.
    pub personal_access_token: Option<String>,
    /// `SEAM_WORKSPACE_ID`.
    pub workspace_id: Option<String>,
    /// `SEAM_ENDPOINT`.
    pub endpoint: Option<String>,
    /// `SEAM_API_URL` (deprecated fallback for `SEAM_ENDPOINT`).
    pub api_url: Option<String>,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (upper or lower case).
    pub proxies: ProxyEnvironment,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field(
                "personal_access_token",
                &self.personal_access_token.as_ref().map(|_| "***"),
            )
            .field("workspace_id", &self.workspace_id)
            .field("endpoint", &self.endpoint)
            .field("api_url", &self.api_url)
            .field("proxies", &self.proxies)
            .finish()
    }
}

impl Environment {
    /// Reads the process environment. Empty variables count as unset.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, for tests and embedders.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        Self {
            api_key: get("SEAM_API_KEY"),
            personal_access_token: get("SEAM_PERSONAL_ACCESS_TOKEN"),
            workspace_id: get("SEAM_WORKSPACE_ID"),
            endpoint: get("SEAM_ENDPOINT"),
            api_url: get("SEAM_API_URL"),
            proxies: ProxyEnvironment::from_lookup(&lookup),
        }
    }

    /// The endpoint it names: `SEAM_ENDPOINT`, else the deprecated `SEAM_API_URL`.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref().or(self.api_url.as_deref())
    }

    /// The credentials it names, if any.
    pub fn credentials(&self) -> Result<Option<Credentials>, ConfigError> {
        match (&self.api_key, &self.personal_access_token) {
            (Some(_), Some(_)) => Err(ConfigError::ConflictingEnvironment),
            (Some(key), None) => Credentials::api_key(key.clone()).map(Some),
            (None, Some(token)) => match &self.workspace_id {
                Some(ws) => Credentials::personal_access_token(token.clone(), ws.clone()).map(Some),
                None => Err(ConfigError::MissingWorkspaceId {
                    kind: crate::TokenKind::PersonalAccessToken,
                }),
            },
            (None, None) => Ok(None),
        }
    }

    /// The credentials it names for a client without a workspace, if any:
    /// `SEAM_PERSONAL_ACCESS_TOKEN` as a personal access token acting in no workspace.
    /// `SEAM_WORKSPACE_ID` is ignored (a shell set up for the workspace client may well have
    /// it). `SEAM_API_KEY` alone is [`ConfigError::NotWithoutWorkspace`] (an API key always
    /// acts in its own workspace); with `SEAM_PERSONAL_ACCESS_TOKEN` too it is
    /// [`ConfigError::ConflictingEnvironment`], as for [`Environment::credentials`].
    pub fn credentials_without_workspace(&self) -> Result<Option<Credentials>, ConfigError> {
        match (&self.api_key, &self.personal_access_token) {
            (Some(_), Some(_)) => Err(ConfigError::ConflictingEnvironment),
            (Some(_), None) => Err(ConfigError::NotWithoutWorkspace {
                configured: AuthSet::API_KEY,
            }),
            (None, Some(token)) => {
                Credentials::personal_access_token_without_workspace(token.clone()).map(Some)
            }
            (None, None) => Ok(None),
        }
    }
}

impl<C: BuildClient> Builder<C> {
    /// Authenticates with an API key (`seam_…`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = CredentialOption::ApiKey(key.into());
        self
    }

    /// Authenticates with a personal access token (`seam_at…`) in `workspace_id`.
    pub fn personal_access_token(
        mut self,
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Self {
        self.credentials = CredentialOption::PersonalAccessToken(token.into(), workspace_id.into());
        self
    }

    /// Authenticates with a console session token (a JWT) in `workspace_id`.
    pub fn console_session_token(
        mut self,
        token: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> Self {
        self.credentials = CredentialOption::ConsoleSessionToken(token.into(), workspace_id.into());
        self
    }

    /// Authenticates with a personal access token (`seam_at…`) acting in no workspace, as
    /// Seam's `SeamHttpWithoutWorkspace`: no `seam-workspace` header is sent, and only the
    /// routes about workspaces (`workspaces/create`, `workspaces/list`) accept it; a client
    /// refuses any other route before sending.
    pub fn personal_access_token_without_workspace(mut self, token: impl Into<String>) -> Self {
        self.credentials = CredentialOption::PersonalAccessTokenWithoutWorkspace(token.into());
        self
    }

    /// Authenticates with a console session token (a JWT) acting in no workspace (see
    /// [`personal_access_token_without_workspace`](Self::personal_access_token_without_workspace)).
    pub fn console_session_token_without_workspace(mut self, token: impl Into<String>) -> Self {
        self.credentials = CredentialOption::ConsoleSessionTokenWithoutWorkspace(token.into());
        self
    }

    /// Authenticates with a client session token (`seam_cst…`), sent as
    /// `authorization: Bearer …` and `client-session-token`. It is limited to the resources of
    /// its client session, and to the routes that accept it; a client refuses any other route
    /// before sending.
    pub fn client_session_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = CredentialOption::ClientSessionToken(token.into());
        self
    }

    /// Authenticates with a publishable key (`seam_pk…`), sent as `seam-publishable-key`: only
    /// the routes that get or create a client session accept it.
    pub fn publishable_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = CredentialOption::PublishableKey(key.into());
        self
    }

    /// Makes this the configuration of a client without a workspace (as Seam's SDKs'
    /// `SeamHttpWithoutWorkspace`), for the routes about workspaces themselves:
    ///
    /// - from the environment, `SEAM_PERSONAL_ACCESS_TOKEN` is taken without a workspace and
    ///   `SEAM_WORKSPACE_ID` is ignored ([`Environment::credentials_without_workspace`]); an
    ///   API key, which always acts in its own workspace, is refused;
    /// - explicit credentials must act in no workspace too
    ///   ([`personal_access_token_without_workspace`](Self::personal_access_token_without_workspace),
    ///   [`console_session_token_without_workspace`](Self::console_session_token_without_workspace)):
    ///   anything else is
    ///   [`ConfigError::NotWithoutWorkspace`];
    /// - no credentials at all is [`ConfigError::MissingCredentialsWithoutWorkspace`].
    ///
    /// Without this flag, the environment is read as before: `SEAM_PERSONAL_ACCESS_TOKEN`
    /// needs `SEAM_WORKSPACE_ID`.
    ///
    /// ```
    /// # use seamapi_core as seamapi; // as the clients re-export it
    /// use seamapi::{Config, Environment};
    /// let env = Environment::from_lookup(|name| {
    ///     (name == "SEAM_PERSONAL_ACCESS_TOKEN").then(|| "seam_at1_token".to_owned())
    /// });
    /// assert!(Config::builder().environment(env.clone()).build().is_err());
    /// let config = Config::builder().without_workspace().environment(env).build()?;
    /// assert_eq!(config.credentials.workspace_id(), None);
    /// # Ok::<(), seamapi::ConfigError>(())
    /// ```
    pub fn without_workspace(mut self) -> Self {
        self.without_workspace = true;
        self
    }

    /// Authenticates with a personal access token or a console session token (told apart by
    /// their prefix) acting in no workspace: what the facades' `Seam::without_workspace`
    /// builds.
    pub fn token_without_workspace(self, token: impl Into<String>) -> Self {
        let token = token.into();
        match crate::TokenKind::of(&token) {
            crate::TokenKind::ConsoleSessionToken => {
                self.console_session_token_without_workspace(token)
            }
            _ => self.personal_access_token_without_workspace(token),
        }
    }

    /// Authenticates with credentials built already.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = CredentialOption::Ready(credentials);
        self
    }

    /// Sends requests to `url` instead of [`DEFAULT_ENDPOINT`].
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// How long one attempt may take ([`DEFAULT_TIMEOUT`], 30 s, by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How failed attempts are retried ([`RetryPolicy::default`] by default: 3 attempts,
    /// exponential backoff, 90 s overall).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How calls that start an action (an unlock, a thermostat mode) wait for it: by default
    /// every 0.5 s for up to 5 s, as Seam's SDKs; [`ActionWait::off`] returns the pending
    /// attempt at once. The clients' `with_action_wait` changes it for some calls only. See
    /// [`crate::action`].
    pub fn action_wait(mut self, wait: ActionWait) -> Self {
        self.action_wait = wait;
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Off by default: tokens would
    /// travel in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends every request through the HTTP proxy at `url` (`http://[user:password@]host:port`),
    /// whatever the environment says; `https://` URLs go through a `CONNECT` tunnel, and
    /// credentials in the URL are sent as `Proxy-Authorization`. By default the environment's
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured (see
    /// [`crate::network`]).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxyOption::Set(Proxies::all(url));
        self
    }

    /// Uses exactly `proxies` (e.g. [`Proxies::none`], or ones resolved already).
    pub fn proxies(mut self, proxies: Proxies) -> Self {
        self.proxy = ProxyOption::Set(proxies);
        self
    }

    /// Reaches every host directly, whatever the environment's proxy variables say.
    pub fn no_proxy(self) -> Self {
        self.proxies(Proxies::none())
    }

    /// Trusts the root certificates in `pem` (one or more `BEGIN CERTIFICATE` blocks) on top
    /// of the built-in ones: for a private CA, or a TLS-inspecting proxy's root. The
    /// transport refuses a PEM without a certificate when it is built (a client's
    /// [`build`](Self::build) fails).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// Fills what was not set explicitly from the process environment: `SEAM_API_KEY`, or
    /// `SEAM_PERSONAL_ACCESS_TOKEN` with `SEAM_WORKSPACE_ID`; `SEAM_ENDPOINT` (or the
    /// deprecated `SEAM_API_URL`); the proxy variables (see [`Environment`]).
    pub fn from_env(self) -> Self {
        self.environment(Environment::from_process())
    }

    /// Fills what was not set explicitly from `env` instead of the process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = Some(env);
        self
    }

    /// Sends requests through `transport` instead of the built-in HTTP stack (which a client
    /// otherwise builds from these options): for tests, the fake, or your own HTTP stack. The
    /// clients' builders take anything that implements `seamapi_transport::Transport`; a
    /// [`ConfigBuilder`] takes none (see [`BuildClient::Transport`]).
    pub fn transport(mut self, transport: impl Into<C::Transport>) -> Self {
        self.transport = Some(transport.into());
        self
    }

    /// Checks every option and builds `C`: the [`Config`], or a client made from it. Sends
    /// nothing.
    pub fn build(mut self) -> Result<C, C::Error> {
        let transport = self.transport.take();
        let config = self.into_config()?;
        C::build_client(config, transport)
    }

    /// The options checked, as a [`Config`].
    fn into_config(self) -> Result<Config, ConfigError> {
        let proxies = self.proxy.resolve(self.env.as_ref().map(|e| &e.proxies))?;
        let env = self.env.unwrap_or_default();
        let credentials = match self.credentials {
            CredentialOption::ApiKey(key) => Credentials::api_key(key)?,
            CredentialOption::PersonalAccessToken(t, ws) => {
                Credentials::personal_access_token(t, ws)?
            }
            CredentialOption::ConsoleSessionToken(t, ws) => {
                Credentials::console_session_token(t, ws)?
            }
            CredentialOption::PersonalAccessTokenWithoutWorkspace(t) => {
                Credentials::personal_access_token_without_workspace(t)?
            }
            CredentialOption::ConsoleSessionTokenWithoutWorkspace(t) => {
                Credentials::console_session_token_without_workspace(t)?
            }
            CredentialOption::ClientSessionToken(t) => Credentials::client_session_token(t)?,
            CredentialOption::PublishableKey(k) => Credentials::publishable_key(k)?,
            CredentialOption::Ready(c) => c,
            CredentialOption::None if self.without_workspace => env
                .credentials_without_workspace()?
                .ok_or(ConfigError::MissingCredentialsWithoutWorkspace)?,
            CredentialOption::None => env.credentials()?.ok_or(ConfigError::MissingCredentials)?,
        };
        if self.without_workspace && !AuthSet::WITHOUT_WORKSPACE.contains(credentials.auth_kind()) {
            return Err(ConfigError::NotWithoutWorkspace {
                configured: credentials.auth_kind(),
            });
        }
        let endpoint = self
            .endpoint
            .as_deref()
            .or(env.endpoint())
            .unwrap_or(DEFAULT_ENDPOINT);
        Ok(Config {
            credentials,
            endpoint: Endpoint::parse(endpoint, self.allow_insecure_http)?,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retry: self.retry.unwrap_or_default(),
            allow_insecure_http: self.allow_insecure_http,
            action_wait: self.action_wait,
            proxies,
            root_certificates_pem: self.root_certificates_pem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TokenKind;

    fn env(pairs: &[(&str, &str)]) -> Environment {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn api_key_from_the_environment() {
        let c = Config::builder()
            .environment(env(&[("SEAM_API_KEY", "seam_k")]))
            .build()
            .unwrap();
        assert_eq!(c.credentials.kind(), TokenKind::ApiKey);
        assert_eq!(c.endpoint.as_str(), DEFAULT_ENDPOINT);
        assert_eq!(c.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn personal_access_token_from_the_environment_needs_the_workspace() {
        let c = Config::builder()
            .environment(env(&[
                ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1"),
                ("SEAM_WORKSPACE_ID", "ws"),
            ]))
            .build()
            .unwrap();
        assert_eq!(c.credentials.workspace_id(), Some("ws"));
        let e = Config::builder()
            .environment(env(&[("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1")]))
            .build()
            .unwrap_err();
        assert_eq!(
            e,
            ConfigError::MissingWorkspaceId {
                kind: TokenKind::PersonalAccessToken
            }
        );
    }

    #[test]
    fn both_kinds_in_the_environment_is_an_error() {
        let e = Config::builder()
            .environment(env(&[
                ("SEAM_API_KEY", "seam_k"),
                ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1"),
                ("SEAM_WORKSPACE_ID", "ws"),
            ]))
            .build()
            .unwrap_err();
        assert_eq!(e, ConfigError::ConflictingEnvironment);
    }

    #[test]
    fn explicit_options_beat_the_environment() {
        let e = env(&[
            ("SEAM_API_KEY", "seam_env"),
            ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at_env"),
            ("SEAM_ENDPOINT", "https://env.example"),
        ]);
        let c = Config::builder()
            .api_key("seam_explicit")
            .endpoint("https://explicit.example/")
            .environment(e)
            .build()
            .unwrap();
        assert_eq!(c.credentials.token().expose(), "seam_explicit");
        assert_eq!(c.endpoint.as_str(), "https://explicit.example");
    }

    #[test]
    fn seam_endpoint_beats_the_deprecated_api_url() {
        let both = env(&[
            ("SEAM_API_KEY", "seam_k"),
            ("SEAM_ENDPOINT", "https://new.example"),
            ("SEAM_API_URL", "https://old.example"),
        ]);
        assert_eq!(
            Config::builder()
                .environment(both)
                .build()
                .unwrap()
                .endpoint
                .as_str(),
            "https://new.example"
        );
        let old = env(&[
            ("SEAM_API_KEY", "seam_k"),
            ("SEAM_API_URL", "https://old.example"),
        ]);
        assert_eq!(
            Config::builder()
                .environment(old)
                .build()
                .unwrap()
                .endpoint
                .as_str(),
            "https://old.example"
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let e = Config::builder()
            .environment(env(&[("SEAM_API_KEY", "")]))
            .build()
            .unwrap_err();
        assert_eq!(e, ConfigError::MissingCredentials);
    }

    #[test]
    fn no_credentials_anywhere_says_how_to_give_them() {
        let e = Config::builder().build().unwrap_err();
        assert!(e.to_string().contains("SEAM_API_KEY"));
    }

    #[test]
    fn wrong_kind_in_an_explicit_option_is_refused() {
        let e = Config::builder().api_key("seam_at1_x").build().unwrap_err();
        assert!(matches!(
            e,
            ConfigError::WrongTokenKind {
                found: TokenKind::PersonalAccessToken,
                ..
            }
        ));
    }

    #[test]
    fn each_kind_has_a_builder_option_that_checks_its_kind() {
        let build = |b: ConfigBuilder| b.build().map(|c| c.credentials);
        let c =
            build(Config::builder().personal_access_token_without_workspace("seam_at1")).unwrap();
        assert_eq!(
            c.auth_kind(),
            AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE
        );
        assert_eq!(c.workspace_id(), None);
        let c = build(Config::builder().console_session_token_without_workspace("eyJx")).unwrap();
        assert_eq!(c.auth_kind(), AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE);
        assert_eq!(c.workspace_id(), None);
        let c = build(Config::builder().client_session_token("seam_cst1")).unwrap();
        assert_eq!(c.auth_kind(), AuthSet::CLIENT_SESSION);
        assert_eq!(c.workspace_id(), None);
        let c = build(Config::builder().publishable_key("seam_pk1")).unwrap();
        assert_eq!(c.auth_kind(), AuthSet::PUBLISHABLE_KEY);
        assert_eq!(c.workspace_id(), None);
        for (builder, option, expected) in [
            (
                Config::builder().personal_access_token_without_workspace("eyJx"),
                "personal access token",
                TokenKind::PersonalAccessToken,
            ),
            (
                Config::builder().console_session_token_without_workspace("seam_at1"),
                "console session token",
                TokenKind::ConsoleSessionToken,
            ),
            (
                Config::builder().client_session_token("seam_k"),
                "client session token",
                TokenKind::ClientSessionToken,
            ),
            (
                Config::builder().publishable_key("seam_cst1"),
                "publishable key",
                TokenKind::PublishableKey,
            ),
        ] {
            let e = build(builder).unwrap_err();
            assert!(
                matches!(e, ConfigError::WrongTokenKind { option: o, expected: x, .. } if o == option && x == expected),
                "{e:?}"
            );
        }
    }

    #[test]
    fn without_workspace_takes_the_personal_access_token_from_the_environment_alone() {
        let c = Config::builder()
            .without_workspace()
            .environment(env(&[("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1")]))
            .build()
            .unwrap();
        assert_eq!(
            c.credentials.auth_kind(),
            AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE
        );
        assert_eq!(c.credentials.workspace_id(), None);
        assert_eq!(c.credentials.token().expose(), "seam_at1");
        // A workspace id beside it (a shell set up for the workspace client) is ignored.
        let c = Config::builder()
            .without_workspace()
            .environment(env(&[
                ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1"),
                ("SEAM_WORKSPACE_ID", "ws"),
            ]))
            .build()
            .unwrap();
        assert_eq!(c.credentials.workspace_id(), None);
        // The normal client still needs the workspace.
        assert_eq!(
            Config::builder()
                .environment(env(&[("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1")]))
                .build()
                .unwrap_err(),
            ConfigError::MissingWorkspaceId {
                kind: TokenKind::PersonalAccessToken
            }
        );
    }

    #[test]
    fn without_workspace_refuses_what_acts_in_a_workspace() {
        let refused = |b: ConfigBuilder| b.without_workspace().build().unwrap_err();
        let e = refused(Config::builder().environment(env(&[("SEAM_API_KEY", "seam_k")])));
        assert_eq!(
            e,
            ConfigError::NotWithoutWorkspace {
                configured: AuthSet::API_KEY
            }
        );
        assert_eq!(
            e.to_string(),
            "a client without a workspace takes a personal access token without a workspace or \
             a console session token without a workspace, but an API key was given"
        );
        assert_eq!(
            refused(Config::builder().environment(env(&[
                ("SEAM_API_KEY", "seam_k"),
                ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1"),
            ]))),
            ConfigError::ConflictingEnvironment
        );
        for (builder, configured) in [
            (Config::builder().api_key("seam_k"), AuthSet::API_KEY),
            (
                Config::builder().personal_access_token("seam_at1", "ws"),
                AuthSet::PERSONAL_ACCESS_TOKEN,
            ),
            (
                Config::builder().console_session_token("eyJx", "ws"),
                AuthSet::CONSOLE_SESSION,
            ),
            (
                Config::builder().client_session_token("seam_cst1"),
                AuthSet::CLIENT_SESSION,
            ),
            (
                Config::builder().publishable_key("seam_pk1"),
                AuthSet::PUBLISHABLE_KEY,
            ),
        ] {
            assert_eq!(
                refused(builder),
                ConfigError::NotWithoutWorkspace { configured }
            );
        }
        let e = refused(Config::builder());
        assert_eq!(e, ConfigError::MissingCredentialsWithoutWorkspace);
        assert!(e.to_string().contains("SEAM_PERSONAL_ACCESS_TOKEN"), "{e}");
        assert!(!e.to_string().contains("SEAM_API_KEY"), "{e}");
    }

    #[test]
    fn without_workspace_explicit_options_beat_the_environment() {
        let c = Config::builder()
            .without_workspace()
            .console_session_token_without_workspace("eyJexplicit")
            .environment(env(&[
                ("SEAM_API_KEY", "seam_env"),
                ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at_env"),
            ]))
            .build()
            .unwrap();
        assert_eq!(
            c.credentials.auth_kind(),
            AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE
        );
        assert_eq!(c.credentials.token().expose(), "eyJexplicit");
        // Without the flag, an explicit option without a workspace is just as good.
        let c = Config::builder()
            .personal_access_token_without_workspace("seam_at1")
            .build()
            .unwrap();
        assert_eq!(c.credentials.workspace_id(), None);
    }

    #[test]
    fn debug_of_builders_configs_and_environments_never_shows_a_token() {
        let builders = [
            Config::builder().api_key("seam_supersecret"),
            Config::builder().personal_access_token("seam_at_supersecret", "ws"),
            Config::builder().console_session_token("eyJsupersecret", "ws"),
            Config::builder().personal_access_token_without_workspace("seam_at_supersecret"),
            Config::builder().console_session_token_without_workspace("eyJsupersecret"),
            Config::builder().client_session_token("seam_cst_supersecret"),
            Config::builder().publishable_key("seam_pk_supersecret"),
        ];
        for builder in builders {
            let text = format!("{builder:?} {:?}", builder.clone().build().unwrap());
            assert!(!text.contains("supersecret"), "{text}");
        }
        let e = env(&[
            ("SEAM_API_KEY", "seam_supersecret"),
            ("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at_supersecret"),
        ]);
        let text = format!(
            "{e:?} {:?}",
            Config::builder().without_workspace().environment(e.clone())
        );
        assert!(!text.contains("supersecret"), "{text}");
    }

    #[test]
    fn endpoints() {
        for ok in [
            "https://connect.getseam.com",
            "http://localhost:1",
            "http://127.0.0.1:8080/",
            "http://[::1]:9/base",
        ] {
            assert!(Endpoint::parse(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "connect.getseam.com",
            "ftp://x",
            "http://example.com",
            "https://x/?a=1",
            "https://u:p@x",
            "http://10.0.0.1",
        ] {
            assert!(Endpoint::parse(bad, false).is_err(), "{bad}");
        }
        assert!(matches!(
            Endpoint::parse("http://example.com", false),
            Err(ConfigError::InsecureEndpoint { .. })
        ));
    }

    #[test]
    fn refused_endpoints_never_echo_credentials() {
        for url in [
            "https://user:s3cret@example.com/path",
            "http://s3cret@example.com",
            "user:s3cret@example.com",
            "https://u:s3cret@ex ample.com",
        ] {
            let e = Endpoint::parse(url, false).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(!text.contains("s3cret"), "{text}");
            assert!(text.contains("***@"), "{text}");
        }
        assert_eq!(
            redact_userinfo("https://example.com/a@b"),
            "https://example.com/a@b"
        );
    }

    /// Issue 15, item 7: a token in the query or the fragment is not echoed either.
    #[test]
    fn refused_endpoints_never_echo_a_query_or_fragment() {
        for url in [
            "https://example.com/?token=s3cret",
            "https://example.com?api_key=s3cret#x",
            "https://example.com/v1#access_token=s3cret",
            "http://example.com/?s3cret",
        ] {
            let e = Endpoint::parse(url, false).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(!text.contains("s3cret"), "{text}");
            assert!(text.contains("***"), "{text}");
        }
        assert_eq!(
            redact_userinfo("https://u:p@example.com/v1?token=s3cret#f"),
            "https://***@example.com/v1?***"
        );
        assert_eq!(
            redact_userinfo("https://example.com/v1#f"),
            "https://example.com/v1#***"
        );
    }
}
