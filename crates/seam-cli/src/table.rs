//! The commands that call the API, generated from core's route table (`with_routes!`): the
//! command words from each route's path, the flags from its `PARAMS`, and a runner that turns
//! the collected parameters into the route's request with serde and sends it.

use std::io::Write;

use bytes::Bytes;
use seam_core::params::{ParamKind, ParamSpec, Requirement};
use seam_core::routes::*;
use seam_core::{Encoder, Error, InvalidInput, Paginated, Route};
use serde::Serialize;
use serde::de::DeserializeOwned;
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

/// Runs one route with the collected parameters.
pub type Runner = fn(&Session, Map<String, Value>) -> Result<Printed, CliError>;

/// One API command.
#[derive(Debug, Clone)]
pub struct RouteCommand {
    /// `user_identities.add_acs_user`.
    pub name: &'static str,
    /// `/user_identities/add_acs_user`.
    pub path: &'static str,
    /// The method sent.
    pub method: http::Method,
    /// The parameters, i.e. the flags.
    pub params: &'static [ParamSpec],
    /// The key the answer is printed under; `None` prints `{}`.
    pub output_key: Option<&'static str>,
    /// The route's documentation from the table.
    pub about: &'static str,
    /// Whether `list` prints every page unless `--limit` or `--page-cursor` is given.
    pub paginated: bool,
    /// The runner.
    pub run: Runner,
}

impl RouteCommand {
    /// The command words: `/acs/users/get` gives `["acs", "users", "get"]`.
    pub fn words(&self) -> Vec<String> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(|w| w.replace('_', "-"))
            .collect()
    }
}

macro_rules! runner_for {
    ($route:ident) => {
        run_route::<$route>
    };
    ($route:ident, $all:ident) => {
        run_list::<$route>
    };
}

macro_rules! is_paginated {
    () => {
        false
    };
    ($all:ident) => {
        true
    };
}

macro_rules! command_table {
    ($(
        $ns:ident {
            $(
                $(#[doc = $doc:literal])*
                $method:ident : $route:ident $(, paginated: $all:ident)? ;
            )*
        }
    )*) => {
        /// Every API command, in the order of core's route table.
        pub fn commands() -> Vec<RouteCommand> {
            vec![$($(
                RouteCommand {
                    name: <$route as Route>::NAME,
                    path: <$route as Route>::PATH,
                    method: <$route as Route>::METHOD,
                    params: <$route as Route>::PARAMS,
                    output_key: <$route as Route>::OUTPUT_KEY,
                    about: concat!($($doc, "\n"),*),
                    paginated: is_paginated!($($all)?),
                    run: runner_for!($route $(, $all)?),
                },
            )*)*]
        }
    };
}

seam_core::with_routes!(command_table);

/// Turns the parameters into the route's request: core's rules first (`validate_json`, the
/// same messages the server sends), then serde into the route struct.
fn request<R: Route + DeserializeOwned>(params: Map<String, Value>) -> Result<R, CliError> {
    let errors = seam_core::params::validate_json(R::PARAMS, &params);
    if !errors.is_empty() {
        return Err(Error::InvalidInput(InvalidInput::local(errors)).into());
    }
    serde_json::from_value(Value::Object(params))
        .map_err(|e| CliError::usage(format!("invalid parameters for {}: {e}", R::NAME)))
}

fn output<T: Serialize>(key: Option<&str>, value: T) -> Result<Printed, CliError> {
    let mut out = Map::new();
    if let Some(key) = key {
        let value = serde_json::to_value(value)
            .map_err(|e| CliError::local("output", format!("cannot print the answer: {e}")))?;
        out.insert(key.to_owned(), value);
    }
    Ok(Printed::Json(Value::Object(out)))
}

fn run_route<R: Route + DeserializeOwned>(
    session: &Session,
    params: Map<String, Value>,
) -> Result<Printed, CliError> {
    let req = request::<R>(params)?;
    if session.globals.dry_run {
        return dry_run(session, &req);
    }
    let answer = session.client()?.send(req)?;
    output(R::OUTPUT_KEY, answer)
}

fn run_list<R: Paginated + DeserializeOwned>(
    session: &Session,
    params: Map<String, Value>,
) -> Result<Printed, CliError>
where
    R::Item: Serialize,
{
    let one_page = params.contains_key("limit") || params.contains_key("page_cursor");
    let req = request::<R>(params)?;
    if session.globals.dry_run {
        return dry_run(session, &req);
    }
    let key = R::OUTPUT_KEY.unwrap_or("items");
    let client = session.client()?;
    if one_page {
        let page = client.send(req)?;
        let mut out = Map::new();
        out.insert(key.to_owned(), to_value(&page.items)?);
        out.insert("pagination".to_owned(), to_value(&page.pagination)?);
        Ok(Printed::Json(Value::Object(out)))
    } else {
        let items = client.paginate(req).collect::<Result<Vec<_>, _>>()?;
        output(Some(key), items)
    }
}

fn to_value<T: Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v)
        .map_err(|e| CliError::local("output", format!("cannot print the answer: {e}")))
}

/// The request core's encoder would send, the token redacted.
fn dry_run<R: Route>(session: &Session, req: &R) -> Result<Printed, CliError> {
    let config = session.config()?;
    let request: http::Request<Bytes> = Encoder::new(&config).encode(req)?;
    let redacted = format!("Bearer {}", config.credentials.token().redacted());
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = if name == http::header::AUTHORIZATION {
                redacted.clone()
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
        let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
        return Ok(Printed::Json(serde_json::json!({
            "method": request.method().as_str(),
            "url": request.uri().to_string(),
            "headers": headers,
            "body": body,
        })));
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

/// What a parameter's value looks like, for `--help`.
pub fn value_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Uuid | ParamKind::UuidArray => "UUID",
        ParamKind::NonEmptyString | ParamKind::String => "TEXT",
        ParamKind::Email => "EMAIL",
        ParamKind::DateTime => "RFC3339",
        ParamKind::PositiveInteger => "N",
        _ => "VALUE",
    }
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
