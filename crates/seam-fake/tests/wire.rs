//! The wire behaviour, request by request, through raw HTTP: in memory (the Transport) and
//! over TCP (the server). Both must give the same status, body kind and `seam-request-id`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Raw, Req, in_memory, over_tcp};
use seamapi_api::routes::AddAcsUser;
use seamapi_core::Route;
use seamapi_core::params::validate_json;
use seamapi_fake::{FakeSeam, FakeServer, seed};
use serde_json::{Value, json};

const ADD: &str = "/user_identities/add_acs_user";

enum Expect {
    /// 200 with this JSON body.
    Ok(Value),
    /// 200 with a body whose `key` is present.
    OkWith(&'static str),
    /// A JSON error of this status, type and (when given) message.
    Error(u16, &'static str, Option<&'static str>),
    /// A text body.
    Text(u16, &'static str),
}

fn cases() -> Vec<(&'static str, Req, Expect)> {
    let jane = seed::USER_IDENTITY_ID;
    let a0 = seed::ACS_USER_IDS[0];
    let add_body = format!(r#"{{"acs_user_id":"{a0}","user_identity_id":"{jane}"}}"#);
    vec![
        (
            "no Authorization header",
            Req::post(ADD, &add_body).without("authorization"),
            Expect::Error(401, "unauthorized", Some("No Authorization header")),
        ),
        (
            "no Bearer prefix",
            Req::post(ADD, &add_body).header("authorization", seed::API_KEY),
            Expect::Error(401, "unauthorized", Some("No token provided")),
        ),
        (
            "unknown API key",
            Req::post(ADD, &add_body).header("authorization", "Bearer seam_nope"),
            Expect::Error(401, "unauthorized", Some("API Key not found")),
        ),
        (
            "PAT without seam-workspace",
            Req::post(ADD, &add_body).header(
                "authorization",
                &format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN),
            ),
            Expect::Error(401, "access_token_used_for_api_key", None),
        ),
        (
            "PAT with a workspace it cannot access",
            Req::post(ADD, &add_body)
                .header(
                    "authorization",
                    &format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN),
                )
                .header("seam-workspace", seed::OTHER_WORKSPACE_ID),
            Expect::Error(401, "unauthorized", None),
        ),
        (
            "unknown PAT",
            Req::post(ADD, &add_body)
                .header("authorization", "Bearer seam_at_nope")
                .header("seam-workspace", seed::WORKSPACE_ID),
            Expect::Error(401, "unauthorized", None),
        ),
        (
            "GET is not accepted (after auth)",
            Req::new("GET", ADD, ""),
            Expect::Error(405, "method_not_allowed", Some("only POST,PUT accepted")),
        ),
        (
            "auth is checked before the method",
            Req::new("GET", ADD, "").without("authorization"),
            Expect::Error(401, "unauthorized", Some("No Authorization header")),
        ),
        (
            "DELETE is not accepted",
            Req::new("DELETE", ADD, &add_body),
            Expect::Error(405, "method_not_allowed", Some("only POST,PUT accepted")),
        ),
        (
            "PATCH is not accepted",
            Req::new("PATCH", ADD, &add_body),
            Expect::Error(405, "method_not_allowed", Some("only POST,PUT accepted")),
        ),
        (
            "GET on create",
            Req::new("GET", "/user_identities/create", ""),
            Expect::Error(405, "method_not_allowed", Some("only POST accepted")),
        ),
        (
            "PUT on delete",
            Req::new("PUT", "/user_identities/delete", "{}"),
            Expect::Error(405, "method_not_allowed", Some("only DELETE,POST accepted")),
        ),
        (
            "malformed JSON",
            Req::post(ADD, "{nope"),
            Expect::Text(400, "Invalid JSON"),
        ),
        (
            "non-JSON content type",
            Req::post(ADD, "acs_user_id=x")
                .header("content-type", "application/x-www-form-urlencoded"),
            Expect::Error(400, "invalid_content_type", None),
        ),
        (
            "a JSON body that is not an object",
            Req::post(ADD, "[1]"),
            Expect::Error(
                400,
                "invalid_input",
                Some("Expected object, received array"),
            ),
        ),
        (
            "missing acs_user_id",
            Req::post(ADD, &format!(r#"{{"user_identity_id":"{jane}"}}"#)),
            Expect::Error(400, "invalid_input", Some("acs_user_id is required")),
        ),
        (
            "acs_user_id not a uuid",
            Req::post(
                ADD,
                &format!(r#"{{"acs_user_id":"nope","user_identity_id":"{jane}"}}"#),
            ),
            Expect::Error(
                400,
                "invalid_input",
                Some("Invalid uuid for \"acs_user_id\""),
            ),
        ),
        (
            "acs_user_id a number",
            Req::post(
                ADD,
                &format!(r#"{{"acs_user_id":7,"user_identity_id":"{jane}"}}"#),
            ),
            Expect::Error(
                400,
                "invalid_input",
                Some("Expected string, received number for \"acs_user_id\""),
            ),
        ),
        (
            "neither id nor key",
            Req::post(ADD, &format!(r#"{{"acs_user_id":"{a0}"}}"#)),
            Expect::Error(
                400,
                "invalid_input",
                Some("Exactly one of user_identity_id, user_identity_key is required"),
            ),
        ),
        (
            "unknown route",
            Req::post("/user_identities/nope", "{}"),
            Expect::Text(404, "404"),
        ),
        (
            "add with PUT",
            Req::new("PUT", ADD, &add_body),
            Expect::Ok(json!({"ok": true})),
        ),
        (
            "re-adding with POST changes nothing",
            Req::post(ADD, &add_body),
            Expect::Ok(json!({"ok": true})),
        ),
        (
            "GET with a query string",
            Req::new("GET", "/user_identities/get?user_identity_key=jane", "")
                .without("content-type"),
            Expect::OkWith("user_identity"),
        ),
        (
            "GET with query limit",
            Req::new(
                "GET",
                &format!(
                    "/acs/users/list?limit=2&acs_system_id={}",
                    seed::HQ_ACS_SYSTEM_ID
                ),
                "",
            )
            .without("content-type"),
            Expect::OkWith("pagination"),
        ),
        (
            "GET with a bad query limit",
            Req::new("GET", "/acs/users/list?limit=0", "").without("content-type"),
            Expect::Error(
                400,
                "invalid_input",
                Some("Number must be greater than 0 for \"limit\""),
            ),
        ),
        (
            "DELETE with a query string",
            Req::new(
                "DELETE",
                &format!(
                    "/user_identities/remove_acs_user?user_identity_id={jane}&acs_user_id={a0}"
                ),
                "",
            )
            .without("content-type"),
            Expect::Ok(json!({"ok": true})),
        ),
        (
            "PAT with its workspace",
            Req::post("/user_identities/get", r#"{"user_identity_key":"jane"}"#)
                .header(
                    "authorization",
                    &format!("Bearer {}", seed::PERSONAL_ACCESS_TOKEN),
                )
                .header("seam-workspace", seed::WORKSPACE_ID),
            Expect::OkWith("user_identity"),
        ),
        (
            "unknown ACS user",
            Req::post(
                "/acs/users/get",
                r#"{"acs_user_id":"00000000-0000-4000-8000-000000000000"}"#,
            ),
            Expect::Error(404, "acs_user_not_found", None),
        ),
        (
            "another workspace's ACS user is invisible",
            Req::post(
                "/acs/users/get",
                &format!(r#"{{"acs_user_id":"{}"}}"#, seed::OTHER_ACS_USER_ID),
            ),
            Expect::Error(404, "acs_user_not_found", Some("ACS user not found")),
        ),
        (
            "another workspace's API key cannot see jane",
            Req::post(
                "/user_identities/get",
                &format!(r#"{{"user_identity_id":"{jane}"}}"#),
            )
            .header("authorization", &format!("Bearer {}", seed::OTHER_API_KEY)),
            Expect::Error(
                404,
                "user_identity_not_found",
                Some("User identity not found"),
            ),
        ),
        (
            "a query string as Seam's SDKs write it",
            Req::new(
                "GET",
                &format!(
                    "/user_identities/list?created_before=2030-01-01T00%3A00%3A00.000Z&limit=5&user_identity_ids={jane}&user_identity_ids={jane}&_strict=true"
                ),
                "",
            )
            .without("content-type"),
            Expect::OkWith("user_identities"),
        ),
        (
            "a route the fake does not model, valid",
            Req::post(
                "/locks/unlock_door",
                r#"{"device_id":"5eed0005-0000-4000-8000-000000000001"}"#,
            ),
            Expect::Error(
                501,
                "not_implemented",
                Some(
                    "the fake does not model /locks/unlock_door (locks.unlock_door); it validated the request: use Seam's sandbox or the real API",
                ),
            ),
        ),
        (
            "a route the fake does not model, by GET with a query string",
            Req::new("GET", "/devices/list?limit=10&device_ids=5eed0005-0000-4000-8000-000000000001&_strict=true", "")
                .without("content-type"),
            Expect::Error(501, "not_implemented", None),
        ),
        (
            "a route the fake does not model, invalid",
            Req::post("/locks/unlock_door", r#"{"device_id":"nope"}"#),
            Expect::Error(
                400,
                "invalid_input",
                Some("Invalid uuid for \"device_id\""),
            ),
        ),
        (
            "a route the fake does not model, wrong method",
            Req::new("GET", "/locks/unlock_door", "").without("content-type"),
            Expect::Error(405, "method_not_allowed", Some("only POST accepted")),
        ),
        (
            "a route the fake does not model, no credentials",
            Req::post("/locks/unlock_door", "{}").without("authorization"),
            Expect::Error(401, "unauthorized", Some("No Authorization header")),
        ),
        (
            "an API key on a route that takes none",
            Req::post("/workspaces/create", r#"{"name":"x"}"#),
            Expect::Error(401, "unauthorized", None),
        ),
        (
            "acs/users/get naming no user",
            Req::post("/acs/users/get", "{}"),
            Expect::Error(400, "invalid_input", Some("acs_user_id is required")),
        ),
        (
            "acs/users/get by user identity is not modelled",
            Req::post(
                "/acs/users/get",
                &format!(r#"{{"user_identity_id":"{jane}"}}"#),
            ),
            Expect::Error(501, "not_implemented", None),
        ),
        (
            "acs/users/get naming both",
            Req::post(
                "/acs/users/get",
                &format!(r#"{{"user_identity_id":"{jane}","acs_user_id":"{a0}"}}"#),
            ),
            Expect::Error(
                400,
                "invalid_input",
                Some("You can only provide acs_user_id or user_identity_id"),
            ),
        ),
        (
            "acs/users/get in another access system",
            Req::post(
                "/acs/users/get",
                &format!(
                    r#"{{"acs_user_id":"{a0}","acs_system_id":"{}"}}"#,
                    seed::ANNEX_ACS_SYSTEM_ID
                ),
            ),
            Expect::Error(404, "acs_user_not_found", None),
        ),
        (
            "acs/users/get in its access system",
            Req::post(
                "/acs/users/get",
                &format!(
                    r#"{{"acs_user_id":"{a0}","acs_system_id":"{}"}}"#,
                    seed::HQ_ACS_SYSTEM_ID
                ),
            ),
            Expect::OkWith("acs_user"),
        ),
        (
            "an empty user_identity_key",
            Req::post(ADD, &format!(r#"{{"acs_user_id":"{a0}","user_identity_key":""}}"#)),
            Expect::Error(
                400,
                "invalid_input",
                Some("String must contain at least 1 character(s) for \"user_identity_key\""),
            ),
        ),
        (
            "charset in the content type is fine",
            Req::post("/user_identities/get", r#"{"user_identity_key":"jane"}"#)
                .header("content-type", "application/json; charset=utf-8"),
            Expect::OkWith("user_identity"),
        ),
    ]
}

fn check(name: &str, via: &str, raw: &Raw, expect: &Expect) {
    let ctx = format!("{name} ({via}): {} {}", raw.status, raw.text());
    assert!(raw.has_request_id(), "{ctx}: no seam-request-id");
    match expect {
        Expect::Ok(body) => {
            assert_eq!(raw.status, 200, "{ctx}");
            assert_eq!(&raw.json(), body, "{ctx}");
        }
        Expect::OkWith(key) => {
            assert_eq!(raw.status, 200, "{ctx}");
            let json = raw.json();
            assert_eq!(json["ok"], json!(true), "{ctx}");
            assert!(json.get(*key).is_some(), "{ctx}");
        }
        Expect::Error(status, error_type, message) => {
            assert_eq!(raw.status, *status, "{ctx}");
            assert!(
                raw.header("content-type")
                    .unwrap()
                    .starts_with("application/json"),
                "{ctx}"
            );
            let json = raw.json();
            assert_eq!(json["ok"], json!(false), "{ctx}");
            assert_eq!(json["error"]["type"], json!(error_type), "{ctx}");
            if let Some(m) = message {
                assert_eq!(json["error"]["message"], json!(m), "{ctx}");
            }
            assert_eq!(
                json["error"].get("validation_errors").is_some(),
                *error_type == "invalid_input",
                "{ctx}"
            );
        }
        Expect::Text(status, text) => {
            assert_eq!(raw.status, *status, "{ctx}");
            assert!(
                raw.header("content-type")
                    .unwrap()
                    .starts_with("text/plain"),
                "{ctx}"
            );
            assert_eq!(raw.text(), *text, "{ctx}");
        }
    }
}

#[test]
fn every_case_in_memory() {
    let fake = FakeSeam::new();
    for (name, req, expect) in cases() {
        check(name, "memory", &in_memory(&fake, &req), &expect);
    }
    assert_eq!(fake.state().check_links(), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_over_tcp() {
    let fake = FakeSeam::new();
    let server = FakeServer::start("127.0.0.1:0", fake.clone())
        .await
        .unwrap();
    for (name, req, expect) in cases() {
        check(
            name,
            "tcp",
            &over_tcp(server.local_addr(), &req).await,
            &expect,
        );
    }
    server.stop().await.unwrap();
    assert_eq!(fake.state().check_links(), Ok(()));
}

#[test]
fn validation_errors_are_cores_zod_shape() {
    let fake = FakeSeam::new();
    for body in [
        json!({"user_identity_id": seed::USER_IDENTITY_ID}),
        json!({"acs_user_id": "nope", "user_identity_key": ""}),
        json!({"acs_user_id": 7, "user_identity_id": "x", "user_identity_key": "k"}),
        json!({}),
    ] {
        let raw = in_memory(&fake, &Req::post(ADD, &body.to_string()));
        assert_eq!(raw.status, 400);
        let expected = validate_json(AddAcsUser::INFO.params, body.as_object().unwrap());
        let json = raw.json();
        assert_eq!(
            json["error"]["validation_errors"],
            serde_json::to_value(&expected).unwrap(),
            "{body}"
        );
        assert_eq!(
            json["error"]["message"],
            json!(expected.summary()),
            "{body}"
        );
    }
    let raw = in_memory(&fake, &Req::post(ADD, "{}"));
    assert_eq!(
        raw.json()["error"]["validation_errors"]["acs_user_id"]["_errors"],
        json!(["Required"])
    );
}

#[test]
fn request_ids_differ() {
    let fake = FakeSeam::new();
    let req = Req::post("/user_identities/get", r#"{"user_identity_key":"jane"}"#);
    let a = in_memory(&fake, &req);
    let b = in_memory(&fake, &req);
    assert_ne!(a.header("seam-request-id"), b.header("seam-request-id"));
}

#[test]
fn failed_requests_change_nothing() {
    let fake = FakeSeam::new();
    let before = fake.state();
    for (name, req, expect) in cases() {
        if matches!(expect, Expect::Error(..) | Expect::Text(..)) {
            let raw = in_memory(&fake, &req);
            assert!(raw.status >= 400, "{name}");
        }
    }
    assert_eq!(fake.state(), before);
}
