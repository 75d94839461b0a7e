//! The commands that call the API: one per route of the generated route table
//! (`seamapi_api::ROUTES`), with the command words from the route's namespace and method name, the
//! flags from its parameters (see `flags`), and one runner for every route: core's rules check
//! the parameters, the credentials are checked against the route's, then the parameters are
//! sent as they are (`send_raw`) and the answer's JSON is printed as the server sent it.

use std::io::Write;

use bytes::Bytes;
use seamapi_core::ActionWait;
use seamapi_core::pager::{Cursors, WalkLimits};
use seamapi_core::params::{ParamSpec, Requirement, validate_json};
use seamapi_core::{
    Config, ConfigError, Encoder, Error, InvalidInput, Pagination, RawRequest, RouteInfo,
    UnexpectedResponse, check_route_auth,
};
use serde_json::{Map, Value};

use crate::fail::CliError;
use crate::session::Session;

/// What a command prints on success.
#[derive(Debug)]
pub enum Printed {
    /// JSON, pretty on a terminal, compact otherwise.
    Json(Value),
    /// Plain text, printed as is (`--dry-run`).
    Text(String),
}

/// The page size a list asks for when it reads every page and no `--limit` is given: small
/// enough that a page stays far below the client's 16 MiB cap on an answer, whatever the
/// server's own default.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One API command: a route of the table.
#[derive(Debug, Clone, Copy)]
pub struct RouteCommand {
    /// The route.
    pub info: &'static RouteInfo,
}

impl RouteCommand {
    /// The command words: the namespace, then the method name, `_` written `-`
    /// (`acs.users.list_accessible_entrances` gives `["acs", "users", "list-accessible-entrances"]`).
    pub fn words(&self) -> Vec<String> {
        self.info
            .namespace
            .iter()
            .chain(std::iter::once(&self.info.method_name))
            .map(|w| w.replace('_', "-"))
            .collect()
    }

    /// Whether the route has a parameter called `name`.
    pub fn has_param(&self, name: &str) -> bool {
        self.info.params.iter().any(|p| p.name == name)
    }
}

/// Every API command, in the order of the route table.
pub fn commands() -> Vec<RouteCommand> {
    seamapi_api::ROUTES
        .iter()
        .map(|info| RouteCommand { info })
        .collect()
}

/// Runs `route` with the collected parameters: core's rules first (the messages the server
/// sends), then the credentials against the route's, then the request (or, with `--dry-run`,
/// what would be sent). A paginated route reads every page unless `limit` or `page_cursor` is
/// given, within `limits`, [`DEFAULT_PAGE_SIZE`] items a page. A route that answers with an
/// action attempt waits for it as `wait` says.
pub fn run(
    session: &Session,
    route: &RouteCommand,
    mut params: Map<String, Value>,
    limits: WalkLimits,
    wait: ActionWait,
) -> Result<Printed, CliError> {
    let info = route.info;
    let errors = validate_json(info.params, &params);
    if !errors.is_empty() {
        return Err(Error::InvalidInput(InvalidInput::local(errors)).into());
    }
    let dry = session.globals.dry_run;
    let (config, placeholder) = match session.config_for(Some(info)) {
        // A dry run shows the request without credentials, with a placeholder said so.
        Err(CliError::Seam(Error::Config(ConfigError::MissingCredentials))) if dry => (
            session
                .resolved_for(Some(info))?
                .builder
                .api_key(PLACEHOLDER_KEY)
                .build()?,
            true,
        ),
        other => (other?, false),
    };
    check_route_auth(&config.credentials, info.name, info.auth)?;
    let one_page = params.contains_key("limit") || params.contains_key("page_cursor");
    let walk = info.paginated && !one_page;
    if walk && route.has_param("limit") {
        params.insert("limit".to_owned(), Value::from(DEFAULT_PAGE_SIZE));
    }
    let request = RawRequest::for_route(info, params);
    if dry {
        return dry_run(session, &config, &request, placeholder);
    }
    let client = session.client_for(Some(info))?.with_action_wait(wait);
    if walk {
        return all_pages(&client, info, request, limits);
    }
    Ok(Printed::Json(printable(client.send_raw(request)?)))
}

/// The answer as printed: the server's JSON without its `ok` flag (so a route that returns
/// nothing prints `{}`, and every field is shown, known to this version or not).
fn printable(answer: Value) -> Value {
    match answer {
        Value::Object(mut map) => {
            map.remove("ok");
            Value::Object(map)
        }
        other => other,
    }
}

fn unexpected(answer: &Value, reason: String) -> CliError {
    let body = serde_json::to_vec(answer).unwrap_or_default();
    Error::UnexpectedResponse(UnexpectedResponse::new(
        http::StatusCode::OK,
        &body,
        reason,
        None,
    ))
    .into()
}

/// Every page of a list, as `{"<key>": [every item]}`: within `limits` and the client's
/// overall deadline (checked before each page), and a cursor the server hands out twice stops
/// the walk with an error instead of a loop.
fn all_pages(
    client: &seamapi_blocking::Seam,
    info: &RouteInfo,
    mut request: RawRequest,
    limits: WalkLimits,
) -> Result<Printed, CliError> {
    let key = info.output_key.unwrap_or("items");
    let mut items: Vec<Value> = Vec::new();
    let first = request
        .params
        .get("page_cursor")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut cursors = Cursors::starting_at(first.as_deref()).with_limits(limits);
    let deadline = client.config().retry.total_timeout;
    let started = std::time::Instant::now();
    loop {
        if started.elapsed() >= deadline {
            return Err(WalkLimits::deadline_error(deadline, cursors.pages()).into());
        }
        let answer = client.send_raw(request.clone())?;
        let page = answer.get(key).and_then(Value::as_array).ok_or_else(|| {
            unexpected(
                &answer,
                format!("the answer of {} has no {key:?} list", info.name),
            )
        })?;
        let count = page.len();
        items.extend(page.iter().cloned());
        // No readable `pagination` means no page follows, as for the typed walk.
        let pagination: Pagination = answer
            .get("pagination")
            .and_then(|p| serde_json::from_value(p.clone()).ok())
            .unwrap_or_default();
        let Some(cursor) = cursors.next(&pagination, count)? else {
            let mut out = Map::new();
            out.insert(key.to_owned(), Value::Array(items));
            return Ok(Printed::Json(Value::Object(out)));
        };
        request
            .params
            .insert("page_cursor".to_owned(), Value::String(cursor));
    }
}

/// The request core's encoder would send, the token redacted.
/// The API key a dry run shows when no credentials are set (`seam_…` once redacted).
const PLACEHOLDER_KEY: &str = "seam_placeholder_no_credentials_set";

fn dry_run(
    session: &Session,
    config: &Config,
    raw: &RawRequest,
    placeholder: bool,
) -> Result<Printed, CliError> {
    let request: http::Request<Bytes> = Encoder::new(config).encode_raw(raw)?;
    let token = config.credentials.token().redacted();
    const NOTE: &str = "no credentials are set: the authorization shown is a placeholder; set SEAM_API_KEY or pass --api-key to send";
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            // Every header that holds a token is marked sensitive by core (authorization,
            // client-session-token, seam-publishable-key): none is printed as sent.
            let value = if name == http::header::AUTHORIZATION {
                format!("Bearer {token}")
            } else if value.is_sensitive() {
                token.clone()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    headers.sort();
    let body = String::from_utf8_lossy(request.body()).into_owned();
    if session.globals.json {
        let headers: Map<String, Value> = headers
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let body: Value = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&body).unwrap_or(Value::String(body))
        };
        let mut out = serde_json::json!({
            "method": request.method().as_str(),
            "url": request.uri().to_string(),
            "headers": headers,
            "body": body,
        });
        if placeholder {
            out["note"] = NOTE.into();
        }
        return Ok(Printed::Json(out));
    }
    if placeholder {
        crate::prompt::say(&format!("note: {NOTE}\n"));
    }
    let mut text = Vec::new();
    let _ = writeln!(text, "{} {}", request.method(), request.uri());
    for (name, value) in headers {
        let _ = writeln!(text, "{name}: {value}");
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "{body}");
    Ok(Printed::Text(String::from_utf8_lossy(&text).into_owned()))
}

/// A parameter's flag spelled with dashes (`user-identity-id`), when it differs.
pub fn dashed(name: &str) -> Option<String> {
    name.contains('_').then(|| name.replace('_', "-"))
}

/// The parameters a request still lacks: each missing required one, and each `OneOf` group
/// with none given (as the list of its names).
pub fn missing(params: &[ParamSpec], given: &Map<String, Value>) -> Vec<Vec<&'static str>> {
    let present = |name: &str| given.get(name).is_some_and(|v| !v.is_null());
    let mut out: Vec<Vec<&'static str>> = params
        .iter()
        .filter(|p| p.requirement == Requirement::Required && !present(p.name))
        .map(|p| vec![p.name])
        .collect();
    let one_of: Vec<&'static str> = params
        .iter()
        .filter(|p| p.requirement == Requirement::OneOf)
        .map(|p| p.name)
        .collect();
    if !one_of.is_empty() && !one_of.iter().any(|n| present(n)) {
        out.push(one_of);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn every_route_has_one_command_and_its_words_are_its_path() {
        let commands = commands();
        assert_eq!(commands.len(), seamapi_api::ROUTES.len());
        let mut seen = BTreeSet::new();
        for c in &commands {
            let from_path: Vec<String> = c
                .info
                .path
                .trim_start_matches('/')
                .split('/')
                .map(|w| w.replace('_', "-"))
                .collect();
            assert_eq!(c.words(), from_path, "{}", c.info.name);
            assert!(seen.insert(c.words()), "{} twice", c.info.name);
        }
        // No command is also a group of commands (`seam a b` and `seam a b c`).
        let all: BTreeMap<Vec<String>, &str> =
            commands.iter().map(|c| (c.words(), c.info.name)).collect();
        for words in all.keys() {
            for n in 1..words.len() {
                assert!(
                    !all.contains_key(&words[..n]),
                    "{words:?} is under a command"
                );
            }
        }
    }

    #[test]
    fn printable_drops_ok_and_keeps_unknown_fields() {
        let answer =
            serde_json::json!({"ok": true, "device": {"id": 1, "new_field": "x"}, "extra": 2});
        assert_eq!(
            printable(answer),
            serde_json::json!({"device": {"id": 1, "new_field": "x"}, "extra": 2})
        );
        assert_eq!(
            printable(serde_json::json!({"ok": true})),
            serde_json::json!({})
        );
    }
}
