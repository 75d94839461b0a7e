//! The sans-IO core of the Rust client for the [Seam API](https://docs.seam.co).
//!
//! This crate knows the API but does no I/O: it has no async runtime, no HTTP client and reads
//! no clock it is not handed. Each endpoint is a [`Route`] type; [`Encoder`] turns one into an
//! `http::Request<Bytes>`, [`decode`] turns an `http::Response<Bytes>` into the route's output
//! or a typed [`Error`], and [`RetryPolicy::decide`] says whether a failed attempt is tried
//! again. The async client (`seam`), the blocking client (`seam-blocking`), the fake server and
//! the CLI are all built on these pieces.
//!
//! ```
//! use bytes::Bytes;
//! use seam_core::{Config, Encoder, decode, routes::{AddAcsUser, UserIdentityRef}};
//!
//! let config = Config::builder().api_key("seam_test_key").build()?;
//! let request = Encoder::new(&config).encode(&AddAcsUser::new(
//!     "d73f4706-67e3-419d-899e-ec957a75ee0c",
//!     UserIdentityRef::key("jane"),
//! ))?;
//! assert_eq!(request.method(), http::Method::PUT);
//! assert_eq!(request.uri(), "https://connect.getseam.com/user_identities/add_acs_user");
//!
//! let response = http::Response::builder().status(200).body(Bytes::from_static(br#"{"ok":true}"#))?;
//! let () = decode::<AddAcsUser>(&response)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod auth;
pub mod codec;
pub mod config;
pub mod error;
mod facade;
#[doc(hidden)]
pub mod fuzzing;
pub mod pager;
pub mod params;
pub mod resources;
pub mod retry;
pub mod route;
pub mod routes;
pub mod secret;

pub use auth::{Credentials, TokenKind};
pub use codec::{Encoder, clone_request, decode, decode_error};
pub use config::{Config, ConfigBuilder, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT, Endpoint, Environment};
pub use error::{
    ApiError, ConfigError, Error, FieldErrors, InvalidInput, TransportError, TransportErrorKind,
    UnexpectedResponse, ValidationErrors,
};
pub use pager::Pager;
pub use resources::{AcsUser, Page, Pagination, UserIdentity};
pub use retry::RetryPolicy;
pub use route::{Paginated, Route};
pub use secret::Secret;

// The route definitions use these paths from inside macros.
#[doc(hidden)]
pub use http;
