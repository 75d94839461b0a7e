//! The sans-IO core of the Rust client for the [Seam API](https://docs.seam.co).
//!
//! This crate knows the API but does no I/O: it has no async runtime, no HTTP client and reads
//! no clock it is not handed. Each endpoint is a [`Route`] type; [`Encoder`] turns one into an
//! `http::Request<Bytes>`, [`decode`] turns an `http::Response<Bytes>` into the route's output
//! or a typed [`Error`], and [`RetryPolicy::decide`] says whether a failed attempt is tried
//! again. The async client (`seamapi`), the blocking client (`seamapi-blocking`), the fake server and
//! the CLI are all built on these pieces.
//!
//! ```
//! use bytes::Bytes;
//! use seamapi_core::{Config, Encoder, codec::RawRequest, decode_raw, route::HttpMethod};
//!
//! let config = Config::builder().api_key("seam_test_key").build()?;
//! let request = Encoder::new(&config).encode_raw(
//!     &RawRequest::new(HttpMethod::Get, "/devices/list").param("limit", 10),
//! )?;
//! assert_eq!(request.method(), http::Method::GET);
//! assert_eq!(request.uri(), "https://connect.getseam.com/devices/list?limit=10&_strict=true");
//!
//! let response = http::Response::builder().status(200).body(Bytes::from_static(br#"{"devices":[],"ok":true}"#))?;
//! assert_eq!(decode_raw(&response)?["devices"], serde_json::json!([]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The routes themselves, and the resources they return, are generated from Seam's OpenAPI
//! document into the `seamapi-api` crate.
#![doc(html_root_url = "https://docs.rs/seamapi-core/0.1.0")]

pub mod action;
pub mod auth;
pub mod codec;
pub mod config;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod network;
pub mod pager;
pub mod params;
pub mod resources;
pub mod retry;
pub mod route;
pub mod scrub;
pub mod secret;
mod typed;
pub mod webhook;

pub use action::ActionWait;
pub use auth::{AuthSet, Credentials, TokenKind, check_auth_kind, check_route_auth};
pub use codec::{Encoder, RawRequest, clone_request, decode, decode_error, decode_raw};
pub use config::{
    BuildClient, Builder, Config, ConfigBuilder, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT, Endpoint,
    Environment,
};
pub use error::{
    ActionAttemptError, ApiError, Attempts, ConfigError, Error, FieldErrors, InvalidInput,
    ProxyFailure, TlsFailure, TransportError, TransportErrorKind, UnexpectedResponse,
    ValidationErrors,
};
pub use network::{Proxies, ProxyEnvironment};
pub use pager::Pager;
pub use resources::{Page, Pagination, Timestamp, UnknownKind, UnknownValue};
pub use retry::RetryPolicy;
pub use route::{HttpMethod, Paginated, Route, RouteInfo, RouteVisitor};
pub use secret::Secret;
pub use typed::validate_typed;
pub use webhook::{WebhookError, WebhookHeaders, WebhookVerifier};

// Generated code names these through core.
#[doc(hidden)]
pub use {http, serde, serde_json, time};
