//! The [`Route`] trait: one endpoint's description ([`RouteInfo`]), its typed request and how
//! its answer decodes.

use serde::Serialize;

use crate::auth::AuthSet;
use crate::error::InvalidInput;
use crate::params::ParamSpec;
use crate::resources::Page;

/// The HTTP method a route is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`: parameters in the query string.
    Get,
    /// `POST`: parameters as a JSON body.
    Post,
    /// `PUT`: parameters as a JSON body.
    Put,
    /// `PATCH`: parameters as a JSON body.
    Patch,
    /// `DELETE`: parameters in the query string.
    Delete,
}

impl HttpMethod {
    /// The `http` crate's method.
    pub fn to_http(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
            Self::Put => http::Method::PUT,
            Self::Patch => http::Method::PATCH,
            Self::Delete => http::Method::DELETE,
        }
    }

    /// The method's name, e.g. `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// Whether parameters travel in the query string (`GET`, `DELETE`) rather than a JSON
    /// body, as Seam's JavaScript SDK sends them.
    pub fn uses_query(self) -> bool {
        matches!(self, Self::Get | Self::Delete)
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything about one route that is not its Rust types: generated from Seam's OpenAPI
/// document into the route table, and read by the facades, the CLI and the fake.
///
/// New fields may be added; build values only in generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    /// The route's slot in the route table.
    pub index: usize,
    /// `namespace.method`, e.g. `acs.users.get`.
    pub name: &'static str,
    /// The path, e.g. `/acs/users/get`.
    pub path: &'static str,
    /// The method this client sends (Seam accepts `POST` on every route).
    pub method: HttpMethod,
    /// Whether sending the request twice has the same effect as sending it once. Retries after
    /// the request may have reached the server follow this, not the HTTP method.
    pub idempotent: bool,
    /// Why the route is, or is not, safe to repeat.
    pub retry_reason: &'static str,
    /// The parameters, for validation on either side of the wire and for the CLI's flags.
    pub params: &'static [ParamSpec],
    /// The key the result is under in the answer (`user_identity`), `None` for void routes.
    pub output_key: Option<&'static str>,
    /// Whether the answer has `pagination` and the request a `page_cursor`.
    pub paginated: bool,
    /// Whether the answer is (or carries) an action attempt: the action happens after the
    /// answer, and the attempt says when it is done.
    pub action_attempt: bool,
    /// Which credentials may call it.
    pub auth: AuthSet,
    /// The namespace, as Seam's SDKs group routes: `["acs", "users"]`.
    pub namespace: &'static [&'static str],
    /// The method's name in its namespace: `list`.
    pub method_name: &'static str,
    /// A short title, e.g. `Get an ACS User`.
    pub title: &'static str,
    /// The description from the API document (Markdown).
    pub doc: &'static str,
    /// Why the route is deprecated, when it is.
    pub deprecated: Option<&'static str>,
}

/// One endpoint of the Seam API.
///
/// A value of a route type holds the parameters of one call. The facades send it, the fake
/// serves it, the CLI derives its flags from [`RouteInfo::params`], all from this one
/// description.
pub trait Route: Serialize + Send + Sync + 'static {
    /// The route's description.
    const INFO: RouteInfo;

    /// What the call returns to the caller. It serialises back to the JSON it was decoded
    /// from (under the route's output key), so a decoded answer can be compared with the one
    /// sent (`cargo xtask conformance`) or served again.
    type Output: Serialize + Send + 'static;

    /// Decodes a successful answer's body into the output.
    fn decode_output(body: &[u8]) -> Result<Self::Output, serde_json::Error>;

    /// Checks the parameters with the rules of [`RouteInfo::params`], as the server would,
    /// before anything is sent.
    fn validate(&self) -> Result<(), InvalidInput> {
        validate_params(Self::INFO.params, self)
    }
}

/// Checks any serialisable request against `params` with the rules a server applies to a raw
/// body ([`validate_json`](crate::params::validate_json)), as the request serialises itself
/// ([`validate_typed`](crate::validate_typed)), so the typed and raw views cannot disagree.
pub fn validate_params<T: Serialize + ?Sized>(
    params: &[ParamSpec],
    request: &T,
) -> Result<(), InvalidInput> {
    crate::validate_typed(params, request).into_result()
}

/// A `list` route that returns one page at a time.
pub trait Paginated: Route<Output = Page<Self::Item>> + Clone {
    /// The listed resource.
    type Item: Send + 'static;

    /// The cursor this request asks for (`None` for the first page).
    fn page_cursor(&self) -> Option<&str>;

    /// The same request for the page at `cursor`.
    fn with_page_cursor(&self, cursor: String) -> Self;
}

/// Visits every route of a table with its Rust type: for code that needs the types (decoding
/// each route's answer, say) rather than the [`RouteInfo`] data.
pub trait RouteVisitor {
    /// Called once per route, in table order. Every table route can also be read from JSON
    /// (a server, or the CLI, can turn a raw body into the typed request).
    fn route<R: Route + serde::de::DeserializeOwned>(&mut self);
}
