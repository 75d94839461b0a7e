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
/// use seamapi_core::codec::RawRequest;
/// use seamapi_core::route::HttpMethod;
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
    /// Whether the answer is an action attempt to wait for, as the client's
    /// [`ActionWait`](crate::ActionWait) says (`false` unless the caller says so).
    pub action_attempt: bool,
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
            action_attempt: false,
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
            action_attempt: crate::action::waits(info),
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

    /// Says whether the answer is an action attempt (`{"action_attempt": {…}}`) that the
    /// client waits for, as it does for a route's (see [`crate::action`]).
    pub fn action_attempt(mut self, action_attempt: bool) -> Self {
        self.action_attempt = action_attempt;
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
        if info.method.uses_query() {
            // The query string needs the parameters as JSON anyway: check that.
            let map = match serde_json::to_value(params) {
                Ok(Value::Object(map)) => map,
                Ok(Value::Null) => Map::new(),
                Ok(other) => {
                    return Err(Error::Encode(format!(
                        "{} parameters must serialise to a JSON object, not {}",
                        info.name,
                        crate::params::json_type(&other)
                    )));
                }
                Err(e) => return Err(Error::Encode(e.to_string())),
            };
            // An empty string is left out of a query string (Seam's serializer): check what is
            // sent, so such a parameter counts as not given.
            let mut map = map;
            map.retain(|_, v| v.as_str() != Some(""));
            validate_json(info.params, &map).into_result()?;
            return self.request(info.index, info.method, info.path, &map);
        }
        // A body: checked as the request serialises itself (no JSON tree built), then written
        // in the request type's field order.
        crate::validate_typed(info.params, params).into_result()?;
        let mut body = serde_json::to_vec(params).map_err(|e| Error::Encode(e.to_string()))?;
        if body == b"null" {
            body = b"{}".to_vec();
        }
        self.with_body(
            info.index,
            info.method,
            info.path,
            String::new(),
            Bytes::from(body),
        )
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
        self.with_body(index, method, path, query, body)
    }

    fn with_body(
        &self,
        index: usize,
        method: HttpMethod,
        path: &str,
        query: String,
        body: Bytes,
    ) -> Result<Request<Bytes>, Error> {
        let mut request = Request::new(body);
        *request.method_mut() = method.to_http();
        *request.uri_mut() = self.uri(index, path, &query)?;
        *request.headers_mut() = self.headers.clone();
        Ok(request)
    }
}

/// The query string of `params` by `@seamapi/url-search-params-serializer` 3.0.3, the rules
/// Seam publishes for SDKs in other languages, with `_strict=true` set as Seam's JavaScript SDK
/// sets it: nested objects flatten to dotted names (`a.b=1`), arrays repeat their name
/// (`ids=a&ids=b`, an empty array is `ids=`), `null` is an empty value, empty strings are left
/// out, names are sorted, numbers are written as JavaScript's `String(n)` writes them, and
/// names and values are form-encoded as `URLSearchParams` does. Names with a dot, and arrays
/// holding empty strings, nulls, arrays or objects cannot be written and are an
/// [`Error::Encode`].
///
/// `crates/seam-core/tests/query_cases.json` holds the cases this is checked against, with the
/// answers of Seam's package; `docs/conformance.md` says how they are made. Two rules that are
/// easy to miss:
///
/// - An integer that serde_json holds exactly (any `i64` or `u64`) is written with all its
///   digits, as the package writes a `BigInt` and as our JSON bodies write it. This is the one
///   place where we part from the package on purpose: given a JavaScript number above 2^53, it
///   writes the nearest double (`18446744073709552000` for `u64::MAX`). A server that reads
///   numbers as doubles gets the same value from either string.
/// - As in the package, an object in an array that has a numeric `epochMilliseconds` (its test
///   for a `Temporal.Instant`) is written as that instant, as `Date.toISOString` writes it;
///   any other object in an array is an error.
///
/// ```
/// let params = serde_json::json!({"limit": 10, "device_ids": ["a", "b"], "search": "", "x": {"y": true}});
/// let query = seamapi_core::codec::query_string(params.as_object().unwrap())?;
/// assert_eq!(query, "device_ids=a&device_ids=b&limit=10&x.y=true&_strict=true");
/// # Ok::<(), seamapi_core::Error>(())
/// ```
pub fn query_string(params: &Map<String, Value>) -> Result<String, Error> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    flatten_query(params, "", &mut pairs)?;
    if pairs.is_empty() {
        return Ok(String::new());
    }
    // A stable sort by name, as `URLSearchParams.sort()`: by UTF-16 code units.
    pairs.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    // `searchParams.set('_strict', 'true')`: the first `_strict` the parameters made takes the
    // value in its place and any others go; without one, it is appended.
    const STRICT: &str = "_strict";
    let mut strict = false;
    pairs.retain_mut(|(k, v)| {
        if k != STRICT {
            return true;
        }
        let first = !strict;
        if first {
            "true".clone_into(v);
            strict = true;
        }
        first
    });
    if !strict {
        pairs.push((STRICT.to_owned(), "true".to_owned()));
    }
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
                        Value::Object(object) => match object.get("epochMilliseconds") {
                            Some(Value::Number(ms)) => instant_text(&name, ms)?,
                            _ => {
                                return Err(unserializable(&name, "an array holds an object"));
                            }
                        },
                        Value::Array(_) => {
                            return Err(unserializable(&name, "an array holds an array"));
                        }
                        other => scalar_text(&name, other)?,
                    };
                    out.push((name.clone(), text));
                }
            }
            other => {
                let text = scalar_text(&name, other)?;
                out.push((name, text));
            }
        }
    }
    Ok(())
}

/// A value that is not an object or an array, as the package writes it.
fn scalar_text(name: &str, v: &Value) -> Result<String, Error> {
    Ok(match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_text(name, n)?,
        Value::Array(_) | Value::Object(_) => {
            return Err(unserializable(name, "it is not a single value"));
        }
    })
}

/// An integer held exactly as its digits; any other number as JavaScript's `String(n)`.
fn number_text(name: &str, n: &serde_json::Number) -> Result<String, Error> {
    if let Some(u) = n.as_u64() {
        return Ok(u.to_string());
    }
    if let Some(i) = n.as_i64() {
        return Ok(i.to_string());
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(js_number(f)),
        _ => Err(unserializable(name, &format!("it is the number {n}"))),
    }
}

/// `Number::toString(x)` of ECMA-262 (radix 10) for a finite `x`: the shortest digits that
/// read back as `x`, in plain notation for magnitudes from 1e-6 up to but excluding 1e21 and as
/// `1.5e+21` / `1e-7` otherwise; `-0` is `0`.
fn js_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let (digits, exponent) = shortest_digits(x.abs());
    let digits = String::from_utf8_lossy(&digits);
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // x = 0.digits * 10^n
    let n = exponent + 1;
    let mut out = String::with_capacity(digits.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n(
            '0',
            usize::try_from(n - k).unwrap_or(0),
        ));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-n).unwrap_or(0)));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

/// The digits ECMA-262 writes for a finite `a > 0`, and the power of ten of the first one:
/// as few digits as read back as `a`, the closest to `a` among those, and of two as close, the
/// one ending in an even digit.
fn shortest_digits(a: f64) -> (Vec<u8>, i64) {
    // Rust's `{:e}` gives the fewest digits that read back as `a`, the closest among them, but
    // breaks an exact tie upwards: `150900614651641.125` is `1.5090061465164113e14` in Rust
    // and `150900614651641.12` in JavaScript.
    let (digits, exponent) = sci_digits(&format!("{a:e}"));
    let Some(&last) = digits.last() else {
        return (digits, exponent);
    };
    if (last - b'0').is_multiple_of(2) {
        return (digits, exponent);
    }
    for (other_last, up) in [(last - 1, false), (last + 1, true)] {
        if other_last > b'9' {
            continue;
        }
        let mut other = digits.clone();
        if let Some(d) = other.last_mut() {
            *d = other_last;
        }
        // A tie: `a` is exactly halfway between the two, and the other reads back as `a` too.
        let mut halfway = if up { digits.clone() } else { other.clone() };
        halfway.push(b'5');
        if read_back(&halfway, exponent) == a
            && read_back(&other, exponent) == a
            && sci_digits(&format!("{a:.800e}")) == (halfway, exponent)
        {
            return (other, exponent);
        }
    }
    (digits, exponent)
}

/// The significant digits (without trailing zeros) and the exponent of `d.ddde<exponent>`.
fn sci_digits(sci: &str) -> (Vec<u8>, i64) {
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exponent.parse().unwrap_or(0))
}

/// The double nearest to `0.digits * 10^(exponent + 1)`.
fn read_back(digits: &[u8], exponent: i64) -> f64 {
    let digits = String::from_utf8_lossy(digits);
    let (first, rest) = digits.split_at(1);
    format!("{first}.{rest}0e{exponent}")
        .parse()
        .unwrap_or(f64::NAN)
}

/// `new Date(ms).toISOString()`: `ms` truncated to an integer, `YYYY-MM-DDTHH:mm:ss.sssZ`
/// with `+YYYYYY` / `-YYYYYY` outside years 0 to 9999, and an error beyond the ±8.64e15 ms
/// a `Date` holds.
fn instant_text(name: &str, ms: &serde_json::Number) -> Result<String, Error> {
    const DAY_MS: i64 = 86_400_000;
    let ms = ms.as_f64().unwrap_or(f64::NAN);
    if ms.is_nan() || ms.abs() > 8.64e15 {
        return Err(unserializable(
            name,
            "an array holds an instant outside the range of a Date",
        ));
    }
    // Exact: |ms| <= 8.64e15 < 2^53.
    let ms = ms.trunc() as i64;
    let (days, time) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{}{:06}", if year < 0 { '-' } else { '+' }, year.abs())
    };
    Ok(format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        time / 3_600_000,
        time / 60_000 % 60,
        time / 1_000 % 60,
        time % 1_000
    ))
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
                format!(
                    "the body is not the JSON {} answers with: {e}",
                    R::INFO.name
                ),
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

/// The output of a route that answers with nothing: any JSON object (`{"ok": true}`, `{}`);
/// anything else (an empty body included) is not Seam's answer.
pub fn decode_void(body: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).and_then(|_| {
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            Ok(())
        } else {
            Err(serde::de::Error::custom("expected a JSON object"))
        }
    })
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
