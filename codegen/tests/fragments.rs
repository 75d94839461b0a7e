//! The generator on small spec fragments: what each schema shape becomes.
#![allow(clippy::unwrap_used)]

use serde_json::json;

fn spec(paths: serde_json::Value, schemas: serde_json::Value) -> String {
    json!({"openapi": "3.0.0", "paths": paths, "components": {"schemas": schemas}}).to_string()
}

fn op(
    group: &[&str],
    method: &str,
    body: serde_json::Value,
    response: serde_json::Value,
    key: Option<&str>,
) -> serde_json::Value {
    json!({
        "x-fern-sdk-group-name": group,
        "x-fern-sdk-method-name": method,
        "x-response-key": key,
        "x-title": "A title",
        "description": "What it does. See [docs](https://docs.seam.co) and [note].",
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"200": {"content": {"application/json": {"schema": response}}}},
        "security": [{"api_key": []}, {"pat_with_workspace": []}, {"console_session_with_workspace": []}, {"client_session": []}]
    })
}

fn generate(spec: &str, overrides: &str) -> std::collections::BTreeMap<String, String> {
    seamapi_codegen::generate(spec, overrides, "test")
        .unwrap()
        .into_iter()
        .map(|(p, c)| (p.display().to_string(), c))
        .collect()
}

#[test]
fn a_one_of_body_becomes_a_selector_enum_and_a_get_is_a_retried_read() {
    let body = json!({"oneOf": [
        {"type": "object", "properties": {"thing_id": {"type": "string", "format": "uuid"}}, "required": ["thing_id"]},
        {"type": "object", "properties": {"thing_key": {"type": "string"}}, "required": ["thing_key"]}
    ]});
    let response = json!({"type": "object", "properties": {"ok": {"type": "boolean"}, "thing": {"$ref": "#/components/schemas/thing"}}});
    let paths = json!({"/things/get": {"post": op(&["things"], "get", body, response, Some("thing")), "get": {}}});
    let schemas = json!({"thing": {"type": "object", "properties": {
        "thing_id": {"type": "string", "format": "uuid"},
        "kind": {"type": "string", "enum": ["big", "small"]},
        "weight": {"type": "number"},
        "workspace_id": {"type": "string", "format": "uuid"}
    }, "required": ["thing_id", "kind", "weight", "workspace_id"]}});
    let files = generate(&spec(paths, schemas), "");
    let routes = &files["crates/seam-api/src/generated/routes.rs"];
    assert!(routes.contains("pub enum ThingRef"), "{routes}");
    assert!(routes.contains("#[serde(rename = \"thing_id\")]"));
    assert!(routes.contains("Id(String)"));
    assert!(routes.contains("Key(String)"));
    assert!(routes.contains("#[serde(flatten)]"));
    assert!(routes.contains("method: seamapi_core::HttpMethod::Get"));
    assert!(routes.contains("idempotent: true"));
    assert!(routes.contains("AuthSet::WORKSPACE.union(AuthSet::CLIENT_SESSION)"));
    assert!(routes.contains("Requirement::OneOf"));
    // A bare [note] would be a broken intra-doc link; a Markdown link stays.
    assert!(routes.contains("\\[note\\]"));
    assert!(routes.contains("[docs](https://docs.seam.co)"));
    let resources = &files["crates/seam-api/src/generated/resources.rs"];
    // The own id and the enum are hard-required; a required number is optional when decoding.
    assert!(resources.contains("pub thing_id: String"), "{resources}");
    assert!(resources.contains("pub kind: crate::resources::ThingKind"));
    assert!(resources.contains("pub weight: Option<f64>"));
    assert!(resources.contains("crate::support::open_enum!"));
    let facade = &files["crates/seam/src/generated.rs"];
    assert!(facade.contains("pub fn things(&self)"));
    assert!(facade.contains("pub async fn get(&self, params: crate::routes::ThingsGet)"));
}

#[test]
fn a_tagged_one_of_becomes_a_union_and_same_tag_branches_merge() {
    let attempt = |action: &str, status: &str| {
        json!({"type": "object", "description": format!("{action} {status}"), "properties": {
        "attempt_id": {"type": "string", "format": "uuid"},
        "action_type": {"type": "string", "enum": [action]},
        "status": {"type": "string", "enum": [status]},
        "result": if status == "success" { json!({"type": "object", "properties": {"n": {"type": "integer"}}}) } else { json!({"nullable": true}) }
    }, "required": ["attempt_id", "action_type", "status", "result"]})
    };
    let schemas = json!({"attempt": {"oneOf": [
        attempt("OPEN", "pending"), attempt("OPEN", "success"), attempt("CLOSE", "pending")
    ]}});
    let response = json!({"type": "object", "properties": {"action_attempt": {"$ref": "#/components/schemas/attempt"}}});
    let mut open = op(
        &["doors"],
        "open",
        json!({"type": "object", "properties": {}}),
        response,
        Some("action_attempt"),
    );
    open["x-action-attempt-type"] = json!("OPEN");
    let paths = json!({"/doors/open": {"post": open}});
    let files = generate(&spec(paths, schemas), "");
    let resources = &files["crates/seam-api/src/generated/resources.rs"];
    assert!(resources.contains("pub enum Attempt"), "{resources}");
    assert!(resources.contains("Open(OpenAttempt)"));
    assert!(resources.contains("Close(CloseAttempt)"));
    assert!(resources.contains("Unknown(seamapi_core::UnknownKind)"));
    // pending + success of OPEN merge: the status enum holds both, the result is typed.
    assert!(resources.contains("\"pending\""));
    assert!(resources.contains("\"success\""));
    // Text every kind has gets one accessor, read from the JSON for an unknown kind; the tag
    // is `kind()`, and enums are not accessors.
    assert!(
        resources.contains("pub fn attempt_id(&self) -> &str"),
        "{resources}"
    );
    assert!(resources.contains("Self::Close(v) => &v.attempt_id,"));
    assert!(resources.contains("u.raw().get(\"attempt_id\")"));
    assert!(!resources.contains("pub fn action_type(&self)"));
    assert!(!resources.contains("pub fn status(&self)"));
    let routes = &files["crates/seam-api/src/generated/routes.rs"];
    // A POST that starts an action is never retried.
    assert!(routes.contains("action_attempt: true"));
    assert!(routes.contains("idempotent: false"));
    // Its facade method says it is waited for.
    let facade = &files["crates/seam/src/generated.rs"];
    assert!(facade.contains("Returns `Attempt`, finished"), "{facade}");
}

#[test]
fn overrides_name_routes_and_mark_retry_safety_and_exclusions_need_a_reason() {
    let response = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}});
    let body = json!({"type": "object", "properties": {"a_id": {"type": "string", "format": "uuid"}, "n": {"type": "integer", "minimum": 1}}, "required": ["a_id"]});
    let paths = json!({
        "/a/link": {"post": op(&["a"], "link", body.clone(), response.clone(), None)},
        "/a/gone": {"post": op(&["a"], "gone", body, response, None)}
    });
    let overrides = r#"
        [types]
        "/a/link" = "LinkA"
        [idempotent]
        "/a/link" = "linking twice changes nothing"
        [exclude]
        "/a/gone" = "replaced by /a/link"
    "#;
    let files = generate(&spec(paths, json!({})), overrides);
    let routes = &files["crates/seam-api/src/generated/routes.rs"];
    assert!(routes.contains("pub struct LinkA"));
    assert!(routes.contains("linking twice changes nothing"));
    assert!(routes.contains("minimum: Some(1)"));
    assert!(!routes.contains("/a/gone\","));
    let table = &files["crates/seam-api/src/generated/table.rs"];
    assert!(table.contains("(\"/a/gone\", \"replaced by /a/link\")"));
    // An unknown key in the overrides is refused.
    assert!(seamapi_codegen::generate(&spec(json!({}), json!({})), "[typo]\n", "t").is_err());
}

#[test]
fn the_snapshot_is_checked_against_its_recorded_hash() {
    let source = "sha256 = \"00\"\n";
    assert!(seamapi_codegen::check_snapshot(b"{}", source).is_err());
    let good = format!("sha256 = \"{}\"\n", seamapi_codegen::sha256_hex(b"{}"));
    assert!(seamapi_codegen::check_snapshot(b"{}", &good).is_ok());
}

#[test]
fn the_checked_in_snapshot_matches_spec_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = std::fs::read(root.join("spec/seam-connect.openapi.json")).unwrap();
    let source = std::fs::read_to_string(root.join("spec/SOURCE")).unwrap();
    seamapi_codegen::check_snapshot(&spec, &source).unwrap();
}
