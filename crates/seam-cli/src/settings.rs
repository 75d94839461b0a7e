//! Where the configuration comes from: flags, then the environment, then the file `seam login`
//! wrote. The rules for tokens and the environment are core's (`ConfigBuilder`, `Environment`,
//! `Credentials::from_token`); this only decides which layer each value is taken from.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use seamapi_core::{
    AuthSet, ConfigBuilder, ConfigError, Credentials, DEFAULT_ENDPOINT, Environment, RouteInfo,
    TokenKind,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::fail::CliError;

/// The options every command takes (clap's global arguments).
#[derive(Debug, Default, Clone)]
pub struct Globals {
    /// `--api-key`.
    pub api_key: Option<String>,
    /// `--personal-access-token`.
    pub personal_access_token: Option<String>,
    /// `--workspace-id`.
    pub workspace_id: Option<String>,
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--timeout`, in seconds.
    pub timeout: Option<f64>,
    /// `--json`.
    pub json: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--non-interactive`.
    pub non_interactive: bool,
    /// `--sandbox`.
    pub sandbox: bool,
    /// `--sandbox-state`.
    pub sandbox_state: Option<PathBuf>,
    /// `--without-workspace`.
    pub without_workspace: bool,
    /// `--ca-cert`.
    pub ca_cert: Option<PathBuf>,
    /// `--proxy`.
    pub proxy: Option<String>,
    /// `--no-proxy`.
    pub no_proxy: bool,
}

impl Globals {
    /// Reads the global arguments from (any level of) the parsed command line.
    pub fn from_matches(m: &clap::ArgMatches) -> Self {
        let s = |id: &str| m.get_one::<String>(id).cloned();
        Self {
            api_key: s("api-key"),
            personal_access_token: s("personal-access-token"),
            workspace_id: s("workspace-id"),
            endpoint: s("endpoint"),
            timeout: m.get_one::<f64>("timeout").copied(),
            json: m.get_flag("json"),
            dry_run: m.get_flag("dry-run"),
            non_interactive: m.get_flag("non-interactive"),
            sandbox: m.get_flag("sandbox"),
            sandbox_state: m.get_one::<PathBuf>("sandbox-state").cloned(),
            without_workspace: m.get_flag("without-workspace"),
            ca_cert: m.get_one::<PathBuf>("ca-cert").cloned(),
            proxy: s("proxy"),
            no_proxy: m.get_flag("no-proxy"),
        }
    }
}

/// What `seam login` stores.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stored {
    /// The token (API key, personal access token or console session token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The endpoint it was checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The workspace, for tokens that need one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

fn non_empty(name: &str) -> Option<String> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .and_then(|p| p.is_absolute().then(|| p.to_string_lossy().into_owned()))
}

/// The per-user directory `$XDG_<kind>_HOME/seam`, else `~/<fallback>/seam`.
fn user_dir(xdg: &str, fallback: &str) -> Result<PathBuf, CliError> {
    if let Some(dir) = non_empty(xdg) {
        return Ok(PathBuf::from(dir).join("seam"));
    }
    match non_empty("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(fallback).join("seam")),
        None => Err(CliError::usage(format!(
            "cannot find a per-user directory: set {xdg} or HOME"
        ))),
    }
}

/// `$XDG_CONFIG_HOME/seam/config.json`, else `~/.config/seam/config.json`.
pub fn config_path() -> Result<PathBuf, CliError> {
    Ok(user_dir("XDG_CONFIG_HOME", ".config")?.join("config.json"))
}

/// `$XDG_DATA_HOME/seam/sandbox.json`, else `~/.local/share/seam/sandbox.json`.
pub fn default_sandbox_path() -> Result<PathBuf, CliError> {
    Ok(user_dir("XDG_DATA_HOME", ".local/share")?.join("sandbox.json"))
}

impl Stored {
    /// Reads the stored configuration; a missing file is an empty one.
    pub fn load(path: &Path) -> Result<Self, CliError> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CliError::local(
                    "config_file",
                    format!(
                        "{} is not a valid config file ({e}); run `seam logout` to remove it",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(CliError::local(
                "config_file",
                format!("cannot read {}: {e}", path.display()),
            )),
        }
    }

    /// Writes the file readable by its owner only (mode 0600), atomically.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let fail = |what: &str, e: std::io::Error| {
            CliError::local(
                "config_file",
                format!("cannot {what} {}: {e}", path.display()),
            )
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| fail("create the folder of", e))?;
        let tmp = path.with_extension("json.tmp");
        let _ = fs::remove_file(&tmp);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(|e| fail("create", e))?;
        let body = serde_json::to_vec_pretty(self)
            .map_err(|e| CliError::local("config_file", e.to_string()))?;
        file.write_all(&body)
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.sync_all())
            .map_err(|e| fail("write", e))?;
        fs::rename(&tmp, path).map_err(|e| fail("replace", e))
    }

    /// The stored values, the token redacted.
    pub fn redacted(&self) -> Value {
        json!({
            "token": self.token.as_deref().map(redact),
            "endpoint": self.endpoint,
            "workspace_id": self.workspace_id,
        })
    }
}

/// A token, safe to print: only its kind's prefix (core's `Secret::redacted`).
pub fn redact(token: &str) -> String {
    seamapi_core::Secret::new(token).redacted()
}

/// Where a value was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Environment,
    /// The file `seam login` wrote.
    ConfigFile,
    /// The sandbox's seeded key.
    Sandbox,
    /// The built-in default.
    Default,
    /// Nowhere.
    None,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Flag => "flag",
            Self::Environment => "environment",
            Self::ConfigFile => "config file",
            Self::Sandbox => "sandbox",
            Self::Default => "default",
            Self::None => "none",
        }
    }
}

/// The layered configuration: a core `ConfigBuilder` with each value from the first layer
/// that has it, and where each came from (for `seam config show`).
#[derive(Debug)]
pub struct Resolved {
    /// The builder; `build()` applies core's checks.
    pub builder: ConfigBuilder,
    /// Where the credentials came from.
    pub token_source: Source,
    /// The token, for `config show` (redacted there).
    token: Option<String>,
    /// The endpoint in force.
    pub endpoint: String,
    /// Where the endpoint came from.
    pub endpoint_source: Source,
    workspace: Option<(String, Source)>,
    /// Whether the token acts in no workspace (`--without-workspace`, or chosen for a route).
    pub without_workspace: bool,
    /// An error found while layering (reported when the configuration is used).
    pub error: Option<ConfigError>,
}

impl Resolved {
    /// The token in force, if any: what every printed error is scrubbed of.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

fn first<T: Clone>(layers: &[(Option<&T>, Source)]) -> Option<(T, Source)> {
    layers.iter().find_map(|(v, s)| v.map(|v| (v.clone(), *s)))
}

/// A token as credentials acting in no workspace: a personal access token or console session
/// token as such; anything else as it is, for core to refuse with its own error.
pub fn credentials_without_workspace(token: &str) -> Result<Credentials, ConfigError> {
    match TokenKind::of(token) {
        TokenKind::PersonalAccessToken => {
            Credentials::personal_access_token_without_workspace(token.to_owned())
        }
        TokenKind::ConsoleSessionToken => {
            Credentials::console_session_token_without_workspace(token.to_owned())
        }
        _ => Credentials::from_token(token.to_owned(), None),
    }
}

/// Layers flags over the environment over the stored file. With `without_workspace`, the
/// token acts in no workspace (core's `ConfigBuilder::without_workspace`: only a personal
/// access token or console session token may) and the workspace id is ignored.
pub fn resolve(
    g: &Globals,
    env: &Environment,
    stored: &Stored,
    sandbox_key: Option<&str>,
    without_workspace: bool,
) -> Resolved {
    let workspace = if without_workspace {
        None
    } else {
        first(&[
            (g.workspace_id.as_ref(), Source::Flag),
            (env.workspace_id.as_ref(), Source::Environment),
            (stored.workspace_id.as_ref(), Source::ConfigFile),
        ])
    };
    let mut builder = ConfigBuilder::default();
    let mut error = None;
    let ws = workspace.as_ref().map(|(w, _)| w.clone());
    let (token, token_source) = if let Some(key) = &g.api_key {
        builder = builder.api_key(key.clone());
        (Some(key.clone()), Source::Flag)
    } else if let Some(token) = &g.personal_access_token {
        match &ws {
            _ if without_workspace => {
                builder = builder.personal_access_token_without_workspace(token.clone())
            }
            Some(ws) => builder = builder.personal_access_token(token.clone(), ws.clone()),
            None => {
                error = Some(ConfigError::MissingWorkspaceId {
                    kind: TokenKind::PersonalAccessToken,
                })
            }
        }
        (Some(token.clone()), Source::Flag)
    } else if let Some(key) = sandbox_key {
        builder = builder.api_key(key);
        (Some(key.to_owned()), Source::Sandbox)
    } else if env.api_key.is_some() || env.personal_access_token.is_some() {
        let mut env = env.clone();
        if !without_workspace {
            env.workspace_id = ws;
        }
        let token = env.api_key.clone().or(env.personal_access_token.clone());
        builder = builder.environment(env);
        (token, Source::Environment)
    } else if let Some(token) = &stored.token {
        let credentials = if without_workspace {
            credentials_without_workspace(token)
        } else {
            Credentials::from_token(token.clone(), ws)
        };
        match credentials {
            Ok(c) => builder = builder.credentials(c),
            Err(e) => error = Some(e),
        }
        (Some(token.clone()), Source::ConfigFile)
    } else {
        (None, Source::None)
    };
    if without_workspace {
        builder = builder.without_workspace();
    }
    let (endpoint, endpoint_source) = if sandbox_key.is_some() && g.endpoint.is_none() {
        (DEFAULT_ENDPOINT.to_owned(), Source::Default)
    } else {
        let env_endpoint = env.endpoint().map(str::to_owned);
        first(&[
            (g.endpoint.as_ref(), Source::Flag),
            (env_endpoint.as_ref(), Source::Environment),
            (stored.endpoint.as_ref(), Source::ConfigFile),
        ])
        .unwrap_or((DEFAULT_ENDPOINT.to_owned(), Source::Default))
    };
    builder = builder.endpoint(endpoint.clone());
    if let Some(t) = g.timeout {
        builder = builder.timeout(Duration::from_secs_f64(t));
    }
    Resolved {
        builder,
        token_source,
        token,
        endpoint,
        endpoint_source,
        workspace,
        without_workspace,
        error,
    }
}

impl Resolved {
    /// The configuration in force, for `seam config show`, the token redacted.
    pub fn describe(&self) -> Value {
        json!({
            "token": self.token.as_deref().map(redact),
            "token_source": self.token_source.as_str(),
            "endpoint": self.endpoint,
            "endpoint_source": self.endpoint_source.as_str(),
            "workspace_id": self.workspace.as_ref().map(|w| &w.0),
            "workspace_id_source": self.workspace.as_ref().map_or("none", |w| w.1.as_str()),
            "without_workspace": self.without_workspace,
        })
    }

    /// Whether `route` is better called without a workspace: the token in force is a personal
    /// access token or console session token, no workspace id is set anywhere, and the route
    /// accepts that token acting in no workspace (`workspaces list`, `workspaces create`).
    pub fn fits_without_workspace(&self, route: &RouteInfo) -> bool {
        if self.without_workspace
            || self.workspace.is_some()
            || self.token_source == Source::Sandbox
        {
            return false;
        }
        let wanted = match self.token.as_deref().map(TokenKind::of) {
            Some(TokenKind::PersonalAccessToken) => {
                AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE
            }
            Some(TokenKind::ConsoleSessionToken) => AuthSet::CONSOLE_SESSION_WITHOUT_WORKSPACE,
            _ => return false,
        };
        route.auth.contains(wanted)
    }

    /// The workspace in force, if any.
    pub fn workspace_id(&self) -> Option<&str> {
        self.workspace.as_ref().map(|w| w.0.as_str())
    }

    /// Core's checks over the layered values.
    pub fn build(self) -> Result<seamapi_core::Config, CliError> {
        if let Some(e) = self.error {
            return Err(e.into());
        }
        Ok(self.builder.build()?)
    }
}

/// Checks a `--timeout` value.
pub fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err("expected a number of seconds greater than 0 (at most 86400)".to_owned()),
    }
}
