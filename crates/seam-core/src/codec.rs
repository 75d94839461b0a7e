//! Encoding a route's parameters into an `http::Request<Bytes>` and decoding an
//! `http::Response<Bytes>` into its output or a typed [`Error`].

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::{HeaderMap, Request, Response, StatusCode, Uri};
use serde::Deserialize;
use serde::Deserializer as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::auth::AuthSet;
use crate::config::Config;
use crate::error::{ApiError, Error, InvalidInput, UnexpectedResponse, ValidationErrors};
use crate::params::validate_json;
use crate::resources::{Page, Pagination};
use crate::route::{HttpMethod, Route, RouteInfo};

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
/// The URIs are prepared once too: the URI of every route of the route table handed to
/// [`Encoder::with_routes`] is parsed when the encoder is made and found by the route's slot,
/// so a call formats and parses no URL (but for the query string of a `GET` or `DELETE` with
/// parameters). A route outside the table gets its URI from its URL, parsed per call.
#[derive(Clone)]
pub struct Encoder {
    base: String,
    /// The URI of each route of the table, by [`RouteInfo::index`].
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

/// A request to any path, for what the route table lacks: the same headers, errors, deadline
/// and retries as a route, retried only when [`RawRequest::idempotent`] says so.
///
/// ```
/// use seam_core::codec::RawRequest;
/// use seam_core::route::HttpMethod;
/// let request = RawRequest::new(HttpMethod::Post, "/devices/new_route")
///     .param("device_id", "d73f4706-67e3-419d-899e-ec957a75ee0c");
/// assert!(!request.idempotent);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RawRequest {
    /// The method: parameters go in the query string for `GET` and `DELETE`, in a JSON body
    /// otherwise.
    pub method: HttpMethod,
    /// The path, e.g. `/devices/get`.
    pub path: String,
    /// The parameters.
    pub params: Map<String, Value>,
    /// Whether the request may be sent again after it may have reached the server (`false`
    /// unless the caller says so).
    pub idempotent: bool,
    /// The credentials the route accepts, when known: others are refused before sending.
    pub auth: Option<AuthSet>,
}

impl RawRequest {
    /// A request to `path` with no parameters, not retried once it may have reached the server.
    pub fn new(method: HttpMethod, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            params: Map::new(),
            idempotent: false,
            auth: None,
        }
    }

    /// The request of a table route, with its method, path, retry safety and credentials.
    pub fn for_route(info: &RouteInfo, params: Map<String, Value>) -> Self {
        Self {
            method: info.method,
            path: info.path.to_owned(),
            params,
            idempotent: info.idempotent,
            auth: Some(info.auth),
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }

    /// All parameters at once, replacing any given before.
    pub fn params(mut self, params: Map<String, Value>) -> Self {
        self.params = params;
        self
    }

    /// Says whether the request is safe to send again (reads, and writes that leave the same
    /// state when repeated).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

impl Encoder {
    /// Prepares the headers every request of `config` carries; no URI is prepared.
    pub fn new(config: &Config) -> Self {
        Self::with_routes(config, &[])
    }

    /// Prepares the headers every request of `config` carries, and the URI of every route of
    /// `routes` (the generated route table), found later by the route's slot.
    pub fn with_routes(config: &Config, routes: &[&'static RouteInfo]) -> Self {
        let mut headers = HeaderMap::with_capacity(7);
        // Per kind of credentials (`Credentials::auth_headers`): `authorization` (not for a
        // publishable key), `seam-workspace` for access tokens acting in a workspace,
        // `client-session-token` for a client session token, `seam-publishable-key` for a
        // publishable key; those holding a token are marked sensitive.
        headers.extend(config.credentials.auth_headers());
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
        let base = config.endpoint.as_str().to_owned();
        // `Endpoint` has checked that the base is an absolute http(s) URL without query; a
        // path that does not parse is left out and formatted and parsed per call instead.
        let uris = routes
            .iter()
            .map(|info| {
                let uri = format!("{base}{}", info.path)
                    .parse()
                    .unwrap_or_else(|_| Uri::from_static("/"));
                (info.path, uri)
            })
            .collect();
        Self {
            base,
            uris,
            headers,
        }
    }

    /// The URL `path` is sent to.
    pub fn url_of(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
    }

    /// The URL `route` is sent to (without its query string).
    pub fn url<R: Route>(&self) -> String {
        self.url_of(R::INFO.path)
    }

    /// The URI of `info` with `query`: prepared for the routes of the table, parsed from its
    /// URL for any other or when there is a query string.
    fn uri(&self, index: usize, path: &str, query: &str) -> Result<Uri, Error> {
        if query.is_empty()
            && let Some((p, uri)) = self.uris.get(index)
            && *p == path
        {
            return Ok(uri.clone());
        }
        let mut url = self.url_of(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        Uri::try_from(url).map_err(|e| Error::Encode(e.to_string()))
    }

    /// Validates `params` and encodes them: the route's method and URL, the prepared headers,
    /// and the parameters given, as a JSON body, or in the query string for `GET` and
    /// `DELETE` (Seam's rules for SDKs, see [`query_string`]).
    pub fn encode<R: Route>(&self, params: &R) -> Result<Request<Bytes>, Error> {
        let info = &R::INFO;
        let value = serde_json::to_value(params).map_err(|e| Error::Encode(e.to_string()))?;
        let map = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => {
                return Err(Error::Encode(format!(
                    "{} parameters must serialise to a JSON object, not {}",
                    info.name,
                    crate::params::json_type(&other)
                )));
            }
        };
        validate_json(info.params, &map).into_result()?;
        self.request(info.index, info.method, info.path, &map)
    }

    /// Encodes a [`RawRequest`]: no validation (the server does it), the same headers.
    pub fn encode_raw(&self, raw: &RawRequest) -> Result<Request<Bytes>, Error> {
        if !raw.path.starts_with('/') {
            return Err(Error::Encode(format!(
                "the path {:?} must start with '/'",
                raw.path
            )));
        }
        self.request(usize::MAX, raw.method, &raw.path, &raw.params)
    }

    fn request(
        &self,
        index: usize,
        method: HttpMethod,
        path: &str,
        params: &Map<String, Value>,
    ) -> Result<Request<Bytes>, Error> {
        let (query, body) = if method.uses_query() {
            (query_string(params)?, Bytes::new())
        } else {
            let body = serde_json::to_vec(params).map_err(|e| Error::Encode(e.to_string()))?;
            (String::new(), Bytes::from(body))
        };
        let mut request = Request::new(body);
        *request.method_mut() = method.to_http();
        *request.uri_mut() = self.uri(index, path, &query)?;
        *request.headers_mut() = self.headers.clone();
        Ok(request)
    }
}

/// The query string of `params` by `@seamapi/url-search-params-serializer`, the rules Seam
/// publishes for SDKs in other languages, plus `_strict=true` as Seam's JavaScript SDK adds:
/// nested objects flatten to dotted names (`a.b=1`), arrays repeat their name (`ids=a&ids=b`,
/// an empty array is `ids=`), `null` is an empty value, empty strings are left out, keys are
/// sorted, and values are form-encoded as `URLSearchParams` does. Names with a dot, arrays
/// holding empty strings, nulls or objects cannot be written and are an
/// [`Error::Encode`].
///
/// ```
/// let params = serde_json::json!({"limit": 10, "device_ids": ["a", "b"], "search": "", "x": {"y": true}});
/// let query = seam_core::codec::query_string(params.as_object().unwrap())?;
/// assert_eq!(query, "device_ids=a&device_ids=b&limit=10&x.y=true&_strict=true");
/// # Ok::<(), seam_core::Error>(())
/// ```
pub fn query_string(params: &Map<String, Value>) -> Result<String, Error> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    flatten_query(params, "", &mut pairs)?;
    if pairs.is_empty() {
        return Ok(String::new());
    }
    // A stable sort by name, as `URLSearchParams.sort()` (names here are ASCII or compare the
    // same by UTF-16 code units for the characters Seam's parameters use).
    pairs.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    pairs.push(("_strict".to_owned(), "true".to_owned()));
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_encode(k, &mut out);
        out.push('=');
        form_encode(v, &mut out);
    }
    Ok(out)
}

fn unserializable(name: &str, why: &str) -> Error {
    Error::Encode(format!("could not serialize parameter '{name}': {why}"))
}

fn flatten_query(
    params: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    for (key, value) in params {
        if key.contains('.') {
            return Err(unserializable(key, "its name contains a dot"));
        }
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten_query(inner, &name, out)?,
            Value::String(s) if s.is_empty() => {}
            Value::Array(items) if items.is_empty() => out.push((name, String::new())),
            Value::Array(items) => {
                for item in items {
                    let text = match item {
                        Value::String(s) if s.is_empty() => {
                            return Err(unserializable(&name, "an array holds an empty string"));
                        }
                        Value::Null => {
                            return Err(unserializable(&name, "an array holds null"));
                        }
                        Value::Array(_) | Value::Object(_) => {
                            return Err(unserializable(
                                &name,
                                "an array holds an array or an object",
                            ));
                        }
                        other => scalar_text(other),
                    };
                    out.push((name.clone(), text));
                }
            }
            other => out.push((name, scalar_text(other))),
        }
    }
    Ok(())
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `application/x-www-form-urlencoded` as `URLSearchParams` writes it: `*-._` and ASCII
/// letters and digits as they are, space as `+`, every other byte as `%XX`.
fn form_encode(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
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
        return R::decode_output(body).map_err(|e| {
            UnexpectedResponse::new(
                status,
                body,
                format!("the body is not the JSON {} answers with: {e}", R::INFO.name),
                request_id(response.headers()),
            )
            .into()
        });
    }
    Err(decode_error(status, response.headers(), body))
}

/// Decodes an answer as JSON, as it was sent: the body on 2xx (`{}` for an empty body),
/// otherwise the typed error the answer stands for.
pub fn decode_raw(response: &Response<Bytes>) -> Result<Value, Error> {
    let status = response.status();
    let body = response.body();
    if status.is_success() {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Map::new()));
        }
        return serde_json::from_slice(body).map_err(|e| {
            UnexpectedResponse::new(
                status,
                body,
                format!("the body is not JSON: {e}"),
                request_id(response.headers()),
            )
            .into()
        });
    }
    Err(decode_error(status, response.headers(), body))
}

/// The output of a route that answers with nothing: any JSON object (`{"ok": true}`), or an
/// empty body.
pub fn decode_void(body: &[u8]) -> Result<(), serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    serde_json::from_slice::<Map<String, Value>>(body).map(|_| ())
}

/// The value under `key` of an answer's JSON object, decoded as `T`; the other keys are
/// skipped without being decoded.
pub fn decode_field<T: DeserializeOwned>(
    body: &[u8],
    key: &'static str,
) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (value, _) = de.deserialize_map(Fields::<T> {
        key,
        pagination: false,
        _t: std::marker::PhantomData,
    })?;
    de.end()?;
    value.ok_or_else(|| serde::de::Error::missing_field(key))
}

/// The items under `key` and the `pagination` of a list answer (no `pagination` means no
/// page follows).
pub fn decode_page<T: DeserializeOwned>(
    body: &[u8],
    key: &'static str,
) -> Result<Page<T>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (items, pagination) = de.deserialize_map(Fields::<Vec<T>> {
        key,
        pagination: true,
        _t: std::marker::PhantomData,
    })?;
    de.end()?;
    Ok(Page {
        items: items.ok_or_else(|| serde::de::Error::missing_field(key))?,
        pagination: pagination.unwrap_or_default(),
    })
}

struct Fields<'k, T> {
    key: &'k str,
    pagination: bool,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Fields<'_, T> {
    type Value = (Option<T>, Option<Pagination>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a JSON object with {:?}", self.key)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut pagination = None;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if k == self.key && value.is_none() {
                value = Some(map.next_value::<T>()?);
            } else if self.pagination && k == "pagination" {
                pagination = map.next_value::<Option<Pagination>>()?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok((value, pagination))
    }
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
