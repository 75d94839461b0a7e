//! Asking for missing parameters on a terminal, with a pick-list from the API where one
//! exists (ACS users for `acs_user_id`, user identities for `user_identity_id`).

use std::io::{BufRead, Write};

use seamapi_api::routes::{ListAcsUsers, ListUserIdentities};
use seamapi_core::params::ParamSpec;
use seamapi_core::{RawRequest, Route, RouteInfo};
use serde_json::{Map, Value};

use crate::fail::CliError;
use crate::flags::{self, Shape};
use crate::session::Session;

/// How many choices a pick-list shows.
const PICK_LIMIT: u32 = 20;

/// Reads one line from stdin, without its line ending; `None` at end of input.
pub fn read_line() -> Result<Option<String>, CliError> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::local("input", format!("cannot read stdin: {e}")))?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

/// Writes `text` to stderr (prompts never go to stdout, which holds the JSON answer).
pub fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// One choice: the id and a label.
struct Choice {
    id: String,
    label: String,
}

fn choices(items: &[Value], id_field: &str) -> Vec<Choice> {
    items
        .iter()
        .filter_map(|v| {
            let id = v.get(id_field)?.as_str()?.to_owned();
            let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
            let mut label = text("full_name")
                .or_else(|| text("display_name"))
                .unwrap_or_default();
            if let Some(email) = text("email_address") {
                label.push_str(&format!(" <{email}>"));
            }
            if let Some(key) = text("user_identity_key") {
                label.push_str(&format!(" key {key}"));
            }
            Some(Choice { id, label })
        })
        .collect()
}

/// The first page of `route`'s list (at most [`PICK_LIMIT`] items), as raw JSON.
fn first_page(session: &Session, route: &'static RouteInfo) -> Result<Vec<Value>, CliError> {
    let client = session.client_for(Some(route))?;
    let mut params = Map::new();
    params.insert("limit".to_owned(), Value::from(PICK_LIMIT));
    let answer = client.send_raw(RawRequest::for_route(route, params))?;
    let key = route.output_key.unwrap_or("items");
    Ok(answer
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

fn pick_list(session: &Session, name: &str) -> Option<Vec<Choice>> {
    let (route, id_field) = match name {
        "acs_user_id" => (&ListAcsUsers::INFO, "acs_user_id"),
        "user_identity_id" => (&ListUserIdentities::INFO, "user_identity_id"),
        _ => return None,
    };
    match first_page(session, route) {
        Ok(items) => Some(choices(&items, id_field)).filter(|list| !list.is_empty()),
        Err(e) => {
            say(&format!(
                "(could not fetch choices for {name}: {})\n",
                e.line()
            ));
            None
        }
    }
}

/// Asks for one value of `spec` (from a pick-list when there is one) and returns it as JSON.
fn ask(session: &Session, spec: &ParamSpec, alternatives: &[&str]) -> Result<Value, CliError> {
    let list = pick_list(session, spec.name);
    let mut question = format!("{} ({})", spec.name, spec.doc.trim());
    if let Some(form) = flags::form_help(spec.kind) {
        question.push_str(&format!(" [{form}]"));
    }
    if alternatives.len() > 1 {
        question = format!("one of {} is required; {question}", alternatives.join(", "));
    }
    say(&format!("{question}\n"));
    if let Some(list) = &list {
        for (i, c) in list.iter().enumerate() {
            say(&format!("  {:>2}) {}  {}\n", i + 1, c.id, c.label));
        }
        say(&format!("{} (number or value): ", spec.name));
    } else {
        say(&format!("{}: ", spec.name));
    }
    let answer = read_line()?
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CliError::usage(format!("no value given for --{}", spec.name)))?;
    if let Some(list) = &list
        && let Ok(n) = answer.parse::<usize>()
        && let Some(choice) = n.checked_sub(1).and_then(|i| list.get(i))
    {
        return Ok(Value::String(choice.id.clone()));
    }
    let invalid =
        |why: String| CliError::usage(format!("invalid value for --{}: {why}", spec.name));
    match flags::shape(spec.kind) {
        // Several items on one line: separated by commas or spaces.
        Shape::Repeated(item) => answer
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| flags::parse(item, s))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
            .map_err(invalid),
        _ => flags::parse(spec.kind, &answer).map_err(invalid),
    }
}

/// Prompts for each missing parameter (the first of each `OneOf` group).
pub fn fill(
    session: &Session,
    specs: &[ParamSpec],
    missing: &[Vec<&'static str>],
    params: &mut Map<String, Value>,
) -> Result<(), CliError> {
    for group in missing {
        let Some(spec) = group
            .first()
            .and_then(|name| specs.iter().find(|s| s.name == *name))
        else {
            continue;
        };
        let value = ask(session, spec, group)?;
        params.insert(spec.name.to_owned(), value);
    }
    Ok(())
}
