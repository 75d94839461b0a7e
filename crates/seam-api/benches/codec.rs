//! Micro benchmarks of core's hot path per call, each beside a baseline that does the bare
//! minimum by hand (issue 7):
//!
//! - `encode::seamapi_core` (validate + encode `add_acs_user`) against `encode::baseline`
//!   (`serde_json` of an equivalent plain struct and a hand-built `http::Request` with the same
//!   method, URL and headers, prepared once and cloned) and `encode::baseline_builder` (the
//!   same with `Request::builder()` and headers added one by one);
//! - `decode_ok::seamapi_core` (`{"ok":true}` to `()`) against `decode_ok::baseline`
//!   (`serde_json::from_slice` of the same body into a plain struct);
//! - `decode_invalid_input::seamapi_core` (a 400 `invalid_input` answer to the typed error)
//!   against `decode_invalid_input::baseline` (`serde_json::from_slice::<Value>`).
//!
//! - `decode_devices_page::seamapi_api` (a 100-device `devices/list` page into the generated
//!   `Device` resources) against `decode_devices_page::json_value` (the same body into
//!   `serde_json::Value`).
//!
//! Run with `cargo bench -p seamapi-api --bench codec`. Quote the ratio of each pair from the same
//! run, never an absolute time: the machines this runs on are small and noisy.

use bytes::Bytes;
use divan::black_box;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use seamapi_api::routes::{AddAcsUser, DevicesList, UserIdentityRef};
use seamapi_core::codec::{SDK_NAME, SDK_VERSION};
use seamapi_core::{Config, Encoder, Route};

const ENDPOINT: &str = "http://127.0.0.1:8080";
const API_KEY: &str = "seam_bench_api_key_0000000000000001";
const ACS_USER_ID: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
const USER_IDENTITY_ID: &str = "68dd3d7e-c90b-4c89-ad70-3e589014ed87";
const OK_BODY: &[u8] = br#"{"ok":true}"#;
const INVALID_INPUT_BODY: &[u8] = br#"{"error":{"type":"invalid_input","message":"Invalid input","validation_errors":{"_errors":[],"acs_user_id":{"_errors":["Invalid uuid"]}},"request_id":"req_0000000000000001"},"ok":false}"#;

fn main() {
    divan::main();
}

/// The same parameters as [`AddAcsUser`] by id, as a plain struct.
#[derive(serde::Serialize)]
struct PlainAddAcsUser<'a> {
    user_identity_id: &'a str,
    acs_user_id: &'a str,
}

/// The answer of `add_acs_user`, as a plain struct.
#[derive(serde::Deserialize)]
struct PlainOk {
    #[allow(dead_code)]
    ok: bool,
}

fn response(status: StatusCode, body: &'static [u8]) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        HeaderName::from_static("seam-request-id"),
        HeaderValue::from_static("req_0000000000000001"),
    );
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Validate + encode `add_acs_user`.
mod encode {
    use super::*;

    #[divan::bench]
    fn seamapi_core(bencher: divan::Bencher) {
        let Ok(config) = Config::builder()
            .api_key(API_KEY)
            .endpoint(ENDPOINT)
            .build()
        else {
            return;
        };
        let encoder = Encoder::with_routes(&config, &seamapi_api::ROUTES);
        let params = AddAcsUser::new(ACS_USER_ID, UserIdentityRef::id(USER_IDENTITY_ID));
        bencher.bench_local(|| black_box(&encoder).encode(black_box(&params)).is_ok());
    }

    /// Diagnostic: validation alone, the part of `seamapi_core` the baselines skip.
    #[divan::bench]
    fn validate_only(bencher: divan::Bencher) {
        let params = AddAcsUser::new(ACS_USER_ID, UserIdentityRef::id(USER_IDENTITY_ID));
        bencher.bench_local(|| black_box(&params).validate().is_ok());
    }

    /// The bare minimum: the URL and the header map prepared once and cloned per call, the
    /// body from `serde_json`, no validation.
    #[divan::bench]
    fn baseline(bencher: divan::Bencher) {
        let Some((uri, headers)) = prepared() else {
            return;
        };
        let params = PlainAddAcsUser {
            user_identity_id: USER_IDENTITY_ID,
            acs_user_id: ACS_USER_ID,
        };
        bencher.bench_local(|| {
            let Ok(body) = serde_json::to_vec(black_box(&params)) else {
                return false;
            };
            let mut request = Request::new(Bytes::from(body));
            *request.method_mut() = Method::PUT;
            *request.uri_mut() = black_box(&uri).clone();
            *request.headers_mut() = black_box(&headers).clone();
            true
        });
    }

    /// What a hand-written call typically does: `Request::builder()` with each header added
    /// by name, and the URL parsed from a string.
    #[divan::bench]
    fn baseline_builder(bencher: divan::Bencher) {
        let Ok(auth) = HeaderValue::from_str(&format!("Bearer {API_KEY}")) else {
            return;
        };
        let url = format!("{ENDPOINT}/user_identities/add_acs_user");
        let params = PlainAddAcsUser {
            user_identity_id: USER_IDENTITY_ID,
            acs_user_id: ACS_USER_ID,
        };
        bencher.bench_local(|| {
            let Ok(body) = serde_json::to_vec(black_box(&params)) else {
                return false;
            };
            Request::builder()
                .method(Method::PUT)
                .uri(black_box(url.as_str()))
                .header(AUTHORIZATION, auth.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header("seam-sdk-name", HeaderValue::from_static(SDK_NAME))
                .header("seam-sdk-version", HeaderValue::from_static(SDK_VERSION))
                .header(USER_AGENT, HeaderValue::from_static("seam-rust/bench"))
                .body(Bytes::from(body))
                .is_ok()
        });
    }

    fn prepared() -> Option<(Uri, HeaderMap)> {
        let uri: Uri = format!("{ENDPOINT}/user_identities/add_acs_user")
            .parse()
            .ok()?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {API_KEY}")).ok()?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("seam-sdk-name"),
            HeaderValue::from_static(SDK_NAME),
        );
        headers.insert(
            HeaderName::from_static("seam-sdk-version"),
            HeaderValue::from_static(SDK_VERSION),
        );
        headers.insert(USER_AGENT, HeaderValue::from_static("seam-rust/bench"));
        Some((uri, headers))
    }
}

/// Decode a success, `{"ok":true}`.
mod decode_ok {
    use super::*;

    #[divan::bench]
    fn seamapi_core(bencher: divan::Bencher) {
        let answer = response(StatusCode::OK, OK_BODY);
        bencher.bench_local(|| seamapi_core::decode::<AddAcsUser>(black_box(&answer)).is_ok());
    }

    #[divan::bench]
    fn baseline(bencher: divan::Bencher) {
        let answer = response(StatusCode::OK, OK_BODY);
        bencher.bench_local(|| {
            let answer = black_box(&answer);
            answer.status().is_success() && serde_json::from_slice::<PlainOk>(answer.body()).is_ok()
        });
    }
}

/// Decode a 400 `invalid_input` answer.
mod decode_invalid_input {
    use super::*;

    #[divan::bench]
    fn seamapi_core(bencher: divan::Bencher) {
        let answer = response(StatusCode::BAD_REQUEST, INVALID_INPUT_BODY);
        bencher.bench_local(|| {
            seamapi_core::decode::<AddAcsUser>(black_box(&answer))
                .err()
                .is_some_and(|e| e.invalid_input().is_some())
        });
    }

    #[divan::bench]
    fn baseline(bencher: divan::Bencher) {
        let answer = response(StatusCode::BAD_REQUEST, INVALID_INPUT_BODY);
        bencher.bench_local(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&answer).body()).is_ok()
        });
    }
}

/// A `devices/list` answer of 100 devices (a realistic August lock, `benches/device.json`).
fn devices_page() -> Response<Bytes> {
    let device = include_str!("device.json");
    let devices: Vec<String> = (0..100)
        .map(|i| {
            device.replace(
                "11111111-1111-1111-1111-444444444444",
                &format!("11111111-1111-1111-1111-{i:012}"),
            )
        })
        .collect();
    let body = format!(
        r#"{{"devices":[{}],"pagination":{{"has_next_page":false,"next_page_cursor":null,"next_page_url":null}},"ok":true}}"#,
        devices.join(",")
    );
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = StatusCode::OK;
    response
}

/// Decode a 100-device page: typed resources against a JSON tree.
mod decode_devices_page {
    use super::*;

    #[divan::bench]
    fn seamapi_api(bencher: divan::Bencher) {
        let answer = devices_page();
        assert_eq!(
            seamapi_core::decode::<DevicesList>(&answer)
                .map(|p| p.items.len())
                .ok(),
            Some(100)
        );
        bencher.bench_local(|| seamapi_core::decode::<DevicesList>(black_box(&answer)).is_ok());
    }

    #[divan::bench]
    fn json_value(bencher: divan::Bencher) {
        let answer = devices_page();
        bencher.bench_local(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&answer).body()).is_ok()
        });
    }
}
