//! Every route of the generated table (`seamapi_api::ROUTES`) through the in-memory fake: the
//! routes the fake does not model are authenticated, method-checked and validated as Seam
//! would, then refused by name with `501 not_implemented`; nothing panics; and query strings
//! written by Seam's rules (`seamapi_core::codec::query_string`) read back as the JSON they came
//! from.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Raw, Req, in_memory};
use seamapi_core::codec::query_string;
use seamapi_core::params::{ParamKind, ParamSpec, Requirement, Rules, validate_json};
use seamapi_core::{AuthSet, HttpMethod, RouteInfo};
use seamapi_fake::{FakeSeam, handler, seed};
use serde_json::{Map, Value, json};

fn not_modelled() -> impl Iterator<Item = &'static RouteInfo> {
    seamapi_api::ROUTES
        .iter()
        .copied()
        .filter(|r| !handler::models(r))
}

/// The request a client sends for `route` with the JSON object `params`: a query string for
/// `GET` and `DELETE`, a JSON body otherwise.
fn request(route: &RouteInfo, method: HttpMethod, params: &Map<String, Value>) -> Req {
    if method.uses_query() {
        let query = query_string(params).unwrap();
        let target = if query.is_empty() {
            route.path.to_owned()
        } else {
            format!("{}?{query}", route.path)
        };
        Req::new(method.as_str(), &target, "").without("content-type")
    } else {
        Req::new(
            method.as_str(),
            route.path,
            &Value::Object(params.clone()).to_string(),
        )
    }
}

/// `req` with credentials `route` accepts: the seeded API key (as [`Req::new`] sets it), or the
/// seeded personal access token, alone or with its workspace.
fn authorized(req: Req, route: &RouteInfo) -> Req {
    if route.auth.is_empty() || route.auth.contains(AuthSet::API_KEY) {
        return req;
    }
    let req = req.header(
        "authorization",
        &format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN),
    );
    if route
        .auth
        .contains(AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE)
    {
        req
    } else {
        req.header("seam-workspace", seed::WORKSPACE_ID)
    }
}

fn is_not_modelled_answer(raw: &Raw, route: &RouteInfo) -> bool {
    raw.status == 501
        && raw.error_type() == "not_implemented"
        && raw.json()["error"]["message"]
            == json!(format!(
                "the fake does not model {} ({}); it validated the request: use Seam's sandbox or the real API",
                route.path, route.name
            ))
}

#[test]
fn a_route_not_modelled_with_no_parameters_names_each_required_one_or_is_not_implemented() {
    let fake = FakeSeam::new();
    let before = fake.state();
    let mut answered = (0, 0);
    for route in not_modelled() {
        let required: Vec<&str> = route
            .params
            .iter()
            .filter(|p| p.requirement == Requirement::Required)
            .map(|p| p.name)
            .collect();
        let one_of: Vec<&str> = route
            .params
            .iter()
            .filter(|p| p.requirement == Requirement::OneOf)
            .map(|p| p.name)
            .collect();
        // An empty body or query with the route's own method; an empty JSON object by POST.
        for req in [
            request(route, route.method, &Map::new()),
            Req::post(route.path, "{}"),
            Req::post(route.path, ""),
        ] {
            let req = authorized(req, route);
            let ctx = format!("{} {} {}", route.name, req.method, req.path);
            let raw = in_memory(&fake, &req);
            assert!(raw.has_request_id(), "{ctx}");
            if required.is_empty() && one_of.is_empty() {
                assert!(
                    is_not_modelled_answer(&raw, route),
                    "{ctx}: {} {}",
                    raw.status,
                    raw.text()
                );
                answered.0 += 1;
                continue;
            }
            assert_eq!(raw.status, 400, "{ctx}: {}", raw.text());
            assert_eq!(raw.error_type(), "invalid_input", "{ctx}");
            let errors = &raw.json()["error"]["validation_errors"];
            for name in &required {
                assert_eq!(
                    errors[name]["_errors"],
                    json!(["Required"]),
                    "{ctx}: {errors}"
                );
            }
            let named = errors
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "_errors");
            assert_eq!(named.count(), required.len(), "{ctx}: {errors}");
            let form = errors["_errors"].as_array().unwrap();
            if one_of.is_empty() {
                assert!(form.is_empty(), "{ctx}: {errors}");
            } else {
                assert_eq!(
                    form,
                    &[json!(format!(
                        "Exactly one of {} is required",
                        one_of.join(", ")
                    ))],
                    "{ctx}"
                );
            }
            answered.1 += 1;
        }
    }
    assert_eq!(
        fake.state(),
        before,
        "a route not modelled changed the state"
    );
    let (not_implemented, invalid) = answered;
    eprintln!("{not_implemented} answers 501, {invalid} answers 400 invalid_input");
    assert_eq!(
        not_implemented + invalid,
        3 * (seamapi_api::ROUTES.len() - handler::MODELLED.len())
    );
    assert!(not_implemented > 0 && invalid > 0);
}

/// A valid value of `kind` under `rules`; with `query`, only one that a query string can
/// carry (`None` for arrays of objects, …). `Any` (a union the table does not describe) is a string:
/// a query string cannot say which type such a value has, so the fake reads it as text.
fn sample(kind: ParamKind, rules: &Rules, query: bool) -> Option<Value> {
    Some(match kind {
        ParamKind::Uuid => json!("5eed0009-0000-4000-8000-000000000001"),
        ParamKind::String => {
            let mut s = String::from("a b+c&d=é");
            let min = rules.min_length.unwrap_or(0) as usize;
            while s.chars().count() < min {
                s.push('x');
            }
            if let Some(max) = rules.max_length {
                s = s.chars().take(max as usize).collect();
            }
            if s.is_empty() {
                return None;
            }
            json!(s)
        }
        ParamKind::Email => json!("jane+1@example.com"),
        ParamKind::DateTime => json!("2024-01-02T03:04:05.678Z"),
        ParamKind::Uri => json!("https://example.com/a?b=c&d=e+f%20g"),
        ParamKind::Boolean => json!(true),
        ParamKind::Integer => json!(number_in(rules, 5)),
        ParamKind::Number => {
            let n = number_in(rules, 5);
            if rules.maximum.is_none_or(|max| n < max) {
                json!(n as f64 + 0.5)
            } else {
                json!(n)
            }
        }
        ParamKind::Enum(values) => json!(values.first()?),
        ParamKind::Array(item) => {
            let item = match item {
                ParamKind::Array(_) | ParamKind::Object(_) | ParamKind::Map(_) if query => {
                    return None;
                }
                other => sample(*other, &Rules::NONE, query)?,
            };
            let mut n = 2usize.max(rules.min_items.unwrap_or(0) as usize);
            if let Some(max) = rules.max_items {
                n = n.min(max as usize);
            }
            if n == 0 {
                return None;
            }
            Value::Array(vec![item; n])
        }
        ParamKind::Object(specs) => {
            let object = sample_object(specs, query)?;
            if object.is_empty() {
                return None;
            }
            Value::Object(object)
        }
        ParamKind::Map(item) => match item {
            ParamKind::Array(_) | ParamKind::Object(_) | ParamKind::Map(_) if query => {
                return None;
            }
            other => {
                let v = sample(*other, &Rules::NONE, query)?;
                json!({ "first": v, "second": v })
            }
        },
        ParamKind::Any => json!("any value"),
        _ => return None,
    })
}

fn number_in(rules: &Rules, wanted: i64) -> i64 {
    let mut n = wanted;
    if let Some(min) = rules.minimum {
        n = n.max(min);
    }
    if let Some(min) = rules.exclusive_minimum {
        n = n.max(min + 1);
    }
    if let Some(max) = rules.maximum {
        n = n.min(max);
    }
    n
}

/// Every parameter of `specs` that [`sample`] can write (only the first of a one-of group);
/// `None` when a required one cannot be written.
fn sample_object(specs: &[ParamSpec], query: bool) -> Option<Map<String, Value>> {
    let mut object = Map::new();
    let mut one_of_done = false;
    for spec in specs {
        if spec.requirement == Requirement::OneOf {
            if one_of_done {
                continue;
            }
            one_of_done = true;
        }
        match sample(spec.kind, &spec.rules, query) {
            Some(v) => {
                object.insert(spec.name.to_owned(), v);
            }
            None if spec.requirement == Requirement::Optional => {}
            None => return None,
        }
    }
    Some(object)
}

/// JSON equality where numbers are equal when they are the same number (`5` and `5.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What kinds of values a sample holds, to show what the round trips covered.
#[derive(Debug, Default)]
struct Covered {
    integers: usize,
    numbers: usize,
    booleans: usize,
    arrays: usize,
    objects: usize,
    maps: usize,
}

fn cover(specs: &[ParamSpec], object: &Map<String, Value>, covered: &mut Covered) {
    for spec in specs {
        if !object.contains_key(spec.name) {
            continue;
        }
        match spec.kind {
            ParamKind::Integer => covered.integers += 1,
            ParamKind::Number => covered.numbers += 1,
            ParamKind::Boolean => covered.booleans += 1,
            ParamKind::Array(_) => covered.arrays += 1,
            ParamKind::Map(_) => covered.maps += 1,
            ParamKind::Object(inner) => {
                covered.objects += 1;
                if let Some(Value::Object(o)) = object.get(spec.name) {
                    cover(inner, o, covered);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn query_strings_of_every_get_and_delete_route_read_back_as_their_json() {
    let fake = FakeSeam::new();
    let mut covered = Covered::default();
    let mut routes = 0;
    for route in seamapi_api::ROUTES.iter().copied() {
        if !route.method.uses_query() {
            continue;
        }
        let Some(params) = sample_object(route.params, true) else {
            panic!("{}: no sample of its required parameters", route.name);
        };
        let query = query_string(&params).unwrap();
        let seen = seamapi_fake::query::parse(&query, route.params);
        assert!(
            same(&Value::Object(params.clone()), &Value::Object(seen.clone())),
            "{}: {query}\n sent {}\n seen {}",
            route.name,
            Value::Object(params),
            Value::Object(seen)
        );
        cover(route.params, &params, &mut covered);
        routes += 1;
        // And the fake, given that query, finds the parameters valid: past validation, a route
        // it does not model is refused by name.
        if !handler::models(route) {
            let raw = in_memory(
                &fake,
                &authorized(request(route, route.method, &params), route),
            );
            assert!(
                is_not_modelled_answer(&raw, route),
                "{} ?{query}: {} {}",
                route.name,
                raw.status,
                raw.text()
            );
        }
    }
    eprintln!("{routes} routes: {covered:?}");
    assert!(routes > 90, "{routes}");
    // No `GET` or `DELETE` route of the table has an object parameter (the next test covers
    // them); maps (`custom_metadata_has.key=value`) are nested by dotted names the same way.
    assert!(
        covered.integers > 0
            && covered.numbers > 0
            && covered.booleans > 0
            && covered.arrays > 0
            && covered.maps > 0,
        "{covered:?}"
    );
}

#[test]
fn one_query_with_an_integer_a_boolean_an_array_and_a_nested_object() {
    const INNER: &[ParamSpec] = &[
        ParamSpec::new("on", ParamKind::Boolean, Requirement::Optional, ""),
        ParamSpec::new("level", ParamKind::Integer, Requirement::Optional, ""),
        ParamSpec::new("name", ParamKind::String, Requirement::Optional, ""),
    ];
    const SPECS: &[ParamSpec] = &[
        ParamSpec::new("limit", ParamKind::Integer, Requirement::Optional, ""),
        ParamSpec::new("is_on", ParamKind::Boolean, Requirement::Optional, ""),
        ParamSpec::new(
            "ids",
            ParamKind::Array(&ParamKind::Uuid),
            Requirement::Optional,
            "",
        ),
        ParamSpec::new(
            "filter",
            ParamKind::Object(INNER),
            Requirement::Optional,
            "",
        ),
    ];
    let body = json!({
        "limit": 20,
        "is_on": false,
        "ids": [seed::ACS_USER_IDS[0], seed::ACS_USER_IDS[1]],
        "filter": {"on": true, "level": -3, "name": "Jane Doe & co"},
    });
    let query = query_string(body.as_object().unwrap()).unwrap();
    assert_eq!(
        query,
        format!(
            "filter.level=-3&filter.name=Jane+Doe+%26+co&filter.on=true&ids={}&ids={}&is_on=false&limit=20&_strict=true",
            seed::ACS_USER_IDS[0],
            seed::ACS_USER_IDS[1]
        )
    );
    assert_eq!(
        Value::Object(seamapi_fake::query::parse(&query, SPECS)),
        body
    );
}

#[test]
fn no_route_panics_and_every_answer_is_one_seam_gives() {
    let fake = FakeSeam::new();
    let before = fake.state();
    for route in not_modelled() {
        let valid = sample_object(route.params, route.method.uses_query()).unwrap();
        // Every parameter of the wrong JSON type.
        let wrong: Map<String, Value> = route
            .params
            .iter()
            .map(|p| {
                let v = match p.kind.json_type() {
                    "string" => json!(7),
                    "any" => json!(null),
                    _ => json!("x"),
                };
                (p.name.to_owned(), v)
            })
            .collect();
        let own = route.method.as_str();
        let not_accepted = if route.method == HttpMethod::Patch {
            "PUT"
        } else {
            "PATCH"
        };
        let verdict = |params: &Map<String, Value>| {
            if validate_json(route.params, params).is_empty() {
                (501, "not_implemented")
            } else {
                (400, "invalid_input")
            }
        };
        let (valid_status, valid_type) = verdict(&valid);
        let (wrong_status, wrong_type) = verdict(&wrong);
        let accepts_api_key = route.auth.is_empty() || route.auth.contains(AuthSet::API_KEY);
        let accepts_pat_alone = route
            .auth
            .contains(AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE);
        let pat_alone = format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN);
        // (request, status, type, whether it carries the seeded API key)
        let cases: Vec<(Req, u16, &str, bool)> = vec![
            (
                request(route, route.method, &valid),
                valid_status,
                valid_type,
                true,
            ),
            (
                Req::post(route.path, &Value::Object(valid.clone()).to_string()),
                valid_status,
                valid_type,
                true,
            ),
            (
                Req::post(
                    &format!("{}/", route.path),
                    &Value::Object(valid.clone()).to_string(),
                ),
                valid_status,
                valid_type,
                true,
            ),
            (
                Req::post(route.path, &Value::Object(wrong).to_string()),
                wrong_status,
                wrong_type,
                true,
            ),
            (Req::post(route.path, "[1,2]"), 400, "invalid_input", true),
            (Req::post(route.path, "{nope"), 400, "", true),
            (
                Req::post(route.path, "{}").header("content-type", "text/plain"),
                400,
                "invalid_content_type",
                true,
            ),
            (
                Req::new(not_accepted, route.path, "{}"),
                405,
                "method_not_allowed",
                true,
            ),
            (
                Req::new(own, route.path, "{}").without("authorization"),
                401,
                "unauthorized",
                false,
            ),
            (
                Req::new(own, route.path, "{}").header("authorization", "Bearer seam_nope"),
                401,
                "unauthorized",
                false,
            ),
            if accepts_pat_alone {
                (
                    request(route, route.method, &valid).header("authorization", &pat_alone),
                    valid_status,
                    valid_type,
                    false,
                )
            } else {
                (
                    Req::new(own, route.path, "{}").header("authorization", &pat_alone),
                    401,
                    "access_token_used_for_api_key",
                    false,
                )
            },
        ];
        for (i, (req, status, error_type, api_key)) in cases.into_iter().enumerate() {
            let ctx = format!("{} case {i}: {} {}", route.name, req.method, req.path);
            let raw = in_memory(&fake, &req);
            assert!(raw.has_request_id(), "{ctx}");
            if api_key && !accepts_api_key {
                // The seeded API key on a route that does not take API keys: refused before
                // anything else, naming what the route takes.
                assert_eq!(raw.status, 401, "{ctx}: {}", raw.text());
                assert_eq!(
                    raw.json()["error"]["message"],
                    json!(format!(
                        "{} cannot be called with an API key; it accepts {}",
                        route.name, route.auth
                    )),
                    "{ctx}"
                );
                continue;
            }
            assert_eq!(raw.status, status, "{ctx}: {}", raw.text());
            match error_type {
                "" => assert_eq!(raw.text(), "Invalid JSON", "{ctx}"),
                "not_implemented" => assert!(is_not_modelled_answer(&raw, route), "{ctx}"),
                _ => assert_eq!(raw.error_type(), error_type, "{ctx}: {}", raw.text()),
            }
            if error_type == "method_not_allowed" {
                let mut methods = vec!["POST", own];
                methods.sort_unstable();
                methods.dedup();
                assert_eq!(
                    raw.json()["error"]["message"],
                    json!(format!("only {} accepted", methods.join(","))),
                    "{ctx}"
                );
            }
        }
        // The samples are valid: every route not modelled answers them with `501`.
        assert_eq!(
            valid_status,
            501,
            "{}: {}",
            route.name,
            Value::Object(valid)
        );
    }
    assert_eq!(fake.state(), before);
    // Paths that are not routes stay a plain 404.
    for path in ["/locks/unlock_doors", "/", "/locks", "/locks/unlock_door/x"] {
        let raw = in_memory(&fake, &Req::post(path, "{}"));
        assert_eq!((raw.status, raw.text()), (404, "404".to_owned()), "{path}");
    }
}

#[test]
fn a_personal_access_token_without_a_workspace_reaches_the_routes_that_take_one() {
    let fake = FakeSeam::new();
    let list = seamapi_api::route_by_path("/workspaces/list").unwrap();
    assert!(
        list.auth
            .contains(AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE)
    );
    let pat = |token: &str| {
        Req::new("GET", list.path, "")
            .without("content-type")
            .header("authorization", &format!("Bearer {token}"))
    };
    let raw = in_memory(&fake, &pat(seed::PERSONAL_ACCESS_TOKEN));
    assert!(is_not_modelled_answer(&raw, list), "{}", raw.text());
    let raw = in_memory(&fake, &pat("seam_at_nope"));
    assert_eq!(raw.status, 401);
    assert_eq!(
        raw.json()["error"]["message"],
        json!("Personal access token not found")
    );
    // With a workspace it may act in, as everywhere.
    let raw = in_memory(
        &fake,
        &pat(seed::PERSONAL_ACCESS_TOKEN).header("seam-workspace", seed::WORKSPACE_ID),
    );
    assert!(is_not_modelled_answer(&raw, list), "{}", raw.text());
}
