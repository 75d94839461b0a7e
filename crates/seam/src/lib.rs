//! Async Rust client for the [Seam API](https://docs.seam.co): every documented route of Seam
//! Connect (201), generated from Seam's OpenAPI document, starting with linking access-system
//! users to user identities.
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
//! Every route is a method, nested as Seam's SDKs group them, taking the route's request type
//! from [`routes`] and answering with types from [`resources`]:
//!
//! ```no_run
//! use seam::{resources::ActionAttempt, routes::{LocksList, LocksUnlockDoor}};
//!
//! # async fn run(seam: seam::Seam) -> Result<(), seam::Error> {
//! for lock in seam.locks().list(LocksList::new().limit(20)).await? {
//!     let locked = lock.properties.as_ref().and_then(|p| p.locked);
//!     println!("{} {} {locked:?}", lock.device_id, lock.display_name);
//! }
//! // An unlock answers with an action attempt, and is never retried once it may have
//! // reached Seam.
//! let attempt = seam
//!     .locks()
//!     .unlock_door(LocksUnlockDoor::new("11111111-1111-1111-1111-444444444444"))
//!     .await?;
//! if let ActionAttempt::UnlockDoor(a) = &attempt {
//!     println!("{} {}", a.action_attempt_id, a.status);
//! }
//! // What this version lacks: any path, with the same credentials, errors and deadline.
//! let raw = seam
//!     .send_raw(seam::RawRequest::new(seam::HttpMethod::Get, "/devices/list").param("limit", 5))
//!     .await?;
//! # let _ = raw; Ok(()) }
//! ```
//!
//! Every method validates its parameters before sending ([`Error::InvalidInput`], the same
//! shape as the server's `invalid_input`), retries what is safe to retry (see
//! [`RetryPolicy`]), and reports the server's error type, message, status and request id.
//! The client needs a tokio runtime with its time driver enabled (as `#[tokio::main]` has).
//! For code without async, the `seam-blocking` crate offers the same API.
//!
//! Seam's webhook deliveries are verified and decoded into [`resources::Event`]s by
//! [`webhook::Webhook`], which does no I/O and fits any web framework.

mod client;
mod generated;
mod paginate;

pub use client::{BuildClient, Prepared, Seam, SeamBuilder};
pub use generated::*;
pub use paginate::PageStream;
pub use seam_api::{resources, routes, webhook};
pub use seam_core::{
    ApiError, AuthSet, ConfigError, Credentials, Error, HttpMethod, InvalidInput, Page, Pagination,
    RawRequest, RetryPolicy, Route, RouteInfo, TokenKind, TransportError, UnexpectedResponse,
    UnknownKind, UnknownValue, ValidationErrors,
};
pub use seam_transport::{HyperTransport, Transport};

/// The result of a call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
