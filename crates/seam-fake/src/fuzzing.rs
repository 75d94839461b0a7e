//! The body of the `fake_request` fuzz target. Not part of the API: the `fuzz/` crate
//! (`cargo fuzz`) calls it with libFuzzer's inputs, and an ordinary test replays every
//! committed corpus file through it.
//!
//! An input is up to [`MAX_REQUESTS`] requests separated by a line `~~~`, each in the format
//! of [`seamapi_core::fuzzing::Message`] with `METHOD TARGET` as its start line:
//!
//! ```text
//! PUT /user_identities/add_acs_user
//! authorization: Bearer seam_sandbox_api_key_0000000000000001
//! content-type: application/json
//!
//! {"acs_user_id":"5eed0002-0000-4000-8000-000000000001","user_identity_key":"jane"}
//! ~~~
//! GET /user_identities/list_acs_users?user_identity_key=jane
//! authorization: Bearer seam_sandbox_api_key_0000000000000001
//! ```
//!
//! They run in order through the in-process [`handler::handle`] against a fresh seeded
//! [`State`], so memory stays bounded and every input replays the same way.

use std::sync::OnceLock;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{Method, Request, Response, StatusCode, Uri};
use seamapi_core::codec::{REQUEST_ID_HEADER, decode, decode_error};
use seamapi_core::fuzzing::Message;
use seamapi_core::params::{MAX_VALIDATION_MESSAGE_BYTES, MAX_VALIDATION_MESSAGES};
use seamapi_core::{Error, Route, RouteVisitor};

use crate::handler;
use crate::state::State;

/// The most requests one input sends; the rest of the input is ignored.
pub const MAX_REQUESTS: usize = 8;

/// The line between two requests of one input.
pub const SEPARATOR: &[u8] = b"\n~~~\n";

/// Fuzz target `fake_request`: sends the input's requests to a seeded fake.
///
/// Panics when an invariant breaks: an answer other than 200, a 4xx, or a `501
/// not_implemented` from a route of the table; one without a `seam-request-id` or a content
/// type, a JSON answer that is not JSON, an error body that
/// core does not decode into a typed Seam error, a 200 that core does not decode as the
/// route's answer, a refused request or one said to change nothing that changed the state,
/// or links that no longer agree both ways. Requests whose start line is not a method and a
/// URI are skipped.
pub fn handle_requests(data: &[u8]) {
    static SEEDED: OnceLock<State> = OnceLock::new();
    let mut state = SEEDED.get_or_init(State::seeded).clone();
    for chunk in split(data).take(MAX_REQUESTS) {
        let Some(request) = request(chunk) else {
            continue;
        };
        let before = state.clone();
        let handled = handler::handle(&mut state, &request);
        let response = &handled.response;
        check_response(request.uri(), response);
        if !handled.changed || response.status() != StatusCode::OK {
            assert!(
                state == before,
                "{} {} ({}) changed the state without saying so",
                request.method(),
                request.uri(),
                response.status()
            );
        }
        if let Err(e) = state.check_links() {
            panic!("{} {}: {e}", request.method(), request.uri());
        }
    }
}

/// The input's requests, split at [`SEPARATOR`].
fn split(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let data = rest?;
        match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(i) => {
                rest = Some(&data[i + SEPARATOR.len()..]);
                Some(&data[..i])
            }
            None => {
                rest = None;
                Some(data)
            }
        }
    })
}

/// One request, when its start line is `METHOD TARGET` with a valid method and URI.
fn request(chunk: &[u8]) -> Option<Request<Bytes>> {
    let message = Message::parse(chunk);
    let space = message.start.iter().position(|&b| b == b' ')?;
    let method = Method::from_bytes(&message.start[..space]).ok()?;
    let uri = Uri::try_from(message.start[space + 1..].trim_ascii()).ok()?;
    let mut request = Request::new(Bytes::copy_from_slice(message.body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = message.headers;
    Some(request)
}

/// Checks one answer on its own, and against core's decoding.
fn check_response(uri: &Uri, response: &Response<Bytes>) {
    let status = response.status();
    assert!(
        status == StatusCode::OK
            || status.is_client_error()
            || (status == StatusCode::NOT_IMPLEMENTED && handler::route_of(uri.path()).is_some()),
        "{uri}: status {status}"
    );
    assert!(
        response.headers().contains_key(REQUEST_ID_HEADER),
        "{uri}: no request id"
    );
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{uri}: no content type"));
    if !content_type.starts_with("application/json") {
        assert!(
            status.is_client_error(),
            "{uri}: {status} as {content_type}"
        );
        return;
    }
    assert!(
        serde_json::from_slice::<serde_json::Value>(response.body()).is_ok(),
        "{uri}: JSON answer that is not JSON"
    );
    if status == StatusCode::OK {
        decodes_as_route(uri.path(), response);
        return;
    }
    match decode_error(status, response.headers(), response.body()) {
        Error::Api(e) | Error::Unauthorized(e) => {
            assert!(!e.error_type.is_empty(), "{uri}: an error without a type");
            assert_eq!(
                e.error_type == "not_implemented",
                status == StatusCode::NOT_IMPLEMENTED,
                "{uri}: {status} {}",
                e.error_type
            );
        }
        Error::InvalidInput(e) => {
            assert!(!e.validation_errors.is_empty() || !e.message.is_empty());
            // The validator's output is bounded whatever the input (issue 15): at most
            // MAX_VALIDATION_MESSAGES messages, plus the note that it stopped and the one-of
            // message, each at most MAX_VALIDATION_MESSAGE_BYTES.
            let v = &e.validation_errors;
            let messages: Vec<&String> = v
                .form
                .iter()
                .chain(v.fields.values().flat_map(|f| &f.errors))
                .collect();
            assert!(
                messages.len() <= MAX_VALIDATION_MESSAGES + 2,
                "{uri}: {} validation messages",
                messages.len()
            );
            for m in messages {
                assert!(
                    m.len() <= MAX_VALIDATION_MESSAGE_BYTES,
                    "{uri}: a validation message of {} bytes",
                    m.len()
                );
            }
        }
        other => panic!("{uri}: core reads the fake's {status} as {other:?}"),
    }
}

/// Calls core's `decode` for the route at `path` (as the fake routes it: a trailing `/` is
/// dropped) and checks it succeeds.
fn decodes_as_route(path: &str, response: &Response<Bytes>) {
    struct DecodeAs<'a> {
        path: &'a str,
        response: &'a Response<Bytes>,
        found: bool,
    }
    impl RouteVisitor for DecodeAs<'_> {
        fn route<R: Route + serde::de::DeserializeOwned>(&mut self) {
            if R::INFO.path != self.path {
                return;
            }
            self.found = true;
            if let Err(e) = decode::<R>(self.response) {
                panic!("{}: core cannot decode the fake's 200: {e}", R::INFO.name);
            }
        }
    }
    let Some(route) = handler::route_of(path) else {
        panic!("{path}: a 200 from a path that is no route");
    };
    assert!(
        handler::models(route),
        "{path}: a 200 from a route the fake does not model"
    );
    let mut visitor = DecodeAs {
        path: route.path,
        response,
        found: false,
    };
    seamapi_api::visit_routes(&mut visitor);
    assert!(visitor.found, "{path}: not in the table's visitor");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_split_into_at_most_the_requests_they_hold() {
        let parts: Vec<&[u8]> = split(b"a\n~~~\nb\n~~~\n").collect();
        assert_eq!(parts, [&b"a"[..], b"b", b""]);
        assert_eq!(split(b"").count(), 1);
        let r = request(b"PUT /x?y=1\ncontent-type: application/json\n\n{}").unwrap();
        assert_eq!((r.method(), r.uri().query()), (&Method::PUT, Some("y=1")));
        assert_eq!(r.body().as_ref(), b"{}");
        assert!(request(b"PUT").is_none());
        assert!(request(b"P T /x").is_none());
        assert!(request(b"GET not a uri").is_none());
    }

    #[test]
    fn every_route_of_the_table_holds_the_invariants_with_an_empty_request() {
        let mut data = Vec::new();
        for (i, route) in seamapi_api::ROUTES.iter().enumerate() {
            if i % MAX_REQUESTS == 0 && !data.is_empty() {
                handle_requests(&data);
                data.clear();
            }
            if !data.is_empty() {
                data.extend_from_slice(SEPARATOR);
            }
            data.extend_from_slice(
                format!(
                    "{} {}\nauthorization: Bearer {}\ncontent-type: application/json\n\n{{}}",
                    route.method,
                    route.path,
                    crate::seed::API_KEY
                )
                .as_bytes(),
            );
        }
        handle_requests(&data);
    }
}
