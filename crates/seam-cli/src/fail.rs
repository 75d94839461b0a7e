//! Everything a command can fail with, its exit code, and how it is reported on stderr.

use seamapi_core::error::TransportErrorKind;
use seamapi_core::{AuthSet, ConfigError, Error, WebhookError};
use serde_json::{Map, Value, json};

/// Success.
pub const EXIT_OK: u8 = 0;
/// The API answered with an error (or an answer that made no sense).
pub const EXIT_API: u8 = 1;
/// A usage error, or parameters refused before sending.
pub const EXIT_USAGE: u8 = 2;
/// Missing, malformed or refused credentials (including HTTP 401).
pub const EXIT_AUTH: u8 = 3;
/// The API answered 404.
pub const EXIT_NOT_FOUND: u8 = 4;
/// No answer: the connection failed or timed out.
pub const EXIT_NETWORK: u8 = 5;
/// The action the command started failed (its attempt's status is `error`).
pub const EXIT_ACTION_FAILED: u8 = 6;
/// The action the command started was still pending when waiting stopped: it may still
/// happen.
pub const EXIT_ACTION_PENDING: u8 = 7;
/// `seam webhooks verify`: the delivery failed a check.
pub const EXIT_WEBHOOK: u8 = 8;

/// The exit codes, as `--help` and the docs show them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  API error (the server refused the request)
  2  usage error, or parameters refused before sending
  3  authentication: missing or wrong credentials, credentials the command does not accept, or HTTP 401
  4  not found (HTTP 404)
  5  network error or timeout
  6  the action the command started failed (unlock, thermostat, ...)
  7  the action the command started was still pending when waiting stopped: it may still happen
  8  webhooks verify: the delivery failed a check (named in the error)";

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The command line (or `--input`) was wrong.
    Usage(String),
    /// The client, the configuration or the API said no.
    Seam(Error),
    /// `seam webhooks verify`: the delivery (or the secret) failed a check.
    Webhook(WebhookError),
    /// Something local went wrong (a file, the sandbox), exit code 1.
    Local {
        /// A short machine-readable type.
        kind: &'static str,
        /// What happened.
        message: String,
        /// What to do about it.
        hint: Option<&'static str>,
    },
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        Self::Seam(e)
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        Self::Seam(Error::Config(e))
    }
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// A local failure (exit code 1).
    pub fn local(kind: &'static str, message: impl Into<String>) -> Self {
        Self::Local {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// A local failure (exit code 1) with a hint.
    pub fn local_with_hint(
        kind: &'static str,
        message: impl Into<String>,
        hint: &'static str,
    ) -> Self {
        Self::Local {
            kind,
            message: message.into(),
            hint: Some(hint),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => EXIT_USAGE,
            // The secret is the command line's; every other check is the delivery's.
            Self::Webhook(WebhookError::MalformedSecret { .. }) => EXIT_USAGE,
            Self::Webhook(_) => EXIT_WEBHOOK,
            Self::Local { .. } => EXIT_API,
            Self::Seam(e) => seam_exit_code(e),
        }
    }

    fn error_type(&self) -> String {
        match self {
            Self::Usage(_) => "usage".to_owned(),
            Self::Local { kind, .. } => (*kind).to_owned(),
            Self::Webhook(e) => e.check().to_owned(),
            Self::Seam(e) => match e {
                Error::Config(_) => "configuration".to_owned(),
                Error::Transport(t) if t.kind() == TransportErrorKind::Timeout => {
                    "timeout".to_owned()
                }
                Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge => {
                    "answer_too_large".to_owned()
                }
                Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Tls(_)) => {
                    "tls".to_owned()
                }
                Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Proxy(_)) => {
                    "proxy".to_owned()
                }
                Error::Transport(_) => "network".to_owned(),
                Error::DeadlineExceeded { .. } => "timeout".to_owned(),
                Error::UnexpectedResponse(_) => "unexpected_response".to_owned(),
                Error::Pagination(_) => "pagination".to_owned(),
                Error::ActionAttemptTimedOut(_) => "action_pending".to_owned(),
                other => other.error_type().unwrap_or("error").to_owned(),
            },
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Usage(m) | Self::Local { message: m, .. } => m.clone(),
            Self::Webhook(e) => e.to_string(),
            Self::Seam(e) => match e {
                Error::InvalidInput(i) => i.message.clone(),
                Error::Unauthorized(a) | Error::Api(a) => a.message.clone(),
                Error::UnexpectedResponse(u) => {
                    format!("{}; body {:?}", u.reason, u.body_excerpt)
                }
                // Which TLS or proxy failure it was is in the kind's text, not the message.
                Error::Transport(t)
                    if matches!(
                        t.kind(),
                        TransportErrorKind::Tls(_) | TransportErrorKind::Proxy(_)
                    ) =>
                {
                    t.to_string()
                }
                Error::Transport(t) => t.message().to_owned(),
                // The type is already the line's type.
                Error::ActionAttemptFailed(d) => format!(
                    "action attempt {} ({}) failed: {}",
                    d.action_attempt_id,
                    d.action_type,
                    d.message.as_deref().unwrap_or("no message")
                ),
                other => other.to_string(),
            },
        }
    }

    fn hint(&self) -> Option<&'static str> {
        let e = match self {
            Self::Seam(e) => e,
            Self::Local { hint, .. } => return *hint,
            Self::Webhook(w) => return webhook_hint(w),
            Self::Usage(_) => return None,
        };
        Some(match e {
            Error::Config(ConfigError::MissingCredentials) => {
                "set SEAM_API_KEY or pass --api-key (or run `seam login`, or try `seam --sandbox`)"
            }
            Error::Config(ConfigError::MissingWorkspaceId { .. }) => {
                "set SEAM_WORKSPACE_ID or pass --workspace-id (only `workspaces list` and `workspaces create` run without one)"
            }
            Error::Config(ConfigError::CredentialsNotAccepted {
                accepted,
                configured,
                ..
            }) if *configured == AuthSet::PERSONAL_ACCESS_TOKEN
                && accepted.contains(AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE) =>
            {
                "pass --without-workspace to use the personal access token in no workspace"
            }
            Error::Config(ConfigError::CredentialsNotAccepted {
                accepted,
                configured,
                ..
            }) if *configured == AuthSet::CONSOLE_SESSION
                && accepted.contains(AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE) =>
            {
                "pass --without-workspace to use the console session token in no workspace"
            }
            Error::Config(ConfigError::CredentialsNotAccepted { configured, .. })
                if AuthSet::WITHOUT_WORKSPACE.contains(*configured) =>
            {
                "this command needs a workspace: pass --workspace-id (and drop --without-workspace)"
            }
            Error::Config(ConfigError::CredentialsNotAccepted { .. }) => {
                "use credentials the command accepts: `seam <command> --help` lists them"
            }
            Error::Config(ConfigError::MissingCredentialsWithoutWorkspace) => {
                "pass --personal-access-token or set SEAM_PERSONAL_ACCESS_TOKEN (or run `seam login --without-workspace`)"
            }
            Error::Config(ConfigError::NotWithoutWorkspace { .. }) => {
                "--without-workspace takes a personal access token (--personal-access-token or SEAM_PERSONAL_ACCESS_TOKEN); an API key always acts in its own workspace"
            }
            Error::Config(ConfigError::ConflictingEnvironment) => {
                "unset SEAM_API_KEY or SEAM_PERSONAL_ACCESS_TOKEN, or pass --api-key"
            }
            Error::Config(ConfigError::WrongTokenKind { .. }) => {
                "pass an API key with --api-key, a personal access token with --personal-access-token"
            }
            Error::Config(
                ConfigError::InvalidEndpoint { .. } | ConfigError::InsecureEndpoint { .. },
            ) => "pass --endpoint https://connect.getseam.com or a loopback http:// URL",
            Error::Unauthorized(_) => {
                "check the token in --api-key, SEAM_API_KEY or `seam login`, and its workspace"
            }
            Error::Transport(t) if t.kind() == TransportErrorKind::Timeout => {
                "the server did not answer in time: retry, or raise --timeout"
            }
            Error::DeadlineExceeded { .. } => {
                "the server did not answer in time: retry, or raise --timeout"
            }
            Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge => {
                "the server answered with more than this client reads at once: ask for less, e.g. smaller pages with --limit N (and --page-cursor)"
            }
            Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Tls(_)) => {
                tls_hint(t.kind())
            }
            Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Proxy(_)) => {
                proxy_hint(t.kind())
            }
            Error::Transport(_) => "check --endpoint (or SEAM_ENDPOINT) and the network",
            Error::InvalidInput(_) => {
                "fix the parameters named in brackets; `seam <command> --help` lists each one's form"
            }
            Error::Api(a) if a.status.as_u16() == 404 => {
                "check the id or key; the `list` commands show what exists"
            }
            Error::Api(a) if a.status.as_u16() == 409 => {
                "the request conflicts with the current state: see the message (e.g. remove the existing link first)"
            }
            Error::Api(a) if a.status.as_u16() == 429 => {
                "rate limited after the retries: wait a moment and run it again"
            }
            Error::Api(a) if a.status.as_u16() == 501 && a.error_type == "not_implemented" => {
                "the sandbox models only the ACS-user routes (see `seam sandbox --help`): run this command against Seam, without --sandbox"
            }
            Error::Api(a) if a.status.is_server_error() => {
                "a failure on Seam's side: run it again later, and quote the request id to Seam support if it persists"
            }
            Error::UnexpectedResponse(u) if u.status.is_server_error() => {
                "a failure on the server's side: run it again later, and quote the request id to Seam support if it persists"
            }
            Error::UnexpectedResponse(_) => {
                "the answer was not Seam's: check --endpoint (or SEAM_ENDPOINT) points at the Seam API"
            }
            Error::Pagination(m) if m.contains("the limit of") => {
                "raise --max-pages or --max-items, or read page by page with --limit and --page-cursor"
            }
            Error::Pagination(_) => {
                "read page by page with --limit and --page-cursor; quote the command to Seam support if it persists"
            }
            Error::ActionAttemptFailed(_) => {
                "the device or its system reported the failure above; `seam action-attempts get --action_attempt_id ID` shows the attempt"
            }
            Error::ActionAttemptTimedOut(_) => {
                "check later with `seam action-attempts get --action_attempt_id ID`, or wait longer with --wait-timeout"
            }
            _ => return None,
        })
    }

    /// One line for stderr: type, message, per-parameter messages, HTTP status, request id
    /// and a hint.
    pub fn line(&self) -> String {
        let mut line = format!("error: {}: {}", self.error_type(), self.message());
        if let Self::Seam(e) = self {
            if let Some(invalid) = e.invalid_input() {
                let fields: Vec<String> = invalid
                    .validation_errors
                    .fields
                    .iter()
                    .filter(|(_, f)| !f.errors.is_empty())
                    .map(|(name, f)| format!("{name}: {}", f.errors.join(", ")))
                    .collect();
                if !fields.is_empty() {
                    line.push_str(&format!(" [{}]", fields.join("; ")));
                }
                if invalid.is_local() {
                    line.push_str(" (refused before sending)");
                }
            }
            match (e.status(), e.request_id()) {
                (Some(s), Some(id)) => {
                    line.push_str(&format!(" (HTTP {}, request id {id})", s.as_u16()))
                }
                (Some(s), None) => line.push_str(&format!(" (HTTP {})", s.as_u16())),
                (None, Some(id)) => line.push_str(&format!(" (request id {id})")),
                (None, None) => {}
            }
        }
        if let Some(hint) = self.hint() {
            line.push_str(&format!("; hint: {hint}"));
        }
        // One line, whatever the server put in its message, and no terminal escapes.
        terminal_safe(&line)
    }

    /// The error as JSON, for `--json`.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".into(), self.error_type().into());
        error.insert("message".into(), self.message().into());
        if let Self::Seam(e) = self {
            if let Some(s) = e.status() {
                error.insert("status".into(), s.as_u16().into());
            }
            if let Some(id) = e.request_id() {
                error.insert("request_id".into(), id.into());
            }
            if let Some(invalid) = e.invalid_input() {
                error.insert(
                    "validation_errors".into(),
                    serde_json::to_value(&invalid.validation_errors).unwrap_or(Value::Null),
                );
                error.insert("local".into(), invalid.is_local().into());
            }
            if let Error::Api(a) | Error::Unauthorized(a) = e
                && let Some(data) = &a.data
            {
                error.insert("data".into(), data.clone());
            }
            if let Some(attempt) = e.action_attempt() {
                error.insert("action_attempt".into(), attempt.attempt.clone());
            }
        }
        if let Some(hint) = self.hint() {
            error.insert("hint".into(), hint.into());
        }
        json!({ "error": error, "exit_code": self.exit_code() })
    }
}

/// What to do about a refused TLS handshake.
fn tls_hint(kind: TransportErrorKind) -> &'static str {
    use seamapi_core::TlsFailure;
    match kind {
        TransportErrorKind::Tls(TlsFailure::UntrustedCertificate) => {
            "behind a TLS-inspecting proxy or with a private CA, pass its root certificate with --ca-cert FILE (or set SSL_CERT_FILE)"
        }
        TransportErrorKind::Tls(TlsFailure::WrongHostName) => {
            "check the host in --endpoint (or SEAM_ENDPOINT): the server's certificate names another"
        }
        TransportErrorKind::Tls(TlsFailure::Expired) => {
            "check this machine's clock; if it is right, the server's certificate has expired"
        }
        TransportErrorKind::Tls(TlsFailure::ProtocolVersion) => {
            "the server (or a proxy in between) offers only TLS 1.0/1.1, which are refused: it needs TLS 1.2 or later"
        }
        _ => "check --endpoint (or SEAM_ENDPOINT), and --ca-cert if a proxy inspects TLS",
    }
}

/// What to do about a failing proxy.
fn proxy_hint(kind: TransportErrorKind) -> &'static str {
    use seamapi_core::ProxyFailure;
    match kind {
        TransportErrorKind::Proxy(ProxyFailure::AuthenticationRequired) => {
            "put user:password in the proxy URL (--proxy or HTTPS_PROXY)"
        }
        _ => "check --proxy (or HTTPS_PROXY / ALL_PROXY), or bypass it with --no-proxy or NO_PROXY",
    }
}

fn webhook_hint(e: &WebhookError) -> Option<&'static str> {
    Some(match e {
        WebhookError::MalformedSecret { .. } => {
            "pass the endpoint's secret as Seam shows it: --secret whsec_..."
        }
        WebhookError::MissingHeader { .. } => {
            "pass each header of the delivery: --header 'webhook-id: ...' --header 'webhook-timestamp: ...' --header 'webhook-signature: ...'"
        }
        WebhookError::MalformedHeader { .. } | WebhookError::MalformedSignature => {
            "pass the header exactly as the delivery had it"
        }
        WebhookError::TimestampTooOld { .. } => {
            "an old delivery is refused as a replay: to check one anyway, raise --tolerance (seconds)"
        }
        WebhookError::TimestampTooNew { .. } => {
            "check this machine's clock, or raise --tolerance (seconds)"
        }
        WebhookError::NoMatchingSignature => {
            "check that --secret is this endpoint's and that stdin is the body byte for byte (no added newline)"
        }
        WebhookError::NotAnEvent { .. } => {
            "the delivery is authentic: its body is not an event this version can read"
        }
        _ => return None,
    })
}

fn seam_exit_code(e: &Error) -> u8 {
    match e {
        Error::Config(
            ConfigError::InvalidEndpoint { .. } | ConfigError::InsecureEndpoint { .. },
        ) => EXIT_USAGE,
        Error::Config(_) => EXIT_AUTH,
        Error::InvalidInput(i) if i.is_local() => EXIT_USAGE,
        Error::Unauthorized(_) => EXIT_AUTH,
        // The server did answer, with too much: not a network failure.
        Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge => EXIT_API,
        Error::Transport(_) => EXIT_NETWORK,
        Error::DeadlineExceeded { last, .. } => match seam_exit_code(last) {
            EXIT_API => EXIT_NETWORK,
            code => code,
        },
        Error::ActionAttemptFailed(_) => EXIT_ACTION_FAILED,
        Error::ActionAttemptTimedOut(_) => EXIT_ACTION_PENDING,
        e if e.is_not_found() => EXIT_NOT_FOUND,
        _ => EXIT_API,
    }
}

/// `text` as it may reach a terminal: every control character (C0 but the space-like ones,
/// DEL, C1) written as `\u{..}` instead of raw, so a server's error `type` or `message`
/// cannot clear the screen, set the window title or colour the rest of the session; line
/// breaks and tabs become spaces (an error is one line).
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// JSON text (serde_json's, which escapes C0 controls already) with DEL and the C1 controls
/// escaped too (`\u009b` is a terminal's CSI): still the same JSON.
pub fn json_terminal_safe(json: &str) -> String {
    if !json.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` without any of `secrets` (the tokens this invocation knows), whatever put them
/// there: core's scrub.
pub fn without_secrets(mut text: String, secrets: &[String]) -> String {
    for secret in secrets {
        seamapi_core::scrub::scrub_text(&mut text, secret);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(
            terminal_safe("a\u{1b}]0;title\u{7}b\u{1b}[2Jc\u{9b}31m\nd"),
            "a\\u{1b}]0;title\\u{7}b\\u{1b}[2Jc\\u{9b}31m d"
        );
        let json =
            serde_json::to_string(&serde_json::json!({"m": "\u{1b}[2J\u{9b}x\u{7f}"})).unwrap();
        let safe = json_terminal_safe(&json);
        assert!(!safe.chars().any(char::is_control), "{safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            serde_json::json!({"m": "\u{1b}[2J\u{9b}x\u{7f}"})
        );
    }
}
