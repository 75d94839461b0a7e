//! Encoding and decoding on the wire, without any I/O.
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use http::{Method, StatusCode};
use seamapi_api::routes::{AddAcsUser, GetUserIdentity, ListAcsUsers, UserIdentityRef};
use seamapi_core::{Config, Encoder, Error, decode};

const ACS: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
const UID: &str = "68dd3d7e-c90b-4c89-ad70-3e589014ed87";

fn encoder(config: Config) -> Encoder {
    Encoder::with_routes(&config, &seamapi_api::ROUTES)
}

/// An encoder for an API key and `endpoint`.
fn encoder_at(endpoint: &str) -> Encoder {
    encoder(
        Config::builder()
            .api_key("seam_k")
            .endpoint(endpoint)
            .build()
            .unwrap(),
    )
}

fn response(status: u16, body: &[u8], request_id: Option<&str>) -> http::Response<Bytes> {
    let mut b = http::Response::builder().status(status);
    if let Some(id) = request_id {
        b = b.header("seam-request-id", id);
    }
    b.body(Bytes::copy_from_slice(body)).unwrap()
}

#[test]
fn add_acs_user_with_an_api_key_encodes_exactly() {
    let e = encoder(Config::builder().api_key("seam_key_1").build().unwrap());
    let r = e
        .encode(&AddAcsUser::new(ACS, UserIdentityRef::id(UID)))
        .unwrap();
    assert_eq!(r.method(), Method::PUT);
    assert_eq!(
        r.uri(),
        "https://connect.getseam.com/user_identities/add_acs_user"
    );
    let mut headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
        .collect();
    headers.sort();
    let version = env!("CARGO_PKG_VERSION");
    let expected = [
        ("authorization", "Bearer seam_key_1".to_string()),
        ("content-type", "application/json".to_string()),
        ("seam-sdk-name", "seamapi/rust".to_string()),
        ("seam-sdk-version", version.to_string()),
        ("user-agent", format!("seam-rust/{version}")),
    ];
    assert_eq!(headers, expected.map(|(k, v)| (k.to_string(), v)));
    assert!(r.headers()["authorization"].is_sensitive());
    assert_eq!(
        r.body().as_ref(),
        format!(r#"{{"acs_user_id":"{ACS}","user_identity_id":"{UID}"}}"#).as_bytes()
    );
}

#[test]
fn access_tokens_send_the_workspace() {
    for config in [
        Config::builder()
            .personal_access_token("seam_at1_x", "ws_1")
            .build()
            .unwrap(),
        Config::builder()
            .console_session_token("eyJhbGciOi.x.y", "ws_1")
            .build()
            .unwrap(),
    ] {
        let r = encoder(config)
            .encode(&GetUserIdentity::new(UserIdentityRef::key("jane")))
            .unwrap();
        assert_eq!(r.headers()["seam-workspace"], "ws_1");
        // A read: GET, its parameters in the query string as Seam's JavaScript SDK sends them.
        assert_eq!(r.method(), Method::GET);
        assert_eq!(
            r.uri(),
            "https://connect.getseam.com/user_identities/get?user_identity_key=jane&_strict=true"
        );
        assert!(r.body().is_empty());
    }
}

#[test]
fn a_custom_endpoint_keeps_its_path() {
    let e = encoder_at("http://127.0.0.1:9/base/");
    let r = e.encode(&ListAcsUsers::new()).unwrap();
    assert_eq!(r.uri(), "http://127.0.0.1:9/base/acs/users/list");
    assert!(r.body().is_empty());
    let r = e.encode(&ListAcsUsers::new().limit(5)).unwrap();
    assert_eq!(
        r.uri(),
        "http://127.0.0.1:9/base/acs/users/list?limit=5&_strict=true"
    );
}

#[test]
fn the_uri_parsed_once_is_the_url_as_written() {
    for endpoint in [
        "https://connect.getseam.com",
        "https://connect.getseam.com/",
        "https://example.com:8443/api/v1/",
        "http://127.0.0.1:9",
        "http://[::1]:8080/seam",
        "http://localhost/a/b",
    ] {
        let e = encoder_at(endpoint);
        let add = e
            .encode(&AddAcsUser::new(ACS, UserIdentityRef::id(UID)))
            .unwrap();
        assert_eq!(add.uri().to_string(), e.url::<AddAcsUser>(), "{endpoint}");
        let list = e.encode(&ListAcsUsers::new()).unwrap();
        assert_eq!(
            list.uri().to_string(),
            e.url::<ListAcsUsers>(),
            "{endpoint}"
        );
        assert!(list.uri().to_string().ends_with("/acs/users/list"));
        assert!(!list.uri().to_string().contains("//acs"), "{endpoint}");
    }
}

/// A route of the caller's own, outside core's route table.
#[derive(serde::Serialize)]
struct Custom;

impl seamapi_core::Route for Custom {
    const INFO: seamapi_core::RouteInfo = seamapi_core::RouteInfo {
        index: usize::MAX,
        name: "custom.ping",
        path: "/custom/ping",
        method: seamapi_core::HttpMethod::Post,
        idempotent: true,
        retry_reason: "a ping",
        params: &[],
        output_key: None,
        paginated: false,
        action_attempt: false,
        auth: seamapi_core::AuthSet::WORKSPACE,
        namespace: &["custom"],
        method_name: "ping",
        title: "Ping",
        doc: "",
        deprecated: None,
    };
    type Output = ();
    fn decode_output(body: &[u8]) -> Result<(), serde_json::Error> {
        seamapi_core::codec::decode_void(body)
    }
}

#[test]
fn a_route_outside_the_table_gets_its_uri_from_the_endpoint() {
    for (endpoint, expected) in [
        (
            "https://connect.getseam.com/",
            "https://connect.getseam.com/custom/ping",
        ),
        (
            "http://127.0.0.1:9/base/",
            "http://127.0.0.1:9/base/custom/ping",
        ),
    ] {
        let e = encoder_at(endpoint);
        let r = e.encode(&Custom).unwrap();
        assert_eq!(r.uri(), expected);
        assert_eq!(r.method(), Method::POST);
        assert_eq!(r.body().as_ref(), b"{}");
    }
}

#[test]
fn invalid_parameters_are_never_encoded() {
    let e = encoder(Config::builder().api_key("seam_k").build().unwrap());
    let err = e
        .encode(&AddAcsUser::new("", UserIdentityRef::id("x")))
        .unwrap_err();
    // The server's messages: zod's `uuid()` says "Invalid uuid" for an empty string too.
    assert_eq!(err.validation_messages("acs_user_id"), ["Invalid uuid"]);
    assert_eq!(
        err.validation_messages("user_identity_id"),
        ["Invalid uuid"]
    );
}

#[test]
fn ok_true_and_empty_object_are_success() {
    decode::<AddAcsUser>(&response(200, br#"{"ok":true}"#, None)).unwrap();
    decode::<AddAcsUser>(&response(200, b"{}", None)).unwrap();
}

#[test]
fn a_success_status_with_a_body_that_is_not_json_is_unexpected() {
    for body in [&b""[..], b"OK", b"{\"ok\":", b"<html>"] {
        let e = decode::<AddAcsUser>(&response(200, body, Some("req_x"))).unwrap_err();
        let Error::UnexpectedResponse(u) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(u.status, StatusCode::OK);
        assert_eq!(u.request_id.as_deref(), Some("req_x"));
    }
}

#[test]
fn a_json_error_becomes_an_api_error() {
    let body = br#"{"error":{"type":"user_identity_not_found","message":"User identity not found","data":{"a":1}},"ok":false}"#;
    let e = decode::<AddAcsUser>(&response(404, body, Some("req_1"))).unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.error_type, "user_identity_not_found");
    assert_eq!(api.message, "User identity not found");
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.request_id.as_deref(), Some("req_1"));
    assert_eq!(api.data, Some(serde_json::json!({"a": 1})));
}

#[test]
fn invalid_input_keeps_per_parameter_messages() {
    let body = br#"{"error":{"type":"invalid_input","message":"acs_user_id is required","validation_errors":{"_errors":[],"acs_user_id":{"_errors":["Required"]}}},"ok":false}"#;
    let e = decode::<AddAcsUser>(&response(400, body, Some("req_2"))).unwrap_err();
    let ii = e.invalid_input().unwrap();
    assert_eq!(ii.message, "acs_user_id is required");
    assert_eq!(ii.messages("acs_user_id"), ["Required"]);
    assert_eq!(ii.status, Some(StatusCode::BAD_REQUEST));
    assert_eq!(e.request_id(), Some("req_2"));
    // Without validation_errors it is still invalid input.
    let e = decode::<AddAcsUser>(&response(
        400,
        br#"{"error":{"type":"invalid_input","message":"m"}}"#,
        None,
    ))
    .unwrap_err();
    assert!(e.invalid_input().unwrap().validation_errors.is_empty());
}

#[test]
fn any_401_is_unauthorized() {
    let json = br#"{"error":{"type":"access_token_used_for_api_key","message":"m"},"ok":false}"#;
    for body in [&json[..], b"Unauthorized", b""] {
        let e = decode::<AddAcsUser>(&response(401, body, Some("req_3"))).unwrap_err();
        assert!(e.is_unauthorized(), "{e:?}");
        assert_eq!(e.request_id(), Some("req_3"));
    }
    let e = decode::<AddAcsUser>(&response(401, json, None)).unwrap_err();
    assert_eq!(e.error_type(), Some("access_token_used_for_api_key"));
}

#[test]
fn text_bodies_keep_status_and_text() {
    for (status, body) in [
        (400, "Invalid JSON"),
        (500, "Not implemented!"),
        (404, "404"),
        (502, "<html><body>Bad Gateway</body></html>"),
    ] {
        let e =
            decode::<AddAcsUser>(&response(status, body.as_bytes(), Some("req_4"))).unwrap_err();
        let Error::UnexpectedResponse(u) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(u.status.as_u16(), status);
        assert_eq!(u.body_excerpt, body);
        assert_eq!(u.request_id.as_deref(), Some("req_4"));
        assert!(e.to_string().contains(body), "{e}");
    }
}

#[test]
fn empty_and_truncated_error_bodies_are_unexpected() {
    for body in [&b""[..], br#"{"error":{"type":"x","mess"#] {
        let e = decode::<AddAcsUser>(&response(503, body, None)).unwrap_err();
        assert!(matches!(e, Error::UnexpectedResponse(_)), "{e:?}");
        assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }
}

#[test]
fn hostile_bodies_never_panic() {
    let deep = "[".repeat(10_000);
    let deep_obj = format!(
        r#"{{"error":{{"type":"x","message":"m","data":{}}}}}"#,
        "[".repeat(10_000)
    );
    let bodies: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        deep_obj.into_bytes(),
        vec![0xff, 0xfe, 0x00, 0x80],
        vec![b'a'; 1 << 20],
        br#"{"error":null}"#.to_vec(),
        br#"{"error":{"type":5}}"#.to_vec(),
        br#"{"acs_users":7}"#.to_vec(),
    ];
    for body in &bodies {
        for status in [200, 400, 401, 404, 500] {
            let _ = decode::<AddAcsUser>(&response(status, body, None));
            let _ = decode::<ListAcsUsers>(&response(status, body, None));
            let e = decode::<GetUserIdentity>(&response(status, body, None));
            if let Err(Error::UnexpectedResponse(u)) = e {
                assert!(
                    u.body_excerpt.len() <= seamapi_core::UnexpectedResponse::EXCERPT_LIMIT + 3
                );
            }
        }
    }
}

#[test]
fn list_pages_decode_with_unknown_fields_and_enum_values() {
    let body = br#"{"acs_users":[{"acs_user_id":"d73f4706-67e3-419d-899e-ec957a75ee0c","acs_system_id":"s","workspace_id":"w","display_name":"Jo","external_type":"future_user","is_managed":true,"created_at":"2024-01-01T00:00:00Z","errors":[],"warnings":[],"new":1}],"pagination":{"has_next_page":true,"next_page_cursor":"c","next_page_url":null},"ok":true}"#;
    let page = decode::<ListAcsUsers>(&response(200, body, None)).unwrap();
    assert_eq!(page.items.len(), 1);
    let kept = page.items[0].external_type.as_ref().unwrap();
    assert!(matches!(
        kept,
        seamapi_api::resources::AcsUserExternalType::Unknown(_)
    ));
    assert_eq!(kept.as_str(), "future_user");
    assert!(page.pagination.has_next_page);
    assert_eq!(page.pagination.next_page_cursor.as_deref(), Some("c"));
}
