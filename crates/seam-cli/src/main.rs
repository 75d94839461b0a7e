//! `seam`: the Seam API from the command line.
//!
//! Every route of the generated route table (`seamapi_api::ROUTES`, from Seam's API document) is a
//! command (`seam user-identities add-acs-user`, `seam locks unlock-door`, …) whose flags are
//! the route's parameters. `--sandbox` runs against
//! a local fake kept in a file; `seam login` stores a token; `--dry-run` prints the request
//! instead of sending it. See `docs/cli.md` and `seam --help`.
//!
//! Exit codes: 0 success; 1 API error; 2 usage or local validation; 3 authentication; 4 not
//! found; 5 network or timeout; 6 the action a command started failed; 7 it was still pending
//! when waiting stopped; 8 a webhook delivery failed `seam webhooks verify`.

mod app;
mod fail;
mod flags;
mod network;
mod prompt;
mod sandbox;
mod session;
mod settings;
mod table;
mod webhooks;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ArgMatches;
use seamapi_api::routes::{ListUserIdentities, WorkspacesList};
use seamapi_core::{ActionWait, AuthSet, ConfigError, Credentials, RawRequest, Route, TokenKind};
use serde_json::{Map, Value, json};

use crate::fail::CliError;
use crate::session::Session;
use crate::settings::{Globals, Stored, config_path, credentials_without_workspace, redact};
use crate::table::{Printed, RouteCommand};

fn main() -> ExitCode {
    let routes = table::commands();
    let app = app::build(&routes);
    let matches = match app.clone().try_get_matches() {
        Ok(m) => m,
        // Help and the version are printed as clap lays them out.
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(fail::EXIT_USAGE));
        }
        // A refused command line is one line, as every other error.
        Err(e) => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let flags: Vec<&String> = args.iter().take_while(|a| *a != "--").collect();
            let json = flags.iter().any(|a| *a == "--json");
            // The tokens on the command line, which clap may echo as a bad value.
            let mut secrets = Vec::new();
            for (i, flag) in flags.iter().enumerate() {
                for name in ["--api-key", "--personal-access-token", "--token"] {
                    if *flag == name {
                        secrets.extend(flags.get(i + 1).map(|v| (*v).clone()));
                    } else if let Some(v) =
                        flag.strip_prefix(name).and_then(|v| v.strip_prefix('='))
                    {
                        secrets.push(v.to_owned());
                    }
                }
            }
            return report(&fail::command_line_error(&e, &app, &args), json, &secrets);
        }
    };
    let mut words = Vec::new();
    let mut leaf = &matches;
    while let Some((name, sub)) = leaf.subcommand() {
        words.push(name.to_owned());
        leaf = sub;
    }
    let globals = Globals::from_matches(leaf);
    let json = globals.json;
    let session = Session::new(globals);
    match dispatch(&session, &routes, app, &words, leaf) {
        Ok(printed) => {
            print(&printed, json);
            ExitCode::from(fail::EXIT_OK)
        }
        Err(e) => {
            let e = session.explain(e);
            // Whatever the source of the text, the tokens this invocation knows stay out.
            let mut secrets: Vec<String> = session
                .resolved()
                .ok()
                .and_then(|r| r.token().map(str::to_owned))
                .into_iter()
                .collect();
            secrets.extend(leaf.try_get_one::<String>("token").ok().flatten().cloned());
            report(&e, json, &secrets)
        }
    }
}

/// Writes `e` on stderr (one line, or JSON with `--json`) without `secrets`, and returns its
/// exit code.
fn report(e: &CliError, json: bool, secrets: &[String]) -> ExitCode {
    let text = if json {
        fail::json_terminal_safe(&e.to_json().to_string())
    } else {
        e.line()
    };
    let text = fail::without_secrets(text, secrets);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
    ExitCode::from(e.exit_code())
}

fn print(printed: &Printed, compact: bool) {
    let stdout = std::io::stdout();
    let pretty = !compact && stdout.is_terminal();
    let text = match printed {
        Printed::Json(v) => {
            let s = if pretty {
                serde_json::to_string_pretty(v)
            } else {
                serde_json::to_string(v)
            };
            // Serialising a `Value` cannot fail; print nothing rather than panic if it did.
            // The server's text goes to a terminal: no raw DEL or C1 controls either.
            s.map(|s| fail::json_terminal_safe(&s) + "\n")
                .unwrap_or_default()
        }
        Printed::Text(t) => t.clone(),
    };
    let mut out = stdout.lock();
    // A closed pipe (`seam … | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn dispatch(
    session: &Session,
    routes: &[RouteCommand],
    mut app: clap::Command,
    words: &[String],
    leaf: &ArgMatches,
) -> Result<Printed, CliError> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["login"] => login(session, leaf),
        ["logout"] => logout(),
        ["config", "show"] => config_show(session),
        ["sandbox", "reset"] => sandbox::reset(&session.globals),
        ["webhooks", "verify"] => webhooks::verify(leaf),
        ["sandbox", "serve"] => sandbox::serve(&session.globals, leaf),
        ["completions"] => {
            let shell = leaf
                .get_one::<clap_complete::Shell>("shell")
                .copied()
                .unwrap_or(clap_complete::Shell::Bash);
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut app, "seam", &mut script);
            Ok(Printed::Text(String::from_utf8_lossy(&script).into_owned()))
        }
        _ => {
            let route = routes
                .iter()
                .find(|r| r.words() == words)
                .ok_or_else(|| CliError::usage(format!("unknown command {}", words.join(" "))))?;
            run_route(session, route, leaf)
        }
    }
}

fn read_stdin() -> Result<String, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::usage(format!("cannot read --input from stdin: {e}")))?;
    Ok(text)
}

/// The parameters: `--input` first, then the flags over it.
fn collect(route: &RouteCommand, m: &ArgMatches) -> Result<Map<String, Value>, CliError> {
    let mut params = Map::new();
    if let Some(input) = m.get_one::<PathBuf>("input") {
        let text = if input.as_os_str() == "-" {
            read_stdin()?
        } else {
            std::fs::read_to_string(input).map_err(|e| {
                CliError::usage(format!("cannot read --input {}: {e}", input.display()))
            })?
        };
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| CliError::usage(format!("--input is not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(CliError::usage(
                "--input must be a JSON object of parameters",
            ));
        };
        if let Some(unknown) = object.keys().find(|k| !route.has_param(k)) {
            return Err(CliError::usage(format!(
                "unknown parameter {unknown:?} in --input; {} takes {}",
                route.words().join(" "),
                route
                    .info
                    .params
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        params = object;
    }
    for spec in route.info.params {
        let value = match flags::shape(spec.kind) {
            flags::Shape::Repeated(_) => m
                .get_many::<Value>(spec.name)
                .map(|vs| Value::Array(vs.cloned().collect())),
            _ => m.get_one::<Value>(spec.name).cloned(),
        };
        if let Some(value) = value {
            params.insert(spec.name.to_owned(), value);
        }
    }
    Ok(params)
}

fn run_route(session: &Session, route: &RouteCommand, m: &ArgMatches) -> Result<Printed, CliError> {
    let mut params = collect(route, m)?;
    let missing = table::missing(route.info.params, &params);
    if !missing.is_empty() {
        let stdin_used = m
            .get_one::<PathBuf>("input")
            .is_some_and(|p| p.as_os_str() == "-");
        let interactive = !session.globals.non_interactive
            && !stdin_used
            && std::io::stdin().is_terminal()
            && std::io::stdout().is_terminal();
        if interactive {
            prompt::fill(session, route.info.params, &missing, &mut params)?;
        } else {
            let names: Vec<String> = missing
                .iter()
                .map(|group| match group.as_slice() {
                    [one] => format!("--{one}"),
                    many => format!(
                        "one of {}",
                        many.iter()
                            .map(|n| format!("--{n}"))
                            .collect::<Vec<_>>()
                            .join(" / ")
                    ),
                })
                .collect();
            return Err(CliError::usage(format!(
                "missing required parameter{}: {} (see `seam {} --help`)",
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                route.words().join(" ")
            )));
        }
    }
    let defaults = seamapi_core::pager::WalkLimits::default();
    let limits = seamapi_core::pager::WalkLimits {
        max_pages: m
            .try_get_one::<u32>("max-pages")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(defaults.max_pages),
        max_items: m
            .try_get_one::<u64>("max-items")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(defaults.max_items),
    };
    let wait = if m.try_get_one::<bool>("no-wait").ok().flatten() == Some(&true) {
        ActionWait::off()
    } else {
        let timeout = m
            .try_get_one::<std::time::Duration>("wait-timeout")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(ActionWait::DEFAULT_TIMEOUT);
        ActionWait::up_to(timeout)
    };
    table::run(session, route, params, limits, wait)
}

/// Reads the token for `seam login`: from a prompt that does not echo, or a line of stdin.
fn read_token() -> Result<String, CliError> {
    let tty = std::io::stdin().is_terminal();
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    let echo_off = tty && stty("-echo");
    if tty {
        prompt::say("Seam API key or personal access token (input hidden): ");
    }
    let line = prompt::read_line();
    if echo_off {
        stty("echo");
        prompt::say("\n");
    }
    line?.ok_or_else(|| CliError::usage("no token given: pass --token or type one"))
}

/// Turns terminal echo on or off with `stty` (no terminal library needed).
fn stty(mode: &str) -> bool {
    std::process::Command::new("stty")
        .arg(mode)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn login(session: &Session, m: &ArgMatches) -> Result<Printed, CliError> {
    if session.globals.sandbox {
        return Err(CliError::usage(
            "the sandbox needs no login: use --sandbox with any command",
        ));
    }
    let token = match m.get_one::<String>("token") {
        Some(t) => t.clone(),
        None => read_token()?,
    };
    let token = token.trim().to_owned();
    if token.is_empty() {
        return Err(CliError::usage("no token given: pass --token or type one"));
    }
    let resolved = session.resolved()?;
    let without_workspace = session.globals.without_workspace;
    let workspace_id = resolved.workspace_id().map(str::to_owned);
    let workspace_needed = !without_workspace
        && matches!(
            TokenKind::of(&token),
            TokenKind::PersonalAccessToken | TokenKind::ConsoleSessionToken
        );
    let credentials = if without_workspace {
        let credentials = credentials_without_workspace(&token)?;
        if !AuthSet::WITHOUT_WORKSPACE.contains(credentials.auth_kind()) {
            return Err(ConfigError::NotWithoutWorkspace {
                configured: credentials.auth_kind(),
            }
            .into());
        }
        credentials
    } else {
        Credentials::from_token(token.clone(), workspace_id.clone())?
    };
    let endpoint = resolved.endpoint.clone();
    let network = crate::network::Network::from_process(&session.globals)?;
    let mut builder = network.apply(
        seamapi_blocking::Seam::builder()
            .credentials(credentials)
            .endpoint(endpoint.clone()),
    );
    if let Some(t) = session.globals.timeout {
        builder = builder.timeout(std::time::Duration::from_secs_f64(t));
    }
    let client = builder.build().map_err(|e| network.explain(e))?;
    // One cheap call that the token must pass: a list of one user identity, or without a
    // workspace the list of workspaces.
    if without_workspace {
        client.send_raw(RawRequest::for_route(&WorkspacesList::INFO, Map::new()))?;
    } else {
        client.send(ListUserIdentities::new().limit(1))?;
    }
    let stored = Stored {
        token: Some(token.clone()),
        endpoint: Some(endpoint.clone()),
        workspace_id: workspace_id.filter(|_| workspace_needed),
    };
    let path = config_path()?;
    stored.save(&path)?;
    Ok(Printed::Json(json!({
        "logged_in": true,
        "token": redact(&token),
        "endpoint": endpoint,
        "workspace_id": stored.workspace_id,
        "config_file": path.display().to_string(),
    })))
}

fn logout() -> Result<Printed, CliError> {
    let path = config_path()?;
    let removed = match std::fs::remove_file(&path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(CliError::local(
                "config_file",
                format!("cannot remove {}: {e}", path.display()),
            ));
        }
    };
    Ok(Printed::Json(json!({
        "logged_out": removed,
        "config_file": path.display().to_string(),
    })))
}

fn config_show(session: &Session) -> Result<Printed, CliError> {
    let path = config_path()?;
    let stored = Stored::load(&path)?;
    let resolved = session.resolved()?;
    let mut out = Map::new();
    out.insert("config_file".into(), path.display().to_string().into());
    out.insert("stored".into(), stored.redacted());
    out.insert("in_force".into(), resolved.describe());
    if let Err(e) = resolved.build() {
        out.insert("problem".into(), e.line().into());
    }
    Ok(Printed::Json(Value::Object(out)))
}
