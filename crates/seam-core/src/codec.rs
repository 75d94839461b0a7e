//! Encoding a route's parameters into an `http::Request<Bytes>` and decoding an
//! `http::Response<Bytes>` into its output or a typed [`Error`].

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::{HeaderMap, Request, Response, StatusCode, Uri};
use serde::Deserialize;

use crate::config::Config;
use crate::error::{ApiError, Error, InvalidInput, UnexpectedResponse, ValidationErrors};
use crate::route::Route;

/// The SDK name sent in `seam-sdk-name`.
pub const SDK_NAME: &str = "seamapi/rust";
/// The SDK version sent in `seam-sdk-version`.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The response header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "seam-request-id";
/// The request header that names the workspace for access tokens.
pub const WORKSPACE_HEADER: &str = "seam-workspace";

/// Turns routes into requests with the headers of one configuration, prepared once.
///
/// The URIs are prepared once too: the URI of every route in the route table is parsed when
/// the encoder is made, so a call formats and parses no URL. A route outside the table gets its
/// URI from its URL, parsed per call.
#[derive(Clone)]
pub struct Encoder {
    base: String,
    /// The URI of each route of [`routes::PATHS`](crate::routes::PATHS), by path.
    uris: Box<[(&'static str, Uri)]>,
    headers: HeaderMap,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The header map holds the token; show only the endpoint.
        f.debug_struct("Encoder")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Encoder {
    /// Prepares the headers every request of `config` carries.
    pub fn new(config: &Config) -> Self {
        let mut headers = HeaderMap::with_capacity(6);
        // The credentials were checked to be visible ASCII, so these cannot fail; fall back
        // to leaving the header out rather than panicking.
        if let Ok(mut auth) =
            HeaderValue::from_str(&format!("Bearer {}", config.credentials.token().expose()))
        {
            auth.set_sensitive(true);
            headers.insert(AUTHORIZATION, auth);
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("seam-sdk-name"),
            HeaderValue::from_static(SDK_NAME),
        );
        headers.insert(
            HeaderName::from_static("seam-sdk-version"),
            HeaderValue::from_static(SDK_VERSION),
        );
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("seam-rust/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(ws) = config.credentials.workspace_id()
            && let Ok(v) = HeaderValue::from_str(ws)
        {
            headers.insert(HeaderName::from_static(WORKSPACE_HEADER), v);
        }
        let base = config.endpoint.as_str().to_owned();
        // `Endpoint` has checked that the base is an absolute http(s) URL without query; the
        // fallback (`None`) formats and parses the URL per call instead.
        let uris = crate::routes::PATHS
            .iter()
            .filter_map(|path| Some((*path, format!("{base}{path}").parse().ok()?)))
            .collect();
        Self {
            base,
            uris,
            headers,
        }
    }

    /// The URL `route` is sent to.
    pub fn url<R: Route>(&self) -> String {
        let mut url = String::with_capacity(self.base.len() + R::PATH.len());
        url.push_str(&self.base);
        url.push_str(R::PATH);
        url
    }

    /// The URI `route` is sent to: prepared for the routes of the table, parsed from its URL
    /// for any other.
    fn uri<R: Route>(&self) -> Result<Uri, Error> {
        match self.uris.iter().find(|(path, _)| *path == R::PATH) {
            Some((_, uri)) => Ok(uri.clone()),
            None => Uri::try_from(self.url::<R>()).map_err(|e| Error::Encode(e.to_string())),
        }
    }

    /// Validates `params` and encodes them: the route's method and URL, the prepared headers,
    /// and a JSON body holding only the parameters given.
    pub fn encode<R: Route>(&self, params: &R) -> Result<Request<Bytes>, Error> {
        params.validate()?;
        let body = serde_json::to_vec(params).map_err(|e| Error::Encode(e.to_string()))?;
        let mut request = Request::new(Bytes::from(body));
        *request.method_mut() = R::METHOD;
        *request.uri_mut() = self.uri::<R>()?;
        *request.headers_mut() = self.headers.clone();
        Ok(request)
    }
}

/// A copy of `request` for another attempt (the body is shared, not copied).
pub fn clone_request(request: &Request<Bytes>) -> Request<Bytes> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The `seam-request-id` of an answer.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type")]
    error_type: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    validation_errors: Option<ValidationErrors>,
}

/// Decodes an answer to `R`: its output on 2xx, otherwise the typed error the answer stands
/// for. No input makes it panic.
pub fn decode<R: Route>(response: &Response<Bytes>) -> Result<R::Output, Error> {
    let status = response.status();
    let body = response.body();
    if status.is_success() {
        return match serde_json::from_slice::<R::Response>(body) {
            Ok(r) => Ok(R::into_output(r)),
            Err(e) => Err(UnexpectedResponse::new(
                status,
                body,
                format!("the body is not the JSON {} answers with: {e}", R::NAME),
                request_id(response.headers()),
            )
            .into()),
        };
    }
    Err(decode_error(status, response.headers(), body))
}

/// The typed error an error answer stands for.
pub fn decode_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    let request_id = request_id(headers);
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { error }) if error.error_type == "invalid_input" => {
            Error::InvalidInput(InvalidInput {
                message: error.message,
                validation_errors: error.validation_errors.unwrap_or_default(),
                status: Some(status),
                request_id,
            })
        }
        Ok(ErrorBody { error }) => {
            let api = ApiError {
                error_type: error.error_type,
                message: error.message,
                status,
                request_id,
                data: error.data,
            };
            if status == StatusCode::UNAUTHORIZED {
                Error::Unauthorized(api)
            } else {
                Error::Api(api)
            }
        }
        Err(_) if status == StatusCode::UNAUTHORIZED => {
            let excerpt = UnexpectedResponse::new(status, body, "", None).body_excerpt;
            Error::Unauthorized(ApiError {
                error_type: "unauthorized".to_owned(),
                message: if excerpt.is_empty() {
                    "Unauthorized".to_owned()
                } else {
                    excerpt
                },
                status,
                request_id,
                data: None,
            })
        }
        Err(e) => {
            let reason = if body.is_empty() {
                "an error status with an empty body".to_owned()
            } else {
                format!("an error status without a Seam error body ({e})")
            };
            UnexpectedResponse::new(status, body, reason, request_id).into()
        }
    }
}
