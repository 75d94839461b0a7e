//! The route table against the snapshot it was generated from: every documented path maps to
//! exactly one route or is excluded with a reason; names and paths are unique; each route's
//! parameters are its serde field names; and decoding is forward compatible.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use seamapi_api::resources::{ActionAttempt, Device, Event};
use seamapi_api::{EXCLUDED, ROUTES};
use seamapi_core::{Route, RouteVisitor};

fn spec() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/seam-connect.openapi.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_documented_path_is_one_route_or_excluded_with_a_reason() {
    let spec = spec();
    let documented: BTreeSet<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| {
            !ops.as_object()
                .unwrap()
                .values()
                .any(|op| op.get("x-undocumented").is_some())
        })
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(documented.len(), 201);
    let mut seen = BTreeSet::new();
    for (i, r) in ROUTES.iter().enumerate() {
        assert_eq!(r.index, i, "{} is in the wrong slot", r.name);
        assert!(seen.insert(r.path), "{} is defined twice", r.path);
        assert!(documented.contains(r.path), "{} is not documented", r.path);
    }
    for (path, why) in EXCLUDED {
        assert!(
            !why.trim().is_empty(),
            "{path} is excluded without a reason"
        );
        assert!(seen.insert(path), "{path} is both a route and excluded");
    }
    let missing: Vec<&String> = documented
        .iter()
        .filter(|p| !seen.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "documented paths with no route: {missing:?}"
    );
    let names: BTreeSet<&str> = ROUTES.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), ROUTES.len(), "route names are not unique");
}

#[test]
fn methods_follow_seams_javascript_sdk() {
    let count = |m: seamapi_core::HttpMethod| ROUTES.iter().filter(|r| r.method == m).count();
    use seamapi_core::HttpMethod::*;
    // @seamapi/http 2.32.0 sends GET 75, DELETE 27, PATCH 23, PUT 10, POST the rest.
    assert_eq!(
        (
            count(Get),
            count(Delete),
            count(Patch),
            count(Put),
            count(Post)
        ),
        (75, 27, 23, 10, 66)
    );
}

#[test]
fn action_attempts_and_creates_are_never_retried() {
    for r in ROUTES.iter() {
        if r.action_attempt || r.method_name.contains("create") {
            assert!(!r.idempotent, "{} would be retried", r.name);
        }
        if r.method == seamapi_core::HttpMethod::Get {
            assert!(r.idempotent, "{} is a read but not retried", r.name);
        }
        assert!(!r.retry_reason.is_empty());
    }
    let with_attempts = ROUTES.iter().filter(|r| r.action_attempt).count();
    assert!(with_attempts >= 30, "{with_attempts}");
}

#[test]
fn credentials_per_route_follow_the_security_schemes() {
    use seamapi_core::AuthSet;
    let client_session = ROUTES
        .iter()
        .filter(|r| r.auth.contains(AuthSet::CLIENT_SESSION))
        .count();
    assert_eq!(client_session, 71);
    let publishable = ROUTES
        .iter()
        .filter(|r| r.auth.contains(AuthSet::PUBLISHABLE_KEY))
        .count();
    assert_eq!(publishable, 2);
    for name in ["workspaces.create", "workspaces.list"] {
        let r = ROUTES.iter().find(|r| r.name == name).unwrap();
        assert!(
            r.auth
                .contains(AuthSet::PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE)
        );
    }
}

/// Every route's parameters, serialised from a request with every optional parameter unset,
/// hold only names its `ParamSpec`s know (the typed and the raw view agree).
struct ParamsAreFields(Vec<String>);

impl RouteVisitor for ParamsAreFields {
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
        let names: BTreeSet<&str> = R::INFO.params.iter().map(|p| p.name).collect();
        if names.len() != R::INFO.params.len() {
            self.0
                .push(format!("{}: a parameter is listed twice", R::INFO.name));
        }
        for p in R::INFO.params {
            if p.doc.contains('\n') {
                self.0.push(format!(
                    "{}.{}: doc is not one paragraph",
                    R::INFO.name,
                    p.name
                ));
            }
        }
    }
}

#[test]
fn every_route_lists_each_parameter_once() {
    let mut v = ParamsAreFields(Vec::new());
    seamapi_api::visit_routes(&mut v);
    assert!(v.0.is_empty(), "{:#?}", v.0);
}

#[test]
fn unknown_union_kinds_and_enum_values_are_kept_and_known_kinds_must_be_right() {
    let unknown = serde_json::json!({
        "event_type": "door.levitated",
        "event_id": "d73f4706-67e3-419d-899e-ec957a75ee0c",
        "workspace_id": "d73f4706-67e3-419d-899e-ec957a75ee0c",
        "created_at": "2024-01-01T00:00:00Z",
        "height": 3
    });
    let event: Event = serde_json::from_value(unknown.clone()).unwrap();
    let Event::Unknown(kept) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(kept.kind(), "door.levitated");
    assert_eq!(event.kind(), "door.levitated");
    assert_eq!(serde_json::to_value(&event).unwrap(), unknown);

    // A known kind with a broken body is an error, not an unknown event.
    let broken = serde_json::json!({"event_type": "lock.unlocked", "created_at": 5});
    assert!(serde_json::from_value::<Event>(broken).is_err());
    // No tag at all is an error too.
    assert!(serde_json::from_value::<Event>(serde_json::json!({"a": 1})).is_err());
}

#[test]
fn an_action_attempt_decodes_by_its_action_type_with_its_status() {
    let pending = serde_json::json!({
        "action_attempt_id": "d73f4706-67e3-419d-899e-ec957a75ee0c",
        "action_type": "UNLOCK_DOOR",
        "status": "pending",
        "result": null,
        "error": null
    });
    let attempt: ActionAttempt = serde_json::from_value(pending).unwrap();
    assert_eq!(attempt.kind(), "UNLOCK_DOOR");
    assert!(matches!(attempt, ActionAttempt::UnlockDoor(_)));
    let future = serde_json::json!({"action_type": "TELEPORT", "status": "pending"});
    let attempt: ActionAttempt = serde_json::from_value(future).unwrap();
    assert!(matches!(attempt, ActionAttempt::Unknown(_)));
}

#[test]
fn a_device_with_unknown_fields_and_values_decodes() {
    let device = serde_json::json!({
        "device_id": "d73f4706-67e3-419d-899e-ec957a75ee0c",
        "workspace_id": "d73f4706-67e3-419d-899e-ec957a75ee0c",
        "created_at": "2024-01-01T00:00:00.000Z",
        "device_type": "a_lock_from_the_future",
        "display_name": "Front door",
        "capabilities_supported": ["lock", "levitate"],
        "properties": {"online": true, "name": "Front door", "brand_new_property": {"x": 1}},
        "errors": [{"error_code": "a_new_error", "message": "m", "is_device_error": true, "created_at": "2024-01-01T00:00:00Z"}],
        "warnings": [],
        "location": null,
        "custom_metadata": {},
        "is_managed": true,
        "can_remotely_unlock": true,
        "a_field_added_later": [1, 2, 3]
    });
    let decoded: Result<Device, _> = serde_json::from_value(device);
    let device = decoded.unwrap();
    assert_eq!(device.device_id, "d73f4706-67e3-419d-899e-ec957a75ee0c");
}

/// For every route, requests built from a few JSON bodies (each parameter given a value of its
/// own kind, a bad value of its kind, or left out) are validated the same way typed (as the
/// request serialises itself) and raw (as the server checks the JSON).
struct TypedAndRawAgree {
    checked: usize,
    disagreements: Vec<String>,
}

fn sample(kind: &seamapi_core::params::ParamKind, bad: bool) -> serde_json::Value {
    use seamapi_core::params::ParamKind as K;
    use serde_json::json;
    match (kind, bad) {
        (K::Uuid, false) => json!("d73f4706-67e3-419d-899e-ec957a75ee0c"),
        (K::Uuid, true) => json!("not-a-uuid"),
        (K::Email, false) => json!("jane@example.com"),
        (K::Email, true) => json!("jane"),
        (K::DateTime, false) => json!("2024-01-01T00:00:00Z"),
        (K::DateTime, true) => json!("yesterday"),
        (K::Uri, false) => json!("https://example.com"),
        (K::Uri, true) => json!("example"),
        (K::String, false) => json!("x"),
        (K::String, true) => json!(""),
        (K::Boolean, _) => json!(true),
        (K::Integer, false) => json!(5),
        (K::Integer, true) => json!(-5),
        (K::Number, false) => json!(21.5),
        (K::Number, true) => json!(-1000),
        (K::Enum(values), false) => json!(values[0]),
        (K::Enum(values), true) => json!(values[values.len() - 1]),
        (K::Array(item), bad) => json!([sample(item, bad), sample(item, false)]),
        (K::Object(specs), bad) => serde_json::Value::Object(
            specs
                .iter()
                .map(|s| (s.name.to_owned(), sample(&s.kind, bad)))
                .collect(),
        ),
        (K::Map(item), bad) => json!({"k": sample(item, bad)}),
        _ => json!("x"),
    }
}

impl RouteVisitor for TypedAndRawAgree {
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
        let params = R::INFO.params;
        let bodies: Vec<serde_json::Value> = [false, true]
            .into_iter()
            .flat_map(|bad| {
                (0..=params.len()).map(move |skip| {
                    let mut seen_one_of = false;
                    serde_json::Value::Object(
                        params
                            .iter()
                            .enumerate()
                            .filter(|(i, p)| {
                                if p.requirement == seamapi_core::params::Requirement::OneOf {
                                    !std::mem::replace(&mut seen_one_of, true)
                                } else {
                                    *i != skip
                                }
                            })
                            .map(|(_, p)| (p.name.to_owned(), sample(&p.kind, bad)))
                            .collect(),
                    )
                })
            })
            .collect();
        for body in bodies {
            let Ok(request) = serde_json::from_value::<R>(body.clone()) else {
                continue;
            };
            self.checked += 1;
            let typed = seamapi_core::validate_typed(params, &request);
            let as_json = serde_json::to_value(&request).unwrap();
            let raw = seamapi_core::params::validate_json(params, as_json.as_object().unwrap());
            if typed != raw {
                self.disagreements.push(format!(
                    "{} {body}: typed {typed:?} raw {raw:?}",
                    R::INFO.name
                ));
            }
        }
    }
}

#[test]
fn typed_and_raw_validation_agree_on_every_route() {
    let mut v = TypedAndRawAgree {
        checked: 0,
        disagreements: Vec::new(),
    };
    seamapi_api::visit_routes(&mut v);
    assert!(v.checked > 400, "only {} requests checked", v.checked);
    assert!(v.disagreements.is_empty(), "{:#?}", v.disagreements);
}
