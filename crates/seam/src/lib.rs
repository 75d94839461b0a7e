//! Async Rust client for the [Seam API](https://docs.seam.co): link access-system users to
//! user identities, and the routes around that.
//!
//! ```no_run
//! use seam::{Seam, routes::{AddAcsUser, UserIdentityRef}};
//!
//! # async fn run() -> Result<(), seam::Error> {
//! let seam = Seam::from_env()?; // SEAM_API_KEY, or SEAM_PERSONAL_ACCESS_TOKEN + SEAM_WORKSPACE_ID
//! seam.user_identities()
//!     .add_acs_user(AddAcsUser::new(
//!         "d73f4706-67e3-419d-899e-ec957a75ee0c",
//!         UserIdentityRef::id("68dd3d7e-c90b-4c89-ad70-3e589014ed87"),
//!     ))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Every method validates its parameters before sending ([`Error::InvalidInput`], the same
//! shape as the server's `invalid_input`), retries what is safe to retry (see
//! [`RetryPolicy`]), and reports the server's error type, message, status and request id.
//! The client needs a tokio runtime with its time driver enabled (as `#[tokio::main]` has).
//! For code without async, the `seam-blocking` crate offers the same API.

mod client;
mod generated;
mod paginate;

pub use client::{BuildClient, Seam, SeamBuilder};
pub use generated::*;
pub use paginate::PageStream;
pub use seam_api::{resources, routes};
pub use seam_core::{
    ApiError, AuthSet, ConfigError, Credentials, Error, HttpMethod, InvalidInput, Page, Pagination,
    RawRequest, RetryPolicy, Route, RouteInfo, TokenKind, TransportError, UnexpectedResponse,
    UnknownKind, UnknownValue, ValidationErrors,
};
pub use seam_transport::{HyperTransport, Transport};

/// The result of a call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
