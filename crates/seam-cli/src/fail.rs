//! Everything a command can fail with, its exit code, and how it is reported on stderr.

use std::borrow::Cow;

use seamapi_core::error::{TransportErrorKind, human_duration};
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
    /// clap refused the command line (an unknown flag or command, a bad value): what it said,
    /// on one line, and what to do (the closest flag, and the `--help` to read).
    CommandLine {
        /// What was wrong.
        message: String,
        /// What to do about it.
        hint: String,
    },
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
            Self::Usage(_) | Self::CommandLine { .. } => EXIT_USAGE,
            // The secret is the command line's; every other check is the delivery's.
            Self::Webhook(WebhookError::MalformedSecret { .. }) => EXIT_USAGE,
            Self::Webhook(_) => EXIT_WEBHOOK,
            Self::Local { .. } => EXIT_API,
            Self::Seam(e) => seam_exit_code(e),
        }
    }

    fn error_type(&self) -> String {
        match self {
            Self::Usage(_) | Self::CommandLine { .. } => "usage".to_owned(),
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
            Self::Usage(m)
            | Self::Local { message: m, .. }
            | Self::CommandLine { message: m, .. } => m.clone(),
            Self::Webhook(e) => e.to_string(),
            Self::Seam(e) => match e {
                Error::InvalidInput(i) => i.message.clone(),
                Error::Unauthorized(a) | Error::Api(a) => a.message.clone(),
                Error::UnexpectedResponse(u) => {
                    format!("{}; body {:?}", u.reason, u.body_excerpt)
                }
                Error::Config(c) => config_message(c),
                // Which TLS or proxy failure it was is in the kind's text, not the message;
                // where the client tried and how often is in the text the client's retry
                // loop gives (`could not connect to URL: … (3 attempts)`).
                Error::Transport(t)
                    if matches!(
                        t.kind(),
                        TransportErrorKind::Tls(_) | TransportErrorKind::Proxy(_)
                    ) || (t.attempts().is_some()
                        && !matches!(
                            t.kind(),
                            TransportErrorKind::BodyTooLarge | TransportErrorKind::InvalidRequest
                        )) =>
                {
                    t.to_string()
                }
                Error::Transport(t) => t.message().to_owned(),
                // What the last attempt met, as its own line would say it (the status and
                // request id follow on the line).
                Error::DeadlineExceeded {
                    deadline,
                    attempts,
                    last,
                } => {
                    let last_message = CliError::Seam((**last).clone()).message();
                    let deadline = human_duration(*deadline);
                    match &**last {
                        Error::Pagination(_) => last_message,
                        Error::Transport(t) if t.attempts().is_some() => {
                            format!("gave up at the overall deadline of {deadline}: {last_message}")
                        }
                        _ => format!(
                            "gave up at the overall deadline of {deadline} after {attempts} \
                             attempt{}; the last answer: {last_message}",
                            if *attempts == 1 { "" } else { "s" }
                        ),
                    }
                }
                // The type is already the line's type.
                Error::ActionAttemptFailed(d) => format!(
                    "action attempt {} ({}) failed: {}",
                    d.action_attempt_id,
                    d.action_type,
                    d.message.as_deref().unwrap_or("no message")
                ),
                Error::ActionAttemptTimedOut(d) => format!(
                    "action attempt {} ({}) is still pending after {} of waiting: the action may \
                     still happen",
                    d.action_attempt_id,
                    d.action_type,
                    human_duration(d.waited)
                ),
                other => other.to_string(),
            },
        }
    }

    /// What to do about the error, naming only what its line shows (the flag, variable or
    /// value that was the problem).
    fn hint(&self) -> Option<Cow<'static, str>> {
        let e = match self {
            Self::Seam(e) => e,
            Self::Local { hint, .. } => return hint.map(Cow::Borrowed),
            Self::Webhook(w) => return webhook_hint(w).map(Cow::Borrowed),
            Self::Usage(_) => return None,
            Self::CommandLine { hint, .. } => return Some(Cow::Owned(hint.clone())),
        };
        Some(Cow::Borrowed(match e {
            Error::Config(ConfigError::MissingCredentials) => {
                "set SEAM_API_KEY or pass --api-key (or run `seam login`, or try `seam --sandbox`)"
            }
            Error::Config(ConfigError::MissingWorkspaceId { .. }) => {
                "pass --workspace-id or set SEAM_WORKSPACE_ID (only `workspaces list` and `workspaces create` run without one, with --without-workspace)"
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
                "use credentials of a kind it accepts (listed above): an API key with --api-key, a personal access token with --personal-access-token"
            }
            Error::Config(ConfigError::MissingCredentialsWithoutWorkspace) => {
                "pass --personal-access-token or set SEAM_PERSONAL_ACCESS_TOKEN (or run `seam login --without-workspace`)"
            }
            Error::Config(ConfigError::NotWithoutWorkspace { .. }) => {
                "--without-workspace takes a personal access token (--personal-access-token or SEAM_PERSONAL_ACCESS_TOKEN); an API key always acts in its own workspace"
            }
            Error::Config(ConfigError::ConflictingEnvironment) => {
                "unset SEAM_API_KEY or SEAM_PERSONAL_ACCESS_TOKEN, or pass --api-key or --personal-access-token"
            }
            Error::Config(ConfigError::EmptyToken { .. } | ConfigError::UnsafeToken { .. }) => {
                "copy the token again from Seam's console, whole and without spaces"
            }
            Error::Config(ConfigError::InvalidWorkspaceId) => {
                "copy the workspace id again, without spaces"
            }
            Error::Config(ConfigError::InvalidProxy { .. }) => {
                "pass an HTTP proxy as http://[user:password@]host:port with --proxy (or in HTTPS_PROXY / ALL_PROXY), or --no-proxy"
            }
            Error::Config(ConfigError::WrongTokenKind { .. }) => {
                "pass an API key with --api-key, a personal access token with --personal-access-token"
            }
            Error::Config(
                ConfigError::InvalidEndpoint { .. } | ConfigError::InsecureEndpoint { .. },
            ) => {
                "fix the endpoint in --endpoint (or SEAM_ENDPOINT): https://connect.getseam.com, or an http:// URL on this machine (127.0.0.1, localhost)"
            }
            Error::Unauthorized(_) => {
                "check the token in --api-key, SEAM_API_KEY or `seam login`, and its workspace"
            }
            Error::Transport(t) if t.kind() == TransportErrorKind::Timeout => {
                "the server did not answer within the time each attempt has: run it again, or give each attempt more with --timeout SECONDS"
            }
            // The overall deadline (90 s) is not an option of the command line: what to do
            // depends on what the last attempt met.
            Error::DeadlineExceeded { last, .. } => match &**last {
                Error::Pagination(_) => {
                    "read page by page with --limit and --page-cursor, starting from the last page read"
                }
                last if last.is_network() => {
                    "no answer came before the overall deadline: check the endpoint named above and the network, then run it again"
                }
                last if last.request_id().is_some() => {
                    "the server kept failing until the overall deadline: run it again later, and quote the request id to Seam support if it persists"
                }
                _ => "the server kept failing until the overall deadline: run it again later",
            },
            Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge => {
                "the server answered with more than this client reads at once: ask for less, e.g. smaller pages with --limit N (and --page-cursor)"
            }
            Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Tls(_)) => {
                tls_hint(t.kind())
            }
            Error::Transport(t) if matches!(t.kind(), TransportErrorKind::Proxy(_)) => {
                proxy_hint(t.kind())
            }
            Error::Transport(_) => {
                "check the endpoint it names (--endpoint or SEAM_ENDPOINT) and the network"
            }
            Error::InvalidInput(i)
                if i.validation_errors
                    .fields
                    .values()
                    .any(|f| !f.errors.is_empty()) =>
            {
                "fix the parameters named in brackets; `seam <command> --help` lists each one's form"
            }
            Error::InvalidInput(_) => {
                "fix the parameters as the message says; `seam <command> --help` lists each one's form"
            }
            Error::Api(a) if a.status.as_u16() == 404 => {
                "check the id or key; the `list` commands show what exists"
            }
            Error::Api(a) if a.status.as_u16() == 409 => {
                "the request conflicts with the current state the message describes: change that first (the `get` and `list` commands show it)"
            }
            Error::Api(a) if a.status.as_u16() == 429 => {
                "rate limited after the retries: wait a moment and run it again"
            }
            Error::Api(a) if a.status.as_u16() == 501 && a.error_type == "not_implemented" => {
                "the sandbox models only the ACS-user routes (see `seam sandbox --help`): run this command against Seam, without --sandbox"
            }
            Error::Api(a) if a.status.is_server_error() && a.request_id.is_some() => {
                "a failure on Seam's side: run it again later, and quote the request id to Seam support if it persists"
            }
            Error::Api(a) if a.status.is_server_error() => {
                "a failure on Seam's side: run it again later"
            }
            Error::UnexpectedResponse(u)
                if u.status.is_server_error() && u.request_id.is_some() =>
            {
                "a failure on the server's side: run it again later, and quote the request id to Seam support if it persists"
            }
            Error::UnexpectedResponse(u) if u.status.is_server_error() => {
                "a failure on the server's side: run it again later"
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
            // The command to run names the attempt the line names.
            Error::ActionAttemptFailed(d) => {
                return Some(Cow::Owned(format!(
                    "the device or its system reported the failure above; `seam action-attempts get --action_attempt_id {}` shows the attempt",
                    d.action_attempt_id
                )));
            }
            Error::ActionAttemptTimedOut(d) => {
                return Some(Cow::Owned(format!(
                    "check later with `seam action-attempts get --action_attempt_id {}`, or wait longer with --wait-timeout SECONDS",
                    d.action_attempt_id
                )));
            }
            _ => return None,
        }))
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

/// clap's refusal of the command line as one line (clap's own report spans several: the
/// error, a tip, the usage): what was wrong, and as the hint the closest flag, command or
/// value clap found and the `--help` that lists them. `app` is the whole command, `args` the
/// command line without the program's name.
pub fn command_line_error(e: &clap::Error, app: &clap::Command, args: &[String]) -> CliError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    // The command the line reached: its words, down the tree as far as they go.
    let mut command = String::from("seam");
    let mut node = app;
    for arg in args.iter().take_while(|a| *a != "--") {
        if let Some(sub) = node.find_subcommand(arg) {
            command.push(' ');
            command.push_str(arg);
            node = sub;
        }
    }
    let suggestion = text(ContextKind::SuggestedArg)
        .or_else(|| text(ContextKind::SuggestedValue))
        .or_else(|| text(ContextKind::SuggestedSubcommand).map(|s| format!("`{command} {s}`")));
    let (message, lists) = match (e.kind(), text(ContextKind::InvalidArg)) {
        (ErrorKind::UnknownArgument, Some(arg)) if arg.starts_with('-') => {
            let flag = arg.split('=').next().unwrap_or(&arg);
            (
                format!("unknown flag {flag} for `{command}`"),
                "lists its flags",
            )
        }
        (ErrorKind::UnknownArgument, Some(arg)) => (
            format!("unexpected argument {arg:?} for `{command}` (flags start with --)"),
            "lists its flags",
        ),
        (ErrorKind::InvalidSubcommand, _) => (
            format!(
                "unknown command {:?} under `{command}`",
                text(ContextKind::InvalidSubcommand).unwrap_or_default()
            ),
            "lists its commands",
        ),
        _ => {
            // clap's report without its tips and usage, on one line.
            let rendered = e.render().to_string();
            let lines: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                .collect();
            let message = lines.join(" ");
            let message = message
                .strip_prefix("error: ")
                .unwrap_or(&message)
                .to_owned();
            (message, "shows how to call it")
        }
    };
    let help = format!("`{command} --help` {lists}");
    let hint = match suggestion {
        Some(s) => format!("did you mean {s}? {help}"),
        None => help,
    };
    CliError::CommandLine { message, hint }
}

/// Where a token of the kind core calls `option` comes from on the command line.
fn token_option(option: &str) -> &'static str {
    match option {
        "api key" => "the API key (--api-key or SEAM_API_KEY)",
        "personal access token" => {
            "the personal access token (--personal-access-token or SEAM_PERSONAL_ACCESS_TOKEN)"
        }
        _ => "the stored token (`seam login`)",
    }
}

/// A configuration error in the command line's words: the flags and variables a user sets,
/// never the library's builder or its methods.
fn config_message(e: &ConfigError) -> String {
    match e {
        ConfigError::MissingCredentials => "no credentials: no --api-key or \
            --personal-access-token, no SEAM_API_KEY or SEAM_PERSONAL_ACCESS_TOKEN, and no token \
            stored by `seam login`"
            .to_owned(),
        ConfigError::WrongTokenKind {
            option,
            expected,
            found,
        } => format!(
            "{} must be {expected}, but {found} was given",
            token_option(option)
        ),
        ConfigError::EmptyToken { option } => format!("{} is empty", token_option(option)),
        ConfigError::UnsafeToken { option } => format!(
            "{} holds spaces, control or non-ASCII characters",
            token_option(option)
        ),
        ConfigError::MissingWorkspaceId { kind } => format!(
            "{kind} acts in a workspace, and no workspace id is set (--workspace-id or \
             SEAM_WORKSPACE_ID)"
        ),
        ConfigError::InvalidWorkspaceId => "the workspace id (--workspace-id or \
            SEAM_WORKSPACE_ID) is empty or holds spaces, control or non-ASCII characters"
            .to_owned(),
        ConfigError::ConflictingEnvironment => "both SEAM_API_KEY and \
            SEAM_PERSONAL_ACCESS_TOKEN are set, and no flag says which to use"
            .to_owned(),
        ConfigError::CredentialsNotAccepted {
            route,
            accepted,
            configured,
        } => format!(
            "`seam {}` cannot be called with {configured}; it accepts {accepted}",
            route.replace('.', " ").replace('_', "-")
        ),
        ConfigError::MissingCredentialsWithoutWorkspace => "no credentials for \
            --without-workspace: no --personal-access-token, no SEAM_PERSONAL_ACCESS_TOKEN, and \
            no token stored by `seam login --without-workspace`"
            .to_owned(),
        ConfigError::NotWithoutWorkspace { configured } => format!(
            "--without-workspace takes {}, but {configured} was given",
            AuthSet::WITHOUT_WORKSPACE
        ),
        ConfigError::InsecureEndpoint { endpoint } => format!(
            "refusing plain http to {endpoint:?}: the API is reached over https, or over http \
             on this machine only"
        ),
        // The endpoint's and the proxy's messages name the value and what is wrong with it.
        other => other.to_string(),
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
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use seamapi_core::error::Attempts;
    use seamapi_core::{TokenKind, TransportError, ValidationErrors};

    use super::*;

    const ENDPOINT: &str = "https://connect.getseam.com";

    fn tried(count: u32, elapsed_ms: u64) -> Attempts {
        Attempts::new(
            ENDPOINT,
            count,
            Duration::from_secs(30),
            Duration::from_millis(elapsed_ms),
        )
    }

    fn answer(status: u16, body: &str, request_id: Option<&str>) -> Error {
        let mut headers = http::HeaderMap::new();
        if let Some(id) = request_id {
            headers.insert("seam-request-id", id.parse().unwrap());
        }
        seamapi_core::decode_error(
            http::StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
        )
    }

    /// Every kind of failure a user meets, with the line it prints: in the command line's
    /// words, and with a hint about what the line shows.
    fn cases() -> Vec<(CliError, &'static str)> {
        let config = |e: ConfigError| CliError::Seam(Error::Config(e));
        let mut form_only = ValidationErrors::new();
        form_only.add_form("Exactly one of user_identity_id, user_identity_key is required");
        vec![
            (
                config(ConfigError::MissingCredentials),
                "error: configuration: no credentials: no --api-key or --personal-access-token, no SEAM_API_KEY or SEAM_PERSONAL_ACCESS_TOKEN, and no token stored by `seam login`; hint: set SEAM_API_KEY or pass --api-key (or run `seam login`, or try `seam --sandbox`)",
            ),
            (
                config(ConfigError::WrongTokenKind {
                    option: "api key",
                    expected: TokenKind::ApiKey,
                    found: TokenKind::PersonalAccessToken,
                }),
                "error: configuration: the API key (--api-key or SEAM_API_KEY) must be an API key (seam_…), but a personal access token (seam_at…) was given; hint: pass an API key with --api-key, a personal access token with --personal-access-token",
            ),
            (
                config(ConfigError::EmptyToken { option: "api key" }),
                "error: configuration: the API key (--api-key or SEAM_API_KEY) is empty; hint: copy the token again from Seam's console, whole and without spaces",
            ),
            (
                config(ConfigError::MissingWorkspaceId {
                    kind: TokenKind::PersonalAccessToken,
                }),
                "error: configuration: a personal access token (seam_at…) acts in a workspace, and no workspace id is set (--workspace-id or SEAM_WORKSPACE_ID); hint: pass --workspace-id or set SEAM_WORKSPACE_ID (only `workspaces list` and `workspaces create` run without one, with --without-workspace)",
            ),
            (
                config(ConfigError::ConflictingEnvironment),
                "error: configuration: both SEAM_API_KEY and SEAM_PERSONAL_ACCESS_TOKEN are set, and no flag says which to use; hint: unset SEAM_API_KEY or SEAM_PERSONAL_ACCESS_TOKEN, or pass --api-key or --personal-access-token",
            ),
            (
                config(ConfigError::CredentialsNotAccepted {
                    route: "workspaces.create".to_owned(),
                    accepted: AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE,
                    configured: AuthSet::API_KEY,
                }),
                "error: configuration: `seam workspaces create` cannot be called with an API key; it accepts a personal access token without a workspace; hint: use credentials of a kind it accepts (listed above): an API key with --api-key, a personal access token with --personal-access-token",
            ),
            (
                config(ConfigError::MissingCredentialsWithoutWorkspace),
                "error: configuration: no credentials for --without-workspace: no --personal-access-token, no SEAM_PERSONAL_ACCESS_TOKEN, and no token stored by `seam login --without-workspace`; hint: pass --personal-access-token or set SEAM_PERSONAL_ACCESS_TOKEN (or run `seam login --without-workspace`)",
            ),
            (
                config(ConfigError::NotWithoutWorkspace {
                    configured: AuthSet::API_KEY,
                }),
                "error: configuration: --without-workspace takes a personal access token without a workspace or a console session token without a workspace, but an API key was given; hint: --without-workspace takes a personal access token (--personal-access-token or SEAM_PERSONAL_ACCESS_TOKEN); an API key always acts in its own workspace",
            ),
            (
                config(ConfigError::InsecureEndpoint {
                    endpoint: "http://example.com".to_owned(),
                }),
                "error: configuration: refusing plain http to \"http://example.com\": the API is reached over https, or over http on this machine only; hint: fix the endpoint in --endpoint (or SEAM_ENDPOINT): https://connect.getseam.com, or an http:// URL on this machine (127.0.0.1, localhost)",
            ),
            (
                CliError::Seam(Error::Transport(
                    TransportError::connect("connection refused").with_attempts(tried(3, 640)),
                )),
                "error: network: could not connect to https://connect.getseam.com: connection refused (3 attempts); hint: check the endpoint it names (--endpoint or SEAM_ENDPOINT) and the network",
            ),
            (
                CliError::Seam(Error::Transport(
                    TransportError::timeout(Duration::from_secs(30))
                        .with_attempts(tried(1, 30_010)),
                )),
                "error: timeout: no complete answer from https://connect.getseam.com within 30 s per attempt (1 attempt, 30 s waited in all); hint: the server did not answer within the time each attempt has: run it again, or give each attempt more with --timeout SECONDS",
            ),
            (
                CliError::Seam(Error::DeadlineExceeded {
                    deadline: Duration::from_secs(90),
                    attempts: 3,
                    last: Box::new(Error::Transport(
                        TransportError::timeout(Duration::from_secs(30))
                            .with_attempts(tried(3, 90_000)),
                    )),
                }),
                "error: timeout: gave up at the overall deadline of 90 s: no complete answer from https://connect.getseam.com within 30 s per attempt (3 attempts, 90 s waited in all); hint: no answer came before the overall deadline: check the endpoint named above and the network, then run it again",
            ),
            (
                CliError::Seam(Error::DeadlineExceeded {
                    deadline: Duration::from_secs(90),
                    attempts: 7,
                    last: Box::new(answer(
                        503,
                        r#"{"error":{"type":"unavailable","message":"try later"}}"#,
                        None,
                    )),
                }),
                "error: timeout: gave up at the overall deadline of 90 s after 7 attempts; the last answer: try later (HTTP 503); hint: the server kept failing until the overall deadline: run it again later",
            ),
            (
                CliError::Seam(answer(
                    500,
                    r#"{"error":{"type":"internal","message":"boom"}}"#,
                    None,
                )),
                "error: internal: boom (HTTP 500); hint: a failure on Seam's side: run it again later",
            ),
            (
                CliError::Seam(answer(
                    500,
                    r#"{"error":{"type":"internal","message":"boom"}}"#,
                    Some("req_1"),
                )),
                "error: internal: boom (HTTP 500, request id req_1); hint: a failure on Seam's side: run it again later, and quote the request id to Seam support if it persists",
            ),
            (
                CliError::Seam(answer(502, "<html>bad gateway</html>", None)),
                "error: unexpected_response: an error status without a Seam error body (expected value at line 1 column 1); body \"<html>bad gateway</html>\" (HTTP 502); hint: a failure on the server's side: run it again later",
            ),
            (
                CliError::Seam(Error::InvalidInput(seamapi_core::InvalidInput::local(
                    form_only,
                ))),
                "error: invalid_input: Exactly one of user_identity_id, user_identity_key is required (refused before sending); hint: fix the parameters as the message says; `seam <command> --help` lists each one's form",
            ),
        ]
    }

    #[test]
    fn every_line_is_in_the_command_lines_words_with_a_hint_about_what_it_shows() {
        for (error, expected) in cases() {
            let line = error.line();
            assert_eq!(line, expected);
            // No word of the library's: its builder, its methods, its options.
            for library in [
                "builder",
                "Builder",
                "explicitly",
                " option ",
                "pass one",
                "a client without",
                "allow insecure",
                "()",
                "::",
            ] {
                assert!(!line.contains(library), "{library:?} in {line}");
            }
            // A hint points at what the line shows.
            let (message, hint) = line.split_once("; hint: ").unwrap();
            let shows = |what: &[&str]| what.iter().any(|w| message.contains(w));
            if hint.contains("endpoint") {
                assert!(shows(&["://", "endpoint"]), "{line}");
            }
            if hint.contains("--timeout") {
                assert!(shows(&["per attempt"]), "{line}");
            }
            if hint.contains("request id") {
                assert!(shows(&["request id"]), "{line}");
            }
            if hint.contains("brackets") {
                assert!(shows(&[" ["]), "{line}");
            }
            if hint.contains("--workspace-id") {
                assert!(shows(&["workspace"]), "{line}");
            }
            if hint.contains("--without-workspace") && !hint.contains("with --without-workspace") {
                assert!(shows(&["without"]), "{line}");
            }
        }
    }

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
