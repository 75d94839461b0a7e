//! The errors every layer of the client shares.
//!
//! One [`Error`] type reaches the caller whichever facade sent the request, and it keeps
//! everything the server said: its error `type`, message, HTTP status, `data`, per-parameter
//! validation messages and the `seam-request-id` header.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::auth::{AuthSet, TokenKind};

/// A problem with how the client was configured, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials were given and none were found in the environment.
    #[error(
        "no credentials: set SEAM_API_KEY, or SEAM_PERSONAL_ACCESS_TOKEN and SEAM_WORKSPACE_ID, or pass them to the builder"
    )]
    MissingCredentials,
    /// A token was given for an option that takes another kind of token.
    #[error("the {option} option expects {expected}, but {found} was given")]
    WrongTokenKind {
        /// The option the token was given in.
        option: &'static str,
        /// The kind that option takes.
        expected: TokenKind,
        /// The kind that was recognised.
        found: TokenKind,
    },
    /// An empty token.
    #[error("the {option} is empty")]
    EmptyToken {
        /// The option the token was given in.
        option: &'static str,
    },
    /// A token holding spaces, control or non-ASCII characters (it could forge headers).
    #[error(
        "the {option} holds spaces, control or non-ASCII characters; copy it again without them"
    )]
    UnsafeToken {
        /// The option the token was given in.
        option: &'static str,
    },
    /// A personal access token or console session token without a workspace id.
    #[error("{kind} needs a workspace id: set SEAM_WORKSPACE_ID or pass one")]
    MissingWorkspaceId {
        /// The kind of token given.
        kind: TokenKind,
    },
    /// A workspace id that is empty or holds characters a header cannot carry.
    #[error("the workspace id is empty or holds spaces, control or non-ASCII characters")]
    InvalidWorkspaceId,
    /// Both an API key and a personal access token were found in the environment.
    #[error(
        "both SEAM_API_KEY and SEAM_PERSONAL_ACCESS_TOKEN are set; unset one of them or pass credentials explicitly"
    )]
    ConflictingEnvironment,
    /// The configured credentials are not among those a route accepts: refused before
    /// anything is sent (see [`check_route_auth`](crate::check_route_auth)). The message names
    /// the route, what it accepts and what was configured, never the token.
    #[error("{route} cannot be called with {configured}; it accepts {accepted}")]
    CredentialsNotAccepted {
        /// The route, `namespace.method` (e.g. `workspaces.create`).
        route: String,
        /// What the route accepts.
        accepted: AuthSet,
        /// What was configured (one flag).
        configured: AuthSet,
    },
    /// A client without a workspace ([`ConfigBuilder::without_workspace`]) found no
    /// credentials, neither given nor in the environment.
    ///
    /// [`ConfigBuilder::without_workspace`]: crate::ConfigBuilder::without_workspace
    #[error(
        "no credentials for a client without a workspace: set SEAM_PERSONAL_ACCESS_TOKEN, or pass a personal access token or console session token to the builder"
    )]
    MissingCredentialsWithoutWorkspace,
    /// A client without a workspace ([`ConfigBuilder::without_workspace`]) was given, or found
    /// in the environment, credentials that act in a workspace or are not access tokens (an
    /// API key, a token with a workspace id, a client session token, a publishable key).
    ///
    /// [`ConfigBuilder::without_workspace`]: crate::ConfigBuilder::without_workspace
    #[error(
        "a client without a workspace takes {expected}, but {configured} was given",
        expected = AuthSet::WITHOUT_WORKSPACE
    )]
    NotWithoutWorkspace {
        /// What was given (one flag).
        configured: AuthSet,
    },
    /// The endpoint is not an absolute `http(s)://host[:port][/path]` URL.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A proxy URL that is not `http(s)://[user:password@]host[:port]` (shown with its
    /// credentials hidden).
    #[error("invalid proxy {proxy:?}: {reason}")]
    InvalidProxy {
        /// The proxy as given, credentials replaced by `***`.
        proxy: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A plain `http://` endpoint on a host other than loopback.
    #[error(
        "refusing plain http to {endpoint:?}: use https, a loopback host, or allow insecure http explicitly"
    )]
    InsecureEndpoint {
        /// The endpoint as given.
        endpoint: String,
    },
}

/// Per-parameter validation messages in the shape of zod's `format()`, as Seam sends them in
/// `error.validation_errors`: `{"_errors": [...], "<param>": {"_errors": [...]}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValidationErrors {
    /// Messages about the request as a whole.
    #[serde(rename = "_errors", default)]
    pub form: Vec<String>,
    /// Messages per parameter.
    #[serde(flatten, deserialize_with = "de_fields")]
    pub fields: BTreeMap<String, FieldErrors>,
}

/// The messages about one parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldErrors {
    /// The messages, e.g. `["Invalid uuid"]`.
    #[serde(rename = "_errors", default)]
    pub errors: Vec<String>,
}

/// Keeps the entries that have the `{"_errors": [...]}` shape and drops anything else, so a
/// nested or unexpected entry from the server never fails decoding.
fn de_fields<'de, D>(d: D) -> Result<BTreeMap<String, FieldErrors>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|(k, v)| {
            serde_json::from_value::<FieldErrors>(v)
                .ok()
                .map(|e| (k, e))
        })
        .collect())
}

impl ValidationErrors {
    /// No messages yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message about `param`.
    pub fn add(&mut self, param: &str, message: impl Into<String>) {
        self.fields
            .entry(param.to_owned())
            .or_default()
            .errors
            .push(message.into());
    }

    /// Adds a message about the request as a whole.
    pub fn add_form(&mut self, message: impl Into<String>) {
        self.form.push(message.into());
    }

    /// Whether there is no message at all.
    pub fn is_empty(&self) -> bool {
        self.form.is_empty() && self.fields.values().all(|f| f.errors.is_empty())
    }

    /// The messages about `param` (empty when there are none).
    pub fn messages(&self, param: &str) -> &[String] {
        self.fields.get(param).map_or(&[], |f| &f.errors)
    }

    /// A one-line summary in the wording Seam uses: `acs_user_id is required` for one missing
    /// parameter, `Invalid uuid for "acs_user_id"` for one bad value, and for several
    /// `2 Input Errors: acs_user_id is required, Invalid uuid for "user_identity_id"` (the
    /// request-wide messages first, then the parameters in name order).
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.form.clone();
        for (param, f) in &self.fields {
            for m in &f.errors {
                if m == "Required" {
                    parts.push(format!("{param} is required"));
                } else {
                    parts.push(format!("{m} for \"{param}\""));
                }
            }
        }
        match parts.len() {
            0 | 1 => parts.concat(),
            n => format!("{n} Input Errors: {}", parts.join(", ")),
        }
    }

    /// `Ok(())` when empty, otherwise an [`InvalidInput`] error made on this side of the wire.
    pub fn into_result(self) -> Result<(), InvalidInput> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(InvalidInput::local(self))
        }
    }
}

/// The parameters of a request were refused, by this client before sending or by the server
/// (`invalid_input`). Both look the same, so one handler serves both.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    /// The message, e.g. `Invalid uuid for "acs_user_id"`.
    pub message: String,
    /// The messages per parameter.
    pub validation_errors: ValidationErrors,
    /// The HTTP status when the server refused the request; `None` when refused locally.
    pub status: Option<StatusCode>,
    /// The `seam-request-id` of the server's answer, when there was one.
    pub request_id: Option<String>,
}

impl std::error::Error for InvalidInput {}

impl InvalidInput {
    /// An error made by this client's own validation.
    pub fn local(validation_errors: ValidationErrors) -> Self {
        Self {
            message: validation_errors.summary(),
            validation_errors,
            status: None,
            request_id: None,
        }
    }

    /// The messages about one parameter, e.g. `["Invalid uuid"]` for `acs_user_id`.
    pub fn messages(&self, param: &str) -> &[String] {
        self.validation_errors.messages(param)
    }

    /// Whether this client refused the request before sending it.
    pub fn is_local(&self) -> bool {
        self.status.is_none()
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid input: {}", self.message)?;
        match self.status {
            None => f.write_str(" (refused before sending)"),
            Some(status) => write_origin(f, status, self.request_id.as_deref()),
        }
    }
}

/// An error the server answered with a JSON error body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The error `type`, e.g. `acs_user_not_found`.
    pub error_type: String,
    /// The server's message.
    pub message: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The `seam-request-id` response header.
    pub request_id: Option<String>,
    /// The error's `data`, when it had any.
    pub data: Option<serde_json::Value>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)?;
        write_origin(f, self.status, self.request_id.as_deref())
    }
}

/// An action attempt that failed ([`Error::ActionAttemptFailed`]) or was still pending when
/// waiting stopped ([`Error::ActionAttemptTimedOut`]), with the attempt as last read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActionAttemptError {
    /// `action_attempt_id`: to read the attempt again later (`wait_for_action_attempt`).
    pub action_attempt_id: String,
    /// `action_type`, e.g. `UNLOCK_DOOR`.
    pub action_type: String,
    /// `status` when last read: `error` for a failure, `pending` (or a status this client does
    /// not know) for a timeout.
    pub status: String,
    /// The attempt's `error.type` (`lock_jammed`, …), for a failure.
    pub error_type: Option<String>,
    /// The attempt's `error.message`, for a failure.
    pub message: Option<String>,
    /// How long the client waited after the first answer.
    pub waited: std::time::Duration,
    /// How many times the client read the attempt.
    pub polls: u32,
    /// The `seam-request-id` of the last answer read.
    pub request_id: Option<String>,
    /// The attempt as last sent by the server (decode it with the `ActionAttempt` resource
    /// type for typed fields), `null` if the answer held none.
    pub attempt: serde_json::Value,
}

/// An answer the client could not make sense of: not JSON, not the expected shape, or an
/// error status without a Seam error body (`Invalid JSON`, `Not implemented!`, an HTML page).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The start of the body, as text (invalid UTF-8 replaced), at most
    /// [`UnexpectedResponse::EXCERPT_LIMIT`] bytes.
    pub body_excerpt: String,
    /// Whether the body was longer than the excerpt.
    pub truncated: bool,
    /// Why it was not understood.
    pub reason: String,
    /// The `seam-request-id` response header.
    pub request_id: Option<String>,
}

impl std::error::Error for UnexpectedResponse {}

impl UnexpectedResponse {
    /// How much of a body an error keeps.
    pub const EXCERPT_LIMIT: usize = 512;

    /// Keeps a bounded excerpt of `body`.
    pub fn new(
        status: StatusCode,
        body: &[u8],
        reason: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        let limit = body.len().min(Self::EXCERPT_LIMIT);
        let mut end = limit;
        // Do not cut a UTF-8 sequence in half when the body is text. A sequence is at most 4
        // bytes, so step back at most 3: a body of continuation bytes alone (not text) must
        // not lose its whole excerpt.
        while end < body.len() && limit - end < 3 && (body[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        Self {
            status,
            body_excerpt: String::from_utf8_lossy(&body[..end]).into_owned(),
            truncated: end < body.len(),
            reason: reason.into(),
            request_id,
        }
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response: {}; body {:?}",
            self.reason, self.body_excerpt
        )?;
        if self.truncated {
            f.write_str("…")?;
        }
        write_origin(f, self.status, self.request_id.as_deref())
    }
}

fn write_origin(
    f: &mut fmt::Formatter<'_>,
    status: StatusCode,
    request_id: Option<&str>,
) -> fmt::Result {
    write!(f, " (HTTP {}", status.as_u16())?;
    if let Some(id) = request_id {
        write!(f, ", request id {id}")?;
    }
    f.write_str(")")
}

/// What went wrong below HTTP: the request got no complete answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// No complete answer arrived within the per-attempt timeout.
    Timeout,
    /// The connection failed while the request or the answer was under way.
    Io,
    /// The answer's body was larger than the transport accepts.
    BodyTooLarge,
    /// The request could not be sent as built (e.g. a scheme the transport refuses).
    InvalidRequest,
    /// The TLS handshake with the server failed, for the reason given. Nothing was sent, and
    /// sending again meets the same certificate or protocol: never retried.
    Tls(TlsFailure),
    /// The proxy the request went through failed, for the reason given; the message names the
    /// proxy (never its credentials). Only [`ProxyFailure::Unreachable`] is retried.
    Proxy(ProxyFailure),
    /// Anything else.
    Other,
}

/// Why a TLS handshake failed ([`TransportErrorKind::Tls`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's certificate is not signed by a trusted root: a self-signed certificate,
    /// a private CA, or a TLS-inspecting proxy whose root was not added.
    UntrustedCertificate,
    /// The certificate is valid, but not for the host name in the URL.
    WrongHostName,
    /// The certificate has expired (or is not valid yet: check the clock).
    Expired,
    /// The server offers only protocol versions this client refuses (TLS 1.0 or 1.1, SSL).
    ProtocolVersion,
    /// Any other handshake failure (a bad certificate, no shared cipher, an alert).
    Other,
}

/// Why a proxy failed ([`TransportErrorKind::Proxy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyFailure {
    /// The proxy could not be reached (refused, DNS, timeout): nothing was sent.
    Unreachable,
    /// The proxy wants credentials (`407 Proxy Authentication Required`): none were given, or
    /// it refused those in the proxy URL.
    AuthenticationRequired,
    /// The proxy answered the tunnel request with something other than success: another
    /// status, a malformed answer, or it closed the connection.
    BadAnswer,
}

/// A failure to get an answer, from any [`Transport`](https://docs.rs/seamapi-transport).
///
/// It records whether the request may have reached the server: a request that surely did not
/// can be sent again whatever the route, one that may have cannot unless the route is safe to
/// repeat.
///
/// The client's retry loop adds what it did before giving up ([`TransportError::attempts`]):
/// the endpoint, the attempts made, the time each was given and the time spent in all, which
/// the message then says (`could not connect to https://…: connection refused (3 attempts)`).
#[derive(Debug, Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    may_have_reached_server: bool,
    attempts: Option<Box<Attempts>>,
}

/// What a client did before it gave up on a request that got no answer: set by the retry loop
/// that both facades share, read with [`TransportError::attempts`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempts {
    /// Where the requests went: the client's endpoint (which never holds credentials).
    pub url: String,
    /// How many attempts were made, the first included.
    pub count: u32,
    /// The time each attempt was given (the client's per-attempt timeout).
    pub per_attempt: Duration,
    /// The time from the start of the first attempt to giving up, waits between attempts
    /// included.
    pub elapsed: Duration,
}

impl Attempts {
    /// What a client did: `count` attempts at `url`, each given `per_attempt`, `elapsed` in
    /// all.
    pub fn new(
        url: impl Into<String>,
        count: u32,
        per_attempt: Duration,
        elapsed: Duration,
    ) -> Self {
        Self {
            url: url.into(),
            count,
            per_attempt,
            elapsed,
        }
    }
}

/// `3 attempts`, `1 attempt`.
fn count_attempts(count: u32) -> String {
    if count == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{count} attempts")
    }
}

/// A duration for a message: `200 ms` below a second, else seconds with one decimal at most
/// (`1.2 s`, `30 s`).
pub fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        return format!("{} ms", d.as_millis());
    }
    let tenths = (d.as_secs_f64() * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} s")
    } else {
        format!("{tenths:.1} s")
    }
}

impl std::error::Error for TransportError {}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(a) = self.attempts.as_deref() else {
            return write!(f, "{}: {}", self.kind_text(), self.message);
        };
        let tries = count_attempts(a.count);
        match self.kind {
            TransportErrorKind::Connect => write!(
                f,
                "could not connect to {}: {} ({tries})",
                a.url, self.message
            ),
            TransportErrorKind::Timeout => write!(
                f,
                "no complete answer from {} within {} per attempt ({tries}, {} waited in all)",
                a.url,
                human_duration(a.per_attempt),
                human_duration(a.elapsed)
            ),
            TransportErrorKind::Io => write!(
                f,
                "the connection to {} failed: {} ({tries})",
                a.url, self.message
            ),
            // Retried like a refused connection: how often is worth saying.
            TransportErrorKind::Proxy(ProxyFailure::Unreachable) | TransportErrorKind::Other => {
                write!(f, "{}: {} ({tries})", self.kind_text(), self.message)
            }
            // Never retried: one attempt, nothing to add.
            _ => write!(f, "{}: {}", self.kind_text(), self.message),
        }
    }
}

impl TransportError {
    /// A new transport error. `message` must not hold credentials.
    pub fn new(
        kind: TransportErrorKind,
        message: impl Into<String>,
        may_have_reached_server: bool,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            may_have_reached_server,
            attempts: None,
        }
    }

    /// The same error with what the client did before giving up (set by the client's retry
    /// loop; see [`TransportError::attempts`]).
    pub fn with_attempts(mut self, attempts: Attempts) -> Self {
        self.attempts = Some(Box::new(attempts));
        self
    }

    /// What the client did before it gave up: the endpoint, the attempts made, the time each
    /// was given and the time spent in all. `None` for an error that did not come through a
    /// client's retry loop (straight from a [`Transport`](https://docs.rs/seamapi-transport)).
    ///
    /// ```
    /// # use seamapi_core as seamapi; // as the clients re-export it
    /// use std::time::Duration;
    /// use seamapi::{Attempts, TransportError};
    /// let e = TransportError::connect("connection refused").with_attempts(Attempts::new(
    ///     "https://connect.getseam.com",
    ///     3,
    ///     Duration::from_secs(30),
    ///     Duration::from_millis(640),
    /// ));
    /// assert_eq!(e.attempts().map(|a| a.count), Some(3));
    /// assert_eq!(
    ///     e.to_string(),
    ///     "could not connect to https://connect.getseam.com: connection refused (3 attempts)"
    /// );
    /// ```
    pub fn attempts(&self) -> Option<&Attempts> {
        self.attempts.as_deref()
    }

    /// The connection could not be made; nothing was sent.
    pub fn connect(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Connect, message, false)
    }

    /// No complete answer within `after`; the request may have been processed.
    pub fn timeout(after: std::time::Duration) -> Self {
        Self::new(
            TransportErrorKind::Timeout,
            format!("no complete answer within {after:?}"),
            true,
        )
    }

    /// What kind of failure this was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The detail.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the server may have received (and acted on) the request.
    pub fn may_have_reached_server(&self) -> bool {
        self.may_have_reached_server
    }

    fn kind_text(&self) -> &'static str {
        match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::BodyTooLarge => "response too large",
            TransportErrorKind::InvalidRequest => "request refused by the transport",
            TransportErrorKind::Tls(TlsFailure::UntrustedCertificate) => {
                "TLS failed: the server's certificate is not trusted"
            }
            TransportErrorKind::Tls(TlsFailure::WrongHostName) => {
                "TLS failed: the server's certificate is for another host name"
            }
            TransportErrorKind::Tls(TlsFailure::Expired) => {
                "TLS failed: the server's certificate has expired or is not valid yet"
            }
            TransportErrorKind::Tls(TlsFailure::ProtocolVersion) => {
                "TLS failed: the server offers only an outdated protocol version"
            }
            TransportErrorKind::Tls(TlsFailure::Other) => "TLS handshake failed",
            TransportErrorKind::Proxy(ProxyFailure::Unreachable) => "could not reach the proxy",
            TransportErrorKind::Proxy(ProxyFailure::AuthenticationRequired) => {
                "the proxy requires authentication (407)"
            }
            TransportErrorKind::Proxy(ProxyFailure::BadAnswer) => "the proxy refused the request",
            TransportErrorKind::Other => "transport error",
        }
    }
}

/// Every way a call can fail.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The parameters were refused, locally or by the server (`invalid_input`).
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// The server answered 401: the token is missing, wrong, expired, or of a kind the route
    /// does not take.
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// The server answered with a Seam error (not found, conflict, rate limited, …).
    #[error("api error {0}")]
    Api(ApiError),
    /// The server answered with something that is not a Seam answer.
    #[error(transparent)]
    UnexpectedResponse(#[from] UnexpectedResponse),
    /// No answer: connection failure, timeout, body too large.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The overall deadline passed before a final answer, after `attempts` attempts.
    #[error(
        "gave up after {attempts} attempt(s): the overall deadline of {deadline:?} passed; last error: {last}"
    )]
    DeadlineExceeded {
        /// The deadline.
        deadline: std::time::Duration,
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        last: Box<Error>,
    },
    /// The action the call started failed: its attempt's status is `error`. The attempt's
    /// `error.type` is [`Error::error_type`].
    #[error(
        "action attempt {} ({}) failed: {}: {}",
        .0.action_attempt_id,
        .0.action_type,
        .0.error_type.as_deref().unwrap_or("unknown_error"),
        .0.message.as_deref().unwrap_or("no message")
    )]
    ActionAttemptFailed(Box<ActionAttemptError>),
    /// Waiting for the action the call started ended with its attempt still pending: the
    /// action may still happen. Read it again later with its id.
    #[error(
        "action attempt {} ({}) is still pending after {:?} of waiting; the action may still happen: read the attempt later by its id",
        .0.action_attempt_id,
        .0.action_type,
        .0.waited
    )]
    ActionAttemptTimedOut(Box<ActionAttemptError>),
    /// A list's pagination went wrong: a repeated cursor, or a next page without a cursor.
    #[error("pagination failed: {0}")]
    Pagination(String),
    /// A request could not be encoded (a bug: report it).
    #[error("could not encode the request: {0}")]
    Encode(String),
}

impl Error {
    /// The HTTP status of the server's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::InvalidInput(e) => e.status,
            Self::Unauthorized(e) | Self::Api(e) => Some(e.status),
            Self::UnexpectedResponse(e) => Some(e.status),
            Self::DeadlineExceeded { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The `seam-request-id` of the server's answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::InvalidInput(e) => e.request_id.as_deref(),
            Self::Unauthorized(e) | Self::Api(e) => e.request_id.as_deref(),
            Self::UnexpectedResponse(e) => e.request_id.as_deref(),
            Self::DeadlineExceeded { last, .. } => last.request_id(),
            Self::ActionAttemptFailed(e) | Self::ActionAttemptTimedOut(e) => {
                e.request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The server's error `type` (`invalid_input`, `unauthorized`, `acs_user_not_found`, …).
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Self::InvalidInput(_) => Some("invalid_input"),
            Self::Unauthorized(e) | Self::Api(e) => Some(&e.error_type),
            Self::DeadlineExceeded { last, .. } => last.error_type(),
            Self::ActionAttemptFailed(e) => e.error_type.as_deref(),
            _ => None,
        }
    }

    /// The action attempt, when the call's action failed or was still pending when waiting
    /// stopped.
    pub fn action_attempt(&self) -> Option<&ActionAttemptError> {
        match self {
            Self::ActionAttemptFailed(e) | Self::ActionAttemptTimedOut(e) => Some(e),
            _ => None,
        }
    }

    /// The invalid-input details, when the parameters were refused.
    pub fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            Self::InvalidInput(e) => Some(e),
            _ => None,
        }
    }

    /// The messages about one parameter, when the parameters were refused.
    pub fn validation_messages(&self, param: &str) -> &[String] {
        self.invalid_input().map_or(&[], |e| e.messages(param))
    }

    /// Whether this client refused the call before anything was sent: a configuration
    /// problem (including credentials the route does not accept,
    /// [`ConfigError::CredentialsNotAccepted`]), parameters refused by local validation, or a
    /// request that could not be encoded.
    pub fn is_local(&self) -> bool {
        match self {
            Self::Config(_) | Self::Encode(_) => true,
            Self::InvalidInput(e) => e.is_local(),
            _ => false,
        }
    }

    /// The configuration problem, when the client is misconfigured or the route does not
    /// accept its credentials.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match self {
            Self::Config(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the server answered 401.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Unauthorized(_))
    }

    /// The HTTP status of the server's answer as a number, when there was one: compare it
    /// without naming the `http` crate (`err.status_code() == Some(409)`).
    pub fn status_code(&self) -> Option<u16> {
        self.status().map(|s| s.as_u16())
    }

    /// Whether the server answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server answered 409: the request conflicts with the current state (e.g.
    /// `acs_user_already_linked`).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// Whether the server answered 429 (after the retries the policy allows).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the server answered with a 5xx status (after the retries the policy allows).
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| s.is_server_error())
    }

    /// Whether the parameters were refused, locally or by the server (`invalid_input`).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput(_))
    }

    /// Whether no answer came: the connection failed, timed out or broke, or the overall
    /// deadline passed without an answer (see [`Error::is_timeout`] for timeouts only).
    pub fn is_network(&self) -> bool {
        match self {
            Self::Transport(_) => true,
            Self::DeadlineExceeded { last, .. } => last.is_network(),
            _ => false,
        }
    }

    /// Whether no answer arrived in time (per attempt or overall), or an action attempt was
    /// still pending when waiting for it stopped.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport(e) => e.kind() == TransportErrorKind::Timeout,
            Self::DeadlineExceeded { .. } | Self::ActionAttemptTimedOut(_) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_round_trip_in_zod_shape() {
        let mut v = ValidationErrors::new();
        v.add("acs_user_id", "Invalid uuid");
        v.add_form("Bad request");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"_errors": ["Bad request"], "acs_user_id": {"_errors": ["Invalid uuid"]}})
        );
        let back: ValidationErrors = serde_json::from_value(json).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn validation_errors_skip_entries_of_another_shape() {
        let v: ValidationErrors =
            serde_json::from_str(r#"{"_errors":[],"a":{"_errors":["x"]},"b":{"c":1},"d":7}"#)
                .unwrap();
        assert_eq!(v.messages("a"), ["x"]);
        assert!(v.messages("b").is_empty());
        assert!(v.messages("d").is_empty());
    }

    #[test]
    fn excerpts_cut_between_characters_but_never_to_nothing() {
        let limit = UnexpectedResponse::EXCERPT_LIMIT;
        let cut = |body: &[u8]| UnexpectedResponse::new(StatusCode::BAD_GATEWAY, body, "", None);
        // Found by the decode_response fuzz target's invariant: 600 continuation bytes gave
        // an empty excerpt, the loop stepping back to the start of the body.
        let e = cut(&[0x80; 600]);
        assert!(e.truncated);
        assert_eq!(e.body_excerpt, "\u{fffd}".repeat(limit - 3));
        // Text is still cut on a character boundary: `é` is 2 bytes, `𝄞` is 4.
        let e = cut("é".repeat(300).as_bytes());
        assert_eq!(e.body_excerpt, "é".repeat(limit / 2));
        let mut text = "a".repeat(limit - 2).into_bytes();
        text.extend_from_slice("𝄞𝄞".as_bytes());
        let e = cut(&text);
        assert_eq!(e.body_excerpt, "a".repeat(limit - 2));
        assert!(e.truncated);
    }

    #[test]
    fn summary_uses_seams_wording() {
        let mut v = ValidationErrors::new();
        v.add("acs_user_id", "Required");
        assert_eq!(v.summary(), "acs_user_id is required");
        let mut v = ValidationErrors::new();
        v.add("acs_user_id", "Invalid uuid");
        assert_eq!(v.summary(), "Invalid uuid for \"acs_user_id\"");
    }

    #[test]
    fn summary_of_several_messages_counts_them_as_seam_does() {
        // Seam's fake (nextlove) answers `2 Input Errors: user_identity_id is required,
        // Invalid uuid for "acs_user_id"` for two bad parameters.
        let mut v = ValidationErrors::new();
        v.add("user_identity_id", "Required");
        v.add("acs_user_id", "Invalid uuid");
        assert_eq!(
            v.summary(),
            "2 Input Errors: Invalid uuid for \"acs_user_id\", user_identity_id is required"
        );
        v.add_form("Exactly one of user_identity_id, user_identity_key is required");
        assert_eq!(
            v.summary(),
            "3 Input Errors: Exactly one of user_identity_id, user_identity_key is required, \
             Invalid uuid for \"acs_user_id\", user_identity_id is required"
        );
    }

    #[test]
    fn excerpt_is_bounded_and_never_splits_a_character() {
        let body = "é".repeat(1000);
        let u = UnexpectedResponse::new(StatusCode::BAD_GATEWAY, body.as_bytes(), "not json", None);
        assert!(u.body_excerpt.len() <= UnexpectedResponse::EXCERPT_LIMIT);
        assert!(u.truncated);
        assert!(u.body_excerpt.chars().all(|c| c == 'é'));
        let u = UnexpectedResponse::new(StatusCode::OK, &[0xff, 0xfe], "x", None);
        assert_eq!(u.body_excerpt, "\u{fffd}\u{fffd}");
        assert!(!u.truncated);
    }

    #[test]
    fn display_carries_type_message_status_and_request_id() {
        let e = Error::Api(ApiError {
            error_type: "acs_user_not_found".into(),
            message: "ACS user not found".into(),
            status: StatusCode::NOT_FOUND,
            request_id: Some("req_1".into()),
            data: None,
        });
        assert_eq!(
            e.to_string(),
            "api error acs_user_not_found: ACS user not found (HTTP 404, request id req_1)"
        );
        assert!(e.is_not_found());
        assert_eq!(e.request_id(), Some("req_1"));
    }

    #[test]
    fn a_transport_error_says_where_how_often_and_how_long_once_the_client_tried() {
        let tried = |count| {
            Attempts::new(
                "https://connect.getseam.com",
                count,
                Duration::from_secs(30),
                Duration::from_millis(90_640),
            )
        };
        let refused = TransportError::connect("connection refused");
        assert_eq!(refused.to_string(), "could not connect: connection refused");
        assert_eq!(refused.attempts(), None);
        assert_eq!(
            refused.clone().with_attempts(tried(1)).to_string(),
            "could not connect to https://connect.getseam.com: connection refused (1 attempt)"
        );
        let late = TransportError::timeout(Duration::from_secs(30)).with_attempts(tried(3));
        assert_eq!(
            late.to_string(),
            "no complete answer from https://connect.getseam.com within 30 s per attempt \
             (3 attempts, 90.6 s waited in all)"
        );
        assert_eq!(late.message(), "no complete answer within 30s");
        let cut = TransportError::new(TransportErrorKind::Io, "connection reset", true)
            .with_attempts(tried(2));
        assert_eq!(
            cut.to_string(),
            "the connection to https://connect.getseam.com failed: connection reset (2 attempts)"
        );
        // A failure never retried says nothing of attempts.
        let tls = TransportError::new(
            TransportErrorKind::Tls(TlsFailure::Expired),
            "host: expired",
            false,
        );
        assert_eq!(
            tls.clone().with_attempts(tried(1)).to_string(),
            tls.to_string()
        );
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
        assert_eq!(human_duration(Duration::from_millis(999)), "999 ms");
        assert_eq!(human_duration(Duration::from_secs(1)), "1 s");
        assert_eq!(human_duration(Duration::from_millis(1_234)), "1.2 s");
        assert_eq!(human_duration(Duration::from_millis(29_960)), "30 s");
        assert_eq!(human_duration(Duration::from_secs(90)), "90 s");
    }

    fn api(status: u16) -> Error {
        let api = ApiError {
            error_type: "t".into(),
            message: "m".into(),
            status: StatusCode::from_u16(status).unwrap(),
            request_id: None,
            data: None,
        };
        if status == 401 {
            Error::Unauthorized(api)
        } else {
            Error::Api(api)
        }
    }

    #[test]
    fn predicates_say_what_kind_of_failure_without_naming_http() {
        type Pred = fn(&Error) -> bool;
        let preds: [(&str, Pred); 6] = [
            ("not_found", Error::is_not_found),
            ("conflict", Error::is_conflict),
            ("rate_limited", Error::is_rate_limited),
            ("server_error", Error::is_server_error),
            ("unauthorized", Error::is_unauthorized),
            ("network", Error::is_network),
        ];
        let cases: [(Error, &str); 6] = [
            (api(404), "not_found"),
            (api(409), "conflict"),
            (api(429), "rate_limited"),
            (api(503), "server_error"),
            (api(401), "unauthorized"),
            (
                Error::Transport(TransportError::new(
                    TransportErrorKind::Connect,
                    "refused",
                    false,
                )),
                "network",
            ),
        ];
        for (e, want) in &cases {
            for (name, pred) in preds {
                assert_eq!(pred(e), name == *want, "{name} of {e:?}");
            }
        }
        assert_eq!(api(409).status_code(), Some(409));
        assert_eq!(cases[5].0.status_code(), None);
        let late = Error::DeadlineExceeded {
            deadline: std::time::Duration::from_secs(1),
            attempts: 3,
            last: Box::new(cases[5].0.clone()),
        };
        assert!(late.is_network() && late.is_timeout());
        assert!(!api(400).is_network());
    }
}
